#pragma once
// `switchyard-cli flags show PLAN`
// `switchyard-cli flags set PLAN name=value [name=value …] --operator WHO --reason TEXT`
//
// The flags live on the plan's target database (switchyard.flags, see
// docs/flags.md); `set` validates every pair first, publishes them in one
// transaction (version bump + NOTIFY) and appends a `flags.set` entry to the
// control store's audit log.

#include <QStringList>
#include <QTextStream>

namespace switchyard::cli {

int runFlagsCommand(const QStringList &args, QTextStream &out, QTextStream &err);
QString flagsCommandHelp();

} // namespace switchyard::cli
