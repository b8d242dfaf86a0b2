#pragma once
// `switchyard-cli phase status PLAN [--json]`
// `switchyard-cli phase advance PLAN [--confirm NAME --operator WHO --reason TEXT]
//                               [--override] [--check "manual item"]… [--yes-all-manual]`
// `switchyard-cli phase rollback PLAN [same options] [--wait-timeout SEC]`
//
// The phase engine (core/engine/PhaseEngine.h) from the command line: status
// shows the phases, the current phase and step, its gates with their figures,
// the jobs and the reverse lag. advance / rollback print what the transition
// will do and the gate evidence, then need a person: either the typed plan
// name, operator and reason on stdin (a terminal, or piped lines; a stdin that
// is not a terminal and holds no data is a usage error, never a hang), or
// --confirm/--operator/--reason for automation. Exit 0 applied, 1 refused
// (gates, phrase, stale state, reverse lag) with the reason, 2 usage,
// 3 failure (store or target unreachable), 130 interrupted.

#include <QStringList>
#include <QTextStream>

namespace switchyard::cli {

int runPhaseCommand(const QStringList &args, QTextStream &out, QTextStream &err);
QString phaseCommandHelp();

} // namespace switchyard::cli
