#include "engine/PhasePlanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard::core {

QString PlannedJob::paramsJson() const
{
    QJsonObject o;
    if (!mode.isEmpty())
        o.insert(QStringLiteral("mode"), mode);
    o.insert(QStringLiteral("phase"), phaseId);
    if (kind == JobSpec::Kind::ReverseSync && !table.isEmpty())
        o.insert(QStringLiteral("tables"), QJsonArray{table});
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QString PlannedJob::describe() const
{
    QString s = JobSpec::kindName(kind);
    if (!table.isEmpty())
        s += QLatin1Char(' ') + table;
    if (!mode.isEmpty())
        s += QStringLiteral(" (%1)").arg(mode);
    return s;
}

PhasePlanner::PhasePlanner(const Plan &plan)
    : m_plan(plan)
{
}

int PhasePlanner::lastStep(int phase) const
{
    if (phase < 0 || phase >= m_plan.phases.size())
        return 0;
    const int n = int(m_plan.phases.at(phase).ramp.steps.size());
    return n > 0 ? n - 1 : 0;
}

PlannedMove PhasePlanner::advance(const PhaseState &from) const
{
    PlannedMove m;
    const int last = int(m_plan.phases.size()) - 1;
    if (last < 0) {
        m.refusal = QStringLiteral("the plan has no phases");
        return m;
    }
    m.to = from;
    switch (from.status) {
    case PhaseStatus::Pending:
        m.allowed = true;
        m.kind = TransitionKind::Start;
        m.to.phaseIndex = 0;
        m.to.rampStep = 0;
        m.to.status = PhaseStatus::Active;
        m.historyStatus = PhaseStatus::Active;
        m.enteredPhase = 0;
        return m;
    case PhaseStatus::Complete:
        m.refusal = QStringLiteral("the run is complete: every phase is done; there is nothing to advance to");
        return m;
    case PhaseStatus::RolledBack:
    case PhaseStatus::AwaitingConfirmation:
    case PhaseStatus::Active:
        break;
    }
    const int i = qBound(0, from.phaseIndex, last);
    m.needsGates = true;
    m.allowed = true;
    m.to.status = PhaseStatus::Active;
    m.historyStatus = PhaseStatus::Active;
    if (from.rampStep < lastStep(i)) {
        m.kind = TransitionKind::NextStep;
        m.to.phaseIndex = i;
        m.to.rampStep = from.rampStep + 1;
    } else if (i < last) {
        m.kind = TransitionKind::NextPhase;
        m.to.phaseIndex = i + 1;
        m.to.rampStep = 0;
        m.leftPhase = i;
        m.enteredPhase = i + 1;
    } else {
        m.kind = TransitionKind::Finish;
        m.to.phaseIndex = i;
        m.to.rampStep = lastStep(i);
        m.to.status = PhaseStatus::Complete;
        m.historyStatus = PhaseStatus::Complete;
        m.leftPhase = i;
    }
    return m;
}

PlannedMove PhasePlanner::rollback(const PhaseState &from) const
{
    PlannedMove m;
    const int last = int(m_plan.phases.size()) - 1;
    m.kind = TransitionKind::Rollback;
    m.historyStatus = PhaseStatus::RolledBack;
    m.to = from;
    if (last < 0 || from.status == PhaseStatus::Pending) {
        m.refusal = QStringLiteral("the run has not started: there is nothing to roll back");
        return m;
    }
    m.allowed = true;
    const int i = qBound(0, from.phaseIndex, last);
    if (from.status == PhaseStatus::Complete) {
        // Undo Finish: the last phase is active again at its last step.
        m.to.phaseIndex = i;
        m.to.rampStep = lastStep(i);
        m.to.status = PhaseStatus::Active;
        m.enteredPhase = i;
        return m;
    }
    if (from.rampStep > 0) {
        m.to.phaseIndex = i;
        m.to.rampStep = qMin(from.rampStep, lastStep(i) + 1) - 1;
        m.to.status = PhaseStatus::Active;
        return m;
    }
    m.leftPhase = i;
    if (i == 0) {
        m.to.phaseIndex = 0;
        m.to.rampStep = 0;
        m.to.status = PhaseStatus::Pending;
        return m;
    }
    m.to.phaseIndex = i - 1;
    m.to.rampStep = lastStep(i - 1);
    m.to.status = PhaseStatus::Active;
    m.enteredPhase = i - 1;
    return m;
}

FlagSet PhasePlanner::flagsAt(const PhaseState &state) const
{
    FlagSet flags;
    if (state.status == PhaseStatus::Pending || m_plan.phases.isEmpty())
        return flags;
    const int current = qBound(0, state.phaseIndex, int(m_plan.phases.size()) - 1);
    for (int p = 0; p <= current; ++p) {
        const PhaseSpec &phase = m_plan.phases.at(p);
        flags.apply(phase.flags); // validated by the plan loader
        if (!phase.ramp.isEmpty()) {
            const int step = p < current ? lastStep(p) : qBound(0, state.rampStep, lastStep(p));
            flags.set(phase.ramp.flag, phase.ramp.steps.at(step));
        }
    }
    return flags;
}

FlagSet PhasePlanner::flagsAfter(const PhaseState &from, const PlannedMove &move) const
{
    FlagSet flags = flagsAt(move.to);
    if (move.kind == TransitionKind::Rollback && move.leftPhase >= 0)
        flags.apply(m_plan.phases.at(move.leftPhase).rollback.flags);
    Q_UNUSED(from);
    return flags;
}

QList<FlagChange> PhasePlanner::diff(const FlagSet &before, const FlagSet &after)
{
    QList<FlagChange> changes;
    QStringList names = before.names();
    for (const QString &n : after.names()) {
        if (!names.contains(n))
            names.append(n);
    }
    for (const QString &n : std::as_const(names)) {
        const QVariant a = before.value(n);
        const QVariant b = after.value(n);
        if (a != b)
            changes.append({n, a, b});
    }
    return changes;
}

QStringList PhasePlanner::tablesOf(const JobSpec &job) const
{
    if (!job.tables.isEmpty())
        return job.tables;
    QStringList all;
    for (const TableSpec &t : m_plan.tables)
        all.append(t.name);
    return all;
}

QStringList PhasePlanner::reverseSyncTables(const PhaseState &state) const
{
    return reverseSyncTables(flagsAt(state), state);
}

QStringList PhasePlanner::reverseSyncTables(const FlagSet &flags, const PhaseState &state) const
{
    QStringList tables;
    if (state.status == PhaseStatus::Pending || state.status == PhaseStatus::Complete || flags.writeSource)
        return tables;
    const int current = qBound(0, state.phaseIndex, int(m_plan.phases.size()) - 1);
    for (int p = 0; p <= current; ++p) {
        for (const JobSpec &job : m_plan.phases.at(p).jobs) {
            if (job.kind != JobSpec::Kind::ReverseSync)
                continue;
            for (const QString &t : tablesOf(job)) {
                if (!tables.contains(t))
                    tables.append(t);
            }
        }
    }
    return tables;
}

bool PhasePlanner::waitsForReverseSync(const PhaseState &from, const PlannedMove &move) const
{
    if (move.kind != TransitionKind::Rollback || move.leftPhase < 0)
        return false;
    const FlagSet before = flagsAt(from);
    const FlagSet after = flagsAfter(from, move);
    if (before.writeSource || !after.writeSource || reverseSyncTables(before, from).isEmpty())
        return false;
    // Default: wait, for a phase in which the source is not written.
    return m_plan.phases.at(move.leftPhase).rollback.waitForReverseSync.value_or(true);
}

QList<PlannedJob> PhasePlanner::jobsOfPhase(int index) const
{
    QList<PlannedJob> jobs;
    if (index < 0 || index >= m_plan.phases.size())
        return jobs;
    const PhaseSpec &phase = m_plan.phases.at(index);
    for (const JobSpec &job : phase.jobs) {
        if (job.kind == JobSpec::Kind::ReverseSync)
            continue;
        if (job.kind == JobSpec::Kind::Repair) {
            jobs.append({job.kind, QString(), QString(), phase.id});
            continue;
        }
        const QString mode = job.kind == JobSpec::Kind::Validate ? JobSpec::modeName(job.mode) : QString();
        for (const QString &t : tablesOf(job))
            jobs.append({job.kind, t, mode, phase.id});
    }
    return jobs;
}

QString PhasePlanner::describeState(const PhaseState &state) const
{
    if (state.status == PhaseStatus::Pending)
        return QStringLiteral("pending (not started)");
    if (m_plan.phases.isEmpty())
        return storeName(state.status);
    const int i = qBound(0, state.phaseIndex, int(m_plan.phases.size()) - 1);
    const PhaseSpec &phase = m_plan.phases.at(i);
    if (state.status == PhaseStatus::Complete)
        return QStringLiteral("complete (last phase %1 done)").arg(phase.id);
    QString s = QStringLiteral("%1 %2 (phase %3 of %4)")
                    .arg(phase.id, storeName(state.status))
                    .arg(i + 1)
                    .arg(m_plan.phases.size());
    if (!phase.ramp.isEmpty()) {
        const int step = qBound(0, state.rampStep, lastStep(i));
        s += QStringLiteral(", step %1 of %2: %3 %4")
                 .arg(step + 1)
                 .arg(phase.ramp.steps.size())
                 .arg(phase.ramp.flag)
                 .arg(phase.ramp.steps.at(step));
    }
    return s;
}

} // namespace switchyard::core
