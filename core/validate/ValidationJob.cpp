#include "validate/ValidationJob.h"

#include "backfill/ProgressMeter.h"
#include "common/DbError.h"
#include "source/MySqlConnection.h"
#include "store/ControlStore.h"
#include "store/StoreError.h"
#include "types/SchemaConversion.h"
#include "types/TypeMapping.h"
#include "validate/Rechecker.h"
#include "validate/KeyValues.h"
#include "validate/ValidationCheckpoint.h"
#include "validate/ValidationSummaryRecorder.h"
#include "validate/TableComparer.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSysInfo>

#include <algorithm>
#include <cmath>
#include <future>
#include <random>

namespace switchyard::core {

namespace {

struct JobError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};


} // namespace

std::optional<ValidationJob::Mode> ValidationJob::modeFromName(const QString &name)
{
    for (Mode m : {Mode::Count, Mode::Sample, Mode::Checksum, Mode::Full}) {
        if (JobSpec::modeName(m) == name)
            return m;
    }
    return std::nullopt;
}

struct ValidationJob::Impl
{
    std::unique_ptr<ControlStore> store;
    std::unique_ptr<TableComparer> cmp;
    // Checksum mode: a second comparer computes the digests of the chunk
    // after the current one meanwhile (null when it could not connect).
    std::unique_ptr<TableComparer> ahead;
    TableMapping mapping;
    qint64 jobId = 0;
    ValidationCheckpoint cp; // resume point and summary, as stored
    ValidationProgress progress;
    ProgressMeter meter;
    QElapsedTimer sinceMetrics;
};

ValidationJob::ValidationJob(const Plan &plan, const QString &table, const ControlStoreLocation &store,
                             qint64 runId, Options options)
    : m_plan(plan)
    , m_table(table)
    , m_store(store)
    , m_runId(runId)
    , m_options(std::move(options))
{
}

ValidationJob::~ValidationJob() = default;

void ValidationJob::pause()
{
    m_control.pause();
}

void ValidationJob::resume()
{
    m_control.resume();
}

void ValidationJob::cancel()
{
    m_control.cancel();
}

