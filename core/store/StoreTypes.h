#pragma once
// The control store's records as plain values.
//
// Everything the store takes and returns is one of these structs: copyable,
// no Qt objects, no open queries, safe to send across threads (a job thread
// reads a Checkpoint and hands a JobRecord to the GUI thread in a signal).
//
// Conventions:
// - Ids are the store's own (qint64, > 0). 0 means "not stored yet".
// - Times are UTC QDateTimes with millisecond precision; a null QDateTime
//   means "never" (a job that has not started has a null startedAt). Metric
//   samples use milliseconds since the Unix epoch instead, as charts do.
// - Fields named ...Json hold JSON text (UTF-8 in a QString). The store keeps
//   the text exactly as given and never re-serialises it, so callers that
//   compare keys must give one canonical text per key (core/types builds it).
// - Enums are stored as the lower-case names returned by storeName(); the
//   same names appear in docs/control-store.md and in the CHECK constraints.

#include "plan/Plan.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace switchyard::core {

/// Where a control store lives, resolved: what ControlStore::open() needs and
/// what clone() copies to another thread.
struct ControlStoreLocation
{
    ControlStoreSettings::Kind kind = ControlStoreSettings::Kind::Sqlite;
    /// Sqlite: the database file, absolute (Plan::controlStorePath()).
    QString sqlitePath;
    /// PostgreSQL: a libpq URL or key=value string without a password.
    QString pgConnInfo;

    static ControlStoreLocation sqlite(const QString &path);
    static ControlStoreLocation postgresql(const QString &connInfo);
    /// From a plan's settings; resolvedSqlitePath is Plan::controlStorePath().
    static ControlStoreLocation fromSettings(const ControlStoreSettings &settings,
                                             const QString &resolvedSqlitePath);
    static ControlStoreLocation fromPlan(const Plan &plan);

    /// For messages: "SQLite file /home/ann/.local/share/switchyard/m.sqlite"
    /// or "PostgreSQL switchyard@db1:5432/ops, schema switchyard". Never
    /// contains a password.
    QString describe() const;
};

enum class PhaseStatus { Pending, Active, AwaitingConfirmation, Complete, RolledBack };
enum class JobState { Queued, Running, Paused, Completed, Failed, Cancelled };
enum class MismatchKind { MissingInTarget, MissingInSource, Different };
enum class MismatchStatus { Open, InFlight, ResolvedOnRecheck, Repaired, Accepted };

/// "pending", "active", "awaiting_confirmation", "complete", "rolled_back".
QString storeName(PhaseStatus s);
/// "queued", "running", "paused", "completed", "failed", "cancelled".
QString storeName(JobState s);
/// "missing_in_target", "missing_in_source", "different".
QString storeName(MismatchKind k);
/// "open", "in_flight", "resolved_on_recheck", "repaired", "accepted".
QString storeName(MismatchStatus s);
/// Job kinds use the plan's names: JobSpec::kindName() ("backfill", …).
QString storeName(JobSpec::Kind k);

std::optional<PhaseStatus> phaseStatusFromName(const QString &name);
std::optional<JobState> jobStateFromName(const QString &name);
std::optional<MismatchKind> mismatchKindFromName(const QString &name);
std::optional<MismatchStatus> mismatchStatusFromName(const QString &name);
std::optional<JobSpec::Kind> jobKindFromName(const QString &name);

/// True for completed, failed and cancelled.
bool isTerminal(JobState s);

/// One run: a plan (by name and the SHA-256 of its bytes) being carried out.
struct RunRecord
{
    qint64 id = 0;
    QString planName;
    QString planPath;
    QString planSha256; // lower-case hex of the plan file's bytes
    QDateTime createdAt;
};

/// Where a run stands. `version` increases by one with every change; an
/// update names the version it was based on and is refused when the store
/// has moved on (optimistic concurrency, see RunRepository).
struct PhaseState
{
    int phaseIndex = 0; // index into Plan::phases
    int rampStep = 0;   // index into the phase's RampSpec::steps (0 when it has none)
    PhaseStatus status = PhaseStatus::Pending;
    QDateTime enteredAt; // when the run entered this phase / step
    QString updatedBy;   // operator (or "engine") who made the last change
    QDateTime updatedAt;
    qint64 version = 0;
};

/// One move of a run between phases / steps / statuses, kept forever.
struct PhaseTransition
{
    qint64 id = 0;
    qint64 runId = 0;
    int fromPhase = 0;
    PhaseStatus fromStatus = PhaseStatus::Pending;
    int toPhase = 0;
    PhaseStatus toStatus = PhaseStatus::Pending;
    int rampStep = 0;
    QString operatorName;
    QString reason;
    bool overridden = false;  // a failing gate was passed by an operator
    QString evidenceJson;     // the gate results shown in the confirmation
    QDateTime at;             // set by the store
};

struct PhaseUpdateResult
{
    /// False when the state had moved on (another operator or process was
    /// first); nothing was written then.
    bool applied = false;
    /// The state now in the store: the new one when applied, the one that
    /// won otherwise (show it to the operator and let them decide again).
    PhaseState current;
};

struct NewJob
{
    qint64 runId = 0;
    JobSpec::Kind kind = JobSpec::Kind::Backfill;
    QString tableName;              // empty for jobs that span tables
    QString paramsJson = QStringLiteral("{}");
};

