#include "MismatchRepository.h"

#include "AuditLog.h"
#include "StoreConnection.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace switchyard::core {

namespace {

// 7 values per row.
constexpr int kRejectsPerInsert = 100;

QString columnsJson(const QStringList &columns)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(columns)).toJson(QJsonDocument::Compact));
}

QStringList columnsFromJson(const QString &json)
{
    QStringList list;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue &v : array)
        list.append(v.toString());
    return list;
}

QString mismatchColumns(const SqlDialect &d)
{
    return QStringLiteral("id, run_id, table_name, key_json, kind, differing_columns, source_row, target_row,"
                          " %1, %2, times_seen, status, reason, accepted_by, %3")
        .arg(d.timestampOut(QStringLiteral("first_seen")), d.timestampOut(QStringLiteral("last_checked")),
             d.timestampOut(QStringLiteral("accepted_at")));
}

MismatchRecord mismatchFromRow(const QSqlQuery &q)
{
    MismatchRecord m;
    m.id = q.value(0).toLongLong();
    m.runId = q.value(1).toLongLong();
    m.tableName = q.value(2).toString();
    m.keyJson = q.value(3).toString();
    m.kind = mismatchKindFromName(q.value(4).toString()).value_or(MismatchKind::Different);
    m.differingColumns = columnsFromJson(q.value(5).toString());
    m.sourceRowJson = q.value(6).toString();
    m.targetRowJson = q.value(7).toString();
    m.firstSeen = SqlDialect::parseIsoUtc(q.value(8));
    m.lastChecked = SqlDialect::parseIsoUtc(q.value(9));
    m.timesSeen = q.value(10).toInt();
    m.status = mismatchStatusFromName(q.value(11).toString()).value_or(MismatchStatus::Open);
    m.reason = q.value(12).toString();
    m.acceptedBy = q.value(13).toString();
    m.acceptedAt = SqlDialect::parseIsoUtc(q.value(14));
    return m;
}

// The WHERE clause for a filter, from fixed fragments; values are bound.
QString filterClause(const SqlDialect &d, qint64 runId, const MismatchFilter &f, QVariantList *values)
{
    QString where = QStringLiteral("run_id = ?");
    *values << runId;
    if (!f.table.isEmpty()) {
        where += QStringLiteral(" AND table_name = ?");
        *values << f.table;
    }
    if (f.kind) {
        where += QStringLiteral(" AND kind = ?");
        *values << storeName(*f.kind);
    }
    if (f.status) {
        where += QStringLiteral(" AND status = ?");
        *values << storeName(*f.status);
    }
    if (!f.column.isEmpty()) {
        // differing_columns is a compact JSON array; the column's JSON string
        // form (quotes included) matches one element exactly.
        const QString element = columnsJson({f.column}).mid(1).chopped(1);
        where += QStringLiteral(" AND ") + d.containsParam(QStringLiteral("differing_columns"));
        *values << element;
    }
    return where;
}

} // namespace

MismatchRepository::MismatchRepository(StoreConnection &connection)
    : m_c(connection)
{
}

MismatchRecord MismatchRepository::upsertMismatch(const MismatchRecord &mm)
{
    const QString what = QStringLiteral("record a mismatch in %1 at %2").arg(mm.tableName, mm.keyJson);
    return m_c.write(what, [&] {
        const QVariant now = SqlDialect::timestampValue(SqlDialect::nowUtc());
        QSqlQuery q = m_c.prepare(QStringLiteral(
            "INSERT INTO mismatches (run_id, table_name, key_json, kind, differing_columns, source_row, target_row,"
            " first_seen, last_checked, times_seen, status, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
            " ON CONFLICT (run_id, table_name, key_json) DO UPDATE SET kind = excluded.kind,"
            " differing_columns = excluded.differing_columns, source_row = excluded.source_row,"
            " target_row = excluded.target_row, last_checked = excluded.last_checked,"
            " times_seen = mismatches.times_seen + 1,"
            " status = CASE WHEN mismatches.status = 'accepted' THEN mismatches.status ELSE excluded.status END,"
            " reason = CASE WHEN mismatches.status = 'accepted' THEN mismatches.reason ELSE excluded.reason END"
            " RETURNING id"));
        q.addBindValue(mm.runId);
        q.addBindValue(SqlDialect::text(mm.tableName));
        q.addBindValue(SqlDialect::text(mm.keyJson));
        q.addBindValue(storeName(mm.kind));
        q.addBindValue(columnsJson(mm.differingColumns));
        q.addBindValue(mm.sourceRowJson.isEmpty() ? QStringLiteral("null") : mm.sourceRowJson);
        q.addBindValue(mm.targetRowJson.isEmpty() ? QStringLiteral("null") : mm.targetRowJson);
        q.addBindValue(now);
        q.addBindValue(now);
        q.addBindValue(storeName(mm.status));
        q.addBindValue(SqlDialect::text(mm.reason));
        m_c.exec(q);
        if (!q.next())
            m_c.fail(StoreError::Kind::Query, QStringLiteral("the mismatch's id was not returned"), {});
        const qint64 id = q.value(0).toLongLong();
        q.finish();
        const std::optional<MismatchRecord> stored = readMismatch(id);
        if (!stored)
            m_c.fail(StoreError::Kind::Query, QStringLiteral("mismatch %1 vanished after it was written").arg(id), {});
        return *stored;
    });
}

