#pragma once
// ValidationJob: proves (or disproves) that one table holds the same data on
// the target as on the source — what a DBA signs off on. Equal data is never
// reported as different, different data never passes, and a chunk that could
// not be checked never counts as a pass. docs/validation.md is the manual.
//
// Modes (JobSpec::ValidateMode):
//   count     row counts on both sides.
//   checksum  the table cut into key ranges ("chunks", ~chunkRows rows each,
//             boundaries taken from the source key order, shrunk when slow);
//             each chunk checksummed INSIDE both databases over the canonical
//             form (ValidationSql; client-side for columns CanonicalSql cannot
//             canonicalise); a mismatching chunk is bisected down to ranges of
//             at most leafRows rows, which are diffed row by row on the client.
//   full      every chunk diffed row by row on the client (the oracle the
//             checksum path is tested against).
//   sample    sampleSize random integer keys found by key seeks
//             (`WHERE k >= ? ORDER BY k LIMIT 1`), each row compared.
// Key ranges are used only when every key column is an integer (the same
// range predicate then selects the same rows on both sides). Keys the two
// databases order differently (text, CHAR, binary, date, or composites with
// them) are compared row by row in checksum and full mode: the source walked
// in its own order with target rows looked up by key list, then the target
// walked in its order with source rows looked up by key list. Sampling needs
// a single integer key; keys of other types end "unchecked", saying why.
//
// Every difference is re-read after recheckDelay before it is recorded:
// gone → not recorded (an earlier record becomes resolved_on_recheck); the
// same on both reads → `open`; changed meanwhile → `in_flight`, re-read once
// more (equal → resolved_on_recheck, same as the last read → open, changed
// again → stays in_flight). Open and in-flight records of the table are
// re-read at the start of a fresh job and in-flight ones again at its end.
//
// Results go to the control store: mismatches (MismatchRepository, deduped by
// key), the job record and its checkpoint, whose lastKeyJson holds a
// ValidationCheckpoint (a JSON object: the resume point and the per-table
// summary), and metric samples "validate.rows_per_second:<table>",
// "validate.chunks_done:<table>", "mismatches.open:<table>".
// When the job ends (completed, cancelled or failed) its row in the store's
// validation_summaries table is written (ValidationSummaryRecorder): what
// the report and the validation gates read.
// An unfinished job of the same mode is resumed after its last chunk; a
// completed one is not (the next run starts over).
//
// Errors: a chunk query that fails with a retryable error is retried
// (maxAttempts, exponential backoff, reconnecting when needed); still failing,
// or failing with any other database error (e.g. statement_timeout), the
// chunk is recorded as unchecked and the job moves on. Problems no retry can
// fix (no key, the store unreachable) fail the job. Nothing escapes run().
//
// Threading: run() blocks the calling thread and opens its own connections.
// pause(), resume() and cancel() are thread-safe and act between chunks.
// Progress samples (plain values) arrive at most ten times a second.

#include "common/JobControl.h"
#include "plan/Plan.h"
#include "store/StoreTypes.h"
#include "validate/ValidationTypes.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace switchyard::core {

class ValidationJob
{
public:
    using Mode = JobSpec::ValidateMode;

    struct Options
    {
        Mode mode = Mode::Checksum;
        int chunkRows = 0;      // 0: from the row count (1 000 … 10 000), adaptive
        int leafRows = 64;      // bisection stops at ranges of at most this many rows
        int sampleSize = 3000;  // sample mode
        quint64 seed = 0;       // sample mode: 0 picks a random seed
        std::chrono::milliseconds recheckDelay{200};
        int maxAttempts = 3;    // retries of one chunk query before it is unchecked
        std::chrono::milliseconds initialBackoff{200};
        std::chrono::milliseconds maxBackoff{5000};
        int lockTimeoutMs = 10000;   // target lock_timeout for validation queries
        int statementTimeoutMs = 0;  // target statement_timeout (0: none)
        /// Checksum mode: 2 computes the next chunk's digests on a second
        /// set of connections while this one's are computed (up to four
        /// connections per database); 1 is one chunk at a time (two per
        /// database), gentler on a busy server.
        int chunksInFlight = 2;
        QString operatorName = QStringLiteral("engine");
        /// 0: resume the table's unfinished job of this mode or create one.
        /// Otherwise run this existing record, which the caller (JobRunner)
        /// has claimed: its checkpoint is resumed when it is of this mode and
        /// unfinished, and the record's state and lease stay with the caller.
        qint64 jobId = 0;
    };

    enum class Hook { AfterChunk, BeforeRecheck };
    using HookFn = std::function<void(Hook, qint64 chunkNumber)>;
    using ProgressFn = std::function<void(const ValidationProgress &)>;

    struct Result
    {
        ValidationState state = ValidationState::Failed; // Completed, Cancelled or Failed
        ValidationVerdict verdict = ValidationVerdict::Unchecked;
        qint64 jobId = 0;
        QString mode;
        qint64 sourceRows = -1;  // count mode, and sample mode (for context)
        qint64 targetRows = -1;
        qint64 rowsChecked = 0;  // rows covered by finished chunks / samples
        qint64 chunks = 0;
        qint64 open = 0;         // open mismatches of the table in this run
        qint64 inFlight = 0;
        qint64 resolved = 0;     // resolved on recheck by this job
        QList<UncheckedChunk> unchecked;
        bool resumed = false;
        QString statement;       // what the run proves, in words
        QString error;           // Failed: what went wrong and what to do
    };

    ValidationJob(const Plan &plan, const QString &table, const ControlStoreLocation &store,
                  qint64 runId, Options options);
    ~ValidationJob();

    Result run(const ProgressFn &onProgress = {});

    void pause();
    void resume();
    void cancel();
    void setHook(HookFn hook) { m_hook = std::move(hook); }

    static QString modeName(Mode m) { return JobSpec::modeName(m); }
    static std::optional<Mode> modeFromName(const QString &name);

private:
    struct Impl;

    Plan m_plan;
    QString m_table;
    ControlStoreLocation m_store;
    qint64 m_runId;
    Options m_options;
    HookFn m_hook;
    JobControl m_control;
};

} // namespace switchyard::core
