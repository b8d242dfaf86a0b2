#include "cli/AuditCommands.h"

#include "cli/CliApp.h"
#include "cli/CliCommon.h"
#include "store/ControlStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard::cli {

using namespace switchyard::core;

QString auditCommandHelp()
{
    return QStringLiteral(
        "Usage: switchyard-cli audit show PLAN [--limit N] [--json] [--run ID]\n"
        "       switchyard-cli audit verify PLAN [--run ID | --all]\n"
        "\n"
        "The audit log in the plan's control store: every phase request, confirmation,\n"
        "override, rollback, refusal, flag change, job start/stop, repair and accepted\n"
        "mismatch, append-only and hash chained (docs/control-store.md).\n"
        "\n"
        "  show    the newest entries (--limit N, default 50), oldest of them first\n"
        "  verify  re-compute the chain of the plan's run (--all: every run in the store)\n"
        "          and report the first entry that was edited, deleted or moved\n"
        "\n"
        "The run is the one of this plan file (its name and SHA-256), else the newest run\n"
        "of the plan's name; --run ID picks another.\n"
        "\n"
        "Exit status: 0 shown / chain intact, 1 chain broken, 2 usage, 3 the control\n"
        "store could not be read.\n");
}

namespace {

int usageError(QTextStream &err, const QString &message)
{
    err << "switchyard-cli audit: " << message << "\n"
        << "Run 'switchyard-cli audit --help' for usage.\n";
    return Usage;
}

/// The run of this plan file, else the newest of its name; 0 when none.
qint64 findRun(ControlStore &store, const Plan &plan, const QString &sha)
{
    qint64 newest = 0;
    for (const RunRecord &r : store.runs().runs()) {
        if (r.planName != plan.migration.name)
            continue;
        if (r.planSha256 == sha)
            return r.id;
        newest = r.id;
    }
    return newest;
}

QJsonObject entryJson(const AuditEntry &e)
{
    QJsonObject o;
    o.insert(QStringLiteral("run_id"), e.runId);
    o.insert(QStringLiteral("seq"), e.seq);
    o.insert(QStringLiteral("at"), e.at);
    o.insert(QStringLiteral("operator"), e.operatorName);
    o.insert(QStringLiteral("action"), e.action);
    o.insert(QStringLiteral("target"), e.target);
    o.insert(QStringLiteral("reason"), e.reason);
    const QJsonDocument details = QJsonDocument::fromJson(e.detailsJson.toUtf8());
    if (details.isObject())
        o.insert(QStringLiteral("details"), details.object());
    else if (details.isArray())
        o.insert(QStringLiteral("details"), details.array());
    else
        o.insert(QStringLiteral("details"), e.detailsJson);
    o.insert(QStringLiteral("prev_hash"), e.prevHash);
    o.insert(QStringLiteral("hash"), e.hash);
    return o;
}

int show(ControlStore &store, qint64 runId, int limit, bool json, QTextStream &out)
{
    const std::optional<AuditEntry> head = store.audit().head(runId);
    QList<AuditEntry> entries;
    if (head)
        entries = store.audit().entries(runId, qMax<qint64>(1, head->seq - limit + 1), limit);
    if (json) {
        QJsonArray a;
        for (const AuditEntry &e : std::as_const(entries))
            a.append(entryJson(e));
        out << QJsonDocument(a).toJson(QJsonDocument::Indented);
        return Ok;
    }
    out << "Audit log of run " << runId << ": " << (head ? head->seq : 0) << " entries";
    if (head)
        out << ", head " << head->hash.left(16) << "…";
    out << "\n";
    for (const AuditEntry &e : std::as_const(entries)) {
        out << QString::number(e.seq).rightJustified(5) << "  " << e.at << "  " << e.operatorName.leftJustified(10)
            << " " << e.action.leftJustified(16) << " " << e.target;
        if (!e.reason.isEmpty())
            out << "  \"" << e.reason << "\"";
        out << "\n";
        if (!e.detailsJson.isEmpty() && e.detailsJson != QLatin1String("{}"))
            out << "         " << (e.detailsJson.size() > 400 ? e.detailsJson.left(400) + QStringLiteral("…") : e.detailsJson)
                << "\n";
    }
    return Ok;
}

int verify(ControlStore &store, std::optional<qint64> runId, QTextStream &out, QTextStream &err)
{
    const AuditVerification v = store.audit().verifyAudit(runId);
    if (v.ok) {
        out << "Audit chain intact: " << v.entriesChecked << " entries checked"
            << (runId ? QStringLiteral(" (run %1)").arg(*runId) : QStringLiteral(" (every run)")) << ".\n";
        if (runId) {
            if (const auto head = store.audit().head(*runId))
                out << "Head: seq " << head->seq << ", hash " << head->hash << "\n";
        }
        return Ok;
    }
    err << "Audit chain BROKEN in run " << v.runId << " at seq " << v.firstBadSeq << ": " << v.problem << "\n"
        << "(" << v.entriesChecked << " entries checked before the break.) Entries from there on cannot be "
        << "trusted; compare the store with a backup.\n";
    return Problem;
}

} // namespace

int runAuditCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.isEmpty())
        return usageError(err, QStringLiteral("expected 'show' or 'verify'"));
    if (args.contains(QLatin1String("--help")) || args.contains(QLatin1String("-h"))) {
        out << auditCommandHelp();
        return Ok;
    }
    const QString verb = args.first();
    const bool isShow = verb == QLatin1String("show");
    if (!isShow && verb != QLatin1String("verify"))
        return usageError(err, QStringLiteral("unknown subcommand '%1' (expected show or verify)").arg(verb));
    Options opts(args.mid(1),
                 isShow ? QStringList{QStringLiteral("limit"), QStringLiteral("run")} : QStringList{QStringLiteral("run")},
                 isShow ? QStringList{QStringLiteral("json")} : QStringList{QStringLiteral("all")});
    std::optional<double> limit;
    if (isShow)
        limit = opts.number(QStringLiteral("limit"));
    const auto run = opts.number(QStringLiteral("run"));
    if (!opts.ok())
        return usageError(err, opts.error());
    if (opts.positional().size() != 1)
        return usageError(err, QStringLiteral("audit %1 takes one plan file").arg(verb));
    const int limitRows = limit ? int(*limit) : 50;
    if (limitRows < 1)
        return usageError(err, QStringLiteral("--limit must be at least 1"));
    const QString planPath = opts.positional().first();
    const auto plan = loadPlan(planPath, err);
    if (!plan)
        return Problem;
    const ControlStoreLocation location = ControlStoreLocation::fromPlan(*plan);
    try {
        ControlStore store = ControlStore::open(location);
        if (!isShow && opts.has(QStringLiteral("all")))
            return verify(store, std::nullopt, out, err);
        const qint64 runId = run ? qint64(*run) : findRun(store, *plan, planSha256(planPath));
        if (runId <= 0) {
            err << "switchyard-cli audit: the control store (" << location.describe() << ") has no run of plan "
                << plan->migration.name << " yet.\n";
            return Problem;
        }
        if (isShow)
            return show(store, runId, limitRows, opts.has(QStringLiteral("json")), out);
        return verify(store, runId, out, err);
    } catch (const std::exception &e) {
        err << "switchyard-cli audit: cannot read the control store (" << location.describe() << "): " << e.what()
            << "\n";
        return Failure;
    }
}

} // namespace switchyard::cli
