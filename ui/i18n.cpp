#include "i18n.h"

#include <QActionGroup>
#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QTranslator>

namespace mdsync::ui {

namespace {

const QString kI18nCatalogueDir = QStringLiteral(":/mdsync/i18n");

// "de-CH", "de_DE", "DE" → "de".
QString languageOf(const QString& name)
{
    return name.section(QLatin1Char('-'), 0, 0).section(QLatin1Char('_'), 0, 0).trimmed().toLower();
}

} // namespace

QStringList availableLanguages()
{
    QStringList langs { QStringLiteral("en") };
    const QStringList files
        = QDir(kI18nCatalogueDir).entryList({ QStringLiteral("mdsync_*.qm") }, QDir::Files, QDir::Name);
    for (const QString& f : files) {
        const QString l = f.mid(7, f.size() - 7 - 3); // mdsync_<l>.qm
        if (!l.isEmpty() && !langs.contains(l))
            langs << l;
    }
    return langs;
}

QString chooseLanguage(const QString& requested, const QString& stored, const QStringList& systemUiLanguages)
{
    const QStringList available = availableLanguages();
    for (const QString& candidate : { requested, stored }) {
        const QString l = languageOf(candidate);
        if (!l.isEmpty() && available.contains(l))
            return l;
    }
    for (const QString& s : systemUiLanguages) {
        const QString l = languageOf(s);
        if (available.contains(l))
            return l;
    }
    return QStringLiteral("en");
}

LanguageChoice installTranslations(const QString& requested)
{
    LanguageChoice c;
    const QString stored = QSettings().value(QLatin1String(kLanguageSettingKey)).toString();
    const QLocale system = QLocale::system();
    c.language = chooseLanguage(requested, stored, system.uiLanguages());
    if (!requested.isEmpty() && languageOf(requested) != c.language) {
        c.warning = QStringLiteral("no translation for language '%1' (available: %2); using %3")
                        .arg(requested, availableLanguages().join(QStringLiteral(", ")), c.language);
    }

    // Formatting follows the chosen language; the system's country variant is kept when the languages agree.
    const QLocale locale = languageOf(system.name()) == c.language ? system : QLocale(c.language);
    QLocale::setDefault(locale);
    if (c.language == QLatin1String("en"))
        return c; // the source language: no catalogue

    auto* app = QCoreApplication::instance();
    auto* qt = new QTranslator(app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
            QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt);
        c.qtCatalogue = true;
    } else {
        delete qt;
    }
    auto* own = new QTranslator(app);
    if (own->load(QStringLiteral("mdsync_") + c.language, kI18nCatalogueDir)) {
        QCoreApplication::installTranslator(own);
        c.appCatalogue = true;
    } else {
        delete own;
        c.warning = QStringLiteral("cannot load the catalogue %1/mdsync_%2.qm").arg(kI18nCatalogueDir, c.language);
    }
    return c;
}

QString formatUtcDateTime(const QDateTime& utc, bool withZone)
{
    const QLocale l;
    const QString text = l.toString(utc.toUTC(), l.dateFormat(QLocale::ShortFormat) + QLatin1String(" HH:mm:ss"));
    return withZone ? text + QLatin1String(" UTC") : text;
}

QMenu* createLanguageMenu(QWidget* parent)
{
    auto* menu = new QMenu(QCoreApplication::translate("mdsync::ui::LanguageMenu", "La&nguage"), parent);
    auto* group = new QActionGroup(menu);
    const QString current = QSettings().value(QLatin1String(kLanguageSettingKey)).toString();
    // Language names are shown in their own language, so that anyone finds theirs.
    const QList<QPair<QString, QString>> entries {
        { QString(), QCoreApplication::translate("mdsync::ui::LanguageMenu", "&System default") },
        { QStringLiteral("en"), QStringLiteral("&English") }, { QStringLiteral("de"), QStringLiteral("&Deutsch") },
        { QStringLiteral("fr"), QStringLiteral("&Français") }
    };
    const QStringList available = availableLanguages();
    for (const auto& [code, name] : entries) {
        if (!code.isEmpty() && !available.contains(code))
            continue;
        QAction* a = menu->addAction(name);
        a->setCheckable(true);
        a->setChecked(code == current);
        a->setData(code);
        group->addAction(a);
    }
    QObject::connect(group, &QActionGroup::triggered, menu, [parent](QAction* a) {
        const QString code = a->data().toString();
        QSettings s;
        if (code.isEmpty())
            s.remove(QLatin1String(kLanguageSettingKey));
        else
            s.setValue(QLatin1String(kLanguageSettingKey), code);
        QMessageBox::information(parent, QCoreApplication::translate("mdsync::ui::LanguageMenu", "Language"),
            QCoreApplication::translate(
                "mdsync::ui::LanguageMenu", "The new language takes effect the next time MDSync starts."));
    });
    return menu;
}

} // namespace mdsync::ui
