#include "util/timeutil.h"

#include <QTest>

using namespace mdsync;

class TestTimeUtil : public QObject
{
    Q_OBJECT
private slots:
    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("utc") << QStringLiteral("2026-11-28T05:40:01Z") << true << qint64(1795844401000);
        QTest::newRow("millis") << QStringLiteral("2026-11-28T05:40:01.123Z") << true << qint64(1795844401123);
        QTest::newRow("offset") << QStringLiteral("2026-11-28T07:40:01+02:00") << true << qint64(1795844401000);
        QTest::newRow("negative offset") << QStringLiteral("2026-11-28T00:40:01-05:00") << true
                                         << qint64(1795844401000);
        QTest::newRow("epoch") << QStringLiteral("1970-01-01T00:00:00Z") << true << qint64(0);
        QTest::newRow("leap day") << QStringLiteral("2024-02-29T12:00:00Z") << true << qint64(1709208000000);
        QTest::newRow("no offset") << QStringLiteral("2026-11-28T05:40:01") << false << qint64(0);
        QTest::newRow("date only") << QStringLiteral("2026-11-28") << false << qint64(0);
        QTest::newRow("feb 30") << QStringLiteral("2026-02-30T00:00:00Z") << false << qint64(0);
        QTest::newRow("not a leap year") << QStringLiteral("2026-02-29T00:00:00Z") << false << qint64(0);
        QTest::newRow("hour 24") << QStringLiteral("2026-11-28T24:00:00Z") << false << qint64(0);
        QTest::newRow("trailing") << QStringLiteral("2026-11-28T05:40:01Zx") << false << qint64(0);
        QTest::newRow("empty fraction") << QStringLiteral("2026-11-28T05:40:01.Z") << false << qint64(0);
    }
    void parse()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(qint64, ms);
        const auto r = parseRfc3339(text.toStdString());
        QCOMPARE(r.has_value(), valid);
        if (valid)
            QCOMPARE(*r, ms);
    }
    void roundTrip()
    {
        for (qint64 ms :
            { qint64(0), qint64(1795844401123), qint64(951782400000) /* 2000-02-29 */, qint64(-86400000) }) {
            const std::string text = formatRfc3339(ms);
            const auto back = parseRfc3339(text);
            QVERIFY2(back.has_value(), text.c_str());
            QCOMPARE(*back, ms);
        }
        QCOMPARE(formatRfc3339(1795844401123), std::string("2026-11-28T05:40:01.123Z"));
        QCOMPARE(formatRfc3339(-86400000), std::string("1969-12-31T00:00:00.000Z"));
    }
    void isoDate()
    {
        QCOMPARE(parseIsoDate("2026-01-01").value(), qint64(1767225600000));
        QVERIFY(!parseIsoDate("2026-1-01").has_value());
        QVERIFY(!parseIsoDate("2026-13-01").has_value());
    }
};

QTEST_GUILESS_MAIN(TestTimeUtil)
#include "tst_timeutil.moc"
