#pragma once
// PhaseEngine: drives one run of a plan through its phases — the state
// machine, the gates, confirmed transitions, rollback, and the audit trail.
//
//   PhaseEngine engine(plan, planSha256(path), ControlStoreLocation::fromPlan(plan));
//   TransitionRequest req = engine.requestAdvance();     // gates + what will happen
//   // … show req to a person, who types the plan's name and a reason …
//   TransitionOutcome out = engine.confirm(req, {"dana", "users-to-postgres", "soak ok"});
//
// States. A run (one per plan name + plan SHA-256, RunRepository::ensureRun)
// is pending at phase 0, then each phase is active (stepping through its
// ramp, e.g. read_percent 1 → 10 → 50 → 100) and complete once left forward;
// after the last phase the run is complete. The state lives in the control
// store (PhaseState, with a version) and nothing else: a new PhaseEngine on
// the same store — after the cockpit or the machine restarted — continues
// exactly where the last one stopped. Jobs are records in the store; a
// JobRunner (cockpit, `switchyard-cli worker`, another host) runs them and
// resumes them from their checkpoints.
//
// Transitions (TransitionKind):
//   Start     pending → phase 0 active, step 0.
//   NextStep  the active phase's ramp step i → i+1 (its gates must pass; the
//             soak gate counts from the step's entry).
//   NextPhase leave the active phase at its last step (its gates must pass):
//             it is complete; the next phase is active at step 0.
//   Finish    leave the last phase (its gates) → run complete.
//   Rollback  one step back: ramp step i → i-1; at step 0 the previous phase
//             becomes active again at its last step; at phase 0 the run is
//             pending again with the flags as before Start; a complete run
//             goes back to its last phase, active.
// Flags. The flags in force at (phase i, step s) are the defaults (FlagSet)
// with the flags of phases 0..i applied in order, every earlier phase's ramp
// flag at its last value and phase i's at step s. Entering a state publishes
// exactly those (FlagPublisher); a rollback of a phase publishes those of the
// state it returns to with the phase's RollbackSpec::flags applied on top.
// Jobs. Entering a phase enqueues its jobs (JobRepository::createJob, state
// queued, params {"mode":…,"phase":…}), one per table, never a duplicate of a
// job not yet finished and never a backfill of a table whose latest backfill
// completed. Leaving a phase forward cancels its unfinished jobs except the
// reverse sync; a rollback with stopJobs cancels the rolled-back phase's.
// Reverse sync. While write_source is off and the plan declares a
// reverse_sync job up to the current phase, change capture is installed on
// the target tables and a reverse_sync job keeps MySQL current. Entering such
// a state installs capture and enqueues the job FIRST, moves the target's
// identity sequences past every id MySQL used (TargetSequences.h), then
// publishes the flags. Leaving it (a rollback that turns write_source on, with
// waitForReverseSync) waits until the reverse lag is 0, publishes the flags,
// waits Options::flagPropagationMs for applications to see them, waits for
// lag 0 again, then cancels the job and removes capture; when the lag does
// not reach 0 within Options::reverseSyncTimeoutSeconds the rollback is
// refused and nothing has changed. Finish (decommission) stops it too.
//
// People. The engine never proceeds on its own: requestAdvance() and
// requestRollback() change nothing; confirm() re-evaluates the gates (it
// never trusts the request's copy) and refuses — changing nothing — when the
// state moved on since the request (stale version: two people cannot race),
// the typed phrase is not exactly the plan's migration name, the operator or
// the reason is empty, a gate fails and the operator did not ask to override,
// or a failing gate does not allow an override. A manual gate passes only
// when its text is in Confirmation::checkedManualItems. An applied override
// is recorded as such in the phase history and the audit log forever.
// Audit. Every request ("phase.request"), confirmation ("phase.confirm" /
// "phase.rollback"), override ("phase.override"), refusal ("phase.refused"),
// flag publish ("flags.publish"), job enqueue / cancel ("job.enqueue" /
// "job.cancel") and capture install / remove ("capture.install" /
// "capture.remove") is an entry of the run's hash-chained audit log, with
// the gate evidence in its details. The state change, its history row and
// its audit entry are written in one store transaction.
//
// Threads and errors. A PhaseEngine is used from one thread (it owns a
// ControlStore and a PgConnection to the target); the cockpit gives it a
// worker thread and sends the values above across. Store failures throw
// StoreException, target failures throw DbException from confirm() — after
// the state change was recorded, so the next confirm or snapshot shows it —
// except that gates never throw: an unreachable target makes its gates fail
// with that detail. Refusals are outcomes, not exceptions.

#include "engine/EngineTypes.h"
#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <functional>
#include <memory>

namespace switchyard::core {

class PhaseEngine
{
public:
    struct Options
    {
        /// How long confirm() waits for the reverse lag to reach 0 (each wait).
        int reverseSyncTimeoutSeconds = 120;
        /// How long applications need to see a flag change (they poll every
        /// 250 ms; see docs/flags.md) before the reverse sync may stop.
        int flagPropagationMs = 1500;
        /// Polled while waiting; returning true abandons the wait (the
        /// rollback is then refused, nothing changed). Called on the engine's thread.
        std::function<bool()> cancelled;
        /// Told what a long confirm() is waiting for ("reverse lag: 12 changes, 0.8 s").
        std::function<void(const QString &)> progress;
        /// Who the engine writes as in flag history and audit when no person is involved.
        QString engineName = QStringLiteral("engine");
    };

    PhaseEngine(const Plan &plan, const QString &planSha256, const ControlStoreLocation &store);
    PhaseEngine(const Plan &plan, const QString &planSha256, const ControlStoreLocation &store,
                const Options &options);
    ~PhaseEngine();
    PhaseEngine(const PhaseEngine &) = delete;
    PhaseEngine &operator=(const PhaseEngine &) = delete;

    /// The run this engine drives (created on first use).
    qint64 runId() const;
    const Plan &plan() const;

    /// The run now: state, phases, gates of the current phase, jobs, reverse lag.
    EngineSnapshot snapshot();
    /// The current phase's gates, evaluated now (empty when pending or
    /// complete). Manual gates pass only when ticked in checkedManualItems.
    QList<GateResult> evaluateGates(const QStringList &checkedManualItems = {});

    /// What advancing would do (Start, NextStep, NextPhase or Finish), with
    /// the gate results. Audited as "phase.request". allowed=false when the
    /// run is complete.
    /// requestedBy: who asked (audit); empty: Options::engineName.
    TransitionRequest requestAdvance(const QString &requestedBy = {});
    /// What rolling back one step would do. allowed=false when pending.
    TransitionRequest requestRollback(const QString &requestedBy = {});
    /// Carries out a request (see "People" above for the refusals).
    TransitionOutcome confirm(const TransitionRequest &request, const Confirmation &confirmation);

    /// The flags in force at a state (see "Flags" above). Pending: defaults.
    FlagSet flagsAt(const PhaseState &state) const;
    /// Reverse lag, when change capture is installed on the target.
    std::optional<ReverseLag> reverseLag();

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace switchyard::core
