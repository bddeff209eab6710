// The shipped translation catalogues are complete and consistent with the sources, and the GUI loads them.
//
// For every translations/mdsync_<lang>.ts: lupdate (the same command as docs/TRANSLATIONS.md) is run on the sources
// into a copy of the catalogue, so a tr() string added without a translation shows up as unfinished here.
#include "i18n.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QLocale>
#include <QMenu>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QWidget>
#include <QXmlStreamReader>

#include <set>

#ifndef MDSYNC_LUPDATE
#error "MDSYNC_LUPDATE (path of lupdate) must be defined by CMake"
#endif
#ifndef MDSYNC_TR_SOURCE_DIR
#error "MDSYNC_TR_SOURCE_DIR (the source tree) must be defined by CMake"
#endif

using namespace mdsync::ui;

namespace {

struct TsMessage
{
    QString context;
    QString source;
    bool numerus = false;
    bool unfinished = false;
    QStringList translations; // one, or one per plural form
};

QList<TsMessage> readTs(const QString& path, QString* error)
{
    QList<TsMessage> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = f.errorString();
        return out;
    }
    QXmlStreamReader x(&f);
    QString context;
    TsMessage m;
    while (!x.atEnd()) {
        x.readNext();
        if (x.isStartElement()) {
            const auto n = x.name();
            if (n == QLatin1String("context"))
                context.clear();
            else if (n == QLatin1String("name") && context.isEmpty())
                context = x.readElementText();
            else if (n == QLatin1String("message")) {
                m = TsMessage {};
                m.context = context;
                m.numerus = x.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
            } else if (n == QLatin1String("source"))
                m.source = x.readElementText();
            else if (n == QLatin1String("translation")) {
                m.unfinished = x.attributes().value(QLatin1String("type")) == QLatin1String("unfinished");
                if (!m.numerus)
                    m.translations << x.readElementText();
            } else if (n == QLatin1String("numerusform"))
                m.translations << x.readElementText();
        } else if (x.isEndElement() && x.name() == QLatin1String("message")) {
            out << m;
        }
    }
    if (x.hasError())
        *error = QStringLiteral("%1:%2: %3").arg(path).arg(x.lineNumber()).arg(x.errorString());
    return out;
}

std::set<QString> placeholders(const QString& s)
{
    static const QRegularExpression re(QStringLiteral("%L?[1-9n]"));
    std::set<QString> out;
    for (auto it = re.globalMatch(s); it.hasNext();) {
        QString p = it.next().captured();
        p.remove(QLatin1Char('L')); // %L1 and %1 are the same argument
        out.insert(p);
    }
    return out;
}

QString shortText(const QString& s)
{
    QString t = s;
    t.replace(QLatin1Char('\n'), QLatin1String("\\n"));
    return t.size() > 70 ? t.left(67) + QLatin1String("...") : t;
}

} // namespace

