// The audit view: AuditLogModel under QAbstractItemModelTester with its filters, the view's filter and chain
// verification, and the export dialog writing an export that the core's verifyExport accepts.

#include "access/roles.h"
#include "audit/auditexport.h"
#include "dbreader.h"
#include "models/auditlogmodel.h"
#include "steward/rolegrants.h"
#include "views/auditview.h"
#include "views/exportdialog.h"
#include "workspacefixture.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTableView>
#include <QTest>

using namespace mdsync;
using namespace mdsync::ui;

class TestAuditView : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::TempWorkspace> m_tw;
    QString m_path;

    qint64 countWhere(DbReader& reader, const QString& where)
    {
        auto r = reader.runNow<qint64>([where](QSqlDatabase& db) -> Result<qint64> {
            QSqlQuery q(db);
            if (!q.exec(QStringLiteral("SELECT count(*) FROM audit_log") + where) || !q.next())
                return makeError(QStringLiteral("count failed"));
            return q.value(0).toLongLong();
        });
        return r.ok() ? r.value() : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_tw = std::make_unique<test::TempWorkspace>();
        QVERIFY2(m_tw->ok(), qPrintable(m_tw->error()));
        m_path = m_tw->path();
        const QString g1 = m_tw->makeAdmin("ada");
        QVERIFY2(g1.isEmpty(), qPrintable(g1));
        auto g2 = grantRole(m_tw->as("ada"), "ada", "ada", Role::Auditor, "exports for QA");
        QVERIFY2(g2.ok(), g2.ok() ? "" : qPrintable(g2.error()));
        auto g3 = grantRole(m_tw->as("ada"), "ada", "sue", Role::Steward, "new steward");
        QVERIFY2(g3.ok(), g3.ok() ? "" : qPrintable(g3.error()));
        auto s = m_tw->ingest({ test::event("PLM", "item", "FG-1000", test::releasedItem("Pump", { "P100" })),
            test::event("PLM", "item", "FG-1001", test::releasedItem("Valve", { "P100" })) });
        QVERIFY2(s.ok(), s.ok() ? "" : qPrintable(s.error()));
        m_tw->close();
    }

    void modelAndFilters()
    {
        DbReader reader(m_path);
        AuditLogModel model(&reader);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &PagedSqlModel::listLoaded);
        model.setFilter({});
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 5000);
        const qint64 all = countWhere(reader, {});
        QVERIFY(all >= 5);
        QCOMPARE(model.rowCount(), static_cast<int>(all));
        QCOMPARE(model.columnCount(), static_cast<int>(AuditLogModel::ColumnCount));
        // Rows load in chunks; then every cell is there, in seq order.
        QTRY_VERIFY_WITH_TIMEOUT(model.data(model.index(0, 0), PagedSqlModel::LoadedRole).toBool(), 5000);
        QCOMPARE(model.data(model.index(0, AuditLogModel::SeqColumn)).toLongLong(), 1);
        for (int r = 0; r < model.rowCount(); ++r)
            for (int c = 0; c < model.columnCount(); ++c)
                (void)model.data(model.index(r, c));
        QTRY_VERIFY_WITH_TIMEOUT(
            model.data(model.index(model.rowCount() - 1, 0), PagedSqlModel::LoadedRole).toBool(), 5000);
        QCOMPARE(model.data(model.index(model.rowCount() - 1, AuditLogModel::SeqColumn)).toLongLong(), all);

        // Actor + action filter ("contains", case-insensitive).
        AuditFilter f;
        f.actor = QStringLiteral("ADA");
        f.action = QStringLiteral("role.grant");
        model.setFilter(f);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(),
            static_cast<int>(countWhere(reader, QStringLiteral(" WHERE actor = 'ada' AND action LIKE '%role.grant%'"))),
            5000);
        // ada granted auditor to herself and steward to sue; on SQLite also admin to herself (she created the
        // workspace), on PostgreSQL the owner login granted that.
        QTRY_COMPARE(model.rowCount(), test::testBackendIsPostgres() ? 2 : 3);
        // Subject filter.
        f = {};
        f.subject = QStringLiteral("sue");
        model.setFilter(f);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(model.data(model.index(0, 0), PagedSqlModel::LoadedRole).toBool(), 5000);
        QVERIFY(model.data(model.index(0, AuditLogModel::SubjectColumn)).toString().contains(QStringLiteral("sue")));
        // A LIKE wildcard in the filter is literal.
        f.subject = QStringLiteral("%");
        model.setFilter(f);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 0, 5000);
        // Time range: nothing from tomorrow on; everything up to tomorrow.
        f = {};
        f.from = nowMs() + 24LL * 3600 * 1000;
        model.setFilter(f);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 0, 5000);
        f.from.reset();
        f.to = nowMs() + 24LL * 3600 * 1000;
        model.setFilter(f);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), static_cast<int>(all), 5000);

        auto detail = reader.runNow<AuditDetail>([](QSqlDatabase& db) { return AuditLogModel::loadDetail(db, 1); });
        QVERIFY2(detail.ok(), detail.ok() ? "" : qPrintable(detail.error()));
        QCOMPARE(detail.value().seq, 1);
        QVERIFY(!detail.value().hash.isEmpty());
    }

    void viewFilterDetailAndVerify()
    {
        DbReader reader(m_path);
        Navigator nav;
        AuditView view(AppContext { nullptr, &reader, &nav });
        view.resize(1200, 800);
        view.show();
        view.activate();
        QTRY_VERIFY_WITH_TIMEOUT(view.isReady(), 5000);
        view.applyFilter({ { QStringLiteral("subject"), QStringLiteral("sue") } });
        QTRY_COMPARE_WITH_TIMEOUT(view.model()->rowCount(), 1, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(
            view.model()->data(view.model()->index(0, 0), PagedSqlModel::LoadedRole).toBool(), 5000);
        QSignalSpy detail(&view, &AuditView::detailShown);
        view.table()->setCurrentIndex(view.model()->index(0, AuditLogModel::ActionColumn));
        QTRY_COMPARE_WITH_TIMEOUT(detail.count(), 1, 5000);
        QCOMPARE(detail.at(0).at(0).toLongLong(), view.model()->idAt(0));

        QSignalSpy verified(&view, &AuditView::verified);
        view.verifyChain();
        QTRY_COMPARE_WITH_TIMEOUT(verified.count(), 1, 5000);
        QVERIFY2(verified.at(0).at(0).toBool(), qPrintable(view.verifyText()));
        QVERIFY(view.verifyText().contains(QString::number(countWhere(reader, {}))));
    }

    void exportDialogWritesAVerifiableExport()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString dir = tmp.filePath(QStringLiteral("export"));
        ExportDialog dialog(m_tw->locationAs("ada"), "ada");
        dialog.setDirectory(dir);
        dialog.setFormats(true, true, true);
        dialog.setObjects(QStringLiteral("item/FG-1000"));
        QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
        dialog.start();
        QVERIFY(dialog.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 9000);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QVERIFY(!dialog.isRunning());
        for (const char* f :
            { "audit.csv", "audit.jsonl", "lineage.csv", "lineage.jsonl", "report.pdf", "manifest.json" })
            QVERIFY2(QFile::exists(dir + QLatin1Char('/') + QLatin1String(f)), f);
        auto v = verifyExport(dir);
        QVERIFY2(v.ok(), v.ok() ? "" : qPrintable(v.error()));
        QVERIFY2(v.value().value("ok", false), v.value().dump().c_str());

        // A second export into the same (now non-empty) directory fails and says why.
        dialog.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
        QVERIFY(!finished.at(1).at(0).toBool());
        QVERIFY(finished.at(1).at(1).toString().contains(QStringLiteral("not empty")));
    }

    void exportNeedsTheAuditorRole()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("export"));
        ExportDialog dialog(m_tw->locationAs("sue"), "sue");
        dialog.setDirectory(dir);
        QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
        dialog.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QVERIFY(!finished.at(0).at(0).toBool());
        QVERIFY2(finished.at(0).at(1).toString().contains(QStringLiteral("sue")),
            qPrintable(finished.at(0).at(1).toString()));
        QVERIFY(!QDir(dir).exists() || QDir(dir).isEmpty());
    }

    void objectsAreParsed()
    {
        std::vector<std::pair<std::string, std::string>> out;
        QString error;
        QVERIFY(ExportDialog::parseObjects(QStringLiteral("item/FG-1, bom/FG-1"), out, error));
        QCOMPARE(out.size(), size_t(2));
        QCOMPARE(out[1].first, std::string("bom"));
        QVERIFY(!ExportDialog::parseObjects(QStringLiteral("FG-1"), out, error));
        QVERIFY(error.contains(QStringLiteral("FG-1")));
    }
};

QTEST_MAIN(TestAuditView)
#include "tst_auditview.moc"
