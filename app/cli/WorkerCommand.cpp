#include "cli/WorkerCommand.h"

#include "cli/CliApp.h"
#include "cli/CliCommon.h"
#include "cli/JobsCommands.h"
#include "engine/JobRunner.h"

#include <QElapsedTimer>
#include <QLocale>
#include <QThread>

#include <atomic>
#include <map>
#include <mutex>
#include <unistd.h>

namespace switchyard::cli {

using namespace switchyard::core;

QString workerCommandHelp()
{
    return QStringLiteral(
        "Usage: switchyard-cli worker PLAN [--until-idle] [--max-parallel N]\n"
        "                                  [--worker-id ID] [--operator WHO]\n"
        "                                  [--lease SECONDS] [--batch-rows N]\n"
        "\n"
        "Runs the queued jobs of the plan's run (backfills, validations) from the\n"
        "control store, each on its own thread, next to any other workers on any\n"
        "host. A job is held with a lease renewed every few seconds; the jobs of a\n"
        "worker that dies are taken over after the lease expires and resume from\n"
        "their checkpoints. Requests made with `switchyard-cli jobs` (pause,\n"
        "resume, cancel, throttle) reach the job within about a second.\n"
        "\n"
        "  --until-idle      exit when no job of the run is queued or running\n"
        "  --max-parallel N  jobs at once (default 2)\n"
        "  --worker-id ID    name in the job records (default host:pid:random)\n"
        "  --operator WHO    for the audit log (default: $USER)\n"
        "  --lease SECONDS   heartbeat age after which a job counts as abandoned\n"
        "                    (default 30; every worker of a run should use the same)\n"
        "  --batch-rows N    fixed backfill batch size (default: adaptive)\n"
        "\n"
        "Progress: one line per job every second on a terminal, every 5 s otherwise.\n"
        "Ctrl-C or SIGTERM stops at a batch boundary: running jobs go back to the\n"
        "queue with their checkpoints, paused ones stay paused.\n"
        "\n"
        "Exit status: 0 every job it ran completed, 1 a job failed (the reasons are\n"
        "printed), 2 usage, 3 the control store could not be opened, 130 stopped by\n"
        "a signal.\n");
}

namespace {

QString number(qint64 n)
{
    return QLocale(QLocale::English).toString(n);
}

QString duration(double seconds)
{
    if (seconds < 0)
        return QStringLiteral("--:--");
    const qint64 s = qint64(seconds + 0.5);
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString jobName(qint64 id, JobSpec::Kind kind, const QString &table, const QString &mode)
{
    QString s = QStringLiteral("job %1 %2").arg(id).arg(JobSpec::kindName(kind));
    if (!table.isEmpty())
        s += QLatin1Char(' ') + table;
    if (!mode.isEmpty())
        s += QStringLiteral(" (%1)").arg(mode);
    return s;
}

QString progressLine(const JobProgress &p)
{
    QString line = QStringLiteral("%1  %2  %3").arg(jobName(p.jobId, p.kind, p.table, p.mode),
                                                    storeName(p.state), number(p.rowsDone));
    if (p.rowsTotal >= 0)
        line += QStringLiteral("/%1").arg(number(p.rowsTotal));
    line += QStringLiteral(" rows");
    if (p.percent() >= 0)
        line += QStringLiteral(" (%1%)").arg(p.percent(), 0, 'f', 1);
    line += QStringLiteral("  %1 rows/s  ETA %2").arg(number(qint64(p.rowsPerSecond)), duration(p.etaSeconds));
    if (p.maxRowsPerSecond > 0)
        line += QStringLiteral("  limit %1 rows/s").arg(number(qint64(p.maxRowsPerSecond)));
    if (!p.detail.isEmpty() && p.detail != QLatin1String("running") && p.detail != storeName(p.state))
        line += QStringLiteral("  [%1]").arg(p.detail);
    if (p.retrying)
        line += QStringLiteral("  retrying: %1").arg(p.lastError);
    return line;
}

} // namespace

int runWorkerCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.contains(QLatin1String("--help")) || args.contains(QLatin1String("-h"))) {
        out << workerCommandHelp();
        return Ok;
    }
    Options opts(args,
                 {QStringLiteral("max-parallel"), QStringLiteral("worker-id"), QStringLiteral("operator"),
                  QStringLiteral("lease"), QStringLiteral("batch-rows")},
                 {QStringLiteral("until-idle")});
    const auto parallel = opts.number(QStringLiteral("max-parallel"));
    const auto lease = opts.number(QStringLiteral("lease"));
    const auto batchRows = opts.number(QStringLiteral("batch-rows"));
    if (!opts.ok() || opts.positional().size() != 1 || (parallel && *parallel < 1) || (lease && *lease < 1)) {
        err << "switchyard-cli worker: "
            << (!opts.ok()                         ? opts.error()
                : opts.positional().size() != 1    ? QStringLiteral("expected one plan file")
                : (parallel && *parallel < 1)      ? QStringLiteral("--max-parallel must be at least 1")
                                                   : QStringLiteral("--lease must be at least 1 second"))
            << "\n"
            << workerCommandHelp();
        return Usage;
    }
    int code = Ok;
    const auto pr = openPlanRun(QStringLiteral("worker"), opts.positional().first(), err, code);
    if (!pr)
        return code;

