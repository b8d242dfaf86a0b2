#include "engine/GateEvaluator.h"

#include "common/DbError.h"
#include "flags/ShadowStatsReader.h"
#include "store/ControlStore.h"
#include "target/PgConnection.h"
#include "validate/RepairQueueDrain.h"
#include "validate/ValidationCheckpoint.h"

namespace switchyard::core {

namespace {

QString hhmm(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm'Z'")) : QStringLiteral("?");
}

QString minutesText(qint64 seconds)
{
    if (seconds < 120)
        return QStringLiteral("%1 s").arg(seconds);
    return QStringLiteral("%1 min").arg(seconds / 60);
}

} // namespace

GateEvaluator::GateEvaluator(const Plan &plan, qint64 runId, ControlStore &store,
                             std::function<PgConnection &()> target)
    : m_plan(plan)
    , m_runId(runId)
    , m_store(store)
    , m_target(std::move(target))
{
}

QList<GateResult> GateEvaluator::evaluate(int phaseIndex, const QDateTime &enteredAt,
                                          const QStringList &checkedManualItems)
{
    QList<GateResult> results;
    if (phaseIndex < 0 || phaseIndex >= m_plan.phases.size())
        return results;
    const QList<GateSpec> &gates = m_plan.phases.at(phaseIndex).gates;
    for (int i = 0; i < gates.size(); ++i)
        results.append(evaluate(gates.at(i), i, enteredAt, checkedManualItems));
    return results;
}

GateResult GateEvaluator::evaluate(const GateSpec &gate, int index, const QDateTime &enteredAt,
                                   const QStringList &checkedManualItems)
{
    GateResult r;
    r.index = index;
    r.kind = gate.kind;
    r.name = gate.describe();
    r.overridable = gate.allowOverride;
    r.manual = gate.kind == GateSpec::Kind::Manual;
    r.where = gate.where;
    r.measuredAt = QDateTime::currentDateTimeUtc();
    try {
        switch (gate.kind) {
        case GateSpec::Kind::BackfillComplete:
            backfillComplete(gate, r);
            break;
        case GateSpec::Kind::ValidationClean:
            validationClean(gate, r);
            break;
        case GateSpec::Kind::ShadowMismatchRate:
            shadowMismatchRate(gate, r);
            break;
        case GateSpec::Kind::RepairQueueEmpty:
            repairQueueEmpty(r);
            break;
        case GateSpec::Kind::Soak:
            soak(gate, enteredAt, r);
            break;
        case GateSpec::Kind::Manual:
            r.threshold = QStringLiteral("ticked by the operator");
            r.passed = checkedManualItems.contains(gate.text);
            r.measured = r.passed ? QStringLiteral("ticked") : QStringLiteral("not ticked");
            if (!r.passed)
                r.detail = QStringLiteral("check it, then tick \"%1\" when confirming").arg(gate.text);
            break;
        }
    } catch (const DbException &e) {
        r.passed = false;
        r.measured = QStringLiteral("not measured");
        r.detail = QStringLiteral("could not measure it on the target: %1. Check that the target is reachable, "
                                  "then evaluate again.")
                       .arg(QString::fromUtf8(e.what()));
    } catch (const StoreException &e) {
        r.passed = false;
        r.measured = QStringLiteral("not measured");
        r.detail = QStringLiteral("could not read the control store: %1").arg(QString::fromUtf8(e.what()));
    } catch (const std::exception &e) {
        r.passed = false;
        r.measured = QStringLiteral("not measured");
        r.detail = QString::fromUtf8(e.what());
    }
    return r;
}

QStringList GateEvaluator::tablesOf(const GateSpec &gate) const
{
    if (!gate.tables.isEmpty())
        return gate.tables;
    QStringList all;
    for (const TableSpec &t : m_plan.tables)
        all.append(t.name);
    return all;
}

void GateEvaluator::backfillComplete(const GateSpec &gate, GateResult &r)
{
    QStringList measured;
    QStringList problems;
    r.threshold = QStringLiteral("latest backfill completed for every table");
    for (const QString &table : tablesOf(gate)) {
        const std::optional<JobRecord> job = m_store.jobs().latestJob(m_runId, JobSpec::Kind::Backfill, table);
        if (!job) {
            measured << QStringLiteral("%1: no backfill yet").arg(table);
            problems << QStringLiteral("%1 has never been backfilled: start the phase's jobs (switchyard-cli worker)")
                            .arg(table);
            continue;
        }
        const std::optional<Checkpoint> cp = m_store.jobs().loadCheckpoint(job->id);
        const qint64 rows = cp ? cp->rowsDone : 0;
        if (job->state == JobState::Completed) {
            measured << QStringLiteral("%1: %2 rows, completed %3").arg(table).arg(rows).arg(hhmm(job->finishedAt));
            continue;
        }
        measured << QStringLiteral("%1: %2, %3 rows").arg(table, storeName(job->state)).arg(rows);
        QString p = QStringLiteral("backfill of %1 (job %2) is %3").arg(table).arg(job->id).arg(storeName(job->state));
        if (!job->lastError.isEmpty())
            p += QStringLiteral(": ") + job->lastError;
        problems << p;
    }
    r.measured = measured.join(QStringLiteral("; "));
    r.passed = problems.isEmpty();
    r.detail = problems.join(QStringLiteral("; "));
}

void GateEvaluator::validationClean(const GateSpec &gate, GateResult &r)
{
    QStringList measured;
    QStringList problems;
    r.threshold = gate.maxAgeMinutes > 0
        ? QStringLiteral("pass, 0 open, 0 unchecked, at most %1 min old").arg(gate.maxAgeMinutes)
        : QStringLiteral("pass, 0 open, 0 unchecked");
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const QString &table : tablesOf(gate)) {
        MismatchFilter open;
        open.table = table;
        open.status = MismatchStatus::Open;
        MismatchFilter inFlight = open;
        inFlight.status = MismatchStatus::InFlight;
        const qint64 openCount = m_store.mismatches().countMismatches(m_runId, open);
        const qint64 inFlightCount = m_store.mismatches().countMismatches(m_runId, inFlight);

        const std::optional<JobRecord> job = m_store.jobs().latestJob(m_runId, JobSpec::Kind::Validate, table);
        if (!job) {
            measured << QStringLiteral("%1: never validated, %2 open").arg(table).arg(openCount + inFlightCount);
            problems << QStringLiteral("%1 has no validation yet: run one (the phase's validate job, or "
                                       "switchyard-cli validate)")
                            .arg(table);
            continue;
        }
        if (job->state != JobState::Completed) {
            measured << QStringLiteral("%1: validation %2").arg(table, storeName(job->state));
            problems << QStringLiteral("the latest validation of %1 (job %2) is %3%4")
                            .arg(table)
                            .arg(job->id)
                            .arg(storeName(job->state),
                                 job->lastError.isEmpty() ? QString() : QStringLiteral(": ") + job->lastError);
            continue;
        }
        const std::optional<Checkpoint> cp = m_store.jobs().loadCheckpoint(job->id);
        const std::optional<ValidationCheckpoint> summary =
            cp ? ValidationCheckpoint::fromJson(cp->lastKeyJson) : std::nullopt;
        if (!summary) {
            measured << QStringLiteral("%1: no summary").arg(table);
            problems << QStringLiteral("validation job %1 of %2 left no summary; run it again").arg(job->id).arg(table);
            continue;
        }
        const qint64 ageSeconds = job->finishedAt.isValid() ? job->finishedAt.secsTo(now) : 0;
        measured << QStringLiteral("%1: %2 (%3), %4 open, %5 unchecked, %6 ago")
                        .arg(table, summary->verdict.isEmpty() ? QStringLiteral("no verdict") : summary->verdict,
                             summary->mode)
                        .arg(openCount + inFlightCount)
                        .arg(summary->unchecked.size())
                        .arg(minutesText(ageSeconds));
        if (summary->verdict != QLatin1String("pass"))
            problems << QStringLiteral("the latest validation of %1 (job %2) says %3: look at its mismatches, "
                                       "repair or accept them, and validate again")
                            .arg(table)
                            .arg(job->id)
                            .arg(summary->verdict.isEmpty() ? QStringLiteral("nothing") : summary->verdict);
        if (!summary->unchecked.isEmpty())
            problems << QStringLiteral("%1 key range(s) of %2 could not be checked: validate again")
                            .arg(summary->unchecked.size())
                            .arg(table);
        if (openCount + inFlightCount > 0)
            problems << QStringLiteral("%1 has %2 open and %3 in-flight mismatches: repair or accept them")
                            .arg(table)
                            .arg(openCount)
                            .arg(inFlightCount);
        if (gate.maxAgeMinutes > 0 && ageSeconds > qint64(gate.maxAgeMinutes) * 60)
            problems << QStringLiteral("the latest validation of %1 is %2 old (at most %3 min allowed): validate again")
                            .arg(table, minutesText(ageSeconds))
                            .arg(gate.maxAgeMinutes);
    }
    r.measured = measured.join(QStringLiteral("; "));
    r.passed = problems.isEmpty();
    r.detail = problems.join(QStringLiteral("; "));
}

