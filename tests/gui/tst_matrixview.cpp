// The propagation matrix: its model under QAbstractItemModelTester, filters and sort checked against SQL,
// the light and a dark palette followed, and a generated workspace of 1M objects × 8 targets that must show data,
// scroll to the end and filter.
#include "dbreader.h"
#include "genworkspace.h"
#include "models/matrixmodel.h"
#include "store/workspace.h"
#include "views/matrixview.h"
#include "workspacefixture.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace mdsync;
using namespace mdsync::ui;

namespace {

qint64 sqlCount(DbReader& reader, const QString& sql, const QVariantList& binds = {})
{
    auto r = reader.runNow<qint64>([&](QSqlDatabase& db) -> Result<qint64> {
        QSqlQuery q(db);
        q.prepare(sql);
        for (const QVariant& v : binds)
            q.addBindValue(v);
        if (!q.exec() || !q.next())
            return makeError(sqlError(q, sql));
        return q.value(0).toLongLong();
    });
    return r ? r.value() : -1;
}

std::unique_ptr<MatrixModel> openModel(DbReader& reader)
{
    auto layout = reader.runNow<MatrixLayout>([](QSqlDatabase& db) { return loadMatrixLayout(db); });
    if (!layout)
        return nullptr;
    auto model = std::make_unique<MatrixModel>(&reader, std::move(layout).value());
    QSignalSpy loaded(model.get(), &PagedSqlModel::listLoaded);
    if (!loaded.wait(60000))
        return nullptr;
    return model;
}

bool waitRowLoaded(MatrixModel& model, int row)
{
    model.index(row, 0).data(); // asks for the chunk
    for (int i = 0; i < 500 && !model.rowAt(row); ++i)
        QTest::qWait(10);
    return model.rowAt(row) != nullptr;
}

void setFilterAndWait(MatrixModel& model, const MatrixFilter& f)
{
    QSignalSpy loaded(&model, &PagedSqlModel::listLoaded);
    model.setFilter(f);
    QVERIFY(loaded.wait(60000));
}

} // namespace

