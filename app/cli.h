#pragma once

#include <QStringList>

namespace mdsync::cli {

// Exit codes of mdsyncctl.
// TryLater (EX_TEMPFAIL): `run` could not reach its PostgreSQL server; the service manager restarts it
// (mdsync.service).
enum ExitCode { Ok = 0, UserError = 1, DataProblems = 2, TryLater = 75 };

// Runs one mdsyncctl command line (without the program name). Output goes to stdout, the one-line error
// message of a user error to stderr.
int run(const QStringList& args);

} // namespace mdsync::cli
