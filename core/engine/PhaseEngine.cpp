#include "engine/PhaseEngine.h"

#include "common/DbError.h"
#include "engine/CaptureControl.h"
#include "engine/GateEvaluator.h"
#include "engine/PhaseJobs.h"
#include "engine/TargetSequences.h"
#include "engine/PhasePlanner.h"
#include "flags/FlagPublisher.h"
#include "store/ControlStore.h"
#include "target/PgConnection.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>

namespace switchyard::core {

namespace {

QJsonObject stateJson(const PhaseState &s)
{
    QJsonObject o;
    o.insert(QStringLiteral("phase"), s.phaseIndex);
    o.insert(QStringLiteral("step"), s.rampStep);
    o.insert(QStringLiteral("status"), storeName(s.status));
    o.insert(QStringLiteral("version"), s.version);
    return o;
}

QJsonValue flagJson(const QVariant &v)
{
    return v.isValid() ? QJsonValue::fromVariant(v) : QJsonValue();
}

QJsonArray flagChangesJson(const QList<FlagChange> &changes)
{
    QJsonArray a;
    for (const FlagChange &c : changes) {
        QJsonObject o;
        o.insert(QStringLiteral("name"), c.name);
        o.insert(QStringLiteral("from"), flagJson(c.from));
        o.insert(QStringLiteral("to"), flagJson(c.to));
        a.append(o);
    }
    return a;
}

QJsonObject lagJson(const ReverseLag &lag)
{
    QJsonObject o;
    o.insert(QStringLiteral("pending_changes"), lag.pendingChanges);
    o.insert(QStringLiteral("oldest_pending_seconds"), lag.oldestPendingSeconds);
    o.insert(QStringLiteral("last_applied_change_id"), lag.lastAppliedChangeId);
    return o;
}

} // namespace

struct PhaseEngine::Impl
{
    Impl(const Plan &p, const QString &sha, const ControlStoreLocation &location, const Options &o)
        : plan(p)
        , planSha256(sha)
        , options(o)
        , store(ControlStore::open(location))
        , planner(p)
    {
        runId = store.runs().ensureRun(plan.migration.name, plan.filePath, planSha256);
    }

    PgConnection &target()
    {
        if (!pg.isOpen())
            pg.open(plan.target);
        return pg;
    }
    /// A connection that broke stays broken (no reactivation): drop it so the
    /// next use reconnects.
    void checkTarget()
    {
        if (!pg.isOpen())
            return;
        try {
            pg.exec(QStringLiteral("SELECT 1"));
        } catch (const DbException &) {
            pg.close();
        }
    }
    GateEvaluator gates() { return GateEvaluator(plan, runId, store, [this]() -> PgConnection & { return target(); }); }
    CaptureControl capture() { return CaptureControl(plan, [this]() -> PgConnection & { return target(); }); }
    PhaseJobs jobs() { return PhaseJobs(store, runId); }

    PlannedMove move(const TransitionRequest &r, const PhaseState &from) const
    {
        return r.kind == TransitionKind::Rollback ? planner.rollback(from) : planner.advance(from);
    }
    TransitionRequest buildRequest(const PhaseState &from, const PlannedMove &m);
    QList<PlannedJob> jobsToStart(const PhaseState &from, const PlannedMove &m);
    QList<JobRecord> jobsToStop(const PlannedMove &m, bool reverseStops);
    TransitionOutcome refuse(const TransitionRequest &r, const Confirmation &c, const QString &why,
                             const QList<GateResult> &gates);
    void audit(const QString &who, const QString &action, const QString &target, const QString &reason,
               const QJsonObject &details)
    {
        store.audit().appendAudit(engineAuditEntry(runId, who, action, target, reason, details));
    }
    QString phaseTarget(int index) const
    {
        return index >= 0 && index < plan.phases.size() ? QStringLiteral("phase:") + plan.phases.at(index).id
                                                         : QStringLiteral("run");
    }
    void progress(const QString &text) const
    {
        if (options.progress)
            options.progress(text);
    }

