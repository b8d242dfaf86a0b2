#include "report/ReportData.h"

#include "source/MySqlConnection.h"
#include "store/ControlStore.h"
#include "target/PgConnection.h"
#include "validate/ValidationCheckpoint.h"

#include <switchyard/Version.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <limits>

namespace switchyard::core {

namespace {

QString phaseLabel(const Plan &plan, int index)
{
    if (index < 0 || index >= plan.phases.size())
        return QStringLiteral("phase %1").arg(index + 1);
    const PhaseSpec &p = plan.phases.at(index);
    return QStringLiteral("%1. %2").arg(index + 1).arg(p.title);
}

ReportEndpoint endpoint(const QString &role, const ConnectionSettings &c)
{
    ReportEndpoint e;
    e.role = role;
    e.engine = engineDisplayName(c.engine);
    e.host = c.host;
    e.port = c.effectivePort();
    e.database = c.database;
    e.user = c.user;
    return e;
}

QString errorText(const std::exception &e)
{
    return QString::fromUtf8(e.what()).simplified();
}

// Versions and COUNT(*) of every table on both servers. Failures are kept as
// text on the endpoint / table: the report then says "not measured".
void measureServers(const Plan &plan, ReportData &data)
{
    MySqlConnection::Options mo;
    mo.connectTimeoutSeconds = 5;
    MySqlConnection my;
    try {
        my.open(plan.source, mo);
        data.source.version = my.serverVersion();
    } catch (const std::exception &e) {
        data.source.measureError = errorText(e);
    }
    PgConnection::Options po;
    po.connectTimeoutSeconds = 5;
    po.applicationName = QStringLiteral("switchyard-report");
    PgConnection pg;
    try {
        pg.open(plan.target, po);
        data.target.version = pg.serverVersion();
    } catch (const std::exception &e) {
        data.target.measureError = errorText(e);
    }
    const QString schema = plan.target.schema.isEmpty() ? QStringLiteral("public") : plan.target.schema;
    for (ReportTable &t : data.tables) {
        QStringList errors;
        if (my.isOpen()) {
            try {
                t.sourceRowsNow = my.query(QStringLiteral("SELECT COUNT(*) FROM %1")
                                               .arg(quoteMySqlQualifiedName(plan.source.database, t.name)))
                                      .scalar()
                                      .toLongLong();
            } catch (const std::exception &e) {
                errors << QStringLiteral("source: %1").arg(errorText(e));
            }
        } else {
            errors << QStringLiteral("source not reached");
        }
        if (pg.isOpen()) {
            try {
                t.targetRowsNow = pg.query(QStringLiteral("SELECT COUNT(*) FROM %1")
                                               .arg(quotePgQualifiedName(schema, t.targetName)))
                                      .scalar()
                                      .toLongLong();
            } catch (const std::exception &e) {
                errors << QStringLiteral("target: %1").arg(errorText(e));
            }
        } else {
            errors << QStringLiteral("target not reached");
        }
        t.countError = errors.join(QStringLiteral("; "));
    }
}

void gatherTable(ControlStore &store, qint64 runId, const ReportData::Options &options, ReportTable &t)
{
    if (const auto job = store.jobs().latestJob(runId, JobSpec::Kind::Backfill, t.name)) {
        t.backfillFound = true;
        t.backfillState = storeName(job->state);
        t.backfillFinishedAt = job->finishedAt;
        if (const auto cp = store.jobs().loadCheckpoint(job->id))
            t.backfillRows = cp->rowsDone;
    }
    if (const auto job = store.jobs().latestJob(runId, JobSpec::Kind::Validate, t.name)) {
        t.validationFound = true;
        t.validationJobId = job->id;
        t.validationState = storeName(job->state);
        t.validatedAt = job->finishedAt.isValid() ? job->finishedAt : job->updatedAt;
        if (const auto cp = store.jobs().loadCheckpoint(job->id)) {
            if (const auto v = ValidationCheckpoint::fromJson(cp->lastKeyJson)) {
                t.mode = v->mode;
                t.validationDone = v->done;
                t.validationVerdict = v->done ? v->verdict : QString();
                t.chunksChecked = v->chunks;
                t.chunksUnchecked = v->unchecked.size();
                t.rowsChecked = v->rows;
                t.validatedSourceRows = v->sourceRows;
                t.validatedTargetRows = v->targetRows;
                t.statement = v->statement;
                for (const UncheckedChunk &u : v->unchecked)
                    t.uncheckedRanges << QStringLiteral("%1: %2").arg(u.range.display(), u.error);
            }
        }
        if (t.mode.isEmpty()) {
            const QJsonObject params = QJsonDocument::fromJson(job->paramsJson.toUtf8()).object();
            t.mode = params.value(QStringLiteral("mode")).toString();
        }
    }
    MismatchFilter f;
    f.table = t.name;
    t.found = store.mismatches().countMismatches(runId, f);
    auto count = [&](MismatchStatus s) {
        MismatchFilter g = f;
        g.status = s;
        return store.mismatches().countMismatches(runId, g);
    };
    t.open = count(MismatchStatus::Open);
    t.inFlight = count(MismatchStatus::InFlight);
    t.resolvedOnRecheck = count(MismatchStatus::ResolvedOnRecheck);
    t.repaired = count(MismatchStatus::Repaired);
    t.accepted = count(MismatchStatus::Accepted);
    if (t.accepted > 0) {
        MismatchFilter g = f;
        g.status = MismatchStatus::Accepted;
        for (const MismatchRecord &m : store.mismatches().mismatches(runId, g, 0, options.acceptedLimit))
            t.acceptedList << ReportAccepted{m.keyJson, storeName(m.kind), m.reason, m.acceptedBy, m.acceptedAt};
    }
    for (MismatchStatus status : {MismatchStatus::Open, MismatchStatus::InFlight}) {
        MismatchFilter g = f;
        g.status = status;
        const int room = options.openLimit - int(t.openList.size());
        if (room <= 0)
            break;
        for (const MismatchRecord &m : store.mismatches().mismatches(runId, g, 0, room))
            t.openList << ReportOpenMismatch{m.keyJson, storeName(m.kind), storeName(m.status), m.differingColumns,
                                             m.firstSeen, m.lastChecked};
    }
    t.rejects = store.mismatches().countRejects(runId, t.name);
}

bool jsonBool(const QJsonObject &o, std::initializer_list<const char *> keys, bool fallback)
{
    for (const char *k : keys) {
        const QJsonValue v = o.value(QLatin1String(k));
        if (v.isBool())
            return v.toBool();
        if (v.isString())
            return v.toString() == QLatin1String("pass") || v.toString() == QLatin1String("true");
    }
    return fallback;
}

QString jsonText(const QJsonObject &o, std::initializer_list<const char *> keys)
{
    for (const char *k : keys) {
        const QJsonValue v = o.value(QLatin1String(k));
        if (v.isString())
            return v.toString();
        if (v.isDouble())
            return QString::number(v.toDouble());
    }
    return {};
}

} // namespace

QString engineDisplayName(ConnectionSettings::Engine engine)
{
    switch (engine) {
    case ConnectionSettings::Engine::MariaDB:
        return QStringLiteral("MariaDB");
    case ConnectionSettings::Engine::MySQL:
        return QStringLiteral("MySQL");
    case ConnectionSettings::Engine::PostgreSQL:
        break;
    }
    return QStringLiteral("PostgreSQL");
}

std::optional<QList<ReportGate>> parseGateEvidence(const QString &evidenceJson)
{
    const QString text = evidenceJson.trimmed();
    if (text.isEmpty())
        return QList<ReportGate>{};
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        return std::nullopt;
    QJsonArray gates;
    if (doc.isArray()) {
        gates = doc.array();
    } else if (doc.isObject()) {
        const QJsonObject o = doc.object();
        if (o.value(QStringLiteral("gates")).isArray())
            gates = o.value(QStringLiteral("gates")).toArray();
        else if (!o.isEmpty())
            return std::nullopt;
    } else {
        return std::nullopt;
    }
    QList<ReportGate> out;
    for (const QJsonValue &v : gates) {
        if (!v.isObject())
            return std::nullopt;
        const QJsonObject o = v.toObject();
        ReportGate g;
        g.name = jsonText(o, {"name", "describe", "description", "kind"});
        g.passed = jsonBool(o, {"passed", "pass", "ok"}, false);
        g.manual = jsonBool(o, {"manual"}, false);
        g.measured = jsonText(o, {"measured", "value"});
        g.threshold = jsonText(o, {"threshold"});
        g.detail = jsonText(o, {"detail", "message"});
        out << g;
    }
    return out;
}

std::optional<qint64> ReportData::runFor(ControlStore &store, const Plan &plan, const QString &planSha256)
{
    qint64 best = 0;
    for (const RunRecord &r : store.runs().runs())
        if (r.planName == plan.migration.name && r.planSha256 == planSha256)
            best = r.id;
    if (best == 0)
        if (const auto latest = store.runs().latestRun(plan.migration.name))
            best = latest->id;
    return best == 0 ? std::nullopt : std::optional<qint64>(best);
}

ReportData ReportData::gather(const Plan &plan, const QString &planSha256, ControlStore &store,
                              qint64 runId, const Options &options)
{
    ReportData d;
    d.generatedAt = QDateTime::currentDateTimeUtc();
    d.generator = QStringLiteral("switchyard %1").arg(QStringLiteral(SWITCHYARD_VERSION));
    d.migrationName = plan.migration.name;
    d.owner = plan.migration.owner;
    d.why = plan.migration.why;
    d.riskLevel = plan.migration.riskLevel;
    d.planPath = plan.filePath;
    d.planSha256 = planSha256;
    d.controlStore = store.location().describe();
    d.source = endpoint(QStringLiteral("Source"), plan.source);
    d.target = endpoint(QStringLiteral("Target"), plan.target);
    for (int i = 0; i < plan.phases.size(); ++i)
        d.phaseTitles << phaseLabel(plan, i);
    d.phaseCount = int(plan.phases.size());

    const auto run = store.runs().run(runId);
    if (!run) {
        StoreError e;
        e.kind = StoreError::Kind::Usage;
        e.message = QStringLiteral("no run %1 in the control store").arg(runId);
        e.context = d.controlStore;
        throw StoreException(e);
    }
    d.runId = runId;
    d.runCreatedAt = run->createdAt;
    d.runPlanSha256 = run->planSha256;

    const PhaseState state = store.runs().phaseState(runId);
    d.currentPhase = phaseLabel(plan, state.phaseIndex);
    d.currentStatus = storeName(state.status);
    d.currentRampStep = state.rampStep;

    for (const TableSpec &spec : plan.tables) {
        ReportTable t;
        t.name = spec.name;
        t.targetName = spec.effectiveTargetName();
        gatherTable(store, runId, options, t);
        d.tables << t;
    }

    for (const PhaseTransition &pt : store.runs().phaseHistory(runId)) {
        ReportTransition t;
        t.at = pt.at;
        t.fromPhase = phaseLabel(plan, pt.fromPhase);
        t.toPhase = phaseLabel(plan, pt.toPhase);
        t.fromStatus = storeName(pt.fromStatus);
        t.toStatus = storeName(pt.toStatus);
        t.rampStep = pt.rampStep;
        t.operatorName = pt.operatorName;
        t.reason = pt.reason;
        t.overridden = pt.overridden;
        if (const auto gates = parseGateEvidence(pt.evidenceJson))
            t.gates = *gates;
        else
            t.evidenceUnreadable = true;
        d.transitions << t;
    }

    const AuditVerification v = store.audit().verifyAudit(runId);
    d.audit.verified = v.ok;
    d.audit.problem = v.problem;
    if (const auto head = store.audit().head(runId)) {
        d.audit.headSeq = head->seq;
        d.audit.headHash = head->hash;
        d.audit.total = head->seq;
    }
    // The newest entries matter most to a reader; the whole chain is verified.
    const qint64 from = std::max<qint64>(1, d.audit.total - options.auditLimit + 1);
    d.audit.entries = store.audit().entries(runId, from, options.auditLimit);

    for (const QString &name : store.metrics().seriesNames(runId)) {
        if (!name.startsWith(QLatin1String("backfill.rows_per_second:")) &&
            !name.startsWith(QLatin1String("validate.rows_per_second:")) &&
            !name.startsWith(QLatin1String("mismatches.open:")))
            continue;
        ReportSeries s;
        s.name = name;
        for (const MetricSample &m :
             store.metrics().samples(runId, name, 0, std::numeric_limits<qint64>::max()))
            s.points << ReportSeriesPoint{m.tsMs, m.value};
        d.series << s;
    }
    d.earlierSignOffs = store.runs().signOffs(runId);

    if (options.measureServers)
        measureServers(plan, d);
    return d;
}

} // namespace switchyard::core
