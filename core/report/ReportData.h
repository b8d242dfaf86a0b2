#pragma once
// ReportData: everything a validation report shows, gathered from the
// control store (and, for versions and live row counts, from the two
// servers) into plain values. The report never contains a number typed by
// hand: every figure below was read by gather() from the store or measured
// on a server, with the time it was read.
//
//   ControlStore store = ControlStore::open(plan);
//   ReportData data = ReportData::gather(plan, planSha256, store, runId, {});
//   ReportVerdict verdict = ReportVerdict::decide(data);
//
// What comes from where:
// - run, plan version (its SHA-256), phase state and history (with the gate
//   results of each transition, read tolerantly from evidenceJson), earlier
//   sign-offs: RunRepository;
// - per table: the newest backfill job and its checkpoint; the newest
//   validation job and its ValidationCheckpoint summary (mode, chunks
//   checked, rows checked, unchecked ranges, verdict, statement); mismatch
//   counts by status and the accepted ones with reason, who and when:
//   JobRepository, MismatchRepository;
// - audit trail: AuditLog entries, their head, and verifyAudit() of the run;
// - charts: metric series (throughput, open mismatches) of the run;
// - server versions and row counts at report time: MySqlConnection and
//   PgConnection, when Options::measureServers is set. A server that cannot
//   be reached is recorded as such (measureError), never guessed.
// Connection descriptions carry engine, host, port, user and database —
// never a password.
//
// Threading: gather() runs on the caller's thread (the store's thread) and
// may take seconds (COUNT(*) on both servers); the GUI calls it on a worker
// thread with a clone of the store. The result is a value: copy it anywhere.
// Errors: StoreException from the store propagates; server errors do not
// (they are recorded in the data).

#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace switchyard::core {

class ControlStore;

/// One gate as recorded with a transition (tolerant of the engine's JSON).
struct ReportGate
{
    QString name;
    bool passed = false;
    bool manual = false;
    QString measured;
    QString threshold;
    QString detail;
};

struct ReportTransition
{
    QDateTime at;
    QString fromPhase; // phase title (id) as a person reads it
    QString toPhase;
    QString fromStatus;
    QString toStatus;
    int rampStep = 0;
    QString operatorName;
    QString reason;
    bool overridden = false;
    QList<ReportGate> gates;
    bool evidenceUnreadable = false; // evidenceJson present but not understood
};

struct ReportAccepted
{
    QString keyJson;
    QString kind;
    QString reason;
    QString by;
    QDateTime at;
};

/// An open or in-flight mismatch, as listed on paper.
struct ReportOpenMismatch
{
    QString keyJson;
    QString kind;
    QString status;
    QStringList columns;
    QDateTime firstSeen;
    QDateTime lastChecked;
};

struct ReportTable
{
    QString name;
    QString targetName;

    // Row counts measured at report time (-1: not measured, see countError).
    qint64 sourceRowsNow = -1;
    qint64 targetRowsNow = -1;
    QString countError;

    // Backfill: the newest backfill job of the table.
    bool backfillFound = false;
    QString backfillState; // storeName(JobState)
    qint64 backfillRows = 0;
    QDateTime backfillFinishedAt;

    // Validation: the newest validation job of the table and its summary.
    bool validationFound = false;
    qint64 validationJobId = 0;
    QString validationState; // storeName(JobState)
    QString mode;            // count | sample | checksum | full
    bool validationDone = false;
    QString validationVerdict; // pass | fail | in_flight | unchecked ("" when not done)
    qint64 chunksChecked = 0;
    qint64 chunksUnchecked = 0;
    qint64 rowsChecked = 0;
    qint64 validatedSourceRows = -1; // count / sample modes
    qint64 validatedTargetRows = -1;
    QString statement; // what the validation proves, in words (incl. the confidence of a sample)
    QStringList uncheckedRanges; // "range: error"
    QDateTime validatedAt;

    // Mismatches of the table in this run, by status.
    qint64 found = 0;
    qint64 open = 0;
    qint64 inFlight = 0;
    qint64 resolvedOnRecheck = 0;
    qint64 repaired = 0;
    qint64 accepted = 0;
    QList<ReportAccepted> acceptedList;
    QList<ReportOpenMismatch> openList; // open and in flight, oldest first
    qint64 rejects = 0; // rows the backfill could not convert
};

struct ReportEndpoint
{
    QString role;        // "Source" / "Target"
    QString engine;      // MariaDB / MySQL / PostgreSQL
    QString host;
    int port = 0;
    QString database;
    QString user;
    QString version;     // measured; empty when not reached
    QString measureError;
};

struct ReportSeriesPoint
{
    qint64 tsMs = 0;
    double value = 0;
};

struct ReportSeries
{
    QString name; // e.g. "backfill.rows_per_second:users"
    QList<ReportSeriesPoint> points;
};

struct ReportAudit
{
    QList<AuditEntry> entries;
    qint64 total = 0;      // entries in the chain
    bool verified = false; // verifyAudit() of the run
    QString problem;       // when not verified
    qint64 headSeq = 0;
    QString headHash;
};

struct ReportData
{
    struct Options
    {
        bool measureServers = true; // versions and COUNT(*) on both sides
        int auditLimit = 500;       // entries listed (the chain is verified whole)
        int acceptedLimit = 50;     // accepted mismatches listed per table
        int openLimit = 50;         // open / in-flight mismatches listed per table
    };

    // Identity.
    QString migrationName;
    QString owner;
    QString why;
    QString riskLevel;
    QString planPath;
    QString planSha256;        // of the plan file the report was made from
    QString runPlanSha256;     // the plan version the run was made with
    qint64 runId = 0;
    QDateTime runCreatedAt;
    QDateTime generatedAt;
    QString generator;         // "switchyard 0.1.0"
    QString controlStore;      // ControlStoreLocation::describe()

    ReportEndpoint source;
    ReportEndpoint target;

    // Where the run stands.
    QString currentPhase;      // title (id)
    QString currentStatus;
    int currentRampStep = 0;
    int phaseCount = 0;
    QStringList phaseTitles;   // every phase of the plan, in order

    QList<ReportTable> tables;
    QList<ReportTransition> transitions;
    ReportAudit audit;
    QList<ReportSeries> series;
    QList<SignOff> earlierSignOffs;

    static ReportData gather(const Plan &plan, const QString &planSha256, ControlStore &store,
                             qint64 runId, const Options &options);
    static ReportData gather(const Plan &plan, const QString &planSha256, ControlStore &store,
                             qint64 runId)
    {
        return gather(plan, planSha256, store, runId, Options());
    }

    /// The run to report on: the run made with this plan version (plan name
    /// and SHA-256 of the file), else the plan's newest run; nullopt when
    /// the store holds no run of the plan.
    static std::optional<qint64> runFor(ControlStore &store, const Plan &plan, const QString &planSha256);
};

/// "MariaDB", "MySQL" or "PostgreSQL", as printed on paper.
QString engineDisplayName(ConnectionSettings::Engine engine);

/// Tolerant reader of PhaseTransition::evidenceJson: an array of gate
/// objects, or an object holding one under "gates"; keys name/describe,
/// passed/pass/ok, manual, measured, threshold, detail. nullopt when the
/// text is not JSON of either shape; an empty list for "" or "[]".
std::optional<QList<ReportGate>> parseGateEvidence(const QString &evidenceJson);

} // namespace switchyard::core
