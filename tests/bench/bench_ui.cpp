// bench_ui: the control tower's queries on a generated workspace of 1M objects × 8 targets
// (tests/bench/genworkspace.*), each timed through the GUI's models (off the UI thread, as the GUI runs them)
// and as the same SQL run raw on a read-only connection in the same run. Prints a table with the ratios;
// docs/BENCHMARKS.md records the figures.
//
//   bench_ui [--objects N] [--repeat R] [--workspace PATH]
#include "appcontext.h"
#include "audit/pointintime.h"
#include "corecontroller.h"
#include "dbreader.h"
#include "genworkspace.h"
#include "metrics/metrics.h"
#include "models/matrixmodel.h"
#include "store/readqueries.h"
#include "store/workspace.h"
#include "views/dashboardview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTableView>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace mdsync;
using namespace mdsync::ui;

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

double timeMs(const std::function<void()>& f)
{
    QElapsedTimer t;
    t.start();
    f();
    return static_cast<double>(t.nsecsElapsed()) / 1e6;
}

// Runs the raw SQL and reads every row (like the model's worker does).
qint64 rawRows(QSqlDatabase& db, const MatrixSql& sql)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(sql.sql);
    for (const QVariant& v : sql.binds)
        q.addBindValue(v);
    if (!q.exec())
        return -1;
    qint64 n = 0;
    while (q.next())
        n += q.value(0).toLongLong() != 0;
    return n;
}

bool waitList(MatrixModel& m)
{
    QSignalSpy s(&m, &PagedSqlModel::listLoaded);
    return s.wait(120000);
}

bool waitRow(MatrixModel& m, int row)
{
    m.index(row, 0).data();
    QElapsedTimer t;
    t.start();
    while (!m.rowAt(row) && t.elapsed() < 60000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    return m.rowAt(row) != nullptr;
}

long peakRssMb()
{
    rusage u {};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}

} // namespace

