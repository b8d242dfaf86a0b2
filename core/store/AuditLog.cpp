#include "AuditLog.h"

#include "StoreConnection.h"

#include <QCryptographicHash>

namespace switchyard::core {

namespace {

constexpr int kVerifyPage = 500;

void appendNetstring(QByteArray &out, const QByteArray &bytes)
{
    out += QByteArray::number(bytes.size());
    out += ':';
    out += bytes;
    out += ',';
}

AuditEntry readEntry(const QSqlQuery &q)
{
    AuditEntry e;
    e.runId = q.value(0).toLongLong();
    e.seq = q.value(1).toLongLong();
    e.at = q.value(2).toString();
    e.operatorName = q.value(3).toString();
    e.action = q.value(4).toString();
    e.target = q.value(5).toString();
    e.reason = q.value(6).toString();
    e.detailsJson = q.value(7).toString();
    e.prevHash = q.value(8).toString();
    e.hash = q.value(9).toString();
    return e;
}

const char *const kEntryColumns = "run_id, seq, at, operator, action, target, reason, details, prev_hash, hash";

} // namespace

AuditLog::AuditLog(StoreConnection &connection)
    : m_c(connection)
{
}

QByteArray AuditLog::canonicalForm(const AuditEntry &e)
{
    QByteArray out;
    appendNetstring(out, QByteArrayLiteral("switchyard-audit-v1"));
    appendNetstring(out, QByteArray::number(e.runId));
    appendNetstring(out, QByteArray::number(e.seq));
    appendNetstring(out, e.at.toUtf8());
    appendNetstring(out, e.operatorName.toUtf8());
    appendNetstring(out, e.action.toUtf8());
    appendNetstring(out, e.target.toUtf8());
    appendNetstring(out, e.reason.toUtf8());
    appendNetstring(out, e.detailsJson.toUtf8());
    appendNetstring(out, e.prevHash.toUtf8());
    return out;
}

QString AuditLog::entryHash(const AuditEntry &e)
{
    return QString::fromLatin1(QCryptographicHash::hash(canonicalForm(e), QCryptographicHash::Sha256).toHex());
}

QString AuditLog::genesisHash()
{
    return QString(64, QLatin1Char('0'));
}

AuditEntry AuditLog::appendInTransaction(StoreConnection &c, AuditEntry entry)
{
    // The chain lock. SQLite: the caller's BEGIN IMMEDIATE already excludes
    // every other writer. PostgreSQL: lock the run's row; FOR NO KEY UPDATE
    // does not block inserts elsewhere that reference the run.
    QSqlQuery lock = c.prepare(c.isSqlite() ? QStringLiteral("SELECT id FROM runs WHERE id = ?")
                                            : QStringLiteral("SELECT id FROM runs WHERE id = ? FOR NO KEY UPDATE"));
    lock.addBindValue(entry.runId);
    c.exec(lock);
    if (!lock.next())
        c.fail(StoreError::Kind::Usage, QStringLiteral("there is no run %1 in the control store").arg(entry.runId), {});
    lock.finish();
    QSqlQuery headQuery = c.prepare(QStringLiteral(
        "SELECT seq, hash FROM audit_log WHERE run_id = ? ORDER BY seq DESC LIMIT 1"));
    headQuery.addBindValue(entry.runId);
    c.exec(headQuery);
    if (headQuery.next()) {
        entry.seq = headQuery.value(0).toLongLong() + 1;
        entry.prevHash = headQuery.value(1).toString();
    } else {
        entry.seq = 1;
        entry.prevHash = genesisHash();
    }
    headQuery.finish();

    entry.at = SqlDialect::isoUtc(SqlDialect::nowUtc());
    if (entry.detailsJson.isEmpty())
        entry.detailsJson = QStringLiteral("{}");
    // Null strings would be stored as NULL; the canonical form has no NULL.
    for (QString *s : {&entry.operatorName, &entry.action, &entry.target, &entry.reason}) {
        if (s->isNull())
            *s = QString::fromLatin1("");
    }
    entry.hash = entryHash(entry);

    QSqlQuery ins = c.prepare(QStringLiteral("INSERT INTO audit_log (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                                  .arg(QLatin1String(kEntryColumns)));
    ins.addBindValue(entry.runId);
    ins.addBindValue(entry.seq);
    ins.addBindValue(entry.at);
    ins.addBindValue(entry.operatorName);
    ins.addBindValue(entry.action);
    ins.addBindValue(entry.target);
    ins.addBindValue(entry.reason);
    ins.addBindValue(entry.detailsJson);
    ins.addBindValue(entry.prevHash);
    ins.addBindValue(entry.hash);
    c.exec(ins);
    return entry;
}

AuditEntry AuditLog::appendAudit(const AuditEntry &entry)
{
    return m_c.write(QStringLiteral("append to the audit log of run %1").arg(entry.runId),
                     [&] { return appendInTransaction(m_c, entry); });
}

QList<AuditEntry> AuditLog::entries(qint64 runId, qint64 fromSeq, int limit)
{
    return m_c.read(QStringLiteral("read the audit log of run %1").arg(runId), [&] {
        QSqlQuery q = m_c.prepare(QStringLiteral("SELECT %1 FROM audit_log WHERE run_id = ? AND seq >= ?"
                                                 " ORDER BY seq LIMIT ?")
                                      .arg(QLatin1String(kEntryColumns)));
        q.addBindValue(runId);
        q.addBindValue(fromSeq);
        q.addBindValue(limit);
        m_c.exec(q);
        QList<AuditEntry> list;
        while (q.next())
            list.append(readEntry(q));
        return list;
    });
}

std::optional<AuditEntry> AuditLog::head(qint64 runId)
{
    return m_c.read(QStringLiteral("read the audit chain head of run %1").arg(runId), [&]() -> std::optional<AuditEntry> {
        QSqlQuery q = m_c.prepare(QStringLiteral("SELECT %1 FROM audit_log WHERE run_id = ? ORDER BY seq DESC LIMIT 1")
                                      .arg(QLatin1String(kEntryColumns)));
        q.addBindValue(runId);
        m_c.exec(q);
        if (!q.next())
            return std::nullopt;
        return readEntry(q);
    });
}

AuditVerification AuditLog::verifyAudit(std::optional<qint64> runId)
{
    QList<qint64> runIds;
    if (runId) {
        runIds.append(*runId);
    } else {
        runIds = m_c.read(QStringLiteral("list the audit chains"), [&] {
            QSqlQuery q = m_c.prepare(QStringLiteral("SELECT DISTINCT run_id FROM audit_log ORDER BY run_id"));
            m_c.exec(q);
            QList<qint64> ids;
            while (q.next())
                ids.append(q.value(0).toLongLong());
            return ids;
        });
    }
    AuditVerification total;
    for (qint64 id : runIds) {
        const AuditVerification one = verifyRun(id);
        total.entriesChecked += one.entriesChecked;
        if (!one.ok) {
            AuditVerification bad = one;
            bad.entriesChecked = total.entriesChecked;
            return bad;
        }
    }
    return total;
}

AuditVerification AuditLog::verifyRun(qint64 runId)
{
    AuditVerification v;
    v.runId = runId;
    qint64 expectedSeq = 1;
    QString previousHash = genesisHash();
    auto broken = [&](qint64 seq, const QString &problem) {
        v.ok = false;
        v.firstBadSeq = seq;
        v.problem = QStringLiteral("audit log of run %1, entry %2: %3").arg(runId).arg(seq).arg(problem);
        return v;
    };
    for (;;) {
        const QList<AuditEntry> page = entries(runId, expectedSeq, kVerifyPage);
        for (const AuditEntry &e : page) {
            if (e.seq != expectedSeq) {
                if (expectedSeq == 1)
                    return broken(1, QStringLiteral("missing: the chain starts at entry %1").arg(e.seq));
                return broken(expectedSeq,
                              e.seq == expectedSeq + 1
                                  ? QStringLiteral("missing: the chain goes from entry %1 to entry %2")
                                        .arg(expectedSeq - 1)
                                        .arg(e.seq)
                                  : QStringLiteral("missing: the chain goes from entry %1 to entry %2 "
                                                   "(entries %3 to %4 are gone)")
                                        .arg(expectedSeq - 1)
                                        .arg(e.seq)
                                        .arg(expectedSeq)
                                        .arg(e.seq - 1));
            }
            if (e.hash != entryHash(e))
                return broken(e.seq, QStringLiteral("its content does not match its hash: it was edited "
                                                    "(or moved from another position) after it was written"));
            if (e.prevHash != previousHash)
                return broken(e.seq, expectedSeq == 1
                                         ? QStringLiteral("the first entry does not start the chain "
                                                          "(its prev_hash is not 64 zeros)")
                                         : QStringLiteral("its prev_hash is not the hash of entry %1: entry "
                                                          "%1 was replaced, or entries were removed or moved")
                                               .arg(expectedSeq - 1));
            previousHash = e.hash;
            ++expectedSeq;
            ++v.entriesChecked;
        }
        if (page.size() < kVerifyPage)
            break;
    }
    return v;
}

} // namespace switchyard::core
