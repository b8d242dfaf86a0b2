#pragma once
// Runs, where each run stands (phase state), how it got there (phase
// history), and who signed off its report.
//
// Obtained from ControlStore::runs(); shares the store's connection and its
// thread rule (one thread per ControlStore). Every method throws
// StoreException on failure; an unknown run id is Kind::Usage.
//
// Optimistic concurrency: a run's PhaseState carries a version. The engine
// reads the state, decides, and writes with the version it read; if another
// operator (in this process or another, on this machine or another) moved the
// run first, the write is refused (PhaseUpdateResult::applied == false,
// nothing written) and the result carries the state that won. Two operators
// therefore cannot both confirm the same transition.

#include "StoreTypes.h"

#include <QByteArray>
#include <QList>

#include <optional>

namespace switchyard::core {

class StoreConnection;

class RunRepository
{
public:
    explicit RunRepository(StoreConnection &connection);

    /// Lower-case hex SHA-256 of a plan file's bytes (what ensureRun() takes).
    static QString sha256Hex(const QByteArray &bytes);

    /// The run of this plan version: one per (plan name, plan SHA-256),
    /// created on first use together with its phase state (phase 0, step 0,
    /// pending, version 1). Safe when several processes call it at once.
    /// planPath is recorded when the run is created.
    qint64 ensureRun(const QString &planName, const QString &planPath, const QString &planSha256);
    std::optional<RunRecord> run(qint64 runId);
    /// All runs, oldest first.
    QList<RunRecord> runs();
    /// The most recently created run of a plan (any version), if any.
    std::optional<RunRecord> latestRun(const QString &planName);

    PhaseState phaseState(qint64 runId);
    /// Writes newState (phaseIndex, rampStep, status, enteredAt — now when
    /// null —, updatedBy) if the stored version still equals expectedVersion;
    /// the stored version becomes expectedVersion + 1.
    PhaseUpdateResult updatePhaseState(qint64 runId, qint64 expectedVersion, const PhaseState &newState);
    /// updatePhaseState() plus, in the same transaction and only when it
    /// applies, the phase_history row and (optionally) the audit entry: a
    /// transition is never recorded without its history and audit, nor the
    /// other way round. transition.runId / at are filled in by the store.
    PhaseUpdateResult transitionPhase(qint64 runId, qint64 expectedVersion, const PhaseState &newState,
                                      const PhaseTransition &transition,
                                      const std::optional<AuditEntry> &audit = std::nullopt);
    /// Every transition of a run, oldest first.
    QList<PhaseTransition> phaseHistory(qint64 runId);

    /// Records a sign-off; returns it with id and at filled in.
    SignOff addSignOff(const SignOff &signOff);
    QList<SignOff> signOffs(qint64 runId);

private:
    std::optional<PhaseState> readPhaseState(qint64 runId);
    PhaseUpdateResult applyPhaseUpdate(qint64 runId, qint64 expectedVersion, const PhaseState &newState);

    StoreConnection &m_c;
};

} // namespace switchyard::core
