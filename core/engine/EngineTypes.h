#pragma once
// The phase engine's values: gate results, transition requests, the
// operator's confirmation, the outcome, and a snapshot of a run for the UI.
//
// All of these are plain values: copyable, no Qt object, no open connection,
// safe to send across threads (the cockpit runs a PhaseEngine on a worker
// thread and renders these on the GUI thread). The engine produces them
// (PhaseEngine.h); the cockpit, the CLI and the report only read them.
//
// Gate evidence is also kept as JSON: in PhaseTransition::evidenceJson (the
// phase history) and in the "details" of the audit entries of a request,
// confirmation, override or refusal. gateResultsToJson() / gateResultsFromJson()
// are the one place that form is written and read:
//   [{"index":0,"kind":"validation_clean","name":"last validation clean …",
//     "passed":true,"overridable":false,"manual":false,
//     "measured":"users: pass, 0 open, 0 unchecked, 4 min ago",
//     "threshold":"pass, 0 open, 0 unchecked, ≤ 60 min old",
//     "measured_at":"2026-11-24T00:12:03.123Z","detail":"",
//     "where":"plan.yaml:88:9"}]

#include "engine/ReverseLag.h"
#include "flags/FlagSet.h"
#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

namespace switchyard::core {

/// One gate of the current phase, evaluated now.
struct GateResult
{
    int index = 0;                                  // position in PhaseSpec::gates
    GateSpec::Kind kind = GateSpec::Kind::Manual;
    QString name;                                   // GateSpec::describe()
    bool passed = false;
    bool overridable = false;                       // GateSpec::allowOverride
    bool manual = false;                            // a checklist item a person ticks
    QString measured;                               // "0 open, 0 unchecked", "0.02 %", "12 min"
    QString threshold;                              // "< 0.1 %", "≥ 30 min"
    QDateTime measuredAt;                           // UTC
    QString detail;                                 // why it failed and what to do (empty when passed)
    SourceLocation where;                           // where the gate is written in the plan
};

/// One flag whose value a transition changes (from: the value in force now).
struct FlagChange
{
    QString name;
    QVariant from;
    QVariant to;
};

enum class TransitionKind {
    Start,     // pending run → phase 0 active
    NextStep,  // ramp step i → i+1 inside the active phase
    NextPhase, // leave the active phase (its gates) → next phase active
    Finish,    // leave the last phase (its gates) → run complete
    Rollback,  // one step / phase back (see PhaseEngine.h)
};

/// "start", "next_step", "next_phase", "finish", "rollback".
QString transitionKindName(TransitionKind k);

/// What a transition would do, with the evidence, for a person to confirm.
/// Produced by PhaseEngine::requestAdvance() / requestRollback(); nothing has
/// changed yet. `from.version` is the state it was computed on: confirming it
/// after the run has moved on is refused (stale).
struct TransitionRequest
{
    TransitionKind kind = TransitionKind::Start;
    PhaseState from;                  // incl. version
    int toPhase = 0;
    int toStep = 0;
    PhaseStatus toStatus = PhaseStatus::Active;
    QString title;                    // "Advance read-from-target: read_percent 10 → 50"
    QList<GateResult> gates;          // the gates that must pass (empty for rollback / start)
    bool gatesPass = true;            // every gate passed (manual ones as not yet ticked)
    bool overridePossible = false;    // every failing non-manual gate allows an override
    QList<FlagChange> flagChanges;    // flags the transition publishes
    QStringList jobsToStart;          // "backfill users", "validate users (checksum)"
    QStringList jobsToStop;           // "job 12: validate users (sample)"
    bool waitsForReverseSync = false; // confirm waits for reverse lag 0 before flipping write_source on
    std::optional<ReverseLag> reverseLag; // measured at request time when waitsForReverseSync
    QString note;                     // the plan's rollback note, capture install/remove, …
    QString confirmationPhrase;       // the plan's migration name: type it to confirm
    QStringList manualItems;          // manual gate texts to tick
    bool allowed = true;              // false: this move does not exist here (see refusal)
    QString refusal;                  // why not allowed
};

/// The operator's decision on a TransitionRequest.
struct Confirmation
{
    QString operatorName;
    QString typedPhrase;             // must equal the plan's migration name exactly
    QString reason;                  // required, kept forever
    bool override = false;           // pass failing gates that allow an override
    QStringList checkedManualItems;  // manual gate texts the operator ticked
};

struct TransitionOutcome
{
    bool applied = false;
    QString refusal;                 // why not (empty when applied)
    QString warning;                 // applied, but something needs attention (e.g. reverse lag after a rollback)
    PhaseState state;                // the state in the store afterwards
    QList<GateResult> gates;         // the gates as evaluated at confirm time
    bool overridden = false;         // applied with failing gates overridden
};

/// One phase of the plan as the timeline shows it.
struct PhaseView
{
    QString id;
    QString title;
    PhaseStatus status = PhaseStatus::Pending; // complete: left forward; active: current
    int rampStep = 0;                           // current step (active), last step (complete)
    QList<int> rampSteps;
    QString rampFlag;
    QDateTime enteredAt;                        // current phase only
    qint64 secondsInPhase = 0;                  // current phase only (since the step's entry)
    int plannedWeek = 0;
};

/// A run, now: everything the cockpit's phase panel and `phase status` show.
struct EngineSnapshot
{
    qint64 runId = 0;
    PhaseState state;
    QList<PhaseView> phases;
    QList<GateResult> gates;          // of the current phase (empty when pending / complete)
    QList<JobRecord> jobs;            // every job of the run, oldest first
    bool canAdvance = false;          // an advance exists from here (gates may still block it)
    bool canRollback = false;
    FlagSet flags;                    // the flags the engine has in force for this state
    std::optional<ReverseLag> reverseLag; // when change capture is installed
    QDateTime at;
};

/// The evidence JSON form described above.
QJsonObject gateResultToJson(const GateResult &gate);
GateResult gateResultFromJson(const QJsonObject &object);
QJsonArray gateResultsToJsonArray(const QList<GateResult> &gates);
/// Compact JSON text of the array (what evidenceJson holds).
QString gateResultsToJson(const QList<GateResult> &gates);
/// Tolerant: unknown keys are ignored, a missing key keeps its default, text
/// that is not a JSON array gives an empty list.
QList<GateResult> gateResultsFromJson(const QString &json);

/// An audit entry of the engine (seq, at and hashes are set by the store);
/// details is written as compact JSON.
AuditEntry engineAuditEntry(qint64 runId, const QString &operatorName, const QString &action,
                            const QString &target, const QString &reason, const QJsonObject &details);

/// "write_target: off → on" style lines, for people.
QString describeFlagChange(const FlagChange &change);

} // namespace switchyard::core