int main(int argc, char* argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    qint64 objects = 1'000'000;
    int repeat = 5;
    QString path;
    const QStringList args = QCoreApplication::arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--objects"))
            objects = args[i + 1].toLongLong();
        else if (args[i] == QLatin1String("--repeat"))
            repeat = std::max(1, args[i + 1].toInt());
        else if (args[i] == QLatin1String("--workspace"))
            path = args[i + 1];
    }
    if (path.isEmpty()) {
        QElapsedTimer g;
        g.start();
        auto p = gen::cachedWorkspace(objects);
        if (!p) {
            std::fprintf(stderr, "bench_ui: %s\n", qPrintable(p.error()));
            return 1;
        }
        path = p.value();
        std::printf("workspace %s (%lld objects x %d targets; ready after %.1f s, generated once and cached)\n",
            qPrintable(path), static_cast<long long>(objects), gen::kTargets, g.elapsed() / 1000.0);
    }
    auto raw = Workspace::open(path, Workspace::Mode::ReadOnly);
    if (!raw) {
        std::fprintf(stderr, "bench_ui: %s\n", qPrintable(raw.error()));
        return 1;
    }
    QSqlDatabase& db = raw.value()->db();
    DbReader reader(path);
    auto layout = reader.runNow<MatrixLayout>([](QSqlDatabase& d) { return loadMatrixLayout(d); });
    if (!layout) {
        std::fprintf(stderr, "bench_ui: %s\n", qPrintable(layout.error()));
        return 1;
    }

    struct Row
    {
        const char* what;
        std::vector<double> ours, raw;
        double goalMs;
    };
    std::vector<Row> rows;
    QStringList checks;
    auto add = [&rows](const char* what, double goalMs) -> Row& {
        rows.push_back({ what, {}, {}, goalMs });
        return rows.back();
    };

    // Open the dashboard: the view built and shown, every tile and chart filled from one background snapshot.
    // The core is not started (it would be the workspace's writer); the view reads through the reader pool.
    {
        Row& r = add("open + show the dashboard", 1000);
        CoreServiceOptions co;
        co.workspacePath = path;
        CoreController core(co);
        Navigator nav;
        for (int i = 0; i < repeat; ++i) {
            r.ours.push_back(timeMs([&] {
                DashboardView view(AppContext { &core, &reader, &nav });
                view.resize(1400, 900);
                view.show();
                view.activate();
                QElapsedTimer t;
                t.start();
                while (!view.isReady() && t.elapsed() < 60000)
                    QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
            }));
            MatrixSql s;
            s.sql = QStringLiteral("SELECT sum(n) FROM delivery_counter");
            r.raw.push_back(timeMs([&] { rawRows(db, s); }));
        }
    }
    // Open: the model's first list (every object in key order) plus its first page of rows, in a view.
    {
        Row& r = add("open matrix (1st page shown)", 1000);
        for (int i = 0; i < repeat; ++i) {
            QTableView view;
            view.resize(1400, 800);
            r.ours.push_back(timeMs([&] {
                MatrixModel m(&reader, layout.value());
                view.setModel(&m);
                waitList(m);
                waitRow(m, 0);
                view.setModel(nullptr);
            }));
            r.raw.push_back(timeMs([&] { rawRows(db, matrixIdSql(MatrixFilter {}, layout.value())); }));
        }
    }
    MatrixModel model(&reader, layout.value());
    waitList(model);
    // Filters: a key prefix typed, a status at one system, a description word.
    const std::vector<std::pair<const char*, MatrixFilter>> filters = [] {
        std::vector<std::pair<const char*, MatrixFilter>> f;
        MatrixFilter a;
        a.text = QStringLiteral("GEN-0999");
        f.emplace_back("filter: key prefix GEN-0999", a);
        MatrixFilter b;
        b.status = QStringLiteral("failed");
        b.target = QStringLiteral("ERP");
        f.emplace_back("filter: failed at ERP", b);
        MatrixFilter c;
        c.text = QStringLiteral("impeller");
        f.emplace_back("filter: description 'impeller'", c);
        // Words matching 10 % and 25 % of the objects ("steel 2 mm"; "Bearing", "Housing", "Spring").
        c.text = QStringLiteral("steel");
        f.emplace_back("filter: description 'steel'", c);
        c.text = QStringLiteral("ing");
        f.emplace_back("filter: description 'ing'", c);
        c.order = Qt::DescendingOrder;
        f.emplace_back("filter: description 'ing', key desc", c);
        c.sortColumn = MatrixModel::DescriptionColumn; // in memory too (read::ObjectColumnOrder)
        c.order = Qt::AscendingOrder;
        f.emplace_back("filter: description 'ing', by descr.", c);
        c.order = Qt::DescendingOrder;
        f.emplace_back("filter: description 'ing', by descr. desc", c);
        c.text = QStringLiteral("steel");
        c.order = Qt::AscendingOrder;
        f.emplace_back("filter: description 'steel', by descr.", c);
        c.text.clear();
        c.status = QStringLiteral("failed");
        c.target = QStringLiteral("ERP");
        f.emplace_back("filter: failed at ERP, by descr.", c);
        return f;
    }();
    bool sortedByDescription = false;
    for (const auto& [name, filter] : filters) {
        if (model.filter().sortColumn != filter.sortColumn || model.filter().order != filter.order) {
            // The model keeps its sort across filters. The first sort by description reads every description
            // (read::ObjectColumnOrder): timed on its own, the previous filter still applied.
            const bool first = filter.sortColumn == MatrixModel::DescriptionColumn && !sortedByDescription;
            const double ms = timeMs([&] {
                model.sort(filter.sortColumn, filter.order);
                waitList(model);
            });
            if (first) {
                add("first sort by description (reads them all)", 1000).ours.push_back(ms);
                sortedByDescription = true;
            }
        }
        Row& r = add(name, 100);
        for (int i = 0; i < repeat; ++i) {
            model.setFilter(MatrixFilter {});
            waitList(model);
            r.ours.push_back(timeMs([&] {
                model.setFilter(filter);
                waitList(model);
            }));
            r.raw.push_back(timeMs([&] { rawRows(db, matrixIdSql(filter, layout.value())); }));
        }
        // The model orders in memory (read::MatrixOrders): it must list what SQL's ORDER BY lists.
        const auto sqlIds = read::matrixIds(db, matrixIdSql(filter, layout.value()));
        if (!sqlIds || sqlIds.value() != model.ids()) {
            std::fprintf(
                stderr, "bench_ui: %s: the model's %zu ids differ from SQL's order\n", name, model.ids().size());
            return 1;
        }
        checks << QStringLiteral("%1: %2 objects, in SQL's order").arg(QLatin1String(name)).arg(model.ids().size());
    }
    if (model.filter().sortColumn != MatrixModel::KeyColumn || model.filter().order != Qt::AscendingOrder) {
        model.sort(MatrixModel::KeyColumn, Qt::AscendingOrder); // back from the last filter's order
        waitList(model);
    }
    model.setFilter(MatrixFilter {});
    waitList(model);
    {
        Row& r = add("scroll to end (last page shown)", 100);
        for (int i = 0; i < repeat; ++i) {
            model.refresh(); // drops nothing, but re-reading cached chunks must not distort: wait for it
            waitList(model);
            const int last = model.rowCount() - 1 - i * PagedSqlModel::kChunkRows * 2;
            r.ours.push_back(timeMs([&] { waitRow(model, last); }));
            std::vector<qint64> ids(model.ids().end() - PagedSqlModel::kChunkRows, model.ids().end());
            MatrixSql s;
            QStringList marks;
            for (qint64 id : ids)
                marks << QString::number(id);
            s.sql = QStringLiteral("SELECT o.id, ot.status FROM object o JOIN object_target ot ON ot.object_id = o.id"
                                   " WHERE o.id IN (%1)")
                        .arg(marks.join(QLatin1Char(',')));
            r.raw.push_back(timeMs([&] { rawRows(db, s); }));
        }
    }
    {
        Row& r = add("KPI refresh (computeKpis)", 50);
        for (int i = 0; i < repeat; ++i) {
            r.ours.push_back(timeMs(
                [&] { (void)reader.runNow<nlohmann::json>([](QSqlDatabase& d) { return computeKpis(d, {}); }); }));
            MatrixSql s;
            s.sql = QStringLiteral("SELECT sum(n) FROM delivery_counter");
            r.raw.push_back(timeMs([&] { rawRows(db, s); }));
        }
    }
    {
        Row& r = add("lineage of the busy object", 100);
        for (int i = 0; i < repeat; ++i) {
            r.ours.push_back(timeMs([&] {
                (void)reader.runNow<nlohmann::json>(
                    [](QSqlDatabase& d) { return read::lineage(d, "item", gen::kBusyKey, 5000); });
            }));
            MatrixSql s;
            s.sql = QStringLiteral("SELECT id FROM lineage_event WHERE domain = 'item' AND object_key = ? ORDER BY id");
            s.binds << QString::fromLatin1(gen::kBusyKey);
            r.raw.push_back(timeMs([&] { rawRows(db, s); }));
        }
    }
    {
        Row& r = add("authority at a time (busy object)", 100);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int i = 0; i < repeat; ++i) {
            r.ours.push_back(timeMs([&] {
                (void)reader.runNow<nlohmann::json>(
                    [now](QSqlDatabase& d) { return authorityAt(d, "item", gen::kBusyKey, now); });
            }));
            MatrixSql s;
            s.sql = QStringLiteral("SELECT r.id FROM revision r JOIN object o ON o.id = r.object_id"
                                   " WHERE o.domain = 'item' AND o.key = ?");
            s.binds << QString::fromLatin1(gen::kBusyKey);
            r.raw.push_back(timeMs([&] { rawRows(db, s); }));
        }
    }

    std::printf(
        "\n%-44s %10s %10s %8s %8s %s\n", "operation (median of runs)", "ours ms", "raw ms", "ratio", "goal ms", "");
    for (const Row& r : rows) {
        const double ours = median(r.ours), rawMs = median(r.raw);
        std::printf("%-44s %10.1f %10.1f %8.2f %8.0f %s\n", r.what, ours, rawMs, rawMs > 0 ? ours / rawMs : 0.0,
            r.goalMs, ours <= r.goalMs ? "met" : "NOT met");
    }
    std::printf("\npeak RSS %ld MB (goal < 400 MB)\n", peakRssMb());
    for (const QString& c : checks)
        std::printf("%s\n", qPrintable(c));
    return 0;
}
