#include "engine/ReverseSyncJob.h"

#include "backfill/ProgressMeter.h"
#include "common/DbError.h"
#include "engine/ChangeCapture.h"
#include "engine/ReverseSyncApplier.h"
#include "engine/ReverseSyncValue.h"
#include "source/MySqlConnection.h"
#include "store/ControlStore.h"
#include "store/StoreError.h"
#include "target/PgConnection.h"
#include "types/SchemaConversion.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>

#include <pqxx/pqxx>

#include <memory>

namespace switchyard::core {

QString reverseSyncStateName(ReverseSyncState s)
{
    switch (s) {
    case ReverseSyncState::Starting: return QStringLiteral("starting");
    case ReverseSyncState::Running: return QStringLiteral("running");
    case ReverseSyncState::Paused: return QStringLiteral("paused");
    case ReverseSyncState::Retrying: return QStringLiteral("retrying");
    case ReverseSyncState::Completed: return QStringLiteral("completed");
    case ReverseSyncState::Failed: return QStringLiteral("failed");
    case ReverseSyncState::Cancelled: return QStringLiteral("cancelled");
    }
    return {};
}

namespace {

// Problems no retry fixes; the message is what the operator reads.
struct JobError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

// A text[] parameter: every element double-quoted, \ and " escaped.
std::string pgTextArray(const QStringList &items)
{
    QString out = QStringLiteral("{");
    for (int i = 0; i < items.size(); ++i) {
        if (i > 0)
            out += QLatin1Char(',');
        QString e = items.at(i);
        e.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
        out += QLatin1Char('"') + e + QLatin1Char('"');
    }
    out += QLatin1Char('}');
    return out.toStdString();
}

struct LogEntry
{
    qint64 id = 0;
    QString table; // target table name
    ReverseSyncApplier::Key key;
};

} // namespace

struct ReverseSyncJob::Impl
{
    std::unique_ptr<ControlStore> store;
    qint64 jobId = 0;
    MySqlConnection source;
    PgConnection target;
    QMap<QString, std::shared_ptr<ReverseSyncApplier>> appliers; // by target table name
    QStringList targetTables;
    QString schema;
    ReverseSyncProgress progress;
    qint64 lastChangeId = 0;
    ProgressMeter meter;
    QElapsedTimer sinceSample;
};

ReverseSyncJob::ReverseSyncJob(const Plan &plan, const QStringList &tables, const ControlStoreLocation &store,
                               qint64 runId, Options options)
    : m_plan(plan)
    , m_tables(tables)
    , m_store(store)
    , m_runId(runId)
    , m_options(std::move(options))
{
    if (m_tables.isEmpty()) {
        for (const TableSpec &t : m_plan.tables)
            m_tables << t.name;
    }
}

ReverseSyncJob::~ReverseSyncJob() = default;

void ReverseSyncJob::pause()
{
    m_control.pause();
}

void ReverseSyncJob::resume()
{
    m_control.resume();
}

void ReverseSyncJob::cancel()
{
    m_control.cancel();
}

ReverseSyncJob::Result ReverseSyncJob::run(const ProgressFn &onProgress)
{
    Impl s;
    Result result;
    s.progress.tables = m_tables;
    s.schema = m_plan.target.schema.isEmpty() ? QStringLiteral("public") : m_plan.target.schema;
    const QString subject = m_tables.join(QLatin1Char(','));
    // A record handed over by a JobRunner (Options::jobId) is the runner's:
    // it claims it, heartbeats its lease and writes its final state, as for
    // the backfill and validation jobs. Writing "cancelled" here too would
    // cancel a copy that another worker took over after a lease expiry.
    const bool ownsRecord = m_options.jobId == 0;

    auto report = [&](ReverseSyncState state, bool force) {
        s.progress.state = state;
        if (!onProgress || !s.meter.sampleDue(force))
            return;
        s.progress.rowsPerSecond = s.meter.rate();
        s.progress.atMs = QDateTime::currentMSecsSinceEpoch();
        onProgress(s.progress);
    };
    auto audit = [&](const QString &action, const QString &reason) {
        AuditEntry e;
        e.runId = m_runId;
        e.operatorName = m_options.operatorName;
        e.action = action;
        e.target = QStringLiteral("tables:") + subject;
        e.reason = reason;
        e.detailsJson = QStringLiteral("{\"job\":%1,\"changes_applied\":%2}").arg(s.jobId).arg(s.progress.changesApplied);
        s.store->audit().appendAudit(e);
    };
    auto fill = [&](ReverseSyncState state) {
        result.state = state;
        result.jobId = s.jobId;
        result.changesApplied = s.progress.changesApplied;
        result.rowsInserted = s.progress.rowsInserted;
        result.rowsUpdated = s.progress.rowsUpdated;
        result.rowsDeleted = s.progress.rowsDeleted;
        return result;
    };
    auto fail = [&](const QString &message, bool retryable) {
        s.progress.lastError = message;
        result.error = message;
        report(ReverseSyncState::Failed, true);
        if (s.store && s.jobId > 0 && ownsRecord) {
            try {
                s.store->jobs().setJobState(s.jobId, {JobState::Failed, message, retryable, {}, {}, {}});
                audit(QStringLiteral("reverse_sync.failed"), message);
            } catch (const std::exception &) {
                // The store is what failed; the caller still gets the error.
            }
        }
        return fill(ReverseSyncState::Failed);
    };
    auto checkpoint = [&]() {
        QJsonObject o;
        o.insert(QStringLiteral("lastChangeId"), double(s.lastChangeId));
        o.insert(QStringLiteral("inserted"), double(s.progress.rowsInserted));
        o.insert(QStringLiteral("updated"), double(s.progress.rowsUpdated));
        o.insert(QStringLiteral("deleted"), double(s.progress.rowsDeleted));
        Checkpoint cp;
        cp.lastKeyJson = QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
        cp.rowsDone = s.progress.changesApplied;
        cp.batchesDone = s.progress.batches;
        return cp;
    };
    auto measureLag = [&] {
        s.progress.lag = ChangeCapture(m_plan, s.target).lag(m_tables);
        s.progress.lag.lastAppliedChangeId = std::max(s.progress.lag.lastAppliedChangeId, s.lastChangeId);
    };
    auto storeSamples = [&] {
        measureLag();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        s.store->metrics().appendSamples(
            {{m_runId, QStringLiteral("reverse_sync.lag_changes"), now, double(s.progress.lag.pendingChanges), 0},
             {m_runId, QStringLiteral("reverse_sync.lag_seconds"), now, s.progress.lag.oldestPendingSeconds, 0},
             {m_runId, QStringLiteral("reverse_sync.rows_per_second"), now, s.meter.rate(), 0}});
        if (ownsRecord)
            s.store->jobs().heartbeat(s.jobId, m_options.workerId, QSysInfo::machineHostName());
        s.sinceSample.restart();
    };
    auto connect = [&] {
        s.source.open(m_plan.source);
        // The target enforced the constraints already; changes arrive in
        // change order, not parent-before-child order.
        s.source.exec(QStringLiteral("SET SESSION foreign_key_checks = 0"));
        s.target.open(m_plan.target);
        prepareReverseTargetSession(s.target);
    };

    report(ReverseSyncState::Starting, true);
    for (const QString &t : std::as_const(m_tables)) {
        if (!m_plan.table(t))
            return fail(QStringLiteral("table '%1' is not in the plan").arg(t), false);
    }

    // --- Set up: store, job record, checkpoint, mappings, connections.
    int attempt = 0;
    for (;;) {
        try {
            if (!s.store)
                s.store = std::make_unique<ControlStore>(ControlStore::open(m_store));
            if (s.jobId == 0) {
                const QString tableName = m_tables.size() == 1 ? m_tables.first() : QString();
                QJsonObject params;
                params.insert(QStringLiteral("tables"), QJsonArray::fromStringList(m_tables));
                if (m_options.jobId > 0) {
                    s.jobId = m_options.jobId;
                } else if (const auto existing = s.store->jobs().latestJob(m_runId, JobSpec::Kind::ReverseSync, tableName)) {
                    s.jobId = existing->id;
                } else {
                    s.jobId = s.store->jobs()
                                  .createJob({m_runId, JobSpec::Kind::ReverseSync, tableName,
                                              QString::fromUtf8(QJsonDocument(params).toJson(QJsonDocument::Compact))})
                                  .id;
                }
                result.jobId = s.jobId;
            }
            if (const auto cp = s.store->jobs().loadCheckpoint(s.jobId)) {
                const QJsonObject o = QJsonDocument::fromJson(cp->lastKeyJson.toUtf8()).object();
                s.lastChangeId = qint64(o.value(QStringLiteral("lastChangeId")).toDouble());
                s.progress.rowsInserted = qint64(o.value(QStringLiteral("inserted")).toDouble());
                s.progress.rowsUpdated = qint64(o.value(QStringLiteral("updated")).toDouble());
                s.progress.rowsDeleted = qint64(o.value(QStringLiteral("deleted")).toDouble());
                s.progress.changesApplied = cp->rowsDone;
                s.progress.batches = cp->batchesDone;
            }
            connect();
            ChangeCapture capture(m_plan, s.target);
            s.appliers.clear();
            s.targetTables.clear();
            for (const QString &t : std::as_const(m_tables)) {
                if (!capture.isInstalled(t))
                    throw JobError(QStringLiteral("change capture is not installed on table '%1': run "
                                                  "'switchyard-cli reverse-sync PLAN install' (or let the "
                                                  "engine enter the phase) first")
                                       .arg(t)
                                       .toStdString());
                const JobTableMapping mapped = mapTableForJob(m_plan, s.source, t);
                if (!mapped.mapping)
                    throw JobError(mapped.error.toStdString());
                auto applier = std::make_shared<ReverseSyncApplier>(m_plan, *mapped.mapping);
                s.appliers.insert(applier->targetTable(), applier);
                s.targetTables << applier->targetTable();
            }
            if (ownsRecord)
                s.store->jobs().setJobState(s.jobId, {JobState::Running, {}, false, m_options.workerId,
                                                      QSysInfo::machineHostName(), {}});
            measureLag();
            audit(QStringLiteral("reverse_sync.start"),
                  QStringLiteral("applying target changes to the source; %1 pending")
                      .arg(s.progress.lag.pendingChanges));
            break;
        } catch (const JobError &e) {
            return fail(QString::fromUtf8(e.what()), false);
        } catch (const ReverseApplyError &e) {
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
        report(ReverseSyncState::Retrying, true);
        if (!m_control.sleepInterruptibly(JobControl::backoff(attempt, m_options.initialBackoff, m_options.maxBackoff)))
            break;
    }
    if (m_control.isCancelled() && s.targetTables.size() != m_tables.size()) {
        // Cancelled while the set-up was still retrying.
        if (s.store && s.jobId > 0 && ownsRecord) {
            try {
                s.store->jobs().setJobState(s.jobId, {JobState::Cancelled, {}, false, {}, {}, {}});
            } catch (const std::exception &) {
            }
        }
        report(ReverseSyncState::Cancelled, true);
        return fill(ReverseSyncState::Cancelled);
    }

    const std::string schemaParam = s.schema.toStdString();
    const std::string tablesParam = pgTextArray(s.targetTables);
    const std::string readLogSql =
        "SELECT id, table_name, key::text, ARRAY(SELECT jsonb_array_elements_text(key))::text "
        "FROM switchyard.change_log WHERE table_schema = $1 AND table_name = ANY($2::text[]) "
        "ORDER BY id LIMIT $3";

    attempt = 0;
    s.meter.reset();
    s.sinceSample.start();
    bool caughtUp = false;
    report(ReverseSyncState::Running, true);
    while (!m_control.isCancelled()) {
        if (m_control.isPaused()) {
            report(ReverseSyncState::Paused, true);
            if (!m_control.waitWhilePaused())
                break;
            s.meter.reset();
            report(ReverseSyncState::Running, true);
        }
        const qint64 batchNumber = s.progress.batches + 1;
        bool sourceTxOpen = false;
        try {
            // 1. The next pending changes, oldest first.
            QList<LogEntry> entries;
            s.target.run(QStringLiteral("reading switchyard.change_log"), [&] {
                pqxx::nontransaction tx(s.target.connection());
                const pqxx::result r = tx.exec_params(readLogSql, schemaParam, tablesParam, m_options.batchChanges);
                for (const auto &row : r) {
                    LogEntry e;
                    e.id = row[0].as<qint64>();
                    e.table = QString::fromStdString(row[1].as<std::string>());
                    e.key.json = QByteArray(row[2].c_str(), int(row[2].size()));
                    e.key.firstChangeId = e.id;
                    bool hasNull = false;
                    e.key.parts = parsePgArray(QByteArray(row[3].c_str(), int(row[3].size())), hasNull).value_or(QList<QByteArray>());
                    entries << e;
                }
            });
            if (entries.isEmpty()) {
                if (s.sinceSample.hasExpired(1000))
                    storeSamples();
                if (m_options.untilCaughtUp) {
                    caughtUp = true;
                    break;
                }
                report(ReverseSyncState::Running, false);
                m_control.sleepInterruptibly(m_options.pollInterval);
                continue;
            }

            // 2. Keys per table, deduplicated, in order of their first change;
            // then the current target rows.
            QMap<QString, QList<ReverseSyncApplier::Key>> keys;
            QMap<QString, QSet<QByteArray>> seen;
            QMap<QString, qint64> lastIdOf, countOf;
            std::string ids = "{";
            for (const LogEntry &e : std::as_const(entries)) {
                if (ids.size() > 1)
                    ids += ',';
                ids += std::to_string(e.id);
                lastIdOf[e.table] = std::max(lastIdOf.value(e.table), e.id);
                countOf[e.table] += 1;
                if (!seen[e.table].contains(e.key.json)) {
                    seen[e.table].insert(e.key.json);
                    keys[e.table] << e.key;
                }
            }
            ids += '}';
            QMap<QString, ReverseSyncApplier::Images> images;
            for (auto it = keys.cbegin(); it != keys.cend(); ++it)
                images.insert(it.key(), s.appliers.value(it.key())->readTarget(s.target, it.value()));
            if (m_hook)
                m_hook(Hook::AfterTargetRead, batchNumber);

            // 3. One MySQL transaction for the batch.
            s.source.exec(QStringLiteral("START TRANSACTION"));
            sourceTxOpen = true;
            ReverseSyncApplier::Applied total;
            for (auto it = keys.cbegin(); it != keys.cend(); ++it) {
                const auto a = s.appliers.value(it.key())->apply(s.source, it.value(), images.value(it.key()));
                total.inserted += a.inserted;
                total.updated += a.updated;
                total.deleted += a.deleted;
            }
            if (m_hook)
                m_hook(Hook::BeforeSourceCommit, batchNumber);
            s.source.exec(QStringLiteral("COMMIT"));
            sourceTxOpen = false;
            if (m_hook)
                m_hook(Hook::AfterSourceCommit, batchNumber);

            // 4. The applied entries leave the log.
            s.target.run(QStringLiteral("removing applied changes from switchyard.change_log"), [&] {
                pqxx::work tx(s.target.connection());
                tx.exec_params("DELETE FROM switchyard.change_log WHERE id = ANY($1::bigint[])", ids);
                for (auto it = lastIdOf.cbegin(); it != lastIdOf.cend(); ++it)
                    tx.exec_params("INSERT INTO switchyard.change_log_applied AS a "
                                   "(table_schema, table_name, last_change_id, changes_applied, applied_at) "
                                   "VALUES ($1, $2, $3, $4, clock_timestamp()) "
                                   "ON CONFLICT (table_schema, table_name) DO UPDATE SET "
                                   "last_change_id = GREATEST(a.last_change_id, EXCLUDED.last_change_id), "
                                   "changes_applied = a.changes_applied + EXCLUDED.changes_applied, "
                                   "applied_at = EXCLUDED.applied_at",
                                   schemaParam, it.key().toStdString(), it.value(), countOf.value(it.key()));
                tx.commit();
            });
            if (m_hook)
                m_hook(Hook::AfterLogDelete, batchNumber);

            // 5. Checkpoint and counters.
            s.lastChangeId = std::max(s.lastChangeId, entries.last().id);
            s.progress.changesApplied += entries.size();
            s.progress.rowsInserted += total.inserted;
            s.progress.rowsUpdated += total.updated;
            s.progress.rowsDeleted += total.deleted;
            s.progress.batches = batchNumber;
            s.store->jobs().saveCheckpoint(s.jobId, checkpoint());
            s.meter.add(total.inserted + total.updated + total.deleted);
            s.progress.attempt = 0;
            s.progress.lastError.clear();
            attempt = 0;
            if (s.sinceSample.hasExpired(1000))
                storeSamples();
            report(ReverseSyncState::Running, false);
        } catch (const std::exception &e) {
            if (sourceTxOpen) {
                try {
                    s.source.exec(QStringLiteral("ROLLBACK"));
                } catch (const std::exception &) {
                    // The connection is gone; the server rolls back by itself.
                }
            }
            if (dynamic_cast<const ReverseApplyError *>(&e) || dynamic_cast<const JobError *>(&e))
                return fail(QString::fromUtf8(e.what()), false);
            const DbException *db = dynamic_cast<const DbException *>(&e);
            const StoreException *st = dynamic_cast<const StoreException *>(&e);
            const bool retryable = (db && db->error().isRetryable()) || (st && st->error().isRetryable());
            QString message = db ? db->error().toString() : st ? st->error().toString() : QString::fromUtf8(e.what());
            if (db && db->error().engine == DbError::Engine::MySQL && db->error().nativeCode == 1062)
                message += QStringLiteral(" — a row on the source holds a unique value the target row now "
                                          "has; its own change is not captured (was the source written "
                                          "directly?). Fix the source row, then the job goes on");
            if (!retryable || ++attempt > m_options.maxAttempts)
                return fail(attempt > m_options.maxAttempts
                                ? QStringLiteral("gave up after %1 attempts: %2").arg(m_options.maxAttempts).arg(message)
                                : message,
                            retryable);
            s.progress.lastError = message;
            s.progress.attempt = attempt;
            report(ReverseSyncState::Retrying, true);
            if (!m_control.sleepInterruptibly(JobControl::backoff(attempt, m_options.initialBackoff, m_options.maxBackoff)))
                break;
            try {
                connect();
            } catch (const std::exception &) {
                // Still down: the next attempt fails and backs off again.
            }
        }
    }

    const ReverseSyncState end = caughtUp ? ReverseSyncState::Completed : ReverseSyncState::Cancelled;
    try {
        storeSamples();
    } catch (const std::exception &) {
        // A server down at the end does not turn a stop into a failure.
    }
    try {
        if (ownsRecord)
            s.store->jobs().setJobState(s.jobId, {caughtUp ? JobState::Completed : JobState::Cancelled, {}, false, {}, {}, {}});
        audit(QStringLiteral("reverse_sync.stop"),
              QStringLiteral("%1 change(s) applied in all; %2 pending")
                  .arg(s.progress.changesApplied)
                  .arg(s.progress.lag.pendingChanges));
    } catch (const std::exception &e) {
        return fail(QString::fromUtf8(e.what()), true);
    }
    report(end, true);
    return fill(end);
}

} // namespace switchyard::core