ValidationJob::Result ValidationJob::run(const ProgressFn &onProgress)
{
    Impl s;
    Result result;
    result.mode = modeName(m_options.mode);
    s.cp.mode = result.mode;
    s.progress.table = m_table;
    s.progress.mode = result.mode;
    const TableSpec *spec = m_plan.table(m_table);
    const QDateTime startedAt = QDateTime::currentDateTimeUtc();
    const Rechecker *checker = nullptr; // set once the job runs

    auto report = [&](ValidationState state, bool force) {
        s.progress.state = state;
        if (!onProgress || !s.meter.sampleDue(force))
            return;
        s.progress.rowsPerSecond = s.meter.rate();
        s.progress.chunksDone = s.cp.chunks;
        s.progress.rowsChecked = s.cp.rows;
        s.progress.unchecked = s.cp.unchecked.size();
        s.progress.cursor = s.cp.after ? s.cp.after->display() : QString();
        s.progress.atMs = QDateTime::currentMSecsSinceEpoch();
        onProgress(s.progress);
    };
    auto audit = [&](const QString &action, const QString &reason) {
        AuditEntry e;
        e.runId = m_runId;
        e.operatorName = m_options.operatorName;
        e.action = action;
        e.target = QStringLiteral("table:") + m_table;
        e.reason = reason;
        e.detailsJson = QStringLiteral("{\"job\":%1,\"mode\":\"%2\"}").arg(s.jobId).arg(result.mode);
        s.store->audit().appendAudit(e);
    };
    auto saveCheckpoint = [&](bool done, const QString &verdict) {
        s.cp.done = done;
        s.cp.verdict = verdict;
        s.cp.sourceRows = result.sourceRows;
        s.cp.targetRows = result.targetRows;
        s.cp.statement = result.statement;
        Checkpoint stored;
        stored.lastKeyJson = s.cp.toJson(s.cmp ? s.cmp->keyKinds() : QList<CanonicalKind>());
        stored.rowsDone = s.cp.rows;
        stored.batchesDone = s.cp.chunks;
        s.store->jobs().saveCheckpoint(s.jobId, stored);
    };
    // A record claimed by the caller (Options::jobId) keeps its state and
    // lease under the caller's control.
    const bool ownsRecord = m_options.jobId == 0;
    // The job's row in validation_summaries, however it ends.
    auto writeSummary = [&] {
        if (!s.store || s.jobId <= 0)
            return;
        const QString problem = recordValidationSummary(
            *s.store, result, {m_runId, s.jobId, m_table, startedAt, checker ? checker->recorded() : 0});
        if (!problem.isEmpty())
            s.progress.lastError = QStringLiteral("the validation summary was not written: ") + problem;
    };
    auto fail = [&](const QString &message, bool retryable) {
        result.state = ValidationState::Failed;
        result.error = message;
        s.progress.lastError = message;
        report(ValidationState::Failed, true);
        if (s.store && s.jobId > 0) {
            try {
                if (ownsRecord)
                    s.store->jobs().setJobState(s.jobId, {JobState::Failed, message, retryable, {}, {}, {}});
                audit(QStringLiteral("validate.failed"), message);
                writeSummary();
            } catch (const std::exception &) {
            }
        }
        return result;
    };
    auto backoff = [&](int attempt) {
        return JobControl::backoff(attempt, m_options.initialBackoff, m_options.maxBackoff);
    };

    if (!spec)
        return fail(QStringLiteral("table '%1' is not in the plan").arg(m_table), false);
    report(ValidationState::Starting, true);

    // --- Set up: store, job, checkpoint, mapping, connections.
    int attempt = 0;
    for (;;) {
        try {
            if (!s.store)
                s.store = std::make_unique<ControlStore>(ControlStore::open(m_store));
            MySqlConnection conn;
            conn.open(m_plan.source);
            const JobTableMapping mapped = mapTableForJob(m_plan, conn, spec->name);
            conn.close();
            if (!mapped.mapping)
                throw JobError(mapped.error.toStdString());
            s.mapping = *mapped.mapping;
            const SourceTable &table = s.mapping.source;
            s.cmp = std::make_unique<TableComparer>(m_plan, s.mapping, m_options.lockTimeoutMs,
                                                    m_options.statementTimeoutMs);
            s.cmp->connect();
            s.progress.rowsEstimated = std::max<qint64>(table.approxRows, 0);

            if (s.jobId == 0) {
                // Resume the newest unfinished job of the same mode (or the
                // caller's record); otherwise start afresh.
                const auto existing = ownsRecord
                                          ? s.store->jobs().latestJob(m_runId, JobSpec::Kind::Validate, m_table)
                                          : s.store->jobs().job(m_options.jobId);
                if (!ownsRecord) {
                    if (!existing)
                        throw JobError(QStringLiteral("there is no job %1 in the control store")
                                           .arg(m_options.jobId)
                                           .toStdString());
                    s.jobId = existing->id;
                }
                if (existing && existing->state != JobState::Completed) {
                    const auto stored = s.store->jobs().loadCheckpoint(existing->id);
                    const auto cp = stored ? ValidationCheckpoint::fromJson(stored->lastKeyJson) : std::nullopt;
                    if (cp && cp->mode == result.mode && !cp->done) {
                        s.jobId = existing->id;
                        s.cp = *cp;
                        result.resumed = s.cp.chunks > 0;
                    }
                }
                if (s.jobId == 0) {
                    QJsonObject params;
                    params.insert(QStringLiteral("mode"), result.mode);
                    s.jobId = s.store->jobs()
                                  .createJob({m_runId, JobSpec::Kind::Validate, m_table,
                                              QString::fromUtf8(QJsonDocument(params).toJson(QJsonDocument::Compact))})
                                  .id;
                }
                result.jobId = s.jobId;
            }
            if (ownsRecord)
                s.store->jobs().setJobState(s.jobId, {JobState::Running, {}, false, {}, QSysInfo::machineHostName(), {}});
            audit(QStringLiteral("validate.start"),
                  result.resumed ? QStringLiteral("resuming after key %1").arg(s.cp.after ? s.cp.after->display() : QString())
                                 : QStringLiteral("from the beginning"));
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
        if (!m_control.sleepInterruptibly(backoff(attempt)))
            break;
    }
    if (m_control.isCancelled()) {
        result.state = ValidationState::Cancelled;
        return result;
    }

    // Runs `fn` (a chunk's queries) with retries; throws ReadFailed when the
    // chunk cannot be checked.
    auto withRetries = [&](const std::function<void()> &fn) {
        int tries = 0;
        for (;;) {
            try {
                fn();
                return;
            } catch (const DbException &e) {
                const DbError &err = e.error();
                s.progress.lastError = err.toString();
                if (!err.isRetryable() || ++tries > m_options.maxAttempts)
                    throw ReadFailed(err.toString().toStdString());
                report(ValidationState::Running, true);
                if (!m_control.sleepInterruptibly(backoff(tries)))
                    throw ReadFailed("cancelled");
                try {
                    if (err.needsReconnect()) {
                        if (err.engine == DbError::Engine::MySQL)
                            s.cmp->reconnectSource();
                        else
                            s.cmp->reconnectTarget();
                    }
                } catch (const std::exception &) {
                    // Still down: the next try fails and backs off again.
                }
            }
        }
    };

    Rechecker rechecker(*s.cmp, s.store->mismatches(), m_runId, m_table, m_options.recheckDelay, withRetries,
                        [this](std::chrono::milliseconds d) { return m_control.sleepInterruptibly(d); });
    checker = &rechecker;
    rechecker.setBeforeRecheck([&] {
        if (m_hook)
            m_hook(Hook::BeforeRecheck, s.cp.chunks + 1);
    });
    auto observe = [&](const ValidationKey &key) { return rechecker.observe(key); };
    auto confirm = [&](const RowDifference &d) { rechecker.confirm(d); };

    auto appendMetrics = [&](bool force) {
        if (!force && s.sinceMetrics.isValid() && s.sinceMetrics.elapsed() < 1000)
            return;
        s.sinceMetrics.restart();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        MismatchFilter f;
        f.table = m_table;
        f.status = MismatchStatus::Open;
        s.progress.open = s.store->mismatches().countMismatches(m_runId, f);
        s.store->metrics().appendSamples({{m_runId, QStringLiteral("validate.rows_per_second:") + m_table, now, s.meter.rate(), 0},
                                          {m_runId, QStringLiteral("validate.chunks_done:") + m_table, now, double(s.cp.chunks), 0},
                                          {m_runId, QStringLiteral("mismatches.open:") + m_table, now, double(s.progress.open), 0}});
    };

    try {
        if (!result.resumed)
            rechecker.recheckKnown(false, m_control.cancelFlag());
        report(ValidationState::Running, true);
        s.meter.reset();

        const Mode mode = m_options.mode;
        if (mode == Mode::Count) {
            withRetries([&] {
                result.sourceRows = s.cmp->sourceCount();
                result.targetRows = s.cmp->targetCount();
            });
            s.cp.rows = result.sourceRows;
            result.statement = QStringLiteral("row counts: source %1, target %2 (a count proves only the number "
                                              "of rows, not their contents)")
                                   .arg(result.sourceRows)
                                   .arg(result.targetRows);
        } else if (mode == Mode::Sample && !s.cmp->sampleCapable()) {
            s.cp.unchecked << UncheckedChunk{{}, QStringLiteral("sampling needs a single key column of a numeric "
                                                             "or date/time type (this table's key: %1); use "
                                                             "--mode checksum")
                                                  .arg(s.mapping.keyColumns.join(QStringLiteral(", ")))};
        } else if (!s.cmp->rangeCapable() && !s.cmp->keyLookupCapable()) {
            s.cp.unchecked << UncheckedChunk{{}, QStringLiteral("the key (%1) has a column type validation "
                                                             "cannot look up by value (JSON, SET, BIT, "
                                                             "boolean); the table is unchecked")
                                                  .arg(s.mapping.keyColumns.join(QStringLiteral(", ")))};
        } else if (!s.cmp->rangeCapable()) {
            // Keys the two databases order differently (text under
            // collations): each side walked in its own order, the other
            // side's rows looked up by key list. Row by row in both modes.
            const int page = std::clamp(m_options.chunkRows > 0 ? m_options.chunkRows : 1000, 1,
                                        std::min(2000, 30000 / int(std::max<qsizetype>(1, s.mapping.keyColumns.size()))));
            if (s.cp.phase.isEmpty())
                s.cp.phase = QStringLiteral("source");
            auto finishPage = [&](const ValidationKey &last, qint64 rowsSeen) {
                s.cp.after = last;
                s.cp.rows += rowsSeen;
                ++s.cp.chunks;
                saveCheckpoint(false, {});
                s.meter.add(rowsSeen);
                appendMetrics(false);
                report(ValidationState::Running, false);
                if (m_hook)
                    m_hook(Hook::AfterChunk, s.cp.chunks);
            };
            while (s.cp.phase == QLatin1String("source") && !m_control.isCancelled()) {
                if (m_control.isPaused() && !m_control.waitWhilePaused())
                    break;
                QList<RowImage> rows;
                try {
                    withRetries([&] { rows = s.cmp->sourcePageAfter(s.cp.after, page); });
                } catch (const ReadFailed &e) {
                    if (m_control.isCancelled())
                        break;
                    s.cp.unchecked << UncheckedChunk{{s.cp.after, std::nullopt},
                                                  QStringLiteral("source walk: ") + QString::fromUtf8(e.what())};
                    rows.clear();
                }
                if (rows.isEmpty()) {
                    s.cp.phase = QStringLiteral("target");
                    s.cp.after.reset();
                    saveCheckpoint(false, {});
                    break;
                }
                try {
                    RowSet src;
                    QList<ValidationKey> keys;
                    for (const RowImage &r : std::as_const(rows)) {
                        src.insert(TableComparer::joinKey(r.key), r);
                        keys << r.key;
                    }
                    RowSet dst;
                    withRetries([&] { dst = s.cmp->targetRowsByKeys(keys); });
                    for (const RowDifference &d : diffRows(src, dst, s.mapping)) {
                        // Extra target rows are the target walk's business.
                        if (d.kind != MismatchKind::MissingInSource)
                            confirm(d);
                    }
                } catch (const ReadFailed &e) {
                    if (m_control.isCancelled())
                        break;
                    s.cp.unchecked << UncheckedChunk{{s.cp.after, rows.last().key}, QString::fromUtf8(e.what())};
                }
                if (m_control.isCancelled())
                    break;
                finishPage(rows.last().key, rows.size());
            }
            while (s.cp.phase == QLatin1String("target") && !m_control.isCancelled()) {
                if (m_control.isPaused() && !m_control.waitWhilePaused())
                    break;
                QList<ValidationKey> keys;
                try {
                    withRetries([&] { keys = s.cmp->targetKeysAfter(s.cp.after, page); });
                } catch (const ReadFailed &e) {
                    if (m_control.isCancelled())
                        break;
                    s.cp.unchecked << UncheckedChunk{{s.cp.after, std::nullopt},
                                                  QStringLiteral("target walk: ") + QString::fromUtf8(e.what())};
                    break;
                }
                if (keys.isEmpty())
                    break;
                try {
                    RowSet src;
                    withRetries([&] { src = s.cmp->sourceRowsByKeys(keys); });
                    for (const ValidationKey &k : std::as_const(keys)) {
                        if (src.contains(TableComparer::joinKey(k)))
                            continue;
                        if (const auto d = observe(k))
                            confirm(*d);
                    }
                } catch (const ReadFailed &e) {
                    if (m_control.isCancelled())
                        break;
                    s.cp.unchecked << UncheckedChunk{{s.cp.after, keys.last()}, QString::fromUtf8(e.what())};
                }
                if (m_control.isCancelled())
                    break;
                finishPage(keys.last(), 0);
            }
        } else if (mode == Mode::Sample) {
            std::optional<std::pair<ValidationKey, ValidationKey>> range;
            withRetries([&] {
                range = s.cmp->sourceKeyBounds();
                result.sourceRows = s.cmp->sourceCount();
                result.targetRows = s.cmp->targetCount();
            });
            quint64 seed = m_options.seed;
            if (seed == 0)
                seed = std::random_device{}();
            std::mt19937_64 rng(seed);
            QSet<QByteArray> seen;
            QList<RowDifference> diffs;
            // Random points on the key's number line between MIN and MAX,
            // each sought with `>=` (KeyValues: integers, decimals, floats,
            // dates, date-times, times).
            const CanonicalKind kind = s.cmp->keyKinds().value(0, CanonicalKind::Text);
            const auto lo = range ? KeyValues::ordinal(range->first.parts.value(0), kind) : std::nullopt;
            const auto hi = range ? KeyValues::ordinal(range->second.parts.value(0), kind) : std::nullopt;
            if (lo && hi) {
                const bool integral = kind != CanonicalKind::Float && kind != CanonicalKind::Decimal;
                std::uniform_real_distribution<double> unit(0.0, 1.0);
                for (int i = 0; i < m_options.sampleSize && !m_control.isCancelled(); ++i) {
                    try {
                        std::optional<ValidationKey> key;
                        const long double span = *hi - *lo + (integral ? 1.0L : 0.0L);
                        const long double point = std::min(*hi, *lo + static_cast<long double>(unit(rng)) * span);
                        withRetries([&] {
                            key = s.cmp->sourceSeek(ValidationKey{{KeyValues::fromOrdinal(point, kind, 10)}});
                        });
                        if (!key || seen.contains(TableComparer::joinKey(*key)))
                            continue;
                        seen.insert(TableComparer::joinKey(*key));
                        if (const auto d = observe(*key))
                            diffs << *d;
                        s.cp.rows = seen.size();
                        s.meter.add(1);
                        report(ValidationState::Running, false);
                    } catch (const ReadFailed &e) {
                        s.cp.unchecked << UncheckedChunk{{}, QString::fromUtf8(e.what())};
                        break;
                    }
                }
            }
            report(ValidationState::Rechecking, true);
            for (const RowDifference &d : std::as_const(diffs)) {
                try {
                    confirm(d);
                } catch (const ReadFailed &e) {
                    s.cp.unchecked << UncheckedChunk{{d.key, d.key}, QString::fromUtf8(e.what())};
                }
            }
            const qint64 n = seen.size();
            const double bound = n > 0 ? 1.0 - std::pow(0.05, 1.0 / double(n)) : 1.0;
            result.statement = QStringLiteral("%1 distinct rows sampled by random key seeks, %2 differing; "
                                              "if none differ, fewer than %3% of the rows differ with 95% "
                                              "confidence (rows after large key gaps are sampled more often)")
                                   .arg(n)
                                   .arg(diffs.size())
                                   .arg(100.0 * bound, 0, 'g', 3);
            s.cp.rows = n;
        } else {
            // Chunks over the source key order, resumable after s.cp.after.
            const int initialChunk = m_options.chunkRows > 0
                                         ? m_options.chunkRows
                                         : int(std::clamp<qint64>(s.progress.rowsEstimated / 50, 1000, 10000));
            int chunkRows = initialChunk;
            bool done = false;
            // Checksum mode computes two chunks at once: the next chunk's
            // digests on the second comparer while this one's are computed
            // here (the databases and the client's reader threads are busy
            // in turn, otherwise one slow reader idles the rest). Everything
            // else — boundaries, bisection, rechecks, retries — stays on
            // s.cmp; checkpoints still advance chunk by chunk, in order. A
            // failed prefetch is redone here with the usual retries.
            struct Prefetch
            {
                KeyRange range;
                std::future<std::pair<TableComparer::Digest, TableComparer::Digest>> digests;
            };
            std::optional<Prefetch> prefetched;
            if (mode == Mode::Checksum && m_options.chunksInFlight > 1) {
                try {
                    s.ahead = std::make_unique<TableComparer>(m_plan, s.mapping, m_options.lockTimeoutMs,
                                                              m_options.statementTimeoutMs);
                    s.ahead->connect();
                } catch (const std::exception &) {
                    s.ahead.reset(); // one chunk at a time, then
                }
            }
            while (!done) {
                if (m_control.isCancelled())
                    break;
                if (m_control.isPaused()) {
                    report(ValidationState::Running, true);
                    if (!m_control.waitWhilePaused())
                        break;
                }
                KeyRange range;
                range.lower = s.cp.after;
                QElapsedTimer timer;
                timer.start();
                std::optional<Prefetch> current;
                if (prefetched && prefetched->range.lower == s.cp.after)
                    current.swap(prefetched);
                prefetched.reset(); // (waits for a prefetch that no longer fits)
                try {
                    if (current) {
                        range = current->range;
                    } else {
                        withRetries([&] {
                            range.upper = s.cmp->sourceKeyAt({s.cp.after, std::nullopt}, chunkRows - 1);
                        });
                        std::optional<KeyRange> next;
                        if (s.ahead && range.upper) {
                            try {
                                next = KeyRange{range.upper, s.cmp->sourceKeyAt({range.upper, std::nullopt},
                                                                               chunkRows - 1)};
                            } catch (const DbException &) {
                                // No prefetch; the next turn looks for this
                                // boundary again, with retries.
                            }
                        }
                        if (next) {
                            TableComparer *ahead = s.ahead.get();
                            prefetched = Prefetch{*next, std::async(std::launch::async, [ahead, r = *next] {
                                                      return ahead->digests(r);
                                                  })};
                        }
                    }
                } catch (const ReadFailed &e) {
                    // No boundary: the rest of the table cannot be walked.
                    s.cp.unchecked << UncheckedChunk{{s.cp.after, std::nullopt}, QString::fromUtf8(e.what())};
                    break;
                }
                QList<RowDifference> diffs;
                qint64 chunkRowsSeen = 0;
                try {
                    if (mode == Mode::Full) {
                        withRetries([&] {
                            const auto [src, dst] = s.cmp->rows(range);
                            chunkRowsSeen = src.size();
                            diffs = diffRows(src, dst, s.mapping);
                        });
                    } else {
                        // Bisection: ranges whose digests differ are split at the
                        // middle row of the larger side until small enough to diff.
                        std::function<void(const KeyRange &, const TableComparer::Digest &,
                                           const TableComparer::Digest &)>
                            bisect = [&](const KeyRange &r, const TableComparer::Digest &ds,
                                         const TableComparer::Digest &dt) {
                                const qint64 n = std::max(ds.rows, dt.rows);
                                std::optional<ValidationKey> mid;
                                if (n > std::max(1, m_options.leafRows)) { // n >= 2: both halves shrink
                                    withRetries([&] {
                                        mid = ds.rows >= dt.rows ? s.cmp->sourceKeyAt(r, n / 2 - 1)
                                                                 : s.cmp->targetKeyAt(r, n / 2 - 1);
                                    });
                                }
                                if (!mid || (r.upper && *mid == *r.upper)) {
                                    withRetries([&] {
                                        const auto [src, dst] = s.cmp->rows(r);
                                        diffs += diffRows(src, dst, s.mapping);
                                    });
                                    return;
                                }
                                for (const KeyRange &half : {KeyRange{r.lower, mid}, KeyRange{mid, r.upper}}) {
                                    TableComparer::Digest hs, ht;
                                    withRetries([&] {
                                        std::tie(hs, ht) = s.cmp->digests(half);
                                    });
                                    if (hs != ht)
                                        bisect(half, hs, ht);
                                }
                            };
                        TableComparer::Digest ds, dt;
                        bool have = false;
                        if (current) {
                            try {
                                std::tie(ds, dt) = current->digests.get();
                                have = true;
                            } catch (const std::exception &) {
                                // Redone below with retries; the second
                                // comparer reconnects, or is given up.
                                try {
                                    s.ahead->connect();
                                } catch (const std::exception &) {
                                    s.ahead.reset();
                                }
                            }
                        }
                        if (!have)
                            withRetries([&] { std::tie(ds, dt) = s.cmp->digests(range); });
                        chunkRowsSeen = ds.rows;
                        if (ds != dt)
                            bisect(range, ds, dt);
                    }
                    if (!diffs.isEmpty())
                        report(ValidationState::Rechecking, true);
                    for (const RowDifference &d : std::as_const(diffs))
                        confirm(d);
                } catch (const ReadFailed &e) {
                    if (m_control.isCancelled())
                        break;
                    s.cp.unchecked << UncheckedChunk{range, QString::fromUtf8(e.what())};
                }
                if (m_control.isCancelled())
                    break; // this chunk is not finished: it is redone on resume
                s.cp.after = range.upper;
                s.cp.rows += chunkRowsSeen;
                ++s.cp.chunks;
                done = !range.upper;
                saveCheckpoint(false, {});
                s.meter.add(chunkRowsSeen);
                appendMetrics(false);
                report(ValidationState::Running, false);
                if (m_hook)
                    m_hook(Hook::AfterChunk, s.cp.chunks);
                // Adapt: aim for chunks of about half a second to two seconds.
                const double secs = timer.nsecsElapsed() / 1e9;
                if (secs > 2.0)
                    chunkRows = std::max(100, chunkRows / 2);
                else if (secs < 0.25 && chunkRows < initialChunk)
                    chunkRows = std::min(initialChunk, chunkRows * 2);
            }
        }

        if (m_control.isCancelled()) {
            result.state = ValidationState::Cancelled;
            if (ownsRecord)
                s.store->jobs().setJobState(s.jobId, {JobState::Cancelled, {}, false, {}, {}, {}});
            audit(QStringLiteral("validate.cancel"),
                  QStringLiteral("stopped after key %1; the checkpoint is kept")
                      .arg(s.cp.after ? s.cp.after->display() : QStringLiteral("-")));
            result.chunks = s.cp.chunks;
            result.rowsChecked = s.cp.rows;
            result.unchecked = s.cp.unchecked;
            writeSummary();
            report(ValidationState::Cancelled, true);
            return result;
        }

        report(ValidationState::Rechecking, true);
        rechecker.recheckKnown(true, m_control.cancelFlag());

        MismatchFilter f;
        f.table = m_table;
        f.status = MismatchStatus::Open;
        result.open = s.store->mismatches().countMismatches(m_runId, f);
        f.status = MismatchStatus::InFlight;
        result.inFlight = s.store->mismatches().countMismatches(m_runId, f);
        result.unchecked = s.cp.unchecked;
        result.chunks = s.cp.chunks;
        result.rowsChecked = s.cp.rows;
        result.resolved = rechecker.resolved();
        if (m_options.mode == Mode::Count && result.sourceRows != result.targetRows)
            result.verdict = ValidationVerdict::Fail;
        else if (result.open > 0)
            result.verdict = ValidationVerdict::Fail;
        else if (!result.unchecked.isEmpty())
            result.verdict = ValidationVerdict::Unchecked;
        else if (result.inFlight > 0)
            result.verdict = ValidationVerdict::InFlight;
        else
            result.verdict = ValidationVerdict::Pass;
        if (result.statement.isEmpty()) {
            result.statement = m_options.mode == Mode::Full || !s.cmp->rangeCapable()
                                   ? QStringLiteral("every row compared column by column in canonical form")
                                   : QStringLiteral("every row covered by a chunk checksum computed in both "
                                                    "databases; differing chunks bisected and diffed row by row");
            if (!result.unchecked.isEmpty())
                result.statement += QStringLiteral(", except %1 unchecked range(s)").arg(result.unchecked.size());
        }
        saveCheckpoint(true, verdictName(result.verdict));
        appendMetrics(true);
        if (ownsRecord)
            s.store->jobs().setJobState(s.jobId, {JobState::Completed, {}, false, {}, {}, {}});
        audit(QStringLiteral("validate.complete"),
              QStringLiteral("%1: %2 open, %3 in flight, %4 unchecked range(s); %5")
                  .arg(verdictName(result.verdict))
                  .arg(result.open)
                  .arg(result.inFlight)
                  .arg(result.unchecked.size())
                  .arg(result.statement));
    } catch (const StoreException &e) {
        return fail(e.error().toString(), e.error().isRetryable());
    } catch (const std::exception &e) {
        return fail(QString::fromUtf8(e.what()), false);
    }
    result.state = ValidationState::Completed;
    writeSummary();
    s.progress.open = result.open;
    s.progress.inFlight = result.inFlight;
    report(ValidationState::Completed, true);
    return result;
}

} // namespace switchyard::core