void MismatchRepository::setMismatchStatus(qint64 mismatchId, MismatchStatus status, const QString &reason,
                                           const QString &by, const std::optional<AuditEntry> &audit)
{
    m_c.write(QStringLiteral("set mismatch %1 to %2").arg(mismatchId).arg(storeName(status)), [&] {
        const QVariant now = SqlDialect::timestampValue(SqlDialect::nowUtc());
        QStringList sets{QStringLiteral("status = ?"), QStringLiteral("reason = ?")};
        QVariantList values{storeName(status), SqlDialect::text(reason)};
        if (status == MismatchStatus::Accepted) {
            sets << QStringLiteral("accepted_by = ?") << QStringLiteral("accepted_at = ?");
            values << SqlDialect::text(by) << now;
        } else {
            sets << QStringLiteral("accepted_by = ''") << QStringLiteral("accepted_at = NULL");
        }
        if (status == MismatchStatus::ResolvedOnRecheck || status == MismatchStatus::Repaired) {
            sets << QStringLiteral("last_checked = ?");
            values << now;
        }
        QSqlQuery q = m_c.prepare(
            QStringLiteral("UPDATE mismatches SET %1 WHERE id = ? RETURNING run_id").arg(sets.join(QStringLiteral(", "))));
        for (const QVariant &v : values)
            q.addBindValue(v);
        q.addBindValue(mismatchId);
        m_c.exec(q);
        if (!q.next())
            m_c.fail(StoreError::Kind::Usage,
                     QStringLiteral("there is no mismatch %1 in the control store").arg(mismatchId), {});
        const qint64 runId = q.value(0).toLongLong();
        q.finish();
        if (audit) {
            AuditEntry entry = *audit;
            entry.runId = runId;
            AuditLog::appendInTransaction(m_c, entry);
        }
    });
}

std::optional<MismatchRecord> MismatchRepository::readMismatch(qint64 mismatchId)
{
    QSqlQuery q = m_c.prepare(
        QStringLiteral("SELECT %1 FROM mismatches WHERE id = ?").arg(mismatchColumns(m_c.dialect())));
    q.addBindValue(mismatchId);
    m_c.exec(q);
    if (!q.next())
        return std::nullopt;
    return mismatchFromRow(q);
}

std::optional<MismatchRecord> MismatchRepository::mismatch(qint64 mismatchId)
{
    return m_c.read(QStringLiteral("read mismatch %1").arg(mismatchId), [&] { return readMismatch(mismatchId); });
}

QList<MismatchRecord> MismatchRepository::mismatches(qint64 runId, const MismatchFilter &filter, int offset, int limit)
{
    return m_c.read(QStringLiteral("list the mismatches of run %1").arg(runId), [&] {
        QVariantList values;
        const QString where = filterClause(m_c.dialect(), runId, filter, &values);
        QSqlQuery q = m_c.prepare(QStringLiteral("SELECT %1 FROM mismatches WHERE %2 ORDER BY id LIMIT ? OFFSET ?")
                                      .arg(mismatchColumns(m_c.dialect()), where));
        for (const QVariant &v : values)
            q.addBindValue(v);
        q.addBindValue(qMax(0, limit));
        q.addBindValue(qMax(0, offset));
        m_c.exec(q);
        QList<MismatchRecord> list;
        while (q.next())
            list.append(mismatchFromRow(q));
        return list;
    });
}

