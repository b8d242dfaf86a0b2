#include "cli/ReverseSyncCommands.h"

#include "cli/CliApp.h"
#include "cli/CliCommon.h"
#include "engine/ChangeCapture.h"
#include "engine/ReverseSyncJob.h"
#include "store/ControlStore.h"
#include "target/PgConnection.h"

#include <QElapsedTimer>
#include <QLocale>

#include <csignal>
#include <unistd.h>

namespace switchyard::cli {

using namespace switchyard::core;

QString reverseSyncCommandHelp()
{
    return QStringLiteral(
        "Usage: switchyard-cli reverse-sync PLAN status|install|remove|run [--table T[,T…]]\n"
        "                                        [--batch N] [--until-caught-up]\n"
        "       (switchyard-cli reverse-sync ACTION PLAN … works too)\n"
        "\n"
        "The way back after the source stops being written: changes the application\n"
        "makes on the target are captured by triggers and applied to the source\n"
        "continuously, so a rollback loses nothing (docs/reverse-sync.md).\n"
        "\n"
        "  status   per table: capture installed, changes pending, age of the oldest,\n"
        "           last change applied; the reverse lag in total\n"
        "  install  create the change log and the capture triggers (idempotent; safe\n"
        "           while the application writes: bounded lock waits, retried)\n"
        "  remove   drop the triggers (pending changes stay in the log)\n"
        "  run      apply captured changes to the source until Ctrl-C (exit 130)\n"
        "\n"
        "  --table T[,T…]      only these tables (default: every table of the plan)\n"
        "  --batch N           run: change-log entries per batch (default 500)\n"
        "  --until-caught-up   run: stop when nothing is pending (exit 0)\n"
        "\n"
        "Exit status: 0 done, 1 a problem (the job failed, capture missing), 2 usage,\n"
        "3 the servers or the control store could not be reached, 130 interrupted.\n");
}

namespace {

QString number(qint64 n)
{
    return QLocale(QLocale::English).toString(n);
}

// Test failpoints: SWITCHYARD_FAILPOINT=<hook>:<batch> kills this process
// with SIGKILL there, as a crash would. Only the crash tests set it.
ReverseSyncJob::HookFn failpointFromEnvironment()
{
    const QString spec = qEnvironmentVariable("SWITCHYARD_FAILPOINT");
    if (spec.isEmpty())
        return {};
    const QString name = spec.section(QLatin1Char(':'), 0, 0);
    const qint64 batch = spec.section(QLatin1Char(':'), 1, 1).toLongLong();
    const QMap<QString, ReverseSyncJob::Hook> hooks{
        {QStringLiteral("after-target-read"), ReverseSyncJob::Hook::AfterTargetRead},
        {QStringLiteral("before-source-commit"), ReverseSyncJob::Hook::BeforeSourceCommit},
        {QStringLiteral("after-source-commit"), ReverseSyncJob::Hook::AfterSourceCommit},
        {QStringLiteral("after-log-delete"), ReverseSyncJob::Hook::AfterLogDelete},
    };
    if (!hooks.contains(name))
        return {};
    const ReverseSyncJob::Hook hook = hooks.value(name);
    return [hook, batch](ReverseSyncJob::Hook h, qint64 n) {
        if (h == hook && n == batch)
            ::kill(::getpid(), SIGKILL);
    };
}

int status(const Plan &plan, const QStringList &tables, QTextStream &out)
{
    PgConnection target;
    target.open(plan.target);
    ChangeCapture capture(plan, target);
    const QList<CaptureStatus> list = capture.status(tables);
    out << QStringLiteral("%1  %2  %3  %4  %5  %6\n")
               .arg(QStringLiteral("table").leftJustified(20), QStringLiteral("capture").leftJustified(9),
                    QStringLiteral("pending").rightJustified(9), QStringLiteral("oldest").rightJustified(8),
                    QStringLiteral("applied").rightJustified(9), QStringLiteral("last applied"));
    bool allInstalled = true;
    for (const CaptureStatus &s : list) {
        allInstalled = allInstalled && s.installed;
        out << QStringLiteral("%1  %2  %3  %4  %5  %6\n")
                   .arg(s.table.leftJustified(20), (s.installed ? QStringLiteral("on") : QStringLiteral("off")).leftJustified(9),
                        number(s.pendingChanges).rightJustified(9),
                        QStringLiteral("%1 s").arg(s.oldestPendingSeconds, 0, 'f', 1).rightJustified(8),
                        number(s.changesApplied).rightJustified(9),
                        s.lastAppliedAt.isValid()
                            ? QStringLiteral("#%1 at %2").arg(s.lastAppliedChangeId).arg(s.lastAppliedAt.toString(Qt::ISODate))
                            : QStringLiteral("-"));
    }
    const ReverseLag lag = capture.lag(tables);
    out << "reverse lag: " << number(lag.pendingChanges) << " change(s) pending";
    if (lag.pendingChanges > 0)
        out << ", oldest " << QString::number(lag.oldestPendingSeconds, 'f', 1) << " s";
    out << "\n";
    if (!allInstalled)
        out << "capture is off for some tables: changes made there while the source is not "
               "written would be lost on rollback (install with 'reverse-sync PLAN install')\n";
    return Ok;
}

} // namespace

int runReverseSyncCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.contains(QLatin1String("--help")) || args.contains(QLatin1String("-h"))) {
        out << reverseSyncCommandHelp();
        return Ok;
    }
    Options opts(args, {QStringLiteral("table"), QStringLiteral("batch")}, {QStringLiteral("until-caught-up")});
    const auto batch = opts.number(QStringLiteral("batch"));
    static const QStringList actions{QStringLiteral("status"), QStringLiteral("install"), QStringLiteral("remove"),
                                     QStringLiteral("run")};
    // PLAN ACTION as documented; ACTION PLAN too, the order `schema` and
    // `flags` use.
    QStringList positional = opts.positional();
    if (positional.size() == 2 && actions.contains(positional.at(0)) && !actions.contains(positional.at(1)))
        positional.swapItemsAt(0, 1);
    if (!opts.ok() || positional.size() != 2 || !actions.contains(positional.at(1))) {
        err << "switchyard-cli reverse-sync: "
            << (opts.ok() ? QStringLiteral("expected a plan file and one of status|install|remove|run") : opts.error())
            << "\n"
            << reverseSyncCommandHelp();
        return Usage;
    }
    const QString planPath = positional.at(0);
    const QString action = positional.at(1);
    const auto plan = loadPlan(planPath, err);
    if (!plan)
        return Problem;
    QStringList tables;
    if (opts.has(QStringLiteral("table"))) {
        tables = opts.value(QStringLiteral("table")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (const QString &t : std::as_const(tables)) {
            if (!plan->table(t)) {
                err << "switchyard-cli reverse-sync: table '" << t << "' is not in the plan\n";
                return Usage;
            }
        }
    } else {
        for (const TableSpec &t : plan->tables)
            tables << t.name;
    }

    if (action != QLatin1String("run")) {
        try {
            if (action == QLatin1String("status"))
                return status(*plan, tables, out);
            PgConnection target;
            target.open(plan->target);
            ChangeCapture capture(*plan, target);
            if (action == QLatin1String("install")) {
                capture.install(tables);
                out << "change capture installed on " << tables.join(QStringLiteral(", ")) << "\n";
            } else {
                capture.remove(tables);
                out << "change capture removed from " << tables.join(QStringLiteral(", ")) << "\n";
                const ReverseLag lag = capture.lag(tables);
                if (lag.pendingChanges > 0)
                    out << number(lag.pendingChanges) << " captured change(s) were not applied yet and stay in "
                        << "switchyard.change_log; install and run again to apply them\n";
            }
            return Ok;
        } catch (const DbException &e) {
            err << "switchyard-cli reverse-sync " << action << ": " << e.what() << "\n";
            return Failure;
        } catch (const std::exception &e) {
            err << "switchyard-cli reverse-sync " << action << ": " << e.what() << "\n";
            return Problem;
        }
    }

    const ControlStoreLocation location = ControlStoreLocation::fromPlan(*plan);
    qint64 runId = 0;
    try {
        ControlStore store = ControlStore::open(location);
        runId = store.runs().ensureRun(plan->migration.name, plan->filePath, planSha256(planPath));
    } catch (const std::exception &e) {
        err << "switchyard-cli reverse-sync: cannot open the control store (" << location.describe()
            << "): " << e.what() << "\n";
        return Failure;
    }
    ReverseSyncJob::Options o;
    o.batchChanges = batch ? std::max(1, int(*batch)) : 500;
    o.untilCaughtUp = opts.has(QStringLiteral("until-caught-up"));
    o.operatorName = qEnvironmentVariable("USER", QStringLiteral("switchyard-cli"));
    ReverseSyncJob job(*plan, tables, location, runId, o);
    job.setHook(failpointFromEnvironment());
    InterruptGuard guard([&job] { job.cancel(); });
    const bool terminal = ::isatty(STDOUT_FILENO) == 1;
    QElapsedTimer lastLine;
    lastLine.start();
    const ReverseSyncJob::Result r = job.run([&](const ReverseSyncProgress &p) {
        const bool final = p.state == ReverseSyncState::Completed || p.state == ReverseSyncState::Failed ||
                           p.state == ReverseSyncState::Cancelled;
        if (!final && lastLine.elapsed() < (terminal ? 500 : 2000))
            return;
        lastLine.restart();
        QString line = QStringLiteral("reverse sync %1  %2 changes applied  %3 rows/s  lag %4 changes, %5 s")
                           .arg(reverseSyncStateName(p.state).leftJustified(9), number(p.changesApplied),
                                number(qint64(p.rowsPerSecond)), number(p.lag.pendingChanges))
                           .arg(p.lag.oldestPendingSeconds, 0, 'f', 1);
        if (p.state == ReverseSyncState::Retrying)
            line += QStringLiteral("  retry %1: %2").arg(p.attempt).arg(p.lastError);
        if (terminal) {
            out << "\r\033[K" << line;
            if (final)
                out << "\n";
        } else {
            out << line << "\n";
        }
        out.flush();
    });
    out << "reverse sync: " << number(r.changesApplied) << " change(s) applied (" << number(r.rowsInserted)
        << " inserted, " << number(r.rowsUpdated) << " updated, " << number(r.rowsDeleted) << " deleted)\n";
    if (r.state == ReverseSyncState::Failed) {
        err << "switchyard-cli reverse-sync run: " << r.error << "\n";
        return Problem;
    }
    if (r.state == ReverseSyncState::Cancelled)
        return 130;
    return Ok;
}

} // namespace switchyard::cli