struct JobRecord
{
    qint64 id = 0;
    qint64 runId = 0;
    JobSpec::Kind kind = JobSpec::Kind::Backfill;
    QString tableName;
    QString paramsJson;
    JobState state = JobState::Queued;
    QDateTime createdAt;
    QDateTime startedAt;  // first time it ran
    QDateTime updatedAt;  // last state change
    QDateTime finishedAt; // when it reached a terminal state
    QString lastError;
    bool lastErrorRetryable = false;
    int attempts = 0;     // times it was set to running
    QString workerId;
    QString workerHost;
    QDateTime heartbeatAt;
};

/// A state change for JobRepository::setJobState(). Only the fields that
/// apply are written: moving to Running sets startedAt (first time),
/// increments attempts and clears finishedAt; a terminal state sets
/// finishedAt; `error` (when not empty, or when the new state is Failed)
/// replaces lastError / lastErrorRetryable; a non-empty workerId replaces the
/// worker.
struct JobStateChange
{
    JobState state = JobState::Queued;
    QString error;
    bool retryable = false;
    QString workerId;
    QString workerHost;
    /// When not empty, the change applies only if the job is currently in one
    /// of these states (a worker claims a queued job with {Queued, Paused}).
    QList<JobState> onlyFrom;
};

/// How far a job got. `lastKeyJson` is a JSON array of the key column values
/// of the last row committed to the target, in key order, e.g. [42] or
/// ["eu", 1017]; "[]" / empty means "nothing copied yet".
struct Checkpoint
{
    QString lastKeyJson;
    qint64 rowsDone = 0;
    qint64 batchesDone = 0;
    QDateTime updatedAt; // set by the store
};

struct MetricSample
{
    qint64 runId = 0;
    QString series; // e.g. "backfill.rows_per_second:users"
    qint64 tsMs = 0; // ms since the Unix epoch
    double value = 0.0;
    /// 0 for a sample as recorded; the bucket width (ms) for a mean that
    /// retention made of older samples.
    qint64 resolutionMs = 0;
};

/// Bounded retention of metric samples (MetricRepository::applyRetention()):
/// samples younger than fullResolutionMs are kept as recorded; older ones
/// are replaced by one mean per series per bucketMs; anything older than
/// keepMs is deleted.
struct MetricRetention
{
    qint64 fullResolutionMs = 24LL * 3600 * 1000; // 24 h
    qint64 bucketMs = 60LL * 1000;                // 1 min
    qint64 keepMs = 30LL * 24 * 3600 * 1000;      // 30 days
};

struct MismatchRecord
{
    qint64 id = 0;
    qint64 runId = 0;
    QString tableName;
    QString keyJson; // canonical JSON array of the key values: one text per row
    MismatchKind kind = MismatchKind::Different;
    QStringList differingColumns;
    QString sourceRowJson; // "null" when missing in source
    QString targetRowJson; // "null" when missing in target
    QDateTime firstSeen;   // set by the store
    QDateTime lastChecked; // set by the store
    int timesSeen = 0;     // set by the store
    MismatchStatus status = MismatchStatus::Open;
    QString reason;
    QString acceptedBy;
    QDateTime acceptedAt;
};

/// Empty / unset fields do not filter.
struct MismatchFilter
{
    QString table;
    std::optional<MismatchKind> kind;
    std::optional<MismatchStatus> status;
    QString column; // rows whose differingColumns contain this name
};

/// A source row the backfill could not convert (e.g. a zero date under the
/// "reject" policy, a NUL byte in text).
struct RejectRecord
{
    qint64 id = 0;
    qint64 runId = 0;
    QString tableName;
    QString keyJson;
    QString column;
    QString reason;
    QByteArray rawValue; // the source bytes as read; null when SQL NULL
    QDateTime at;        // set by the store when null
};

struct SignOff
{
    qint64 id = 0;
    qint64 runId = 0;
    QString signer;
    QString role;
    QString statement;
    QString verdict;      // e.g. "approved", "approved_with_exceptions", "rejected"
    QString reportSha256; // of the exported report it signs
    QString signature;
    QDateTime at;         // set by the store
};

/// One entry of a run's hash-chained audit log (see AuditLog.h and
/// docs/control-store.md for the canonical form).
struct AuditEntry
{
    qint64 runId = 0;
    qint64 seq = 0;       // 1, 2, 3… per run; set by the store
    QString at;           // UTC ISO 8601 with ms, "2026-05-01T12:00:00.000Z"; set by the store
    QString operatorName; // who
    QString action;       // what, e.g. "phase.confirm", "job.cancel", "mismatch.accept"
    QString target;       // what it acted on, e.g. "phase:read-ramp", "job:12"
    QString reason;       // why, as the operator typed it
    QString detailsJson = QStringLiteral("{}");
    QString prevHash;     // set by the store
    QString hash;         // set by the store
};

struct AuditVerification
{
    bool ok = true;
    qint64 entriesChecked = 0;
    qint64 runId = 0;       // the run whose chain is broken (when !ok)
    qint64 firstBadSeq = 0; // the first seq where the chain is broken (when !ok)
    QString problem;        // what is wrong, for a person
};

} // namespace switchyard::core
