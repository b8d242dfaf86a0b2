#include "cli/ValidateCommands.h"

#include "cli/CliApp.h"
#include "cli/CliCommon.h"
#include "store/ControlStore.h"
#include "validate/MismatchRepair.h"
#include "validate/RepairQueueDrain.h"
#include "validate/ValidationJob.h"

#include <QLocale>

#include <csignal>
#include <unistd.h>

namespace switchyard::cli {

using namespace switchyard::core;

QString validateCommandHelp()
{
    return QStringLiteral(
        "Usage: switchyard-cli validate PLAN [--table T] [--mode count|sample|checksum|full]\n"
        "                                    [--chunk-rows N] [--sample-size N]\n"
        "                                    [--recheck-delay-ms N] [--lock-timeout-ms N]\n"
        "                                    [--chunks-in-flight 1|2]\n"
        "\n"
        "Compares the plan's tables (or one) on the source and the target and prints\n"
        "a verdict per table. Every difference is re-read before it is recorded, so\n"
        "rows changing under live dual writes are reported 'in flight', not as drift.\n"
        "Mismatches go to the control store (see: switchyard-cli mismatches PLAN).\n"
        "Ctrl-C stops after the current chunk; running again resumes there.\n"
        "\n"
        "  --mode count      row counts only\n"
        "  --mode checksum   chunk checksums in both databases, bisection, row diff (default)\n"
        "  --mode full       every row compared column by column\n"
        "  --mode sample     random rows by key seeks (--sample-size, default 3000)\n"
        "  --chunk-rows N    rows per chunk (default: from the row count, at most 10000)\n"
        "  --recheck-delay-ms N   wait before re-reading a difference (default 200)\n"
        "  --lock-timeout-ms N    longest wait for a target lock (default 10000); a chunk\n"
        "                         that cannot be read is UNCHECKED, never a pass\n"
        "  --chunks-in-flight N   checksum mode: 2 (default) checksums the next chunk\n"
        "                         on a second set of connections meanwhile (up to 4\n"
        "                         connections per database); 1 is gentler on a busy server\n"
        "\n"
        "Verdicts: pass, fail (open mismatches or different counts), in_flight (rows\n"
        "still changing), unchecked (ranges that could not be read).\n"
        "Exit status: 0 every table passes, 1 anything open, in flight, unchecked or\n"
        "failed, 2 usage, 3 the control store could not be opened, 130 interrupted.\n");
}

QString mismatchesCommandHelp()
{
    return QStringLiteral(
        "Usage: switchyard-cli mismatches PLAN [--table T] [--status S] [--limit N]\n"
        "\n"
        "Lists the mismatches validation recorded for this plan's run, oldest first:\n"
        "id, table, key, kind, status, the differing columns, and both rows in\n"
        "canonical form.\n"
        "\n"
        "  --status S   open, in_flight, resolved_on_recheck, repaired or accepted\n"
        "  --limit N    at most N (default 100)\n"
        "\n"
        "Exit status: 0 listed (also when none), 2 usage, 3 the store could not be opened.\n");
}

QString repairCommandHelp()
{
    return QStringLiteral(
        "Usage: switchyard-cli repair PLAN (--key JSON | --all-open) [--table T]\n"
        "                                  [--operator NAME]\n"
        "       switchyard-cli repair PLAN --queue [--follow] [--operator NAME]\n"
        "\n"
        "Makes target rows equal to the source rows as they are now: an upsert\n"
        "(INSERT … ON CONFLICT (key) DO UPDATE) when the source has the row, a DELETE\n"
        "when it does not. Each row is re-checked; only an equal row is marked\n"
        "'repaired', with an audit entry.\n"
        "\n"
        "  --key JSON    the key as 'mismatches' prints it, e.g. [42] (needs --table\n"
        "                when the plan has several tables)\n"
        "  --all-open    every open mismatch (of --table T)\n"
        "  --operator N  who repairs, for the audit log (default: $USER)\n"
        "  --queue       drain switchyard.repair_queue: the failed secondary writes the\n"
        "                client library queued (docs/flags.md). Each key is repaired\n"
        "                the same way, then its entries are marked 'repaired'; an\n"
        "                entry that cannot be repaired stays pending and becomes\n"
        "                'failed' after 5 attempts. Safe to repeat or to interrupt.\n"
        "  --follow      with --queue: keep draining new entries until Ctrl-C\n"
        "\n"
        "Exit status: 0 all repaired, 1 some not (the reason is printed), 2 usage,\n"
        "3 the control store could not be opened, 130 interrupted (--follow: Ctrl-C\n"
        "is the normal end and exits 0).\n");
}

namespace {

QString number(qint64 n)
{
    return QLocale(QLocale::English).toString(n);
}

bool wantsHelp(const QStringList &args)
{
    return args.contains(QLatin1String("--help")) || args.contains(QLatin1String("-h"));
}

// Test failpoint: SWITCHYARD_FAILPOINT=validate-after-chunk:<n> kills this
// process with SIGKILL right after chunk n was checkpointed, the way a crash
// would. Only the crash tests set it.
ValidationJob::HookFn failpointFromEnvironment()
{
    const QString spec = qEnvironmentVariable("SWITCHYARD_FAILPOINT");
    const QString prefix = QStringLiteral("validate-after-chunk:");
    if (!spec.startsWith(prefix))
        return {};
    const qint64 chunk = spec.mid(prefix.size()).toLongLong();
    return [chunk](ValidationJob::Hook h, qint64 n) {
        if (h == ValidationJob::Hook::AfterChunk && n == chunk)
            ::kill(::getpid(), SIGKILL);
    };
}

struct Session
{
    core::Plan plan;
    ControlStoreLocation location;
    qint64 runId = 0;
};

// Loads the plan and finds its run, as the backfill does (same run for the
// same plan file).
std::optional<Session> openSession(const QString &command, const QString &planPath, QTextStream &err,
                                   int &code)
{
    const auto plan = loadPlan(planPath, err);
    if (!plan) {
        code = Problem;
        return std::nullopt;
    }
    Session s{*plan, ControlStoreLocation::fromPlan(*plan), 0};
    try {
        ControlStore store = ControlStore::open(s.location);
        s.runId = store.runs().ensureRun(plan->migration.name, plan->filePath, planSha256(planPath));
    } catch (const std::exception &e) {
        err << "switchyard-cli " << command << ": cannot open the control store (" << s.location.describe()
            << "): " << e.what() << "\n";
        code = Failure;
        return std::nullopt;
    }
    return s;
}

// `repair PLAN --queue [--follow]`: RepairQueueDrain, with a line per pass.
int runQueueDrain(Options &opts, QTextStream &out, QTextStream &err)
{
    int code = Ok;
    const auto session = openSession(QStringLiteral("repair"), opts.positional().first(), err, code);
    if (!session)
        return code;
    RepairQueueDrain::Options o;
    o.follow = opts.has(QStringLiteral("follow"));
    o.operatorName = opts.has(QStringLiteral("operator")) ? opts.value(QStringLiteral("operator"))
                                                          : qEnvironmentVariable("USER", QStringLiteral("switchyard-cli"));
    RepairQueueDrain drain(session->plan, session->location, session->runId, o);
    InterruptGuard guard([&drain] { drain.cancel(); });
    qint64 shownRepaired = -1;
    const RepairQueueDrain::Result r = drain.run([&](const RepairQueueDrain::Progress &p) {
        if (o.follow && p.repaired != shownRepaired) {
            shownRepaired = p.repaired;
            out << "repaired " << number(p.repaired) << ", pending " << number(p.pending) << ", failed "
                << number(p.failed) << "\n";
            out.flush();
        }
    });
    for (const QString &p : r.problems)
        out << "NOT repaired: " << p << "\n";
    if (!r.ok) {
        err << "switchyard-cli repair: " << r.error << "\n";
        return Problem;
    }
    out << number(r.repaired) << " queue entr" << (r.repaired == 1 ? "y" : "ies") << " repaired, "
        << number(r.deferred) << " deferred (still pending), " << number(r.failed) << " failed; "
        << number(r.pending) << " pending in the queue\n";
    if (r.cancelled && !o.follow)
        return 130;
    return r.failed > 0 || r.pending > 0 ? Problem : Ok;
}

} // namespace

int runValidateCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (wantsHelp(args)) {
        out << validateCommandHelp();
        return Ok;
    }
    Options opts(args,
                 {QStringLiteral("table"), QStringLiteral("mode"), QStringLiteral("chunk-rows"),
                  QStringLiteral("sample-size"), QStringLiteral("recheck-delay-ms"),
                  QStringLiteral("lock-timeout-ms"), QStringLiteral("chunks-in-flight")},
                 {});
    const auto chunkRows = opts.number(QStringLiteral("chunk-rows"));
    const auto sampleSize = opts.number(QStringLiteral("sample-size"));
    const auto recheck = opts.number(QStringLiteral("recheck-delay-ms"));
    const auto lockTimeout = opts.number(QStringLiteral("lock-timeout-ms"));
    const auto inFlight = opts.number(QStringLiteral("chunks-in-flight"));
    const QString modeText = opts.has(QStringLiteral("mode")) ? opts.value(QStringLiteral("mode"))
                                                              : QStringLiteral("checksum");
    const auto mode = ValidationJob::modeFromName(modeText);
    const bool inFlightOk = !inFlight || *inFlight == 1 || *inFlight == 2;
    if (!opts.ok() || opts.positional().size() != 1 || !mode || !inFlightOk) {
        err << "switchyard-cli validate: "
            << (!opts.ok()   ? opts.error()
                : !mode      ? QStringLiteral("unknown mode '%1' (count, sample, checksum or full)").arg(modeText)
                : !inFlightOk ? QStringLiteral("--chunks-in-flight takes 1 or 2")
                             : QStringLiteral("expected one plan file"))
            << "\n"
            << validateCommandHelp();
        return Usage;
    }
    int code = Ok;
    const auto session = openSession(QStringLiteral("validate"), opts.positional().first(), err, code);
    if (!session)
        return code;
    QStringList tables;
    if (opts.has(QStringLiteral("table"))) {
        const QString t = opts.value(QStringLiteral("table"));
        if (!session->plan.table(t)) {
            err << "switchyard-cli validate: table '" << t << "' is not in the plan\n";
            return Usage;
        }
        tables << t;
    } else {
        for (const TableSpec &t : session->plan.tables)
            tables << t.name;
    }

