#pragma once

// Shared set-up of the libFuzzer targets (docs/RELIABILITY.md): a QCoreApplication, the built-in model and
// landscape, and on demand one real workspace per process in a temporary directory. A failure here is a broken
// build, not a finding: it aborts with the message.

#include "config/configstore.h"
#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "store/workspace.h"

#include <QTemporaryDir>

#include <memory>

namespace mdsync::fuzz {

struct Env
{
    std::shared_ptr<const CanonicalModel> model;
    std::shared_ptr<const Landscape> landscape;
};

// The built-in model and landscape (loaded once).
const Env& env();

// A read-write workspace in a temporary directory with the built-in configuration installed (like `mdsyncctl
// init`), created on first use and kept for the whole process.
struct FuzzWorkspace
{
    QTemporaryDir dir;
    std::unique_ptr<Workspace> ws;
    ActiveConfig config;
};
FuzzWorkspace& workspace();

} // namespace mdsync::fuzz
