#pragma once

// The GUI's language: which catalogue to load and how. The catalogues (translations/mdsync_<lang>.ts) are
// compiled into mdsync_ui under :/mdsync/i18n; Qt's own strings (dialog buttons, context menus) come from
// qtbase_<lang>.qm in Qt's translations folder (Debian: qt6-translations-l10n). The language is chosen once at
// start-up (see docs/TRANSLATIONS.md): the --lang option > the setting "ui/language" > the system locale;
// English when none of them has a catalogue.

#include <QDateTime>
#include <QString>
#include <QStringList>

class QMenu;
class QWidget;

namespace mdsync::ui {

// The QSettings key holding the user's choice ("" or missing = system default, else "en", "de", "fr").
inline constexpr const char* kLanguageSettingKey = "ui/language";

// Languages the GUI ships: "en" (the source language) and every language with an embedded catalogue.
QStringList availableLanguages();

// The language to use: the first of `requested`, `stored` and `systemUiLanguages` (BCP 47 names such as
// "de-CH" or "fr_FR", as from QLocale::uiLanguages()) whose language is available; "en" when none is.
QString chooseLanguage(const QString& requested, const QString& stored, const QStringList& systemUiLanguages);

struct LanguageChoice
{
    QString language; // "en", "de", "fr"
    bool appCatalogue = false; // the MDSync catalogue was installed (always false for "en")
    bool qtCatalogue = false; // Qt's own qtbase_<language>.qm was installed
    QString warning; // e.g. --lang names a language without a catalogue
};

// Chooses the language (requested = the --lang value, may be empty), installs the translators on the
// application and sets QLocale::setDefault() so that QLocale() formats numbers and dates in that language.
// Call once, after the QApplication exists and before any widget is built.
LanguageChoice installTranslations(const QString& requested);

// A UTC time for people: the locale's short date and the time with seconds, plus " UTC" when withZone
// (German: "28.11.26 18:16:57 UTC"). Machine formats (exports, JSON, SQL, correlation ids) stay ISO 8601.
QString formatUtcDateTime(const QDateTime& utc, bool withZone = true);

// View → Language: System default / English / Deutsch / Français. Stores the choice in the setting and tells
// the user that it takes effect after a restart.
QMenu* createLanguageMenu(QWidget* parent);

} // namespace mdsync::ui
