#include "cli/BackfillCommand.h"

#include "backfill/BackfillJob.h"
#include "cli/CliApp.h"
#include "cli/CliCommon.h"
#include "store/ControlStore.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QLocale>

#include <csignal>
#include <unistd.h>

namespace switchyard::cli {

using namespace switchyard::core;

QString backfillCommandHelp()
{
    return QStringLiteral(
        "Usage: switchyard-cli backfill PLAN [--table T] [--max-rows-per-second N]\n"
        "                                    [--batch-rows N]\n"
        "\n"
        "Copies the plan's tables (or one) from the source to the target in key\n"
        "order, safe beside live dual writes. Progress is saved after every batch\n"
        "in the control store: Ctrl-C stops at a batch boundary, and running the\n"
        "command again resumes where it stopped.\n"
        "\n"
        "  --table T                 copy only table T\n"
        "  --max-rows-per-second N   throttle (0: unlimited; default: the plan's)\n"
        "  --batch-rows N            fixed batch size (default: adaptive)\n"
        "\n"
        "Exit status: 0 copied, 1 a table failed (the error says why), 2 usage,\n"
        "3 the control store could not be opened, 130 interrupted.\n");
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

// Test failpoints: SWITCHYARD_FAILPOINT=<hook>:<batch> kills this process
// with SIGKILL at that point of that batch, the way a crash or an OOM kill
// would. Only the crash tests set it.
BackfillJob::HookFn failpointFromEnvironment()
{
    const QString spec = qEnvironmentVariable("SWITCHYARD_FAILPOINT");
    if (spec.isEmpty())
        return {};
    const QStringList parts = spec.split(QLatin1Char(':'));
    const QString name = parts.value(0);
    const qint64 batch = parts.value(1).toLongLong();
    BackfillJob::Hook hook;
    if (name == QLatin1String("after-source-read"))
        hook = BackfillJob::Hook::AfterSourceRead;
    else if (name == QLatin1String("before-target-commit"))
        hook = BackfillJob::Hook::BeforeTargetCommit;
    else if (name == QLatin1String("after-target-commit"))
        hook = BackfillJob::Hook::AfterTargetCommit;
    else if (name == QLatin1String("after-checkpoint"))
        hook = BackfillJob::Hook::AfterCheckpoint;
    else
        return {};
    return [hook, batch](BackfillJob::Hook h, const KeyCursor &, qint64 n) {
        if (h == hook && n == batch)
            ::kill(::getpid(), SIGKILL);
    };
}

} // namespace

int runBackfillCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.contains(QLatin1String("--help")) || args.contains(QLatin1String("-h"))) {
        out << backfillCommandHelp();
        return Ok;
    }
    Options opts(args, {QStringLiteral("table"), QStringLiteral("max-rows-per-second"),
                        QStringLiteral("batch-rows")},
                 {});
    const auto rate = opts.number(QStringLiteral("max-rows-per-second"));
    const auto batchRows = opts.number(QStringLiteral("batch-rows"));
    if (!opts.ok() || opts.positional().size() != 1) {
        err << "switchyard-cli backfill: "
            << (opts.ok() ? QStringLiteral("expected one plan file") : opts.error()) << "\n"
            << backfillCommandHelp();
        return Usage;
    }
    const QString planPath = opts.positional().first();
    const auto plan = loadPlan(planPath, err);
    if (!plan)
        return Problem;

    QStringList tables;
    if (opts.has(QStringLiteral("table"))) {
        const QString t = opts.value(QStringLiteral("table"));
        if (!plan->table(t)) {
            err << "switchyard-cli backfill: table '" << t << "' is not in the plan\n";
            return Usage;
        }
        tables << t;
    } else {
        for (const TableSpec &t : plan->tables)
            tables << t.name;
    }

    const ControlStoreLocation location = ControlStoreLocation::fromPlan(*plan);
    qint64 runId = 0;
    try {
        ControlStore store = ControlStore::open(location);
        runId = store.runs().ensureRun(plan->migration.name, plan->filePath, planSha256(planPath));
    } catch (const std::exception &e) {
        err << "switchyard-cli backfill: cannot open the control store ("
            << location.describe() << "): " << e.what() << "\n";
        return Failure;
    }

    const bool terminal = ::isatty(STDOUT_FILENO) == 1;
    int failures = 0;
    bool interrupted = false;
    for (const QString &table : std::as_const(tables)) {
        BackfillJob::Options o;
        o.batchRows = batchRows ? int(*batchRows) : 0;
        o.maxRowsPerSecond = rate ? *rate : plan->table(table)->maxRowsPerSecond;
        BackfillJob job(*plan, table, location, runId, o);
        job.setHook(failpointFromEnvironment());
        InterruptGuard guard([&job] { job.cancel(); });

        QElapsedTimer lastLine;
        lastLine.start();
        const BackfillJob::Result r = job.run([&](const BackfillProgress &p) {
            const bool final = p.state == BackfillState::Completed ||
                               p.state == BackfillState::Failed ||
                               p.state == BackfillState::Cancelled;
            if (!terminal && !final && p.state == BackfillState::Running && lastLine.elapsed() < 2000)
                return;
            lastLine.restart();
            const double pct = p.rowsEstimated > 0
                                   ? std::min(100.0, 100.0 * double(p.rowsCopied) / double(p.rowsEstimated))
                                   : 0.0;
            QString line = QStringLiteral("%1  %2  %3 rows  %4 rows/s  ETA %5  at key %6")
                               .arg(table, backfillStateName(p.state).leftJustified(9),
                                    number(p.rowsCopied), number(qint64(p.rowsPerSecond)),
                                    duration(p.etaSeconds), p.cursor.isEmpty() ? QStringLiteral("-") : p.cursor);
            if (p.rowsEstimated > 0)
                line += QStringLiteral("  ~%1%").arg(pct, 0, 'f', 1);
            if (p.rowsRejected > 0)
                line += QStringLiteral("  %1 rejected").arg(number(p.rowsRejected));
            if (p.state == BackfillState::Retrying)
                line += QStringLiteral("  retry %1: %2").arg(p.attempt).arg(p.lastError);
            if (terminal) {
                if (p.rowsEstimated > 0) {
                    const int filled = int(pct / 100.0 * 20 + 0.5);
                    line = QStringLiteral("[%1%2] ").arg(QString(filled, QLatin1Char('#')),
                                                        QString(20 - filled, QLatin1Char('.'))) +
                           line;
                }
                out << "\r\033[K" << line;
                if (final)
                    out << "\n";
            } else {
                out << line << "\n";
            }
            out.flush();
        });
        if (r.state == BackfillState::Failed) {
            ++failures;
            err << "switchyard-cli backfill: " << table << " failed: " << r.error << "\n";
        } else if (r.state == BackfillState::Cancelled) {
            interrupted = true;
            out << table << ": stopped at a batch boundary; run the command again to resume\n";
            break;
        } else {
            out << table << ": " << number(r.rowsCopied) << " rows copied";
            if (r.rowsRejected > 0)
                out << ", " << number(r.rowsRejected)
                    << " rejected (see: switchyard-cli rejects " << planPath << ")";
            out << "\n";
        }
    }
    if (interrupted)
        return 130;
    return failures > 0 ? Problem : Ok;
}

} // namespace switchyard::cli
