#include "fuzzcommon.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

namespace mdsync::fuzz {

namespace {

[[noreturn]] void die(const QString& what)
{
    std::fprintf(stderr, "fuzz set-up failed: %s\n", qPrintable(what));
    std::abort();
}

QCoreApplication& app()
{
    // Plugins (the SQLite driver) and resources want an application object; libFuzzer's argv is not Qt's.
    static int argc = 1;
    static char name[] = "mdsync_fuzz";
    static char* argv[] = { name, nullptr };
    static QCoreApplication* a = new QCoreApplication(argc, argv); // never destroyed: no exit-order problems
    return *a;
}

} // namespace

const Env& env()
{
    static const Env e = [] {
        app();
        Env out;
        auto model = CanonicalModel::builtin();
        if (!model)
            die(model.error());
        out.model = std::make_shared<const CanonicalModel>(std::move(model).value());
        auto landscape = Landscape::builtin(*out.model);
        if (!landscape)
            die(landscape.error());
        out.landscape = std::make_shared<const Landscape>(std::move(landscape).value());
        return out;
    }();
    return e;
}

FuzzWorkspace& workspace()
{
    static FuzzWorkspace* w = [] {
        const Env& e = env();
        auto* out = new FuzzWorkspace; // never destroyed (see app())
        if (!out->dir.isValid())
            die(QStringLiteral("cannot create a temporary directory: ") + out->dir.errorString());
        auto ws = Workspace::create(out->dir.filePath(QStringLiteral("fuzz.mdsync")));
        if (!ws)
            die(ws.error());
        out->ws = std::move(ws).value();
        if (auto r = installConfig(
                *out->ws, *e.model, QStringLiteral("built-in"), *e.landscape, QStringLiteral("built-in"), "fuzz");
            !r)
            die(r.error());
        auto cfg = loadActiveConfig(*out->ws);
        if (!cfg)
            die(cfg.error());
        out->config = cfg.value();
        // The workspace stays open to the end; its directory goes at a normal exit (libFuzzer's -runs,
        // -max_total_time). After a crash it stays in TMPDIR for a look.
        std::atexit([] { w->dir.remove(); });
        return out;
    }();
    return *w;
}

} // namespace mdsync::fuzz
