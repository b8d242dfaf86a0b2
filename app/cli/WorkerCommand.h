#pragma once
// `switchyard-cli worker`: runs the run's queued jobs headless, on this host,
// beside any number of other workers (leases in the control store; see
// core/engine/JobRunner.h and docs/jobs.md).

#include <QStringList>
#include <QTextStream>

namespace switchyard::cli {

int runWorkerCommand(const QStringList &args, QTextStream &out, QTextStream &err);
QString workerCommandHelp();

} // namespace switchyard::cli
