// PagedSqlModel's refresh (issue 18): a changed id list arrives as row removals, insertions and layout changes, so
// that persistent indexes (a view's selection and current index) follow their ids, loaded rows stay loaded, and the
// model is never reset by a refresh; under QAbstractItemModelTester, for prepends, removals, moves and mixes, and
// for a diff large enough to take the O(rows) path.

#include "dbreader.h"
#include "models/pagedsqlmodel.h"
#include "workspacefixture.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <mutex>
#include <numeric>

using namespace mdsync;
using namespace mdsync::test;
using namespace mdsync::ui;

namespace {

using Ids = std::vector<qint64>;

// A PagedSqlModel over an id list the test sets (the queries ignore the database): a row shows its id.
class FakeListModel final : public PagedSqlModel
{
public:
    explicit FakeListModel(DbReader* reader)
        : PagedSqlModel(reader)
    { }
    int columnCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : 2; }
    void setIds(Ids ids)
    {
        const std::lock_guard lock(m_source->mutex);
        m_source->ids = std::move(ids);
    }
    void start() { reload(); }

protected:
    IdQuery idQuery() const override
    {
        auto source = m_source;
        return [source](QSqlDatabase&) -> Result<Ids> {
            const std::lock_guard lock(source->mutex);
            return source->ids;
        };
    }
    RowQuery rowQuery() const override
    {
        return [](QSqlDatabase&, const Ids& ids) -> Result<std::vector<PagedRow>> {
            std::vector<PagedRow> rows;
            for (qint64 id : ids)
                rows.push_back(PagedRow { id, { QVariant(id * 10) } });
            return rows;
        };
    }
    QVariant cellData(const PagedRow& row, int column, int role) const override
    {
        if (role != Qt::DisplayRole)
            return {};
        return column == 0 ? QVariant(QStringLiteral("#%1").arg(row.id)) : row.values.at(0);
    }

private:
    struct Source
    {
        std::mutex mutex;
        Ids ids;
    };
    std::shared_ptr<Source> m_source = std::make_shared<Source>();
};

Ids range(qint64 first, qint64 last)
{
    Ids ids(static_cast<size_t>(last - first + 1));
    std::iota(ids.begin(), ids.end(), first);
    return ids;
}

Ids concat(std::initializer_list<Ids> parts)
{
    Ids all;
    for (const Ids& p : parts)
        all.insert(all.end(), p.begin(), p.end());
    return all;
}

// A FakeListModel on its reader, under QAbstractItemModelTester, with a first list loaded.
struct FakeRig
{
    TempWorkspace tw;
    std::unique_ptr<DbReader> reader;
    std::unique_ptr<FakeListModel> model;
    std::unique_ptr<QAbstractItemModelTester> tester;
    std::unique_ptr<QSignalSpy> listed;

    bool start(Ids ids)
    {
        if (!tw.ok())
            return false;
        tw.close();
        reader = std::make_unique<DbReader>(tw.path());
        model = std::make_unique<FakeListModel>(reader.get());
        tester = std::make_unique<QAbstractItemModelTester>(
            model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        listed = std::make_unique<QSignalSpy>(model.get(), &PagedSqlModel::listLoaded);
        model->setIds(ids);
        model->start();
        return listed->wait(5000) && model->ids() == ids;
    }
    ~FakeRig()
    {
        if (reader)
            reader->waitForIdle();
    }
};

} // namespace

Q_DECLARE_METATYPE(Ids)

class TestPagedSqlModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void diffOfLists()
    {
        // new rows at the top, one gone in the middle, two swapped at the end
        const auto d = PagedSqlModel::diffLists({ 5, 4, 3, 2, 1 }, { 7, 6, 5, 3, 1, 2 });
        QCOMPARE(d.oldToNew, (std::vector<int> { 2, -1, 3, 5, 4 }));
        QCOMPARE(d.removed, (std::vector<std::pair<int, int>> { { 1, 1 } }));
        QCOMPARE(d.inserted, (std::vector<std::pair<int, int>> { { 0, 1 } }));
        QVERIFY(d.moved);
        const auto same = PagedSqlModel::diffLists({ 1, 2 }, { 1, 2, 3 });
        QCOMPARE(same.inserted, (std::vector<std::pair<int, int>> { { 2, 2 } }));
        QVERIFY(same.removed.empty());
        QVERIFY(!same.moved);
    }

    void refreshKeepsRowsById_data()
    {
        QTest::addColumn<Ids>("before");
        QTest::addColumn<Ids>("after");
        // Newest first, as the exception backlog: new rows arrive at the top.
        QTest::newRow("prepend") << range(1, 600) << concat({ range(601, 640), range(1, 600) });
        QTest::newRow("append") << range(1, 600) << range(1, 700);
        QTest::newRow("remove middle") << range(1, 600) << concat({ range(1, 99), range(120, 600) });
        QTest::newRow("move") << range(1, 600) << concat({ range(1, 9), { 500 }, range(10, 499), range(501, 600) });
        QTest::newRow("mixed") << range(1, 600)
                               << concat({ range(700, 705), { 300, 2 }, range(3, 120), range(130, 299), { 1 },
                                      range(301, 580), range(800, 810) });
        QTest::newRow("everything") << range(1, 300) << range(301, 600);
        // Every other row leaves and new ones arrive between: thousands of ranges, the O(rows) path.
        Ids sparse;
        for (qint64 id = 1; id <= 20000; id += 2)
            sparse.insert(sparse.end(), { id, 100000 + id });
        QTest::newRow("many ranges") << range(1, 20000) << sparse;
    }

    void refreshKeepsRowsById()
    {
        QFETCH(Ids, before);
        QFETCH(Ids, after);
        FakeRig rig;
        QVERIFY(rig.start(before));
        FakeListModel& model = *rig.model;
        QSignalSpy& listed = *rig.listed;

        // Load the first two chunks and the last one (as a view scrolled there would), and hold persistent indexes
        // on some rows (as a selection does), in several columns.
        const int rows = model.rowCount();
        for (int row : { 0, PagedSqlModel::kChunkRows, rows - 1 })
            model.data(model.index(row, 0));
        QTRY_VERIFY(model.rowAt(0) && model.rowAt(PagedSqlModel::kChunkRows) && model.rowAt(rows - 1));
        std::vector<std::pair<QPersistentModelIndex, qint64>> held;
        for (int row : { 0, 1, 99, 100, 250, 299, 300, rows / 2, rows - 2, rows - 1 })
            if (row >= 0 && row < rows)
                held.emplace_back(QPersistentModelIndex(model.index(row, row % 2)), model.idAt(row));
        Ids loaded; // the rows of the three chunks (asking rowAt() of other rows would load them)
        const int lastChunkRow = (rows - 1) / PagedSqlModel::kChunkRows * PagedSqlModel::kChunkRows;
        for (int row = 0; row < rows; ++row)
            if (row < 2 * PagedSqlModel::kChunkRows || row >= lastChunkRow) {
                QVERIFY(model.rowAt(row));
                loaded.push_back(model.idAt(row));
            }

        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setIds(after);
        model.refresh();
        QVERIFY(listed.wait(5000));
        QCOMPARE(model.ids(), after);
        QCOMPARE(reset.count(), 0);
        // Persistent indexes follow their ids; those of rows that left are invalid.
        for (const auto& [index, id] : held) {
            const bool stays = std::find(after.begin(), after.end(), id) != after.end();
            QCOMPARE(index.isValid(), stays);
            if (stays)
                QCOMPARE(model.data(index, PagedSqlModel::IdRole).toLongLong(), id);
        }
        // Rows loaded before are still loaded right away (no "…" while they are read again), at their new rows.
        for (qint64 id : loaded) {
            const auto it = std::find(after.begin(), after.end(), id);
            if (it == after.end())
                continue;
            const int row = static_cast<int>(it - after.begin());
            QVERIFY2(model.rowAt(row), qPrintable(QStringLiteral("row %1 (id %2) is not loaded").arg(row).arg(id)));
            QCOMPARE(model.data(model.index(row, 0)).toString(), QStringLiteral("#%1").arg(id));
        }
    }

    void listChangedWhileDiffingIsDiffedAgain()
    {
        FakeRig rig;
        QVERIFY(rig.start(range(1, 50)));
        FakeListModel& model = *rig.model;
        const QPersistentModelIndex tenth(model.index(9, 0));
        // Two refreshes back to back, the list changing in between: the second is applied to the first's result.
        model.setIds(concat({ range(60, 70), range(1, 50) }));
        model.refresh();
        model.setIds(concat({ range(80, 85), range(60, 70), range(1, 40) }));
        model.refresh();
        QTRY_COMPARE(model.ids(), concat({ range(80, 85), range(60, 70), range(1, 40) }));
        QVERIFY(tenth.isValid());
        QCOMPARE(model.idAt(tenth.row()), 10);
    }
};

QTEST_MAIN(TestPagedSqlModel)
#include "tst_pagedsqlmodel.moc"