qint64 MismatchRepository::countMismatches(qint64 runId, const MismatchFilter &filter)
{
    return m_c.read(QStringLiteral("count the mismatches of run %1").arg(runId), [&] {
        QVariantList values;
        const QString where = filterClause(m_c.dialect(), runId, filter, &values);
        QSqlQuery q = m_c.prepare(QStringLiteral("SELECT count(*) FROM mismatches WHERE %1").arg(where));
        for (const QVariant &v : values)
            q.addBindValue(v);
        m_c.exec(q);
        return q.next() ? q.value(0).toLongLong() : 0;
    });
}

int MismatchRepository::addRejects(const QList<RejectRecord> &rejects)
{
    if (rejects.isEmpty())
        return 0;
    m_c.write(QStringLiteral("record %1 rejected rows").arg(rejects.size()), [&] {
        const QVariant now = SqlDialect::timestampValue(SqlDialect::nowUtc());
        for (qsizetype start = 0; start < rejects.size(); start += kRejectsPerInsert) {
            const qsizetype n = qMin<qsizetype>(kRejectsPerInsert, rejects.size() - start);
            QStringList rows;
            for (qsizetype i = 0; i < n; ++i)
                rows << QStringLiteral("(?, ?, ?, ?, ?, ?, ?)");
            QSqlQuery q = m_c.prepare(QStringLiteral("INSERT INTO rejects (run_id, table_name, key_json, column_name,"
                                                     " reason, raw_value, at) VALUES %1")
                                          .arg(rows.join(QStringLiteral(", "))));
            for (qsizetype i = start; i < start + n; ++i) {
                const RejectRecord &r = rejects[i];
                q.addBindValue(r.runId);
                q.addBindValue(SqlDialect::text(r.tableName));
                q.addBindValue(SqlDialect::text(r.keyJson));
                q.addBindValue(SqlDialect::text(r.column));
                q.addBindValue(SqlDialect::text(r.reason));
                q.addBindValue(r.rawValue.isNull() ? QVariant(QMetaType::fromType<QByteArray>()) : QVariant(r.rawValue));
                q.addBindValue(r.at.isValid() ? SqlDialect::timestampValue(r.at) : now);
            }
            m_c.exec(q);
        }
    });
    return int(rejects.size());
}

QList<RejectRecord> MismatchRepository::rejects(qint64 runId, const QString &tableName, int offset, int limit)
{
    return m_c.read(QStringLiteral("list the rejected rows of run %1").arg(runId), [&] {
        QString sql = QStringLiteral("SELECT id, run_id, table_name, key_json, column_name, reason, raw_value, %1"
                                     " FROM rejects WHERE run_id = ?")
                          .arg(m_c.dialect().timestampOut(QStringLiteral("at")));
        if (!tableName.isEmpty())
            sql += QStringLiteral(" AND table_name = ?");
        sql += QStringLiteral(" ORDER BY id LIMIT ? OFFSET ?");
        QSqlQuery q = m_c.prepare(sql);
        q.addBindValue(runId);
        if (!tableName.isEmpty())
            q.addBindValue(tableName);
        q.addBindValue(qMax(0, limit));
        q.addBindValue(qMax(0, offset));
        m_c.exec(q);
        QList<RejectRecord> list;
        while (q.next()) {
            RejectRecord r;
            r.id = q.value(0).toLongLong();
            r.runId = q.value(1).toLongLong();
            r.tableName = q.value(2).toString();
            r.keyJson = q.value(3).toString();
            r.column = q.value(4).toString();
            r.reason = q.value(5).toString();
            r.rawValue = q.value(6).isNull() ? QByteArray() : q.value(6).toByteArray();
            r.at = SqlDialect::parseIsoUtc(q.value(7));
            list.append(r);
        }
        return list;
    });
}

qint64 MismatchRepository::countRejects(qint64 runId, const QString &tableName)
{
    return m_c.read(QStringLiteral("count the rejected rows of run %1").arg(runId), [&] {
        QString sql = QStringLiteral("SELECT count(*) FROM rejects WHERE run_id = ?");
        if (!tableName.isEmpty())
            sql += QStringLiteral(" AND table_name = ?");
        QSqlQuery q = m_c.prepare(sql);
        q.addBindValue(runId);
        if (!tableName.isEmpty())
            q.addBindValue(tableName);
        m_c.exec(q);
        return q.next() ? q.value(0).toLongLong() : qint64(0);
    });
}

} // namespace switchyard::core
