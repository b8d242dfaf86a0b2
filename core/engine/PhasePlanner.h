#pragma once
// PhasePlanner: the phase state machine of a plan as pure functions — which
// move advance / rollback makes from a state, the flags in force at a state,
// the flags a move publishes, the jobs a phase starts, and whether reverse
// sync must run. No database, no clock: PhaseEngine asks it what to do and
// then does it. Copyable; thread-safe (const).
//
// The rules are those documented in PhaseEngine.h ("Transitions", "Flags",
// "Reverse sync"); docs/engine.md has the tables.

#include "engine/EngineTypes.h"
#include "flags/FlagSet.h"
#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace switchyard::core {

/// A move from one state to another, as the state machine allows it.
struct PlannedMove
{
    bool allowed = false;
    QString refusal;                 // when !allowed: why, for a person
    TransitionKind kind = TransitionKind::Start;
    PhaseState to;                   // phaseIndex, rampStep, status (Pending / Active / Complete)
    PhaseStatus historyStatus = PhaseStatus::Active; // recorded in phase_history (rolled_back for rollbacks)
    bool needsGates = false;         // the current phase's gates must pass
    int leftPhase = -1;              // a phase the move leaves (forward or back), -1: none
    int enteredPhase = -1;           // a phase the move (re-)enters, -1: none
};

/// One job a phase starts (one per table; empty table: run-wide).
struct PlannedJob
{
    JobSpec::Kind kind = JobSpec::Kind::Backfill;
    QString table;
    QString mode;     // validation mode name; empty for other kinds
    QString phaseId;

    /// {"mode":"checksum","phase":"backfill"} (mode only for validations;
    /// "tables":[…] for reverse sync).
    QString paramsJson() const;
    /// "validate users (checksum)".
    QString describe() const;
};

class PhasePlanner
{
public:
    explicit PhasePlanner(const Plan &plan);

    PlannedMove advance(const PhaseState &from) const;
    PlannedMove rollback(const PhaseState &from) const;

    /// Flags in force at a state (pending: the defaults).
    FlagSet flagsAt(const PhaseState &state) const;
    /// Flags a move publishes: flagsAt(move.to), plus for the rollback of a
    /// phase (not of a ramp step) that phase's RollbackSpec::flags on top.
    FlagSet flagsAfter(const PhaseState &from, const PlannedMove &move) const;
    /// Flag-by-flag differences, in FlagSet::names() order.
    static QList<FlagChange> diff(const FlagSet &before, const FlagSet &after);

    /// The tables reverse sync must cover at a state: those of the plan's
    /// reverse_sync jobs in phases 0..current when write_source is off there;
    /// empty when pending or complete (decommissioned), or when write_source is on.
    QStringList reverseSyncTables(const PhaseState &state) const;
    QStringList reverseSyncTables(const FlagSet &flags, const PhaseState &state) const;
    /// Does this rollback wait for reverse lag 0 before flipping write_source on?
    bool waitsForReverseSync(const PhaseState &from, const PlannedMove &move) const;

    /// The jobs phase `index` starts, reverse sync excluded (the engine runs it
    /// from reverseSyncTables()).
    QList<PlannedJob> jobsOfPhase(int index) const;
    /// Tables a job spec covers (empty list in the spec: every plan table).
    QStringList tablesOf(const JobSpec &job) const;

    /// "read-from-target (step 2 of 4: read_percent 50)" / "pending" / "complete".
    QString describeState(const PhaseState &state) const;

private:
    int lastStep(int phase) const;
    Plan m_plan;
};

} // namespace switchyard::core
