#pragma once
// `switchyard-cli jobs`: the run's work queue seen from a shell — list the
// jobs, enqueue backfills and validations, and ask whichever worker holds a
// job (here, in the cockpit or on another host) to pause, resume, cancel or
// change its throttle. Each request is audited (core/engine/JobQueue).

#include "plan/Plan.h"

#include <QStringList>
#include <QTextStream>

#include <optional>

namespace switchyard::cli {

int runJobsCommand(const QStringList &args, QTextStream &out, QTextStream &err);
QString jobsCommandHelp();

/// A plan loaded with its control store opened and its run ensured, for the
/// commands that work on jobs (jobs, worker). Prints the problem to `err`
/// and returns nullopt (exit status in `exitCode`) when it cannot.
struct PlanRun
{
    core::Plan plan;
    qint64 runId = 0;
};
std::optional<PlanRun> openPlanRun(const QString &command, const QString &planPath, QTextStream &err,
                                   int &exitCode);

/// The operator for audit entries: --operator, else $USER.
QString operatorName(const QString &fromOption);

} // namespace switchyard::cli
