#include "validate/RepairQueueDrain.h"

#include "store/ControlStore.h"
#include "target/PgConnection.h"
#include "validate/MismatchRepair.h"
#include "validate/ValidationTypes.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QThread>

#include <pqxx/pqxx>

namespace switchyard::core {

namespace {

struct QueueEntry
{
    qint64 id = 0;
    QString table;
    QString keyJson;
    int attempts = 0;
};

QList<QueueEntry> pendingAfter(PgConnection &target, qint64 afterId, int limit)
{
    return target.run(QStringLiteral("reading switchyard.repair_queue"), [&] {
        pqxx::nontransaction tx(target.connection());
        const pqxx::result r = tx.exec_params(
            "SELECT id, table_name, key_json::text, attempts FROM switchyard.repair_queue "
            "WHERE status = 'pending' AND id > $1 ORDER BY id LIMIT $2",
            afterId, limit);
        QList<QueueEntry> out;
        for (const auto &row : r) {
            QueueEntry e;
            e.id = row[0].as<qint64>();
            e.table = QString::fromStdString(row[1].as<std::string>());
            e.keyJson = QString::fromStdString(row[2].as<std::string>());
            e.attempts = row[3].as<int>();
            out << e;
        }
        return out;
    });
}

std::string idArray(const QList<qint64> &ids)
{
    std::string out = "{";
    for (int i = 0; i < ids.size(); ++i) {
        if (i > 0)
            out += ',';
        out += std::to_string(ids.at(i));
    }
    return out + "}";
}

void markRepaired(PgConnection &target, const QList<qint64> &ids)
{
    target.run(QStringLiteral("marking repair-queue entries repaired"), [&] {
        pqxx::work tx(target.connection());
        tx.exec_params("UPDATE switchyard.repair_queue SET status = 'repaired', repaired_at = now(), "
                       "attempts = attempts + 1 WHERE id = ANY($1::bigint[]) AND status = 'pending'",
                       idArray(ids));
        tx.commit();
    });
}

// One more attempt that did not repair: pending again, or failed at the limit.
// Returns how many became failed.
qint64 markAttempt(PgConnection &target, const QList<qint64> &ids, int maxAttempts, const QString &reason)
{
    return target.run(QStringLiteral("recording a failed repair attempt"), [&] {
        pqxx::work tx(target.connection());
        const pqxx::result r = tx.exec_params(
            "UPDATE switchyard.repair_queue SET attempts = attempts + 1, "
            " status = CASE WHEN attempts + 1 >= $2 THEN 'failed' ELSE 'pending' END, "
            " error = CASE WHEN attempts + 1 >= $2 THEN error || E'\\n' || $3 ELSE error END "
            "WHERE id = ANY($1::bigint[]) AND status = 'pending' RETURNING status",
            idArray(ids), maxAttempts,
            QStringLiteral("repair gave up after %1 attempts: %2").arg(maxAttempts).arg(reason).toStdString());
        tx.commit();
        qint64 failed = 0;
        for (const auto &row : r)
            failed += row[0].as<std::string>() == "failed" ? 1 : 0;
        return failed;
    });
}

} // namespace

RepairQueueDrain::RepairQueueDrain(const Plan &plan, const ControlStoreLocation &store, qint64 runId,
                                   Options options)
    : m_plan(plan)
    , m_store(store)
    , m_runId(runId)
    , m_options(std::move(options))
{
}

qint64 RepairQueueDrain::pending(PgConnection &target)
{
    return target.run(QStringLiteral("counting pending repair-queue entries"), [&] {
        pqxx::nontransaction tx(target.connection());
        if (tx.exec("SELECT to_regclass('switchyard.repair_queue') IS NULL")[0][0].as<bool>())
            return qint64(0);
        return tx.exec("SELECT count(*) FROM switchyard.repair_queue WHERE status = 'pending'")[0][0].as<qint64>();
    });
}

QString RepairQueueDrain::canonicalKeyJson(const QString &queueKeyJson)
{
    const QString t = queueKeyJson.trimmed();
    if (t.startsWith(QLatin1Char('[')))
        return ValidationKey::fromJson(t) ? t : QString();
    // The form clients before the unification wrote: {"<key column>": "<text>"}.
    const QJsonObject o = QJsonDocument::fromJson(t.toUtf8()).object();
    if (o.size() != 1)
        return QString();
    const QJsonValue v = o.begin().value();
    ValidationKey key;
    if (v.isString())
        key.parts << v.toString().toUtf8();
    else if (v.isDouble())
        key.parts << QByteArray::number(qint64(v.toDouble()));
    else
        return QString();
    return key.toJson({CanonicalKind::Text});
}

RepairQueueDrain::Result RepairQueueDrain::run(const ProgressFn &onProgress)
{
    Result result;
    Progress progress;
    QElapsedTimer clock;
    clock.start();
    qint64 lastReportMs = -1000;
    auto report = [&](bool force) {
        if (!onProgress)
            return;
        if (!force && clock.elapsed() - lastReportMs < 100)
            return;
        lastReportMs = clock.elapsed();
        progress.repaired = result.repaired;
        progress.deferred = result.deferred;
        progress.failed = result.failed;
        progress.entriesPerSecond = clock.elapsed() > 0 ? (result.repaired * 1000.0) / double(clock.elapsed()) : 0;
        progress.atMs = QDateTime::currentMSecsSinceEpoch();
        onProgress(progress);
    };
    auto problem = [&](qint64 id, const QString &table, const QString &key, const QString &why) {
        progress.lastError = QStringLiteral("#%1 %2 %3: %4").arg(id).arg(table, key, why);
        if (result.problems.size() < 100)
            result.problems << progress.lastError;
    };

    try {
        PgConnection target;
        target.open(m_plan.target);
        ControlStore store = ControlStore::open(m_store);
        MismatchRepair repair(m_plan, m_store, m_runId, m_options.operatorName);

        while (!m_cancel.load()) {
            // One pass over the pending entries, in id order; each at most once.
            const qint64 passStartRepaired = result.repaired;
            qint64 after = 0;
            progress.pending = pending(target);
            report(true);
            // (Also when no client has created the queue table yet.)
            while (progress.pending > 0 && !m_cancel.load()) {
                const QList<QueueEntry> batch = pendingAfter(target, after, m_options.batchSize);
                if (batch.isEmpty())
                    break;
                after = batch.last().id;
                // Several entries of one key: one repair, all marked.
                QMap<QPair<QString, QString>, QList<qint64>> byKey;
                QList<QPair<QString, QString>> order;
                for (const QueueEntry &e : batch) {
                    const QString key = canonicalKeyJson(e.keyJson);
                    if (key.isEmpty()) {
                        const QString why = QStringLiteral("the key %1 is not in a form the repair reads "
                                                           "(a JSON array such as [42])")
                                                .arg(e.keyJson);
                        problem(e.id, e.table, e.keyJson, why);
                        result.failed += markAttempt(target, {e.id}, 1, why);
                        continue;
                    }
                    const auto k = qMakePair(e.table, key);
                    if (!byKey.contains(k))
                        order << k;
                    byKey[k] << e.id;
                }
                for (const auto &k : std::as_const(order)) {
                    if (m_cancel.load())
                        break;
                    const QList<qint64> ids = byKey.value(k);
                    const MismatchRepair::Outcome out = repair.repairKey(k.first, k.second);
                    if (out.repaired) {
                        markRepaired(target, ids);
                        result.repaired += ids.size();
                    } else {
                        problem(ids.first(), k.first, k.second, out.message);
                        const qint64 failed = markAttempt(target, ids, m_options.maxAttempts, out.message);
                        result.failed += failed;
                        result.deferred += ids.size() - failed;
                    }
                    report(false);
                }
            }
            progress.pending = pending(target);
            const qint64 repairedThisPass = result.repaired - passStartRepaired;
            store.metrics().appendSamples({MetricSample{m_runId, QStringLiteral("repair_queue.pending"),
                                                        QDateTime::currentMSecsSinceEpoch(),
                                                        double(progress.pending), 0}});
            if (repairedThisPass > 0) {
                AuditEntry audit;
                audit.runId = m_runId;
                audit.operatorName = m_options.operatorName;
                audit.action = QStringLiteral("repair_queue.drain");
                audit.target = QStringLiteral("switchyard.repair_queue");
                audit.reason = QStringLiteral("copied the source rows of failed secondary writes to the target");
                QJsonObject details;
                details.insert(QStringLiteral("repaired"), double(repairedThisPass));
                details.insert(QStringLiteral("pending"), double(progress.pending));
                details.insert(QStringLiteral("failed_total"), double(result.failed));
                audit.detailsJson = QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact));
                store.audit().appendAudit(audit);
            }
            report(true);
            if (!m_options.follow)
                break;
            // Sleep in short slices so cancel() acts quickly.
            QElapsedTimer idle;
            idle.start();
            while (!m_cancel.load() && idle.elapsed() < m_options.pollInterval.count())
                QThread::msleep(50);
        }
        result.pending = progress.pending;
        result.cancelled = m_cancel.load();
        result.ok = true;
    } catch (const std::exception &e) {
        result.error = QStringLiteral("draining the repair queue failed: %1 — check that the target "
                                      "and the control store are reachable, then run the drain again "
                                      "(it is safe to repeat)")
                           .arg(QString::fromUtf8(e.what()));
        progress.lastError = result.error;
        report(true);
    }
    return result;
}

} // namespace switchyard::core
