#include "cli/JobsCommands.h"

#include "cli/CliApp.h"
#include "cli/CliCommon.h"
#include "engine/JobQueue.h"
#include "store/ControlStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

namespace switchyard::cli {

using namespace switchyard::core;

QString jobsCommandHelp()
{
    return QStringLiteral(
        "Usage: switchyard-cli jobs PLAN [list] [--json]\n"
        "       switchyard-cli jobs PLAN start backfill|validate [--table T] [--mode M]\n"
        "       switchyard-cli jobs PLAN pause|resume|cancel JOB_ID\n"
        "       switchyard-cli jobs PLAN throttle JOB_ID ROWS_PER_S\n"
        "\n"
        "The control store is the run's work queue: `start` enqueues jobs (one per\n"
        "table of the plan, or --table T), and any `switchyard-cli worker` (or the\n"
        "cockpit) runs them. pause/resume/cancel/throttle are requests to whichever\n"
        "worker holds the job; it applies them within about a second.\n"
        "\n"
        "  --table T     only table T (start)\n"
        "  --mode M      validation mode: count, sample, checksum (default), full\n"
        "  --json        list as JSON (one object per job)\n"
        "  --operator N  who asks, for the audit log (default: $USER)\n"
        "\n"
        "ROWS_PER_S 0 removes the limit. A cancelled job keeps its checkpoint: the\n"
        "next job of the same kind on the table starts from it.\n"
        "\n"
        "Exit status: 0 done, 1 a request was refused (the reason is printed),\n"
        "2 usage, 3 the control store could not be opened.\n");
}

QString operatorName(const QString &fromOption)
{
    if (!fromOption.trimmed().isEmpty())
        return fromOption.trimmed();
    return qEnvironmentVariable("USER", QStringLiteral("switchyard-cli"));
}

std::optional<PlanRun> openPlanRun(const QString &command, const QString &planPath, QTextStream &err,
                                   int &exitCode)
{
    auto plan = loadPlan(planPath, err);
    if (!plan) {
        exitCode = Problem;
        return std::nullopt;
    }
    const ControlStoreLocation location = ControlStoreLocation::fromPlan(*plan);
    try {
        ControlStore store = ControlStore::open(location);
        const qint64 run = store.runs().ensureRun(plan->migration.name, plan->filePath, planSha256(planPath));
        return PlanRun{*plan, run};
    } catch (const std::exception &e) {
        err << "switchyard-cli " << command << ": cannot open the control store (" << location.describe()
            << "): " << e.what() << "\n";
        exitCode = Failure;
        return std::nullopt;
    }
}

namespace {

QString number(qint64 n)
{
    return QLocale(QLocale::English).toString(n);
}

QString age(const QDateTime &t)
{
    if (!t.isValid())
        return QStringLiteral("-");
    const qint64 s = std::max<qint64>(0, t.secsTo(QDateTime::currentDateTimeUtc()));
    if (s < 120)
        return QStringLiteral("%1 s ago").arg(s);
    if (s < 7200)
        return QStringLiteral("%1 min ago").arg(s / 60);
    return QStringLiteral("%1 h ago").arg(s / 3600);
}

QJsonObject jobJson(const JobRecord &j, const std::optional<Checkpoint> &cp)
{
    auto ts = [](const QDateTime &t) { return t.isValid() ? QJsonValue(t.toString(Qt::ISODateWithMs)) : QJsonValue(); };
    QJsonObject o{{QStringLiteral("id"), j.id},
                  {QStringLiteral("run_id"), j.runId},
                  {QStringLiteral("kind"), storeName(j.kind)},
                  {QStringLiteral("table"), j.tableName},
                  {QStringLiteral("state"), storeName(j.state)},
                  {QStringLiteral("params"), JobQueue::params(j)},
                  {QStringLiteral("attempts"), j.attempts},
                  {QStringLiteral("worker_id"), j.workerId},
                  {QStringLiteral("worker_host"), j.workerHost},
                  {QStringLiteral("heartbeat_at"), ts(j.heartbeatAt)},
                  {QStringLiteral("created_at"), ts(j.createdAt)},
                  {QStringLiteral("started_at"), ts(j.startedAt)},
                  {QStringLiteral("finished_at"), ts(j.finishedAt)},
                  {QStringLiteral("last_error"), j.lastError},
                  {QStringLiteral("last_error_retryable"), j.lastErrorRetryable},
                  {QStringLiteral("rows_done"), cp ? QJsonValue(cp->rowsDone) : QJsonValue()}};
    return o;
}

int list(const PlanRun &pr, bool json, QTextStream &out)
{
    ControlStore store = ControlStore::open(ControlStoreLocation::fromPlan(pr.plan));
    const QList<JobRecord> jobs = store.jobs().jobsForRun(pr.runId);
    if (json) {
        QJsonArray a;
        for (const JobRecord &j : jobs)
            a.append(jobJson(j, store.jobs().loadCheckpoint(j.id)));
        out << QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Indented));
        return Ok;
    }
    if (jobs.isEmpty()) {
        out << "No jobs in run " << pr.runId << " of " << pr.plan.migration.name
            << ". Enqueue some with: switchyard-cli jobs PLAN start backfill\n";
        return Ok;
    }
    out << QStringLiteral("%1  %2  %3  %4  %5  %6  %7\n")
               .arg(QStringLiteral("ID").rightJustified(5), QStringLiteral("KIND").leftJustified(12),
                    QStringLiteral("TABLE").leftJustified(20), QStringLiteral("STATE").leftJustified(9),
                    QStringLiteral("ROWS").rightJustified(12), QStringLiteral("TRIES").rightJustified(5),
                    QStringLiteral("WORKER / DETAIL"));
    for (const JobRecord &j : jobs) {
        const auto cp = store.jobs().loadCheckpoint(j.id);
        QStringList detail;
        if (!j.workerId.isEmpty())
            detail << QStringLiteral("%1 (heartbeat %2)").arg(j.workerId, age(j.heartbeatAt));
        const QString mode = JobQueue::mode(j);
        if (!mode.isEmpty())
            detail << QStringLiteral("mode %1").arg(mode);
        if (const auto rate = JobQueue::maxRowsPerSecond(j); rate && *rate > 0)
            detail << QStringLiteral("limit %1 rows/s").arg(number(qint64(*rate)));
        if (!j.lastError.isEmpty())
            detail << QStringLiteral("error: %1").arg(j.lastError);
        out << QStringLiteral("%1  %2  %3  %4  %5  %6  %7\n")
                   .arg(QString::number(j.id).rightJustified(5), storeName(j.kind).leftJustified(12),
                        (j.tableName.isEmpty() ? QStringLiteral("-") : j.tableName).leftJustified(20),
                        storeName(j.state).leftJustified(9),
                        (cp ? number(cp->rowsDone) : QStringLiteral("-")).rightJustified(12),
                        QString::number(j.attempts).rightJustified(5), detail.join(QStringLiteral("; ")));
    }
    return Ok;
}

