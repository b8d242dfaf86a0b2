#pragma once
// The switchyard-cli command dispatcher.
//
// Exit codes follow the usual convention and are the same for every command:
//   0  success (for checks: everything passed)
//   1  the command ran and found a problem (plan errors, open mismatches, …)
//   2  usage error (unknown command, missing argument, bad option)
//   3  the command could not run (a server unreachable, a file unwritable)
// Output for people goes to stdout, diagnostics to stderr.

#include <QStringList>
#include <QTextStream>

namespace switchyard::cli {

enum ExitCode { Ok = 0, Problem = 1, Usage = 2, Failure = 3 };

/// Runs switchyard-cli with the process arguments (creates QCoreApplication).
int run(int argc, char *argv[]);

/// Runs one command line (without the program name) with the given streams;
/// used by run() and by tests. Requires a QCoreApplication.
int dispatch(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace switchyard::cli