void GateEvaluator::shadowMismatchRate(const GateSpec &gate, GateResult &r)
{
    r.threshold = QStringLiteral("< %1 % over %2 min").arg(gate.threshold * 100.0, 0, 'g', 6).arg(gate.windowMinutes);
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const qint64 windowMs = qint64(qMax(gate.windowMinutes, 1)) * 60 * 1000;
    // A minute row is stamped with its start: include the minute the window starts in.
    ShadowStatsReader reader(m_target());
    const QList<ShadowStatsMinute> minutes = reader.minutes(nowMs - windowMs - 60 * 1000, nowMs);
    const QStringList tables = gate.tables;
    qint64 comparisons = 0;
    qint64 mismatches = 0;
    for (const ShadowStatsMinute &m : minutes) {
        if (!tables.isEmpty() && !tables.contains(m.table))
            continue;
        comparisons += m.comparisons;
        mismatches += m.mismatches;
    }
    if (comparisons == 0) {
        r.measured = QStringLiteral("no comparisons");
        r.passed = false;
        r.detail = QStringLiteral("no shadow read was compared in the last %1 min: is shadow_read on and is the "
                                  "application reading?")
                       .arg(gate.windowMinutes);
        return;
    }
    const double rate = double(mismatches) / double(comparisons);
    r.measured = QStringLiteral("%1 % (%2 of %3 comparisons)").arg(rate * 100.0, 0, 'g', 4).arg(mismatches).arg(comparisons);
    r.passed = mismatches == 0 || rate < gate.threshold;
    if (!r.passed)
        r.detail = QStringLiteral("shadow reads differ too often: look at switchyard.shadow_mismatches on the target, "
                                  "fix the cause, and wait for the window to pass");
}