class TestMatrixView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        gen::Options o;
        o.path = m_dir.filePath(QStringLiteral("small.mdsync"));
        o.objects = 3000;
        o.busyObjectEvents = 50;
        auto r = gen::generate(o);
        QVERIFY2(r, qPrintable(r ? QString() : r.error()));
        QCOMPARE(r->cells, 3000 * gen::kTargets);
        m_small = o.path;
    }

    void modelPassesTester()
    {
        DbReader reader(m_small);
        auto model = openModel(reader);
        QVERIFY(model);
        QAbstractItemModelTester tester(model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model->rowCount(), 3000);
        QCOMPARE(model->columnCount(), MatrixModel::FirstTargetColumn + gen::kTargets);
        QVERIFY(waitRowLoaded(*model, 0));
        QCOMPARE(model->index(0, MatrixModel::KeyColumn).data().toString(), QStringLiteral("GEN-0000001"));
        // A refresh with nothing changed keeps the rows; a filter change resets through the tester's checks.
        QSignalSpy loaded(model.get(), &PagedSqlModel::listLoaded);
        model->refresh();
        QVERIFY(loaded.wait(10000));
        QCOMPARE(model->rowCount(), 3000);
        MatrixFilter f;
        f.text = QStringLiteral("GEN-00001");
        setFilterAndWait(*model, f);
        QCOMPARE(model->rowCount(), 100); // GEN-0000100 .. GEN-0000199 (keys have seven digits)
        f.text = QStringLiteral("gen-00001"); // typed in lower case: keys are matched upper-cased too
        setFilterAndWait(*model, f);
        QCOMPARE(model->rowCount(), 100);
        f.text = QStringLiteral("impeller"); // a description word, through the trigram index
        setFilterAndWait(*model, f);
        const qint64 impellers
            = sqlCount(reader, QStringLiteral("SELECT count(*) FROM object WHERE description LIKE '%impeller%'"));
        QVERIFY(impellers > 0);
        QCOMPARE(model->rowCount(), impellers);
        f = {};
        f.status = QStringLiteral("backlog");
        setFilterAndWait(*model, f);
        QCOMPARE(model->rowCount(),
            sqlCount(reader,
                QStringLiteral("SELECT count(DISTINCT object_id) FROM object_target"
                               " WHERE status IN ('pending','in_flight','retry_wait','held')")));
    }

    void cellsShowStatusWithTextAndIcon()
    {
        DbReader reader(m_small);
        auto model = openModel(reader);
        QVERIFY(model);
        MatrixFilter f;
        f.status = QStringLiteral("failed");
        f.target = model->layout().targets.front().id;
        setFilterAndWait(*model, f);
        const qint64 expected = sqlCount(reader,
            QStringLiteral("SELECT count(*) FROM object_target WHERE status = 'failed' AND target_id = ?"),
            { f.target });
        QVERIFY(expected > 0);
        QCOMPARE(model->rowCount(), expected);
        QVERIFY(waitRowLoaded(*model, 0));
        const QModelIndex cell = model->index(0, MatrixModel::FirstTargetColumn);
        QCOMPARE(cell.data(MatrixModel::StatusRole).toString(), QStringLiteral("failed"));
        QVERIFY(!cell.data(Qt::DisplayRole).toString().isEmpty()); // text, not colour alone
        QVERIFY(!cell.data(Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(cell.data(Qt::ToolTipRole).toString().contains(QStringLiteral("unit of measure")));
    }

    void followsADarkPalette()
    {
        // The matrix draws on the palette's base colour with translucent status tints, so a dark system palette
        // gives a dark table with light text (no hard-coded white), and the light palette a light one.
        DbReader reader(m_small);
        auto model = openModel(reader);
        QVERIFY(model);
        QVERIFY(waitRowLoaded(*model, 0));
        const QPalette original = QApplication::palette();
        auto meanLightness = [&](const QPalette& pal, QColor* cellTint) {
            QApplication::setPalette(pal);
            QTableView view;
            view.setModel(model.get());
            view.resize(900, 400);
            view.show();
            for (int r = 0; r < 12; ++r)
                waitRowLoaded(*model, r);
            QImage img = view.viewport()->grab().toImage();
            qint64 sum = 0, n = 0;
            for (int y = 0; y < img.height(); y += 3)
                for (int x = 0; x < img.width(); x += 3, ++n)
                    sum += QColor(img.pixel(x, y)).lightness();
            *cellTint = model->index(0, MatrixModel::FirstTargetColumn).data(Qt::BackgroundRole).value<QColor>();
            return n ? sum / n : -1;
        };
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(37, 37, 38));
        dark.setColor(QPalette::Base, QColor(30, 30, 30));
        dark.setColor(QPalette::AlternateBase, QColor(45, 45, 48));
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
        dark.setColor(QPalette::Button, QColor(45, 45, 48));
        dark.setColor(QPalette::ButtonText, QColor(230, 230, 230));
        QPalette light;
        light.setColor(QPalette::Window, QColor(239, 239, 239));
        light.setColor(QPalette::Base, Qt::white);
        light.setColor(QPalette::AlternateBase, QColor(247, 247, 247));
        light.setColor(QPalette::Text, Qt::black);
        light.setColor(QPalette::WindowText, Qt::black);
        QColor darkTint, lightTint;
        const qint64 inDark = meanLightness(dark, &darkTint);
        const qint64 inLight = meanLightness(light, &lightTint);
        QApplication::setPalette(original);
        qInfo("mean lightness of the matrix: %lld in the dark palette, %lld in the light one",
            static_cast<long long>(inDark), static_cast<long long>(inLight));
        QVERIFY2(inDark < 90, qPrintable(QString::number(inDark)));
        QVERIFY2(inLight > 170, qPrintable(QString::number(inLight)));
        // Status tints are translucent over the base colour, stronger on dark backgrounds to stay visible.
        QVERIFY(darkTint.isValid() && lightTint.isValid());
        QVERIFY(darkTint.alpha() < 255 && lightTint.alpha() < 255);
        QVERIFY(darkTint.alpha() > lightTint.alpha());
    }

    // Sorted by key, descending: the first row is the highest key of the workspace.
    void sortByKeyDescending()
    {
        DbReader reader(m_small);
        auto model = openModel(reader);
        QVERIFY(model);
        QSignalSpy loaded(model.get(), &PagedSqlModel::listLoaded);
        model->sort(MatrixModel::KeyColumn, Qt::DescendingOrder);
        QVERIFY(loaded.wait(10000));
        QVERIFY(waitRowLoaded(*model, 0));
        QCOMPARE(model->index(0, MatrixModel::KeyColumn).data().toString(), QStringLiteral("GEN-0003000"));
    }

    // Issue 18: a refresh in which objects arrive above the current one and another moves away keeps the current
    // cell, the selection and the drill-down on the same object (by id), and the rows in view stay in view. Sorted
    // by last change: new objects changed long ago arrive at the top, and an object changed now moves to the end
    // (in key order objects never move: keys do not change).
    void currentCellStaysOnItsObjectThroughARefresh()
    {
        const QString path = m_dir.filePath(QStringLiteral("refresh.mdsync"));
        QVERIFY(QFile::copy(m_small, path)); // this test writes: a copy of the shared workspace
        DbReader reader(path);
        Navigator nav;
        MatrixView view(AppContext { nullptr, &reader, &nav });
        view.resize(1200, 700);
        view.show();
        QTRY_VERIFY_WITH_TIMEOUT(view.model() && view.isReady(), 10000);
        MatrixModel* model = view.model();
        QTableView* table = view.table();
        QTRY_VERIFY(table->currentIndex().isValid()); // the first object's revisions are shown first
        {
            QSignalSpy sorted(model, &PagedSqlModel::listLoaded);
            model->sort(MatrixModel::UpdatedColumn, Qt::AscendingOrder);
            QVERIFY(sorted.wait(10000));
        }
        QVERIFY(waitRowLoaded(*model, 9));
        const QModelIndex cell = model->index(9, MatrixModel::FirstTargetColumn + 1);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(cell).center());
        QCOMPARE(table->currentIndex(), cell);
        const qint64 id = model->idAt(9);
        const QString key = cell.data(MatrixModel::KeyRole).toString();
        QVERIFY(key.startsWith(QLatin1String("GEN-")));
        const qint64 movesAway = model->idAt(2);
        const int topRow = table->rowAt(0);
        const qint64 topId = model->idAt(topRow);

        {
            test::RawConnection raw(path);
            for (int i = 1; i <= 5; ++i)
                QVERIFY(raw.exec(QStringLiteral("INSERT INTO object(domain, key, revision_no, current_revision_id,"
                                                " content_hash, created_at, updated_at)"
                                                " SELECT domain, 'A-%1', 1, current_revision_id, 'x', 0, 0"
                                                " FROM object WHERE key = 'GEN-0000001'")
                                     .arg(i))
                            .isEmpty());
            // A change comes with a revision, as the ingest writes it (read::ObjectColumnOrder follows revisions).
            QVERIFY(raw.exec(QStringLiteral("INSERT INTO revision(object_id, revision_no, op, source_system, actor,"
                                            " correlation_id, received_at, model_version, state, changed,"
                                            " content_hash) SELECT id, revision_no + 1, 'upsert', 'PLM', 'test',"
                                            " 'c', 0, '1', '{}', '[]', 'x' FROM object WHERE id = %1")
                                 .arg(movesAway))
                        .isEmpty());
            QVERIFY(
                raw.exec(QStringLiteral("UPDATE object SET updated_at = 9000000000000, revision_no = revision_no + 1,"
                                        " current_revision_id = (SELECT max(id) FROM revision) WHERE id = %1")
                             .arg(movesAway))
                    .isEmpty());
        }
        QSignalSpy loaded(model, &PagedSqlModel::listLoaded);
        model->refresh();
        QVERIFY(loaded.wait(10000));
        QCOMPARE(model->rowCount(), 3005);
        QCOMPARE(model->rowOfId(id), 9 + 5 - 1);
        QCOMPARE(model->rowOfId(movesAway), 3004);
        QVERIFY(table->currentIndex().isValid());
        QCOMPARE(model->idAt(table->currentIndex().row()), id);
        QCOMPARE(table->currentIndex().column(), MatrixModel::FirstTargetColumn + 1);
        QVERIFY(table->selectionModel()->isSelected(table->currentIndex()));
        QCOMPARE(table->currentIndex().data(MatrixModel::KeyRole).toString(), key); // still loaded: no "…"
        QCOMPARE(model->idAt(table->rowAt(0)), topId);
        // A later chunk load does not move the current cell back to the first row.
        QTest::qWait(200);
        QCOMPARE(model->idAt(table->currentIndex().row()), id);
    }

    // The scale test (correctness only; timings are in bench_ui).
    void millionObjectsShowScrollAndFilter()
    {
        auto path = gen::cachedWorkspace(1'000'000);
        QVERIFY2(path, qPrintable(path ? QString() : path.error()));
        DbReader reader(path.value());
        auto model = openModel(reader);
        QVERIFY(model);
        QCOMPARE(model->rowCount(), 1'000'000);
        QCOMPARE(static_cast<int>(model->layout().targets.size()), gen::kTargets);
        QVERIFY(waitRowLoaded(*model, 0));
        QVERIFY(waitRowLoaded(*model, 999'999)); // scroll to the end
        QCOMPARE(model->index(999'999, MatrixModel::KeyColumn).data().toString(), QStringLiteral("GEN-1000000"));
        MatrixFilter f;
        f.text = QStringLiteral("GEN-09999");
        setFilterAndWait(*model, f);
        QCOMPARE(model->rowCount(), 100);
        f = {};
        f.status = QStringLiteral("failed");
        f.target = QStringLiteral("ERP");
        setFilterAndWait(*model, f);
        QCOMPARE(model->rowCount(),
            sqlCount(reader,
                QStringLiteral("SELECT count(*) FROM object_target WHERE status = 'failed' AND target_id = 'ERP'")));
        QVERIFY(model->rowCount() > 1000);
    }

private:
    QTemporaryDir m_dir;
    QString m_small;
};

QTEST_MAIN(TestMatrixView)
#include "tst_matrixview.moc"
