#include "backfill/BackfillJob.h"

#include "backfill/BackfillFinisher.h"
#include "backfill/BatchSizer.h"
#include "backfill/ProgressMeter.h"
#include "backfill/SourceBatchReader.h"
#include "backfill/TargetBatchWriter.h"
#include "backfill/Throttle.h"
#include "common/DbError.h"
#include "source/MySqlConnection.h"
#include "store/ControlStore.h"
#include "store/StoreError.h"
#include "types/SchemaConversion.h"
#include "types/TypeMapping.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QSysInfo>

#include <algorithm>
#include <thread>

namespace switchyard::core {

QString backfillStateName(BackfillState s)
{
    switch (s) {
    case BackfillState::Starting:
        return QStringLiteral("starting");
    case BackfillState::Running:
        return QStringLiteral("running");
    case BackfillState::Paused:
        return QStringLiteral("paused");
    case BackfillState::Retrying:
        return QStringLiteral("retrying");
    case BackfillState::Finishing:
        return QStringLiteral("finishing");
    case BackfillState::Completed:
        return QStringLiteral("completed");
    case BackfillState::Failed:
        return QStringLiteral("failed");
    case BackfillState::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

namespace {

// Thrown by the job itself for problems no retry can fix (no key, a type the
// mapping refuses): the message is what the operator reads.
struct JobError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

bool isLockContention(const DbError &e)
{
    // Deadlock / lock wait timeout on MySQL, 40P01 / 55P03 on PostgreSQL:
    // smaller batches hold locks for less time.
    return e.nativeCode == 1213 || e.nativeCode == 1205 || e.sqlState == QLatin1String("40P01") ||
           e.sqlState == QLatin1String("55P03");
}

} // namespace

// Everything run() builds: connections, mapping, counters.
struct BackfillJob::Impl
{
    TableMapping mapping;
    std::unique_ptr<SourceBatchReader> reader;
    std::unique_ptr<TargetBatchWriter> writer;
    std::unique_ptr<ControlStore> store;
    qint64 jobId = 0;
    KeyCursor cursor;
    BackfillProgress progress;
    ProgressMeter meter;
    std::optional<KeyPart> maxKey;
    QElapsedTimer sinceMaxKey;
    QElapsedTimer sinceSample; // metric samples into the store, once a second
};

BackfillJob::BackfillJob(const Plan &plan, const QString &table, const ControlStoreLocation &store,
                         qint64 runId, Options options)
    : m_plan(plan)
    , m_table(table)
    , m_store(store)
    , m_runId(runId)
    , m_options(std::move(options))
    , m_throttle(std::make_unique<Throttle>(m_options.maxRowsPerSecond))
{
}

BackfillJob::~BackfillJob() = default;

void BackfillJob::pause()
{
    m_control.pause();
    m_throttle->interrupt();
}

void BackfillJob::resume()
{
    m_control.resume();
}

void BackfillJob::cancel()
{
    m_control.cancel();
    m_throttle->interrupt();
}

void BackfillJob::setMaxRowsPerSecond(double rowsPerSecond)
{
    m_throttle->setRate(rowsPerSecond);
}

void BackfillJob::audit(Impl &s, const QString &action, const QString &reason)
{
    AuditEntry e;
    e.runId = m_runId;
    e.operatorName = m_options.operatorName;
    e.action = action;
    e.target = QStringLiteral("table:") + m_table;
    e.reason = reason;
    e.detailsJson = QStringLiteral("{\"job\":%1}").arg(s.jobId);
    s.store->audit().appendAudit(e);
}

BackfillJob::Result BackfillJob::run(const ProgressFn &onProgress)
{
    Impl s;
    Result result;
    const TableSpec *spec = m_plan.table(m_table);
    s.progress.table = m_table;
    s.progress.maxRowsPerSecond = m_throttle->rate();

    auto report = [&](BackfillState state, bool force) {
        s.progress.state = state;
        if (!onProgress || !s.meter.sampleDue(force))
            return;
        s.progress.rowsPerSecond = s.meter.rate();
        const qint64 remaining =
            std::max<qint64>(0, s.progress.rowsEstimated - s.progress.rowsCopied - s.progress.rowsRejected);
        s.progress.etaSeconds = state == BackfillState::Completed ? 0 : s.meter.etaSeconds(remaining);
        s.progress.cursor = s.cursor.display();
        s.progress.maxRowsPerSecond = m_throttle->rate();
        if (s.maxKey && !s.cursor.isEmpty()) {
            const auto top = s.maxKey->number();
            const auto at = s.cursor.parts().first().number();
            if (top && at)
                s.progress.keyLag = std::max(0.0, *top - *at);
        }
        s.progress.atMs = QDateTime::currentMSecsSinceEpoch();
        onProgress(s.progress);
    };

    // A record claimed by the caller (Options::jobId) keeps its state and
    // lease under the caller's control.
    const bool ownsRecord = m_options.jobId == 0;

    auto fail = [&](const QString &message, bool retryable) {
        result.state = BackfillState::Failed;
        result.error = message;
        s.progress.lastError = message;
        report(BackfillState::Failed, true);
        if (s.store && s.jobId > 0) {
            try {
                if (ownsRecord)
                    s.store->jobs().setJobState(s.jobId, {JobState::Failed, message, retryable, {}, {}, {}});
                audit(s, QStringLiteral("backfill.failed"), message);
            } catch (const std::exception &) {
                // The store is what failed; the caller still gets the error.
            }
        }
        return result;
    };

    if (!spec)
        return fail(QStringLiteral("table '%1' is not in the plan").arg(m_table), false);

    report(BackfillState::Starting, true);

    // --- Set up: store, job record, checkpoint, schema, connections. Connection
    // problems here are retried like any batch.
    int attempt = 0;
    for (;;) {
        try {
            if (!s.store)
                s.store = std::make_unique<ControlStore>(ControlStore::open(m_store));
            if (s.jobId == 0 && !ownsRecord) {
                s.jobId = m_options.jobId;
                result.jobId = s.jobId;
            }
            if (s.jobId == 0) {
                // One backfill job per table and run: a new invocation takes
                // over the last one (killed, failed or cancelled) and its
                // checkpoint.
                const auto existing =
                    s.store->jobs().latestJob(m_runId, JobSpec::Kind::Backfill, m_table);
                s.jobId = existing ? existing->id
                                   : s.store->jobs()
                                         .createJob({m_runId, JobSpec::Kind::Backfill, m_table,
                                                     QStringLiteral("{}")})
                                         .id;
                result.jobId = s.jobId;
            }
            if (const auto cp = s.store->jobs().loadCheckpoint(s.jobId)) {
                if (!cp->lastKeyJson.isEmpty() && cp->lastKeyJson != QLatin1String("[]")) {
                    const auto c = KeyCursor::fromJson(cp->lastKeyJson.toUtf8());
                    if (!c)
                        return fail(QStringLiteral("the checkpoint of job %1 holds a key this "
                                                   "version cannot read: %2")
                                        .arg(s.jobId)
                                        .arg(cp->lastKeyJson),
                                    false);
                    s.cursor = *c;
                }
                s.progress.rowsCopied = cp->rowsDone;
                s.progress.batches = cp->batchesDone;
            }
            s.progress.rowsRejected = s.store->mismatches().countRejects(m_runId, m_table);
            MySqlConnection conn;
            conn.open(m_plan.source);
            const JobTableMapping mapped = mapTableForJob(m_plan, conn, spec->name);
            conn.close();
            if (!mapped.mapping)
                throw JobError(mapped.error.toStdString());
            s.mapping = *mapped.mapping;
            const SourceTable &table = s.mapping.source;
            s.progress.rowsEstimated = std::max<qint64>(table.approxRows, 0);
            s.reader = std::make_unique<SourceBatchReader>(m_plan.source, s.mapping, m_plan.types,
                                                          spec->consistency);
            s.reader->reconnect();
            const QString schema = m_plan.target.schema.isEmpty() ? QStringLiteral("public")
                                                                  : m_plan.target.schema;
            s.writer = std::make_unique<TargetBatchWriter>(m_plan.target, schema,
                                                          spec->effectiveTargetName(),
                                                          s.reader->copyColumns(),
                                                          s.mapping.keyColumns);
            s.writer->reconnect();
            s.maxKey = s.reader->maxKey();
            s.sinceMaxKey.start();
            if (ownsRecord)
                s.store->jobs().setJobState(s.jobId, {JobState::Running, {}, false, m_options.workerId,
                                                      QSysInfo::machineHostName(), {}});
            audit(s, QStringLiteral("backfill.start"),
                  s.cursor.isEmpty()
                      ? QStringLiteral("from the beginning")
                      : QStringLiteral("resuming after key %1").arg(s.cursor.display()));
            break;
        } catch (const JobError &e) {
            return fail(QString::fromUtf8(e.what()), false);
        } catch (const DbException &e) {
            if (!e.error().isRetryable() || ++attempt > m_options.maxAttempts)
                return fail(e.error().toString(), e.error().isRetryable());
            s.progress.lastError = e.error().toString();
        } catch (const StoreException &e) {
            if (!e.error().isRetryable() || ++attempt > m_options.maxAttempts)
                return fail(e.error().toString(), e.error().isRetryable());
            s.progress.lastError = e.error().toString();
        } catch (const std::exception &e) {
            return fail(QString::fromUtf8(e.what()), false);
        }
        s.progress.attempt = attempt;
        report(BackfillState::Retrying, true);
        const auto backoff = JobControl::backoff(attempt, m_options.initialBackoff, m_options.maxBackoff);
        if (!m_control.sleepInterruptibly(backoff))
            break;
    }
    if (m_control.isCancelled()) {
        result.state = BackfillState::Cancelled;
        report(BackfillState::Cancelled, true);
        return result;
    }

    BatchSizer sizer = m_options.batchRows > 0 ? BatchSizer::fixed(m_options.batchRows)
                       : spec->batchRows > 0   ? BatchSizer::fixed(spec->batchRows)
                                               : BatchSizer(BatchSizer::Limits{});
    SourceBatch batch;
    bool forceChecked = false;
    attempt = 0;
    s.meter.reset();
    s.sinceSample.start();
    report(BackfillState::Running, true);
    // Once a second (and at the end) into the store: the charts' history,
    // which survives a restart of the cockpit.
    auto storeSamples = [&] {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        s.store->metrics().appendSamples(
            {{m_runId, QStringLiteral("backfill.rows_per_second:") + m_table, now, s.meter.rate(), 0},
             {m_runId, QStringLiteral("backfill.rows_copied:") + m_table, now,
              double(s.progress.rowsCopied), 0}});
        s.sinceSample.restart();
    };
    auto hook = [&](Hook h, qint64 n) {
        if (m_hook)
            m_hook(h, batch.last, n);
    };

    // --- The copy.
    bool done = false;
    while (!done) {
        if (m_control.isCancelled())
            break;
        if (m_control.isPaused()) {
            report(BackfillState::Paused, true);
            if (!m_control.waitWhilePaused())
                break;
            s.meter.reset();
            report(BackfillState::Running, true);
        }
        const int size = sizer.next();
        s.progress.batchRows = size;
        if (!m_throttle->acquire(size, [this] { return m_control.isCancelled() || m_control.isPaused(); }))
            continue; // paused or cancelled while waiting: handled above

        const qint64 batchNumber = s.progress.batches + 1;
        QElapsedTimer timer;
        timer.start();
        bool streaming = false;
        try {
            TargetBatchWriter::Result written{};
            // Bulk copy: nothing in the target after the cursor, so stream the
            // COPY while the source streams. Otherwise (dual writes reached
            // this range) read the batch first, then check its range.
            streaming = !forceChecked && !s.writer->hasRowsAfter(s.cursor);
            if (streaming) {
                s.writer->beginStream();
                s.reader->read(s.cursor, size, batch,
                               [&](QByteArray &chunk) { s.writer->streamChunk(chunk); });
            } else {
                s.reader->read(s.cursor, size, batch);
            }
            hook(Hook::AfterSourceRead, batchNumber);
            if (batch.rowsRead == 0) {
                s.writer->abortStream();
                s.reader->commit();
                break;
            }
            if (streaming) {
                s.writer->finishStream(batch.copyData,
                                       [&] { hook(Hook::BeforeTargetCommit, batchNumber); });
                written.rowsInserted = batch.rowsWritten;
            } else if (batch.rowsWritten > 0) {
                written = s.writer->write(batch.copyData, batch.rowsWritten, s.cursor, batch.last,
                                          [&] { hook(Hook::BeforeTargetCommit, batchNumber); });
            }
            forceChecked = false;
            hook(Hook::AfterTargetCommit, batchNumber);

            Checkpoint cp;
            cp.lastKeyJson = QString::fromUtf8(batch.last.toJson());
            cp.rowsDone = s.progress.rowsCopied + batch.rowsWritten;
            cp.batchesDone = batchNumber;
            QList<RejectRecord> rejects;
            for (const RejectedRow &r : std::as_const(batch.rejects)) {
                RejectRecord rec;
                rec.runId = m_runId;
                rec.tableName = m_table;
                rec.keyJson = QString::fromUtf8(r.key.toJson());
                rec.column = r.column;
                rec.reason = r.reason;
                rec.rawValue = r.rawValue.toUtf8();
                rejects << rec;
            }
            // The checkpoint moves only now, after the target commit, in one
            // store transaction with the batch's rejects: a crash replays the
            // batch with neither, never with one of them.
            s.store->transaction(QStringLiteral("commit batch %1 of %2").arg(batchNumber).arg(m_table), [&] {
                s.store->mismatches().addRejects(rejects);
                s.store->jobs().saveCheckpoint(s.jobId, cp);
            });
            hook(Hook::AfterCheckpoint, batchNumber);
            s.reader->commit();

            s.cursor = batch.last;
            s.progress.rowsCopied = cp.rowsDone;
            s.progress.rowsRejected += batch.rejects.size();
            s.progress.batches = batchNumber;
            if (written.path == TargetBatchWriter::Path::Staged)
                ++s.progress.stagedBatches;
            s.progress.attempt = 0;
            s.progress.lastError.clear();
            attempt = 0;
            s.meter.add(batch.rowsRead);
            sizer.record(batch.rowsRead, timer.nsecsElapsed() / 1e9);
            done = batch.rowsRead < size; // a short batch: the end of the table
            if (s.sinceMaxKey.elapsed() > 5000) {
                s.maxKey = s.reader->maxKey();
                s.sinceMaxKey.restart();
            }
            if (ownsRecord)
                s.store->jobs().heartbeat(s.jobId, m_options.workerId, QSysInfo::machineHostName());
            if (s.sinceSample.hasExpired(1000))
                storeSamples();
            report(BackfillState::Running, false);
        } catch (const std::exception &e) {
            s.writer->abortStream();
            s.reader->rollback();
            const DbException *db = dynamic_cast<const DbException *>(&e);
            if (streaming && db && db->error().sqlState == QLatin1String("23505")) {
                // A dual write landed after the cursor meanwhile: replay this
                // batch through the checked path (staging where needed).
                forceChecked = true;
                continue;
            }
            const StoreException *st = dynamic_cast<const StoreException *>(&e);
            const bool retryable = (db && db->error().isRetryable()) ||
                                   (st && st->error().isRetryable());
            const QString message = db   ? db->error().toString()
                                    : st ? st->error().toString()
                                         : QString::fromUtf8(e.what());
            if (!retryable || ++attempt > m_options.maxAttempts)
                return fail(attempt > m_options.maxAttempts
                                ? QStringLiteral("gave up after %1 attempts: %2")
                                      .arg(m_options.maxAttempts)
                                      .arg(message)
                                : message,
                            retryable);
            if (db && isLockContention(db->error()))
                sizer.shrink();
            s.progress.lastError = message;
            s.progress.attempt = attempt;
            report(BackfillState::Retrying, true);
            const auto backoff = JobControl::backoff(attempt, m_options.initialBackoff, m_options.maxBackoff);
            if (!m_control.sleepInterruptibly(backoff))
                break;
            // Reconnect whichever side failed; the batch is then replayed
            // from the unchanged cursor.
            try {
                if (!db || db->error().engine == DbError::Engine::MySQL || db->error().needsReconnect())
                    s.reader->reconnect();
                if (!db || db->error().engine == DbError::Engine::PostgreSQL)
                    s.writer->reconnect();
            } catch (const std::exception &) {
                // Still down: the next attempt fails and backs off again.
            }
        }
    }

    if (m_control.isCancelled()) {
        result.state = BackfillState::Cancelled;
        try {
            storeSamples();
            if (ownsRecord)
                s.store->jobs().setJobState(s.jobId, {JobState::Cancelled, {}, false, {}, {}, {}});
            audit(s, QStringLiteral("backfill.cancel"),
                  QStringLiteral("stopped after key %1; the checkpoint is kept")
                      .arg(s.cursor.display()));
        } catch (const std::exception &) {
        }
        report(BackfillState::Cancelled, true);
        result.rowsCopied = s.progress.rowsCopied;
        result.rowsRejected = s.progress.rowsRejected;
        return result;
    }

    // --- After the last batch: sequences past every key, deferred indexes.
    if (m_options.finish) {
        report(BackfillState::Finishing, true);
        attempt = 0;
        for (;;) {
            try {
                BackfillFinisher::finish(s.writer->connection(), s.mapping, m_plan);
                break;
            } catch (const DbException &e) {
                if (!e.error().isRetryable() || ++attempt > m_options.maxAttempts)
                    return fail(e.error().toString(), e.error().isRetryable());
                if (!m_control.sleepInterruptibly(JobControl::backoff(attempt, m_options.initialBackoff, m_options.maxBackoff)))
                    break;
                try {
                    s.writer->reconnect();
                } catch (const std::exception &) {
                }
            }
        }
    }

    try {
        storeSamples();
        if (ownsRecord)
            s.store->jobs().setJobState(s.jobId, {JobState::Completed, {}, false, {}, {}, {}});
        audit(s, QStringLiteral("backfill.complete"),
              QStringLiteral("%1 rows copied, %2 rejected")
                  .arg(s.progress.rowsCopied)
                  .arg(s.progress.rowsRejected));
    } catch (const std::exception &e) {
        return fail(QString::fromUtf8(e.what()), true);
    }
    result.state = BackfillState::Completed;
    result.rowsCopied = s.progress.rowsCopied;
    result.rowsRejected = s.progress.rowsRejected;
    report(BackfillState::Completed, true);
    return result;
}

} // namespace switchyard::core