    JobRunner::Options o;
    o.workerId = opts.value(QStringLiteral("worker-id"));
    o.operatorName = operatorName(opts.value(QStringLiteral("operator")));
    if (parallel)
        o.maxParallel = int(*parallel);
    if (lease)
        o.lease = std::chrono::milliseconds(qint64(*lease * 1000));
    if (batchRows)
        o.backfill.batchRows = int(*batchRows);
    const bool untilIdle = opts.has(QStringLiteral("until-idle"));

    std::mutex m;
    std::map<qint64, JobProgress> latest;
    JobRunner runner(pr->plan, pr->runId, ControlStoreLocation::fromPlan(pr->plan), o);
    runner.setProgressCallback([&](const JobProgress &p) {
        std::lock_guard lock(m);
        latest[p.jobId] = p;
    });
    std::atomic_bool interrupted{false};
    InterruptGuard guard([&interrupted] { interrupted = true; });

    out << "worker " << runner.workerId() << ": run " << pr->runId << " of " << pr->plan.migration.name
        << ", up to " << o.maxParallel << " job(s) at once" << (untilIdle ? ", until idle" : "") << "\n";
    out.flush();
    runner.start();

    const bool terminal = ::isatty(STDOUT_FILENO) == 1;
    const qint64 every = terminal ? 1000 : 5000;
    QElapsedTimer sinceLines;
    sinceLines.start();
    QElapsedTimer sinceError;
    int reported = 0; // finished() entries printed so far
    QString lastError;
    auto printFinished = [&] {
        const QList<JobRunner::Finished> done = runner.finished();
        for (; reported < done.size(); ++reported) {
            const JobRunner::Finished &f = done.at(reported);
            QString mode;
            {
                std::lock_guard lock(m);
                mode = latest.count(f.jobId) ? latest[f.jobId].mode : QString();
                latest.erase(f.jobId);
            }
            out << jobName(f.jobId, f.kind, f.table, mode) << "  " << storeName(f.state) << "  "
                << number(f.rowsDone) << " rows";
            if (f.state == JobState::Queued)
                out << " (released: back in the queue, checkpoint kept)";
            if (!f.error.isEmpty())
                out << "  error: " << f.error;
            out << "\n";
        }
    };
    for (;;) {
        QThread::msleep(100);
        printFinished();
        if (interrupted)
            break;
        if (sinceLines.elapsed() >= every) {
            sinceLines.restart();
            std::lock_guard lock(m);
            for (const auto &[id, p] : latest)
                if (!isTerminal(p.state))
                    out << progressLine(p) << "\n";
        }
        const QString e = runner.lastError();
        if (!e.isEmpty() && (e != lastError || !sinceError.isValid() || sinceError.elapsed() > 5000)) {
            err << "switchyard-cli worker: " << e << " (retrying)\n";
            err.flush();
            sinceError.restart();
        }
        lastError = e;
        out.flush();
        if (untilIdle && runner.isIdle())
            break;
    }
    if (interrupted)
        out << "worker " << runner.workerId() << ": stopping at a batch boundary…\n";
    out.flush();
    runner.stop();
    printFinished();

    int failed = 0;
    for (const JobRunner::Finished &f : runner.finished())
        failed += f.state == JobState::Failed ? 1 : 0;
    if (interrupted) {
        out << "worker " << runner.workerId() << ": stopped; running jobs are back in the queue with their "
            << "checkpoints (start a worker again to resume)\n";
        return 130;
    }
    if (failed > 0) {
        err << "switchyard-cli worker: " << failed << " job(s) failed:\n";
        for (const JobRunner::Finished &f : runner.finished())
            if (f.state == JobState::Failed)
                err << "  " << jobName(f.jobId, f.kind, f.table, {}) << ": " << f.error << "\n";
        return Problem;
    }
    out << "worker " << runner.workerId() << ": idle, " << runner.finished().size() << " job(s) done\n";
    return Ok;
}

} // namespace switchyard::cli