class TstTranslations final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("MDSyncTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_translations"));
        QVERIFY(m_settingsDir.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
        const QDir tr(QStringLiteral(MDSYNC_TR_SOURCE_DIR "/translations"));
        m_tsFiles = tr.entryList({ QStringLiteral("mdsync_*.ts") }, QDir::Files, QDir::Name);
        QVERIFY2(m_tsFiles.contains(QStringLiteral("mdsync_de.ts")), qPrintable(m_tsFiles.join(u',')));
        QVERIFY2(m_tsFiles.contains(QStringLiteral("mdsync_fr.ts")), qPrintable(m_tsFiles.join(u',')));
    }

    void catalogueComplete_data()
    {
        QTest::addColumn<QString>("ts");
        for (const QString& f : std::as_const(m_tsFiles))
            QTest::newRow(qPrintable(f)) << f;
    }

    // Every source text of the GUI has a finished, non-empty translation that keeps its placeholders.
    void catalogueComplete()
    {
        QFETCH(QString, ts);
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString copy = tmp.filePath(ts);
        QVERIFY(QFile::copy(QStringLiteral(MDSYNC_TR_SOURCE_DIR "/translations/") + ts, copy));
        QFile::setPermissions(copy, QFileDevice::ReadOwner | QFileDevice::WriteOwner);

        // The same options as the documented command (docs/TRANSLATIONS.md), on the same sources.
        QProcess lupdate;
        lupdate.setWorkingDirectory(QStringLiteral(MDSYNC_TR_SOURCE_DIR));
        lupdate.setProcessChannelMode(QProcess::MergedChannels);
        lupdate.start(QStringLiteral(MDSYNC_LUPDATE),
            { QStringLiteral("-locations"), QStringLiteral("none"), QStringLiteral("-no-obsolete"),
                QStringLiteral("-extensions"), QStringLiteral("cpp,h"), QStringLiteral("ui"),
                QStringLiteral("app/mdsync.cpp"), QStringLiteral("-ts"), copy });
        QVERIFY2(lupdate.waitForFinished(30000), "lupdate did not finish");
        const QByteArray log = lupdate.readAll();
        QVERIFY2(lupdate.exitStatus() == QProcess::NormalExit && lupdate.exitCode() == 0, log.constData());

        QString error;
        const QList<TsMessage> messages = readTs(copy, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(messages.size() > 100, qPrintable(QStringLiteral("only %1 messages").arg(messages.size())));

        QStringList problems;
        int finished = 0;
        for (const TsMessage& m : messages) {
            const QString where = QStringLiteral("%1 [%2] \"%3\"").arg(ts, m.context, shortText(m.source));
            bool empty = m.translations.isEmpty();
            for (const QString& t : m.translations)
                empty = empty || t.isEmpty();
            if (m.unfinished || empty) {
                problems << where + (m.unfinished ? QLatin1String(": unfinished") : QLatin1String(": empty"));
                continue;
            }
            ++finished;
            const std::set<QString> want = placeholders(m.source);
            std::set<QString> anyForm;
            for (const QString& t : m.translations) {
                const std::set<QString> got = placeholders(t);
                anyForm.insert(got.begin(), got.end());
                for (const QString& p : want) {
                    // A plural form may spell the number out ("eine Ausnahme"); %n must be in some form.
                    if (p != QLatin1String("%n") && !got.count(p))
                        problems << where + QStringLiteral(": translation \"%1\" lacks %2").arg(shortText(t), p);
                }
                for (const QString& p : got) {
                    if (!want.count(p))
                        problems << where + QStringLiteral(": translation \"%1\" adds %2").arg(shortText(t), p);
                }
            }
            if (want.count(QStringLiteral("%n")) && !anyForm.count(QStringLiteral("%n")))
                problems << where + QLatin1String(": no plural form has %n");
        }
        qInfo("%s: %d messages, %d finished", qPrintable(ts), static_cast<int>(messages.size()), finished);
        QVERIFY2(problems.isEmpty(),
            qPrintable(QStringLiteral("%1 problem(s) in %2 (translate them, see docs/TRANSLATIONS.md):\n  ")
                           .arg(problems.size())
                           .arg(ts)
                + problems.join(QLatin1String("\n  "))));
    }

    void embeddedCatalogues()
    {
        const QStringList langs = availableLanguages();
        QVERIFY2(langs.contains(QStringLiteral("en")), qPrintable(langs.join(u',')));
        for (const QString& ts : std::as_const(m_tsFiles)) {
            const QString l = ts.mid(7, ts.size() - 7 - 3);
            QVERIFY2(langs.contains(l), qPrintable(ts + QLatin1String(" is not embedded: ") + langs.join(u',')));
        }
    }

    void chooseLanguageOrder()
    {
        const QStringList system { QStringLiteral("fr-CH"), QStringLiteral("de") };
        QCOMPARE(chooseLanguage(QStringLiteral("de"), QStringLiteral("fr"), system), QStringLiteral("de"));
        QCOMPARE(chooseLanguage(QString(), QStringLiteral("en"), system), QStringLiteral("en"));
        QCOMPARE(chooseLanguage(QString(), QString(), system), QStringLiteral("fr"));
        QCOMPARE(chooseLanguage(QStringLiteral("xx"), QString(), { QStringLiteral("de_AT") }), QStringLiteral("de"));
        QCOMPARE(chooseLanguage(QString(), QString(), { QStringLiteral("ja-JP") }), QStringLiteral("en"));
        QCOMPARE(chooseLanguage(QStringLiteral("DE-de"), QString(), {}), QStringLiteral("de"));
    }

    // Loading German translates a MainWindow string and switches the default locale.
    void germanIsLoaded()
    {
        const QString before = QCoreApplication::translate("mdsync::ui::MainWindow", "&File");
        QCOMPARE(before, QStringLiteral("&File"));
        const LanguageChoice c = installTranslations(QStringLiteral("de"));
        QCOMPARE(c.language, QStringLiteral("de"));
        QVERIFY2(c.appCatalogue, qPrintable(c.warning));
        QCOMPARE(QCoreApplication::translate("mdsync::ui::MainWindow", "&File"), QStringLiteral("&Datei"));
        QCOMPARE(QCoreApplication::translate("DeliveryStatus", "failed"), QStringLiteral("fehlgeschlagen"));
        QCOMPARE(QLocale().language(), QLocale::German);
        QCOMPARE(QLocale().toString(1234567), QStringLiteral("1.234.567"));
    }

    // View → Language: the shipped languages, the stored choice checked; runs after germanIsLoaded (translated).
    void languageMenu()
    {
        QSettings().setValue(QLatin1String(kLanguageSettingKey), QStringLiteral("fr"));
        QWidget parent;
        QMenu* menu = createLanguageMenu(&parent);
        QCOMPARE(menu->title(), QStringLiteral("&Sprache"));
        QStringList codes;
        QString checked;
        for (QAction* a : menu->actions()) {
            codes << a->data().toString();
            if (a->isChecked())
                checked = a->data().toString();
        }
        QCOMPARE(codes, (QStringList { QString(), QStringLiteral("en"), QStringLiteral("de"), QStringLiteral("fr") }));
        QCOMPARE(checked, QStringLiteral("fr"));
        QSettings().remove(QLatin1String(kLanguageSettingKey));
    }

private:
    QTemporaryDir m_settingsDir;
    QStringList m_tsFiles;
};

QTEST_MAIN(TstTranslations)
#include "tst_translations.moc"