void GateEvaluator::repairQueueEmpty(GateResult &r)
{
    r.threshold = QStringLiteral("0 pending");
    const qint64 pending = RepairQueueDrain::pending(m_target());
    r.measured = QStringLiteral("%1 pending").arg(pending);
    r.passed = pending == 0;
    if (!r.passed)
        r.detail = QStringLiteral("%1 failed secondary write(s) wait in switchyard.repair_queue: drain them "
                                  "(switchyard-cli repair PLAN --queue, or the phase's repair job)")
                       .arg(pending);
}

void GateEvaluator::soak(const GateSpec &gate, const QDateTime &enteredAt, GateResult &r)
{
    r.threshold = QStringLiteral("≥ %1 min").arg(gate.minutes);
    const qint64 seconds = enteredAt.isValid() ? qMax<qint64>(0, enteredAt.secsTo(QDateTime::currentDateTimeUtc())) : 0;
    r.measured = QStringLiteral("%1 in this step (since %2)").arg(minutesText(seconds), hhmm(enteredAt));
    r.passed = seconds >= qint64(gate.minutes) * 60;
    if (!r.passed)
        r.detail = QStringLiteral("wait %1 more").arg(minutesText(qint64(gate.minutes) * 60 - seconds));
}

} // namespace switchyard::core