    Plan plan;
    QString planSha256;
    Options options;
    ControlStore store;
    PgConnection pg;
    PhasePlanner planner;
    qint64 runId = 0;
};

QList<PlannedJob> PhaseEngine::Impl::jobsToStart(const PhaseState &from, const PlannedMove &m)
{
    QList<PlannedJob> planned;
    // A ramp step (forward or back) stays in the phase: its jobs keep going.
    if (m.enteredPhase >= 0 && !(m.kind == TransitionKind::Rollback && from.status == PhaseStatus::Complete))
        planned = planner.jobsOfPhase(m.enteredPhase);
    const QStringList before = planner.reverseSyncTables(planner.flagsAt(from), from);
    const QStringList after = planner.reverseSyncTables(planner.flagsAfter(from, m), m.to);
    if (!after.isEmpty()) {
        const QString phaseId = plan.phases.at(m.to.phaseIndex).id;
        for (const QString &t : after)
            planned.append({JobSpec::Kind::ReverseSync, t, QString(), phaseId});
    }
    Q_UNUSED(before);
    return jobs().toEnqueue(planned);
}

QList<JobRecord> PhaseEngine::Impl::jobsToStop(const PlannedMove &m, bool reverseStops)
{
    QList<JobRecord> stop;
    if (m.leftPhase >= 0) {
        const PhaseSpec &left = plan.phases.at(m.leftPhase);
        const bool stopThem = m.kind != TransitionKind::Rollback || left.rollback.stopJobs;
        if (stopThem)
            stop = jobs().unfinishedOfPhase(left.id, false);
    }
    if (reverseStops)
        stop += jobs().unfinishedReverseSync();
    return stop;
}

TransitionRequest PhaseEngine::Impl::buildRequest(const PhaseState &from, const PlannedMove &m)
{
    TransitionRequest r;
    r.kind = m.kind;
    r.from = from;
    r.toPhase = m.to.phaseIndex;
    r.toStep = m.to.rampStep;
    r.toStatus = m.to.status;
    r.confirmationPhrase = plan.migration.name;
    r.allowed = m.allowed;
    r.refusal = m.refusal;
    if (!m.allowed) {
        r.gatesPass = false;
        r.title = m.refusal;
        return r;
    }
    r.title = QStringLiteral("%1: %2 → %3")
                  .arg(transitionKindName(m.kind), planner.describeState(from), planner.describeState(m.to));
    if (m.needsGates) {
        checkTarget();
        r.gates = gates().evaluate(from.phaseIndex, from.enteredAt, {});
        r.overridePossible = true;
        for (const GateResult &g : std::as_const(r.gates)) {
            if (g.manual) {
                // Ticked at confirm time; not a failure of the request.
                r.manualItems.append(plan.phases.at(from.phaseIndex).gates.at(g.index).text);
                continue;
            }
            if (!g.passed) {
                r.gatesPass = false;
                if (!g.overridable)
                    r.overridePossible = false;
            }
        }
        if (r.gatesPass)
            r.overridePossible = false;
    }
    const FlagSet before = planner.flagsAt(from);
    const FlagSet after = planner.flagsAfter(from, m);
    r.flagChanges = PhasePlanner::diff(before, after);

    const QStringList reverseBefore = planner.reverseSyncTables(before, from);
    const QStringList reverseAfter = planner.reverseSyncTables(after, m.to);
    const bool reverseStops = !reverseBefore.isEmpty() && reverseAfter.isEmpty();
    for (const PlannedJob &j : jobsToStart(from, m))
        r.jobsToStart.append(j.describe());
    for (const JobRecord &j : jobsToStop(m, reverseStops))
        r.jobsToStop.append(PhaseJobs::describe(j));

    QStringList notes;
    if (m.kind == TransitionKind::Rollback && m.leftPhase >= 0 && !plan.phases.at(m.leftPhase).rollback.note.isEmpty())
        notes << plan.phases.at(m.leftPhase).rollback.note;
    if (!reverseAfter.isEmpty() && reverseBefore.isEmpty())
        notes << QStringLiteral("Change capture is installed on %1 and the reverse sync enqueued BEFORE the flags "
                                "are published, so every write PostgreSQL takes alone reaches MySQL.")
                     .arg(reverseAfter.join(QStringLiteral(", ")));
    r.waitsForReverseSync = planner.waitsForReverseSync(from, m);
    if (reverseStops) {
        if (r.waitsForReverseSync) {
            notes << QStringLiteral("Waits (at most %1 s) until the reverse sync has applied every change, "
                                    "publishes the flags, waits %2 ms for applications to see them, waits for "
                                    "lag 0 again, then stops the reverse sync and removes change capture.")
                         .arg(options.reverseSyncTimeoutSeconds)
                         .arg(options.flagPropagationMs);
            try {
                checkTarget();
                r.reverseLag = capture().lag(reverseBefore);
            } catch (const std::exception &e) {
                notes << QStringLiteral("The reverse lag could not be measured now: %1").arg(QString::fromUtf8(e.what()));
            }
        } else {
            notes << QStringLiteral("The reverse sync stops and change capture is removed from %1%2.")
                         .arg(reverseBefore.join(QStringLiteral(", ")),
                              m.kind == TransitionKind::Finish
                                  ? QStringLiteral(" (decommission: MySQL is no longer kept current)")
                                  : QString());
        }
    }
    r.note = notes.join(QLatin1Char('\n'));
    return r;
}

PhaseEngine::PhaseEngine(const Plan &plan, const QString &planSha256, const ControlStoreLocation &store)
    : PhaseEngine(plan, planSha256, store, Options())
{
}

PhaseEngine::PhaseEngine(const Plan &plan, const QString &planSha256, const ControlStoreLocation &store,
                         const Options &options)
    : d(std::make_unique<Impl>(plan, planSha256, store, options))
{
}

PhaseEngine::~PhaseEngine() = default;

qint64 PhaseEngine::runId() const
{
    return d->runId;
}

const Plan &PhaseEngine::plan() const
{
    return d->plan;
}

FlagSet PhaseEngine::flagsAt(const PhaseState &state) const
{
    return d->planner.flagsAt(state);
}

std::optional<ReverseLag> PhaseEngine::reverseLag()
{
    const PhaseState state = d->store.runs().phaseState(d->runId);
    QStringList tables = d->planner.reverseSyncTables(state);
    if (tables.isEmpty()) {
        // Capture may still be installed (a rollback that could not finish):
        // look at every table a reverse sync is declared for.
        for (const PhaseSpec &p : d->plan.phases)
            for (const JobSpec &j : p.jobs)
                if (j.kind == JobSpec::Kind::ReverseSync)
                    tables += d->planner.tablesOf(j);
    }
    try {
        d->checkTarget();
        return d->capture().lag(tables);
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

QList<GateResult> PhaseEngine::evaluateGates(const QStringList &checkedManualItems)
{
    const PhaseState state = d->store.runs().phaseState(d->runId);
    if (state.status != PhaseStatus::Active)
        return {};
    d->checkTarget();
    return d->gates().evaluate(state.phaseIndex, state.enteredAt, checkedManualItems);
}

EngineSnapshot PhaseEngine::snapshot()
{
    EngineSnapshot s;
    s.runId = d->runId;
    s.at = QDateTime::currentDateTimeUtc();
    s.state = d->store.runs().phaseState(d->runId);
    s.flags = d->planner.flagsAt(s.state);
    for (int i = 0; i < d->plan.phases.size(); ++i) {
        const PhaseSpec &p = d->plan.phases.at(i);
        PhaseView v;
        v.id = p.id;
        v.title = p.title;
        v.rampSteps = p.ramp.steps;
        v.rampFlag = p.ramp.flag;
        v.plannedWeek = p.week;
        const int last = p.ramp.steps.isEmpty() ? 0 : int(p.ramp.steps.size()) - 1;
        if (s.state.status == PhaseStatus::Pending || i > s.state.phaseIndex) {
            v.status = PhaseStatus::Pending;
        } else if (i < s.state.phaseIndex || s.state.status == PhaseStatus::Complete) {
            v.status = PhaseStatus::Complete;
            v.rampStep = last;
        } else {
            v.status = s.state.status;
            v.rampStep = s.state.rampStep;
            v.enteredAt = s.state.enteredAt;
            v.secondsInPhase = s.state.enteredAt.isValid() ? qMax<qint64>(0, s.state.enteredAt.secsTo(s.at)) : 0;
        }
        s.phases.append(v);
    }
    if (s.state.status == PhaseStatus::Active) {
        d->checkTarget();
        s.gates = d->gates().evaluate(s.state.phaseIndex, s.state.enteredAt, {});
    }
    s.jobs = d->store.jobs().jobsForRun(d->runId);
    s.canAdvance = d->planner.advance(s.state).allowed;
    s.canRollback = d->planner.rollback(s.state).allowed;
    s.reverseLag = reverseLag();
    return s;
}

TransitionRequest PhaseEngine::requestAdvance(const QString &requestedBy)
{
    const PhaseState from = d->store.runs().phaseState(d->runId);
    const TransitionRequest r = d->buildRequest(from, d->planner.advance(from));
    QJsonObject details;
    details.insert(QStringLiteral("kind"), transitionKindName(r.kind));
    details.insert(QStringLiteral("from"), stateJson(from));
    details.insert(QStringLiteral("allowed"), r.allowed);
    details.insert(QStringLiteral("gates"), gateResultsToJsonArray(r.gates));
    details.insert(QStringLiteral("flags"), flagChangesJson(r.flagChanges));
    d->audit(requestedBy.isEmpty() ? d->options.engineName : requestedBy, QStringLiteral("phase.request"),
             d->phaseTarget(from.phaseIndex), r.allowed ? r.title : r.refusal, details);
    return r;
}

TransitionRequest PhaseEngine::requestRollback(const QString &requestedBy)
{
    const PhaseState from = d->store.runs().phaseState(d->runId);
    const TransitionRequest r = d->buildRequest(from, d->planner.rollback(from));
    QJsonObject details;
    details.insert(QStringLiteral("kind"), transitionKindName(r.kind));
    details.insert(QStringLiteral("from"), stateJson(from));
    details.insert(QStringLiteral("allowed"), r.allowed);
    details.insert(QStringLiteral("flags"), flagChangesJson(r.flagChanges));
    details.insert(QStringLiteral("waits_for_reverse_sync"), r.waitsForReverseSync);
    if (r.reverseLag)
        details.insert(QStringLiteral("reverse_lag"), lagJson(*r.reverseLag));
    d->audit(requestedBy.isEmpty() ? d->options.engineName : requestedBy, QStringLiteral("phase.request"),
             d->phaseTarget(from.phaseIndex), r.allowed ? r.title : r.refusal, details);
    return r;
}

TransitionOutcome PhaseEngine::Impl::refuse(const TransitionRequest &r, const Confirmation &c, const QString &why,
                                            const QList<GateResult> &gateResults)
{
    TransitionOutcome out;
    out.applied = false;
    out.refusal = why;
    out.gates = gateResults;
    out.state = store.runs().phaseState(runId);
    QJsonObject details;
    details.insert(QStringLiteral("kind"), transitionKindName(r.kind));
    details.insert(QStringLiteral("requested_on"), stateJson(r.from));
    details.insert(QStringLiteral("current"), stateJson(out.state));
    details.insert(QStringLiteral("refusal"), why);
    details.insert(QStringLiteral("override_asked"), c.override);
    details.insert(QStringLiteral("gates"), gateResultsToJsonArray(gateResults));
    audit(c.operatorName.trimmed().isEmpty() ? QStringLiteral("(nobody)") : c.operatorName.trimmed(),
          QStringLiteral("phase.refused"), phaseTarget(r.from.phaseIndex), c.reason, details);
    return out;
}

TransitionOutcome PhaseEngine::confirm(const TransitionRequest &request, const Confirmation &confirmation)
{
    Impl &e = *d;
    const QString who = confirmation.operatorName.trimmed();
    const QString reason = confirmation.reason.trimmed();
    const PhaseState current = e.store.runs().phaseState(e.runId);

    // 1. The request must still describe the run: two people cannot race.
    if (current.version != request.from.version)
        return e.refuse(request, confirmation,
                        QStringLiteral("stale request: the run moved on since it was made (now %1, version %2, "
                                       "changed by %3 at %4); request the transition again and re-check the gates")
                            .arg(e.planner.describeState(current))
                            .arg(current.version)
                            .arg(current.updatedBy.isEmpty() ? QStringLiteral("?") : current.updatedBy,
                                 current.updatedAt.toString(Qt::ISODate)),
                        {});
    const PlannedMove m = e.move(request, current);
    if (!m.allowed)
        return e.refuse(request, confirmation, m.refusal, {});
    if (m.kind != request.kind || m.to.phaseIndex != request.toPhase || m.to.rampStep != request.toStep
        || m.to.status != request.toStatus)
        return e.refuse(request, confirmation,
                        QStringLiteral("the request does not match the plan's next move from here (%1); request again")
                            .arg(e.planner.describeState(current)),
                        {});

    // 2. A person, the phrase, a reason.
    if (who.isEmpty())
        return e.refuse(request, confirmation, QStringLiteral("the operator's name is required"), {});
    if (confirmation.typedPhrase != e.plan.migration.name)
        return e.refuse(request, confirmation,
                        QStringLiteral("the confirmation phrase does not match: type the plan's name exactly (\"%1\")")
                            .arg(e.plan.migration.name),
                        {});
    if (reason.isEmpty())
        return e.refuse(request, confirmation,
                        confirmation.override ? QStringLiteral("an override needs a reason; give one")
                                              : QStringLiteral("a reason is required; give one"),
                        {});

    // 3. Gates, measured again now (the request's copy is not trusted).
    QList<GateResult> gateResults;
    bool overridden = false;
    if (m.needsGates) {
        e.checkTarget();
        gateResults = e.gates().evaluate(current.phaseIndex, current.enteredAt, confirmation.checkedManualItems);
        QStringList failing;
        QStringList notOverridable;
        for (const GateResult &g : std::as_const(gateResults)) {
            if (g.passed)
                continue;
            const QString line = g.detail.isEmpty() ? g.name : QStringLiteral("%1 (%2)").arg(g.name, g.detail);
            failing << line;
            if (!g.overridable)
                notOverridable << line;
        }
        if (!failing.isEmpty()) {
            if (!confirmation.override)
                return e.refuse(request, confirmation,
                                QStringLiteral("gate(s) failing: %1").arg(failing.join(QStringLiteral("; "))),
                                gateResults);
            if (!notOverridable.isEmpty())
                return e.refuse(request, confirmation,
                                QStringLiteral("override refused: the plan does not allow overriding %1")
                                    .arg(notOverridable.join(QStringLiteral("; "))),
                                gateResults);
            overridden = true;
        }
    }

    const FlagSet before = e.planner.flagsAt(current);
    const FlagSet after = e.planner.flagsAfter(current, m);
    const QList<FlagChange> changes = PhasePlanner::diff(before, after);
    const QStringList reverseBefore = e.planner.reverseSyncTables(before, current);
    const QStringList reverseAfter = e.planner.reverseSyncTables(after, m.to);
    const bool reverseStarts = !reverseAfter.isEmpty();
    const bool reverseStops = !reverseBefore.isEmpty() && reverseAfter.isEmpty();
    const bool waits = e.planner.waitsForReverseSync(current, m);

    // 4. Rollback to writing the source: MySQL must first hold every change
    //    PostgreSQL took alone. Not reaching lag 0 changes nothing.
    QJsonObject reverseInfo;
    if (waits) {
        e.checkTarget();
        const CaptureControl::Wait w = e.capture().waitForZero(reverseBefore, e.options.reverseSyncTimeoutSeconds,
                                                               e.options.cancelled,
                                                               [&](const QString &t) { e.progress(t); });
        reverseInfo.insert(QStringLiteral("lag_before_flags"), lagJson(w.last));
        reverseInfo.insert(QStringLiteral("waited_seconds"), w.waitedSeconds);
        if (!w.reachedZero)
            return e.refuse(request, confirmation,
                            QStringLiteral("%1 after %2 s: the reverse sync is still %3. Nothing was changed: "
                                           "writes stay on PostgreSQL only. Check that a worker runs the reverse_sync "
                                           "job (switchyard-cli worker), then roll back again.")
                                .arg(w.cancelled ? QStringLiteral("cancelled") : QStringLiteral("rollback refused"))
                                .arg(w.waitedSeconds, 0, 'f', 1)
                                .arg(CaptureControl::describe(w.last)),
                            gateResults);
    }

    // 5. The state change, its history row and its audit entry: one transaction.
    PhaseState next = m.to;
    next.enteredAt = QDateTime(); // now, set by the store
    next.updatedBy = who;
    PhaseTransition t;
    t.fromPhase = current.phaseIndex;
    t.fromStatus = current.status;
    t.toPhase = m.to.phaseIndex;
    t.toStatus = m.historyStatus;
    t.rampStep = m.to.rampStep;
    t.operatorName = who;
    t.reason = reason;
    t.overridden = overridden;
    t.evidenceJson = gateResultsToJson(gateResults);
    QJsonObject details;
    details.insert(QStringLiteral("kind"), transitionKindName(m.kind));
    details.insert(QStringLiteral("from"), stateJson(current));
    QJsonObject to = stateJson(m.to);
    to.insert(QStringLiteral("version"), current.version + 1);
    details.insert(QStringLiteral("to"), to);
    details.insert(QStringLiteral("gates"), gateResultsToJsonArray(gateResults));
    details.insert(QStringLiteral("override"), overridden);
    details.insert(QStringLiteral("flags"), flagChangesJson(changes));
    if (!reverseInfo.isEmpty())
        details.insert(QStringLiteral("reverse_sync"), reverseInfo);
    const QString action =
        m.kind == TransitionKind::Rollback ? QStringLiteral("phase.rollback") : QStringLiteral("phase.confirm");
    const QString auditTarget = e.phaseTarget(m.leftPhase >= 0 ? m.leftPhase : m.to.phaseIndex);
    const PhaseUpdateResult written = e.store.runs().transitionPhase(
        e.runId, request.from.version, next, t, engineAuditEntry(e.runId, who, action, auditTarget, reason, details));
    if (!written.applied)
        return e.refuse(request, confirmation,
                        QStringLiteral("stale request: another confirmation was recorded first (now %1, version %2); "
                                       "request again")
                            .arg(e.planner.describeState(written.current))
                            .arg(written.current.version),
                        gateResults);
    if (overridden) {
        QJsonObject o;
        QJsonArray failed;
        for (const GateResult &g : std::as_const(gateResults))
            if (!g.passed)
                failed.append(gateResultToJson(g));
        o.insert(QStringLiteral("overridden_gates"), failed);
        o.insert(QStringLiteral("version"), written.current.version);
        e.audit(who, QStringLiteral("phase.override"), auditTarget, reason, o);
    }

    // 6. Side effects, in the order that loses nothing.
    const QList<JobRecord> stop = e.jobsToStop(m, reverseStops);
    const QList<PlannedJob> start = e.jobsToStart(current, m);
    QList<PlannedJob> reverseJobs;
    QList<PlannedJob> otherJobs;
    for (const PlannedJob &j : start)
        (j.kind == JobSpec::Kind::ReverseSync ? reverseJobs : otherJobs).append(j);
    e.checkTarget();
    if (reverseStarts) {
        // Capture first: from the moment the flags say "PostgreSQL only", every change must be logged.
        e.capture().install(reverseAfter);
        QJsonObject o;
        o.insert(QStringLiteral("tables"), QJsonArray::fromStringList(reverseAfter));
        e.audit(who, QStringLiteral("capture.install"), auditTarget, reason, o);
        e.jobs().enqueue(reverseJobs, who, reason);
    }
    if (before.writeSource && !after.writeSource) {
        // PostgreSQL is about to hand out ids itself: past every id MySQL used.
        QJsonObject o;
        o.insert(QStringLiteral("tables"), QJsonArray::fromStringList(advanceTargetSequences(e.plan, e.target())));
        e.audit(who, QStringLiteral("sequences.advance"), auditTarget, reason, o);
    }
    if (!changes.isEmpty()) {
        const FlagPublisher::Result published = FlagPublisher(e.target()).publish(after, who, reason);
        QJsonObject o;
        o.insert(QStringLiteral("version"), published.version);
        o.insert(QStringLiteral("changes"), flagChangesJson(changes));
        e.audit(who, QStringLiteral("flags.publish"), QStringLiteral("flags"), reason, o);
    }
    QString warning;
    QList<JobRecord> stopNow = stop;
    if (reverseStops) {
        bool canStop = true;
        if (waits) {
            // Applications poll the flags every 250 ms; a write made under the
            // old flags may still land on PostgreSQL alone until they all see it.
            QThread::msleep(static_cast<unsigned long>(qMax(0, e.options.flagPropagationMs)));
            const CaptureControl::Wait w = e.capture().waitForZero(reverseBefore, e.options.reverseSyncTimeoutSeconds,
                                                                   e.options.cancelled,
                                                                   [&](const QString &text) { e.progress(text); });
            canStop = w.reachedZero;
            if (!canStop)
                warning = QStringLiteral("rolled back and the flags are published, but the reverse sync is still %1 "
                                         "after the flag change; it keeps running with change capture installed. "
                                         "Roll back or advance again later to stop it, or watch `reverse-sync status`.")
                              .arg(CaptureControl::describe(w.last));
        }
        if (canStop) {
            e.capture().remove(reverseBefore);
            QJsonObject o;
            o.insert(QStringLiteral("tables"), QJsonArray::fromStringList(reverseBefore));
            e.audit(who, QStringLiteral("capture.remove"), auditTarget, reason, o);
        } else {
            QList<JobRecord> keep;
            for (const JobRecord &j : std::as_const(stopNow))
                if (j.kind != JobSpec::Kind::ReverseSync)
                    keep.append(j);
            stopNow = keep;
        }
    }
    e.jobs().cancel(stopNow, who, reason);
    e.jobs().enqueue(otherJobs, who, reason);

    TransitionOutcome out;
    out.applied = true;
    out.warning = warning;
    out.state = written.current;
    out.gates = gateResults;
    out.overridden = overridden;
    return out;
}

} // namespace switchyard::core
