#pragma once
// `switchyard-cli audit show PLAN [--limit N] [--json] [--run ID]`
// `switchyard-cli audit verify PLAN [--run ID | --all]`
//
// The control store's hash-chained audit log (core/store/AuditLog.h): show
// lists the newest entries of the plan's run (time, operator, action, target,
// reason, details); verify re-computes the chain and reports the first entry
// that was edited, deleted or moved. The run is the one of this plan file
// (name + SHA-256 of its bytes), else the newest run of the plan's name.
// Exit: show 0; verify 0 intact, 1 broken (run, first bad seq, what is wrong),
// 2 usage, 3 the control store could not be read.

#include <QStringList>
#include <QTextStream>

namespace switchyard::cli {

int runAuditCommand(const QStringList &args, QTextStream &out, QTextStream &err);
QString auditCommandHelp();

} // namespace switchyard::cli
