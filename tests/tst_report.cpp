// The PDF audit report (core/report): rendered inside an export, listed in its manifest with its SHA-256, and
// verify-export fails after one byte of it changed.

#include "audit/auditexport.h"
#include "audit/auditlog.h"
#include "report/auditreport.h"
#include "workspacefixture.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace mdsync;
using namespace mdsync::test;
using nlohmann::json;

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

bool anyProblem(const json& v, const std::string& needle, const std::string& needle2 = {})
{
    for (const auto& p : v["problems"]) {
        const auto s = p.get<std::string>();
        if (s.find(needle) != std::string::npos && (needle2.empty() || s.find(needle2) != std::string::npos))
            return true;
    }
    return false;
}

} // namespace

class TestReport : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TempWorkspace> m_tw;

    bool makeWorkspace(int n)
    {
        m_tw = std::make_unique<TempWorkspace>();
        if (!m_tw->ok())
            return false;
        json a = releasedItem("Pump CP-90", { "P100" });
        a["lifecycle_status"] = "released";
        if (!m_tw->ingest({ mdsync::test::event("PLM", "item", "FG-1000", a) }))
            return false;
        if (!m_tw->ws().begin())
            return false;
        AuditLog log(m_tw->db());
        const std::string longText(900, 'w');
        for (int i = 1; i <= n; ++i) {
            json before = { { "net_weight", std::to_string(i) + " kg" }, { "description", "Pumpe «Grüß» 日本" } };
            json after = { { "net_weight", std::to_string(i + 1) + " kg" }, { "notes", i % 10 == 0 ? longText : "" } };
            if (!log.append("steward" + std::to_string(i % 3), "exception.correct", "item/FG-1000", before, after,
                    i % 2 ? std::optional<std::string>(
                        "supplier confirmed \"new\" weight <ticket " + std::to_string(i) + ">")
                          : std::nullopt))
                return false;
        }
        return static_cast<bool>(m_tw->ws().commit());
    }

private Q_SLOTS:
    void pdfInExportVerifies()
    {
        QVERIFY(makeWorkspace(60));
        ExportOptions o;
        o.directory = m_tw->filePath(QStringLiteral("exp"));
        o.objects.emplace_back("item", "FG-1000");
        ReportOptions ro;
        ro.generatedBy = "auditor1";
        o.extraFiles.push_back({ QStringLiteral("report.pdf"), "report",
            [&o, ro](QSqlDatabase& db, const QString& path) { return writeAuditReportPdf(db, o, path, ro); } });
        MDSYNC_REQUIRE_OK(m, exportAudit(m_tw->db(), o));

        const QString pdfPath = QDir(o.directory).filePath(QStringLiteral("report.pdf"));
        const QByteArray pdf = readAll(pdfPath);
        if (qEnvironmentVariableIsSet("MDSYNC_KEEP_REPORT")) // for looking at it: pdftoppm -png -r 60
            QFile::copy(pdfPath, qEnvironmentVariable("MDSYNC_KEEP_REPORT"));
        QVERIFY(pdf.startsWith("%PDF-"));
        QVERIFY2(pdf.size() > 10000, qPrintable(QString::number(pdf.size())));
        const int pages = pdfPageCount(pdf);
        QVERIFY2(pages >= 2, qPrintable(QString::number(pages))); // 60 entries with long values do not fit one page
        QCOMPARE(pdfPageCount("not a pdf"), -1);

        bool listed = false;
        for (const auto& f : m.value()["files"])
            if (f["name"] == "report.pdf") {
                listed = true;
                QCOMPARE(f["bytes"].get<qint64>(), qint64(pdf.size()));
                QCOMPARE(f["kind"].get<std::string>(), std::string("report"));
            }
        QVERIFY(listed);
        MDSYNC_REQUIRE_OK(v, verifyExport(o.directory));
        QVERIFY2(v.value()["ok"].get<bool>(), qPrintable(dumped(v.value())));

        // One byte of the PDF changed: verification fails and names the file.
        QByteArray changed = pdf;
        changed[changed.size() / 2] = static_cast<char>(changed[changed.size() / 2] ^ 0x01);
        QVERIFY(writeAll(pdfPath, changed));
        MDSYNC_REQUIRE_OK(v2, verifyExport(o.directory));
        QVERIFY(!v2.value()["ok"].get<bool>());
        QVERIFY2(anyProblem(v2.value(), "report.pdf", "SHA-256"), qPrintable(dumped(v2.value())));
    }

    void authorityTableNamesTheEnrichmentRule()
    {
        // As `mdsyncctl authority` shows it: an attribute set by an enrichment rule names the rule, not only the
        // system the rule acts for (the PDF dropped it).
        const json a = { { "exists", true }, { "revision_no", 2 },
            { "attributes",
                json::array({ { { "attribute", "valuation_class" }, { "group", "financial" }, { "value", "7920" },
                    { "owner", "ERP" },
                    { "supplied_by",
                        { { "system", "ERP" }, { "rule", "VAL-01" }, { "actor", "system" }, { "revision_no", 2 },
                            { "received_at", "2026-11-27T08:00:00.000Z" }, { "steward", false } } } } }) } };
        const QString html = authorityTableHtml(a);
        QVERIFY2(html.contains(QStringLiteral("ERP (rule VAL-01)")), qPrintable(html));
        QVERIFY2(html.contains(QStringLiteral("built-in contracts (none stored)")), qPrintable(html));
    }

    void authorityTableNamesTheConfigurationInForce()
    {
        // The report proves which policy decided the owners and which contracts made the payloads at that time.
        json a = { { "exists", true }, { "revision_no", 1 }, { "model_version", "2026.11" },
            { "landscape_version", "2026.12-p300" }, { "contracts_version", "2026.12" }, { "contracts_hash", "9f2c" },
            { "attributes", json::array() } };
        QString html = authorityTableHtml(a);
        QVERIFY2(
            html.contains(QStringLiteral("Model 2026.11, landscape 2026.12-p300, contracts 2026.12 (SHA-256 9f2c)")),
            qPrintable(html));
        a["contracts_note"] = "the time is before the first stored contracts version";
        html = authorityTableHtml(a);
        QVERIFY2(html.contains(QStringLiteral("<i>the time is before the first stored contracts version</i>")),
            qPrintable(html));
    }

    void standaloneReportWithoutObjects()
    {
        QVERIFY(makeWorkspace(3));
        ExportOptions o;
        o.to = at("2100-01-01T00:00:00Z");
        const QString path = m_tw->filePath(QStringLiteral("alone.pdf"));
        MDSYNC_REQUIRE_OK(r, writeAuditReportPdf(m_tw->db(), o, path));
        const QByteArray pdf = readAll(path);
        if (qEnvironmentVariableIsSet("MDSYNC_KEEP_REPORT"))
            QFile::copy(path, qEnvironmentVariable("MDSYNC_KEEP_REPORT") + QStringLiteral(".alone.pdf"));
        QVERIFY(pdf.startsWith("%PDF-"));
        QVERIFY(pdfPageCount(pdf) >= 1);
        // An unwritable path is an error, not a crash.
        QVERIFY(!writeAuditReportPdf(m_tw->db(), o, m_tw->filePath(QStringLiteral("no/such/dir/x.pdf"))));
    }
};

QTEST_MAIN(TestReport)
#include "tst_report.moc"