int startJobs(const PlanRun &pr, const QString &what, const Options &opts, const QString &who, QTextStream &out,
              QTextStream &err)
{
    JobSpec::Kind kind;
    if (what == QLatin1String("backfill"))
        kind = JobSpec::Kind::Backfill;
    else if (what == QLatin1String("validate"))
        kind = JobSpec::Kind::Validate;
    else {
        err << "switchyard-cli jobs: start backfill or start validate, not '" << what << "'\n";
        return Usage;
    }
    std::optional<JobSpec::ValidateMode> mode;
    if (opts.has(QStringLiteral("mode"))) {
        mode = JobSpec::ValidateMode::Checksum;
        const QString m = opts.value(QStringLiteral("mode"));
        bool known = false;
        for (auto candidate : {JobSpec::ValidateMode::Count, JobSpec::ValidateMode::Sample,
                               JobSpec::ValidateMode::Checksum, JobSpec::ValidateMode::Full}) {
            if (JobSpec::modeName(candidate) == m) {
                mode = candidate;
                known = true;
            }
        }
        if (!known || kind != JobSpec::Kind::Validate) {
            err << "switchyard-cli jobs: "
                << (known ? QStringLiteral("--mode is for validate jobs")
                          : QStringLiteral("unknown mode '%1' (count, sample, checksum, full)").arg(m))
                << "\n";
            return Usage;
        }
    }
    QStringList tables;
    if (opts.has(QStringLiteral("table"))) {
        tables << opts.value(QStringLiteral("table"));
    } else {
        for (const TableSpec &t : pr.plan.tables)
            tables << t.name;
    }
    ControlStore store = ControlStore::open(ControlStoreLocation::fromPlan(pr.plan));
    JobQueue queue(store, pr.plan, pr.runId, who);
    int refused = 0;
    for (const QString &t : std::as_const(tables)) {
        const JobQueue::Outcome o = queue.enqueue(kind, t, mode);
        if (o.applied) {
            out << "job " << o.job.id << ": " << what << " of " << t;
            if (mode)
                out << " (" << JobSpec::modeName(*mode) << ")";
            out << " queued\n";
        } else {
            ++refused;
            err << "switchyard-cli jobs: " << t << ": " << o.refusal << "\n";
        }
    }
    if (refused == 0)
        out << "Run them with: switchyard-cli worker " << pr.plan.filePath << "\n";
    return refused > 0 ? Problem : Ok;
}

} // namespace

int runJobsCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.contains(QLatin1String("--help")) || args.contains(QLatin1String("-h"))) {
        out << jobsCommandHelp();
        return Ok;
    }
    Options opts(args, {QStringLiteral("table"), QStringLiteral("mode"), QStringLiteral("operator")},
                 {QStringLiteral("json")});
    const QStringList pos = opts.positional();
    auto usage = [&](const QString &why) {
        err << "switchyard-cli jobs: " << why << "\n" << jobsCommandHelp();
        return int(Usage);
    };
    if (!opts.ok())
        return usage(opts.error());
    if (pos.isEmpty())
        return usage(QStringLiteral("expected a plan file"));
    const QString action = pos.value(1, QStringLiteral("list"));
    const QStringList known{QStringLiteral("list"), QStringLiteral("start"), QStringLiteral("pause"),
                            QStringLiteral("resume"), QStringLiteral("cancel"), QStringLiteral("throttle")};
    if (!known.contains(action))
        return usage(QStringLiteral("unknown action '%1'").arg(action));
    const int wanted = action == QLatin1String("list") ? (pos.size() == 1 ? 1 : 2)
                       : action == QLatin1String("throttle") ? 4
                                                             : 3;
    if (pos.size() != wanted)
        return usage(QStringLiteral("wrong number of arguments for '%1'").arg(action));

    int code = Ok;
    const auto pr = openPlanRun(QStringLiteral("jobs"), pos.first(), err, code);
    if (!pr)
        return code;
    const QString who = operatorName(opts.value(QStringLiteral("operator")));
    try {
        if (action == QLatin1String("list"))
            return list(*pr, opts.has(QStringLiteral("json")), out);
        if (action == QLatin1String("start"))
            return startJobs(*pr, pos.at(2), opts, who, out, err);

        bool isNumber = false;
        const qint64 jobId = pos.at(2).toLongLong(&isNumber);
        if (!isNumber || jobId <= 0)
            return usage(QStringLiteral("'%1' is not a job id (see: switchyard-cli jobs PLAN list)").arg(pos.at(2)));
        ControlStore store = ControlStore::open(ControlStoreLocation::fromPlan(pr->plan));
        JobQueue queue(store, pr->plan, pr->runId, who);
        JobQueue::Outcome o;
        if (action == QLatin1String("pause"))
            o = queue.pause(jobId);
        else if (action == QLatin1String("resume"))
            o = queue.resume(jobId);
        else if (action == QLatin1String("cancel"))
            o = queue.cancel(jobId);
        else {
            bool ok = false;
            const double rate = pos.at(3).toDouble(&ok);
            if (!ok || rate < 0)
                return usage(QStringLiteral("ROWS_PER_S must be a number ≥ 0, not '%1'").arg(pos.at(3)));
            o = queue.throttle(jobId, rate);
        }
        if (!o.applied) {
            err << "switchyard-cli jobs: " << o.refusal << "\n";
            return Problem;
        }
        out << "job " << jobId << " (" << storeName(o.job.kind)
            << (o.job.tableName.isEmpty() ? QString() : QStringLiteral(" of ") + o.job.tableName) << "): ";
        if (action == QLatin1String("throttle")) {
            const double rate = JobQueue::maxRowsPerSecond(o.job).value_or(0);
            out << (rate > 0 ? QStringLiteral("at most %1 rows/s").arg(number(qint64(rate))) : QStringLiteral("unlimited"));
            out << (o.job.state == JobState::Running ? " (the worker applies it within a second)" : "");
        } else {
            out << storeName(o.job.state);
            if (!o.job.workerId.isEmpty() && o.job.state != JobState::Queued)
                out << " (worker " << o.job.workerId << " applies it within a second)";
        }
        out << "\n";
        return Ok;
    } catch (const std::exception &e) {
        err << "switchyard-cli jobs: " << e.what() << "\n";
        return Failure;
    }
}

} // namespace switchyard::cli
