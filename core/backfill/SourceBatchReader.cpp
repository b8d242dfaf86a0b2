#include "backfill/SourceBatchReader.h"

#include "backfill/KeysetSql.h"
#include "types/SourceValue.h"

namespace switchyard::core {

SourceBatchReader::SourceBatchReader(const ConnectionSettings &source, const TableMapping &mapping,
                                     const TypePolicies &policies,
                                     TableSpec::Consistency consistency)
    : m_settings(source)
    , m_mapping(mapping)
    , m_consistency(consistency)
{
    // Select every mapped column once; columns PostgreSQL computes itself
    // (GENERATED ALWAYS … STORED) are read for nothing and not copied, and
    // key columns are read even if they were not copied (they always are:
    // the plan refuses to exclude a key).
    for (int i = 0; i < m_mapping.columns.size(); ++i) {
        const ColumnMapping &c = m_mapping.columns.at(i);
        m_selectList << quoteMySqlIdentifier(c.source.name);
        if (!c.generatedExpression.isEmpty())
            continue;
        m_codecs << ValueCodec(c, policies);
        m_copyIndexes << i;
        m_copyColumns << c.targetName;
    }
    for (const QString &key : m_mapping.keyColumns) {
        int index = -1;
        for (int i = 0; i < m_mapping.columns.size(); ++i) {
            if (m_mapping.columns.at(i).source.name == key)
                index = i;
        }
        Q_ASSERT(index >= 0);
        m_keyIndexes << index;
        const SourceColumn &col = m_mapping.columns.at(index).source;
        m_keyBinary << (col.characterSet.isEmpty() &&
                        (col.dataType.contains(QLatin1String("binary")) ||
                         col.dataType.contains(QLatin1String("blob"))));
    }
}

SourceBatchReader::~SourceBatchReader()
{
    rollback();
    // Statements before the connection they belong to.
    m_first.reset();
    m_next.reset();
}

bool SourceBatchReader::isConnected() const
{
    return m_conn.isOpen();
}

void SourceBatchReader::reconnect()
{
    m_first.reset();
    m_next.reset();
    m_inTransaction = false;
    m_conn.close();
    m_conn.open(m_settings);
    // A batch waits at most this long for an application's row lock, then
    // fails with 1205 and is retried smaller, instead of hanging.
    m_conn.exec(QStringLiteral("SET SESSION innodb_lock_wait_timeout = 20"));
    m_conn.exec(QStringLiteral("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
    prepare();
}

void SourceBatchReader::prepare()
{
    const bool lock = m_consistency == TableSpec::Consistency::Locking;
    const QString db = m_mapping.source.schema.isEmpty() ? m_settings.database
                                                          : m_mapping.source.schema;
    m_first = std::make_unique<MySqlStatement>(
        m_conn, KeysetSql::mysqlSelectAfter(db, m_mapping.source.name, m_selectList,
                                            m_mapping.keyColumns, false, lock));
    m_next = std::make_unique<MySqlStatement>(
        m_conn, KeysetSql::mysqlSelectAfter(db, m_mapping.source.name, m_selectList,
                                            m_mapping.keyColumns, true, lock));
}

void SourceBatchReader::read(const KeyCursor &after, int limit, SourceBatch &batch,
                             const Flush &flush)
{
    constexpr qsizetype kFlushBytes = 256 * 1024;
    batch.clear();
    if (!m_conn.isOpen())
        reconnect();
    if (m_consistency == TableSpec::Consistency::Locking) {
        m_conn.exec(QStringLiteral("START TRANSACTION"));
        m_inTransaction = true;
    }
    MySqlStatement &st = after.isEmpty() ? *m_first : *m_next;
    int limitParam = 0;
    if (!after.isEmpty()) {
        after.bind(st, 0);
        limitParam = int(KeysetSql::cursorBindOrder(int(after.parts().size())).size());
    }
    st.bindInt64(limitParam, limit);
    st.execute();

    try {
        readRows(st, batch, flush, kFlushBytes);
    } catch (...) {
        // Leave the connection usable: drop what the server is still sending.
        try {
            st.discardResult();
        } catch (...) {
        }
        throw;
    }
}

void SourceBatchReader::readRows(MySqlStatement &st, SourceBatch &batch, const Flush &flush,
                                 qsizetype flushBytes)
{
    QByteArray &out = batch.copyData;
    const int columns = int(m_codecs.size());
    while (st.fetch()) {
        ++batch.rowsRead;
        batch.last.capture(st, m_keyIndexes, m_keyBinary);
        const qsizetype rowStart = out.size();
        bool rejected = false;
        for (int c = 0; c < columns; ++c) {
            if (c > 0)
                out.append('\t');
            const SourceValue value = SourceValue::fromMySql(st.value(m_copyIndexes.at(c)));
            const CodecResult r = m_codecs.at(c).encodeCopy(value, out);
            if (r.isRejected()) {
                batch.rejects << RejectedRow{batch.last, m_copyColumns.at(c), r.reason,
                                             value.toDisplay()};
                rejected = true;
                break;
            }
        }
        if (rejected) {
            out.truncate(rowStart);
            continue;
        }
        out.append('\n');
        ++batch.rowsWritten;
        if (flush && out.size() >= flushBytes)
            flush(out);
    }
}

void SourceBatchReader::commit()
{
    if (m_inTransaction) {
        m_inTransaction = false;
        m_conn.exec(QStringLiteral("COMMIT"));
    }
}

void SourceBatchReader::rollback() noexcept
{
    if (!m_inTransaction)
        return;
    m_inTransaction = false;
    try {
        if (m_conn.isOpen())
            m_conn.exec(QStringLiteral("ROLLBACK"));
    } catch (...) {
        // The connection is gone; the server rolls back on its own.
    }
}

std::optional<KeyPart> SourceBatchReader::maxKey()
{
    if (m_mapping.keyColumns.isEmpty())
        return std::nullopt;
    const QString db = m_mapping.source.schema.isEmpty() ? m_settings.database
                                                          : m_mapping.source.schema;
    MySqlStatement st(m_conn, QStringLiteral("SELECT MAX(%1) FROM %2")
                                  .arg(quoteMySqlIdentifier(m_mapping.keyColumns.first()),
                                       quoteMySqlQualifiedName(db, m_mapping.source.name)));
    st.execute();
    std::optional<KeyPart> result;
    if (st.fetch()) {
        const MySqlValue v = st.value(0);
        if (v.kind() == MySqlValue::Kind::Int)
            result = KeyPart{KeyPart::Kind::Int, v.toInt64(), 0, {}};
        else if (v.kind() == MySqlValue::Kind::UInt)
            result = KeyPart{KeyPart::Kind::UInt, 0, v.toUInt64(), {}};
    }
    st.discardResult();
    return result;
}

} // namespace switchyard::core
