#pragma once
// `switchyard-cli workload PLAN --rate N [--mix I:U:D:R] [--duration S]
//                           [--fail-secondary P] [--corrupt-secondary P]`
//
// An application simulator on the demo `users` table that uses
// Switchyard::Client exactly as an application would (routed writes, routed
// reads, shadow reads, the flags followed live). Prints counts and latency
// percentiles every few seconds and at the end; Ctrl-C stops it cleanly.

#include <QStringList>
#include <QTextStream>

namespace switchyard::cli {

int runWorkloadCommand(const QStringList &args, QTextStream &out, QTextStream &err);
QString workloadCommandHelp();

} // namespace switchyard::cli