    const bool terminal = ::isatty(STDOUT_FILENO) == 1;
    bool problems = false;
    for (const QString &table : std::as_const(tables)) {
        ValidationJob::Options o;
        o.mode = *mode;
        o.chunkRows = chunkRows ? int(*chunkRows) : 0;
        if (sampleSize)
            o.sampleSize = int(*sampleSize);
        if (recheck)
            o.recheckDelay = std::chrono::milliseconds(qint64(*recheck));
        if (lockTimeout)
            o.lockTimeoutMs = int(*lockTimeout);
        if (inFlight)
            o.chunksInFlight = int(*inFlight);
        o.operatorName = qEnvironmentVariable("USER", QStringLiteral("switchyard-cli"));
        ValidationJob job(session->plan, table, session->location, session->runId, o);
        job.setHook(failpointFromEnvironment());
        InterruptGuard guard([&job] { job.cancel(); });
        const ValidationJob::Result r = job.run([&](const ValidationProgress &p) {
            if (!terminal)
                return;
            out << "\r\033[K"
                << QStringLiteral("%1  %2  %3 rows  %4 chunks  %5 rows/s")
                       .arg(table, validationStateName(p.state), number(p.rowsChecked), number(p.chunksDone),
                            number(qint64(p.rowsPerSecond)));
            out.flush();
        });
        if (terminal)
            out << "\r\033[K";
        if (r.state == ValidationState::Cancelled) {
            out << table << ": stopped after a chunk; run the command again to resume\n";
            return 130;
        }
        if (r.state == ValidationState::Failed) {
            problems = true;
            err << "switchyard-cli validate: " << table << " failed: " << r.error << "\n";
            continue;
        }
        out << QStringLiteral("%1: %2  (%3%4) %5 rows, %6 chunks, %7 open, %8 in flight, %9 unchecked")
                   .arg(table, verdictName(r.verdict).toUpper(), r.mode,
                        r.resumed ? QStringLiteral(", resumed") : QString(), number(r.rowsChecked),
                        number(r.chunks), number(r.open), number(r.inFlight))
                   .arg(r.unchecked.size())
            << "\n"
            << "  " << r.statement << "\n";
        for (const UncheckedChunk &u : r.unchecked)
            out << "  unchecked " << (u.range.lower || u.range.upper ? u.range.display() : QStringLiteral("table"))
                << ": " << u.error << "\n";
        if (r.verdict != ValidationVerdict::Pass)
            problems = true;
    }
    if (problems)
        out << "See: switchyard-cli mismatches " << opts.positional().first() << "\n";
    return problems ? Problem : Ok;
}

int runMismatchesCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (wantsHelp(args)) {
        out << mismatchesCommandHelp();
        return Ok;
    }
    Options opts(args, {QStringLiteral("table"), QStringLiteral("status"), QStringLiteral("limit")}, {});
    const auto limit = opts.number(QStringLiteral("limit"));
    MismatchFilter filter;
    filter.table = opts.value(QStringLiteral("table"));
    if (opts.has(QStringLiteral("status"))) {
        filter.status = mismatchStatusFromName(opts.value(QStringLiteral("status")));
        if (!filter.status) {
            err << "switchyard-cli mismatches: unknown status '" << opts.value(QStringLiteral("status"))
                << "' (open, in_flight, resolved_on_recheck, repaired, accepted)\n";
            return Usage;
        }
    }
    if (!opts.ok() || opts.positional().size() != 1) {
        err << "switchyard-cli mismatches: " << (opts.ok() ? QStringLiteral("expected one plan file") : opts.error())
            << "\n"
            << mismatchesCommandHelp();
        return Usage;
    }
    int code = Ok;
    const auto session = openSession(QStringLiteral("mismatches"), opts.positional().first(), err, code);
    if (!session)
        return code;
    try {
        ControlStore store = ControlStore::open(session->location);
        const qint64 total = store.mismatches().countMismatches(session->runId, filter);
        const QList<MismatchRecord> list =
            store.mismatches().mismatches(session->runId, filter, 0, limit ? int(*limit) : 100);
        for (const MismatchRecord &m : list) {
            out << QStringLiteral("#%1  %2  key %3  %4  %5").arg(m.id).arg(m.tableName, m.keyJson, storeName(m.kind),
                                                                  storeName(m.status));
            if (!m.differingColumns.isEmpty())
                out << "  columns: " << m.differingColumns.join(QStringLiteral(", "));
            out << "  seen " << m.timesSeen << "x, first " << m.firstSeen.toString(Qt::ISODate) << "\n"
                << "    source: " << m.sourceRowJson << "\n"
                << "    target: " << m.targetRowJson << "\n";
            if (!m.reason.isEmpty())
                out << "    reason: " << m.reason << "\n";
        }
        out << number(total) << " mismatch(es)";
        if (total > list.size())
            out << ", " << list.size() << " shown (--limit)";
        out << "\n";
    } catch (const std::exception &e) {
        err << "switchyard-cli mismatches: " << e.what() << "\n";
        return Failure;
    }
    return Ok;
}

int runRepairCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (wantsHelp(args)) {
        out << repairCommandHelp();
        return Ok;
    }
    Options opts(args, {QStringLiteral("table"), QStringLiteral("key"), QStringLiteral("operator")},
                 {QStringLiteral("all-open"), QStringLiteral("queue"), QStringLiteral("follow")});
    const bool allOpen = opts.has(QStringLiteral("all-open"));
    const bool byKey = opts.has(QStringLiteral("key"));
    if (opts.ok() && opts.has(QStringLiteral("queue")) && !allOpen && !byKey && !opts.has(QStringLiteral("table")) &&
        opts.positional().size() == 1)
        return runQueueDrain(opts, out, err);
    if (!opts.ok() || opts.positional().size() != 1 || allOpen == byKey || opts.has(QStringLiteral("queue")) ||
        opts.has(QStringLiteral("follow"))) {
        err << "switchyard-cli repair: "
            << (!opts.ok() ? opts.error()
                : opts.positional().size() != 1 ? QStringLiteral("expected one plan file")
                : opts.has(QStringLiteral("queue")) || opts.has(QStringLiteral("follow"))
                    ? QStringLiteral("--queue [--follow] takes no --key, --all-open or --table")
                    : QStringLiteral("give either --key JSON, --all-open or --queue"))
            << "\n"
            << repairCommandHelp();
        return Usage;
    }
    int code = Ok;
    const auto session = openSession(QStringLiteral("repair"), opts.positional().first(), err, code);
    if (!session)
        return code;
    QString table = opts.value(QStringLiteral("table"));
    if (byKey && table.isEmpty()) {
        if (session->plan.tables.size() != 1) {
            err << "switchyard-cli repair: --key needs --table when the plan has several tables\n";
            return Usage;
        }
        table = session->plan.tables.first().name;
    }
    if (!table.isEmpty() && !session->plan.table(table)) {
        err << "switchyard-cli repair: table '" << table << "' is not in the plan\n";
        return Usage;
    }
    QList<MismatchRecord> targets;
    try {
        ControlStore store = ControlStore::open(session->location);
        MismatchFilter filter;
        filter.table = table;
        if (allOpen)
            filter.status = MismatchStatus::Open;
        for (int offset = 0;; offset += 500) {
            const QList<MismatchRecord> page = store.mismatches().mismatches(session->runId, filter, offset, 500);
            for (const MismatchRecord &m : page) {
                if (allOpen)
                    targets << m;
                else if (const auto want = ValidationKey::fromJson(opts.value(QStringLiteral("key"))),
                         have = ValidationKey::fromJson(m.keyJson);
                         want && have && *want == *have)
                    targets << m;
            }
            if (page.size() < 500)
                break;
        }
    } catch (const std::exception &e) {
        err << "switchyard-cli repair: " << e.what() << "\n";
        return Failure;
    }
    if (targets.isEmpty()) {
        out << (allOpen ? QStringLiteral("no open mismatches\n")
                        : QStringLiteral("no mismatch recorded for key %1 in %2\n")
                              .arg(opts.value(QStringLiteral("key")), table));
        return allOpen ? Ok : Problem;
    }
    const QString who = opts.has(QStringLiteral("operator")) ? opts.value(QStringLiteral("operator"))
                                                            : qEnvironmentVariable("USER", QStringLiteral("switchyard-cli"));
    MismatchRepair repair(session->plan, session->location, session->runId, who);
    int failed = 0;
    for (const MismatchRepair::Outcome &o : repair.repair(targets)) {
        if (o.repaired) {
            out << QStringLiteral("#%1  %2  key %3: repaired (%4)\n").arg(o.mismatchId).arg(o.table, o.keyJson, o.action);
        } else {
            ++failed;
            out << QStringLiteral("#%1  %2  key %3: NOT repaired: %4\n").arg(o.mismatchId).arg(o.table, o.keyJson, o.message);
        }
    }
    out << number(targets.size() - failed) << " repaired, " << number(failed) << " not\n";
    return failed > 0 ? Problem : Ok;
}

} // namespace switchyard::cli
