#include "backfill/TargetBatchWriter.h"

#include "backfill/KeysetSql.h"

#include <QCryptographicHash>

#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include <string>
#include <vector>

namespace switchyard::core {

namespace {

// Sends already-encoded COPY text: many rows per call, no second escaping.
// tablewriter is deprecated in libpqxx 6.4 in favour of stream_to, whose raw
// line writer is private; this is its documented public raw path.
void copyRaw(pqxx::transaction_base &tx, const std::string &table,
             const std::vector<std::string> &columns, const QByteArray &data)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    pqxx::tablewriter writer(tx, table, columns.begin(), columns.end());
#pragma GCC diagnostic pop
    // Chunks end on a row boundary; write_raw_line() drops the final newline
    // and libpqxx adds it back, so every chunk keeps its rows intact.
    constexpr qsizetype kChunk = 256 * 1024;
    qsizetype pos = 0;
    std::string chunk;
    while (pos < data.size()) {
        qsizetype end = std::min(data.size(), pos + kChunk);
        if (end < data.size()) {
            const qsizetype nl = data.indexOf('\n', end - 1);
            end = nl < 0 ? data.size() : nl + 1;
        }
        chunk.assign(data.constData() + pos, size_t(end - pos));
        writer.write_raw_line(chunk);
        pos = end;
    }
    writer.complete();
}

std::vector<std::string> params(const KeyCursor &lower, const KeyCursor &upper)
{
    std::vector<std::string> p;
    for (const KeyPart &k : lower.parts())
        p.push_back(k.pgText().toStdString());
    for (const KeyPart &k : upper.parts())
        p.push_back(k.pgText().toStdString());
    return p;
}

std::vector<std::string> quotedColumns(const QStringList &columns)
{
    std::vector<std::string> quoted;
    for (const QString &c : columns)
        quoted.push_back(quotePgIdentifier(c).toStdString());
    return quoted;
}

} // namespace

// tablewriter is deprecated in libpqxx 6.4 (see copyRaw()).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
struct TargetBatchWriter::Stream
{
    Stream(pqxx::connection_base &conn, const std::string &table,
           const std::vector<std::string> &columns)
        : tx(conn)
        , writer(tx, table, columns.begin(), columns.end())
    {
    }
    pqxx::work tx;
    pqxx::tablewriter writer; // destroyed before tx
    std::string chunk;
};
#pragma GCC diagnostic pop

TargetBatchWriter::~TargetBatchWriter()
{
    abortStream();
}

bool TargetBatchWriter::hasRowsAfter(const KeyCursor &cursor)
{
    if (!m_conn.isOpen())
        reconnect();
    return m_conn.run(QStringLiteral("looking for rows after the cursor in %1").arg(m_table), [&] {
        pqxx::nontransaction tx(m_conn.connection());
        std::vector<std::string> p;
        for (const KeyPart &part : cursor.parts())
            p.push_back(part.pgText().toStdString());
        const QString sql = KeysetSql::pgAnyRowAfter(m_schema, m_table, m_keyColumns, !cursor.isEmpty());
        const pqxx::result r =
            tx.exec_params(sql.toStdString(), pqxx::prepare::make_dynamic_params(p));
        return !r.empty();
    });
}

void TargetBatchWriter::beginStream()
{
    if (!m_conn.isOpen())
        reconnect();
    abortStream();
    m_conn.run(QStringLiteral("starting a COPY into %1").arg(m_table), [&] {
        m_stream = std::make_unique<Stream>(
            m_conn.connection(), quotePgQualifiedName(m_schema, m_table).toStdString(),
            quotedColumns(m_copyColumns));
    });
}

void TargetBatchWriter::streamChunk(QByteArray &copyData)
{
    if (copyData.isEmpty())
        return;
    m_conn.run(QStringLiteral("copying into %1").arg(m_table), [&] {
        m_stream->chunk.assign(copyData.constData(), size_t(copyData.size()));
        m_stream->writer.write_raw_line(m_stream->chunk);
    });
    copyData.clear();
}

void TargetBatchWriter::finishStream(QByteArray &copyData,
                                     const std::function<void()> &beforeCommit)
{
    streamChunk(copyData);
    m_conn.run(QStringLiteral("committing a batch into %1").arg(m_table), [&] {
        m_stream->writer.complete();
        if (beforeCommit)
            beforeCommit();
        m_stream->tx.commit();
    });
    m_stream.reset();
}

void TargetBatchWriter::abortStream() noexcept
{
    m_stream.reset(); // the tablewriter ends its COPY, then the work rolls back
}

TargetBatchWriter::TargetBatchWriter(const ConnectionSettings &target, const QString &schema,
                                     const QString &table, const QStringList &copyColumns,
                                     const QStringList &keyColumns)
    : m_settings(target)
    , m_schema(schema)
    , m_table(table)
    , m_copyColumns(copyColumns)
    , m_keyColumns(keyColumns)
{
    // A short, stable, collision-free name per target table.
    const QByteArray h = QCryptographicHash::hash((schema + QLatin1Char('.') + table).toUtf8(),
                                                  QCryptographicHash::Sha256)
                             .toHex()
                             .left(16);
    m_stagingName = QStringLiteral("switchyard_stage_") + QString::fromLatin1(h);
}

bool TargetBatchWriter::isConnected() const
{
    return m_conn.isOpen();
}

void TargetBatchWriter::reconnect()
{
    abortStream();
    m_conn.close();
    m_conn.open(m_settings);
    // Staging lives as long as the session and empties itself at each commit.
    // LIKE copies column types and NOT NULL but no constraints or identity,
    // so it accepts exactly what COPY into the table would.
    m_conn.exec(QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS %1 (LIKE %2 INCLUDING DEFAULTS) "
                               "ON COMMIT DELETE ROWS")
                    .arg(quotePgIdentifier(m_stagingName),
                         quotePgQualifiedName(m_schema, m_table)));
}

TargetBatchWriter::Result TargetBatchWriter::write(const QByteArray &copyData, int rows,
                                                   const KeyCursor &lower,
                                                   const KeyCursor &upper,
                                                   const std::function<void()> &beforeCommit)
{
    if (!m_conn.isOpen())
        reconnect();
    try {
        return writeOnce(copyData, rows, lower, upper, false, beforeCommit);
    } catch (const DbException &e) {
        // A dual write landed in the range after the check: go through staging.
        if (e.error().sqlState != QLatin1String("23505"))
            throw;
    }
    return writeOnce(copyData, rows, lower, upper, true, beforeCommit);
}

TargetBatchWriter::Result TargetBatchWriter::writeOnce(const QByteArray &copyData, int rows,
                                                       const KeyCursor &lower,
                                                       const KeyCursor &upper, bool forceStaging,
                                                       const std::function<void()> &beforeCommit)
{
    return m_conn.run(QStringLiteral("writing a batch into %1").arg(m_table), [&] {
        Result result;
        pqxx::work tx(m_conn.connection());
        std::vector<std::string> columns;
        for (const QString &c : m_copyColumns)
            columns.push_back(quotePgIdentifier(c).toStdString());
        const std::string table = quotePgQualifiedName(m_schema, m_table).toStdString();

        bool staged = forceStaging;
        if (!staged && !upper.isEmpty()) {
            const std::string sql =
                KeysetSql::pgRangeHasRows(m_schema, m_table, m_keyColumns, !lower.isEmpty())
                    .toStdString();
            const pqxx::result r =
                tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params(lower, upper)));
            staged = r[0][0].as<bool>();
        }
        if (!staged) {
            copyRaw(tx, table, columns, copyData);
            result.path = Path::Direct;
            result.rowsInserted = rows;
        } else {
            const std::string staging = quotePgIdentifier(m_stagingName).toStdString();
            copyRaw(tx, staging, columns, copyData);
            const QString list = KeysetSql::pgColumnList(m_copyColumns);
            const pqxx::result r = tx.exec(
                QStringLiteral("INSERT INTO %1 (%2) SELECT %2 FROM %3 ON CONFLICT (%4) DO NOTHING")
                    .arg(QString::fromStdString(table), list, quotePgIdentifier(m_stagingName),
                         KeysetSql::pgColumnList(m_keyColumns))
                    .toStdString());
            result.path = Path::Staged;
            result.rowsInserted = r.affected_rows();
        }
        if (beforeCommit)
            beforeCommit();
        tx.commit();
        return result;
    });
}

} // namespace switchyard::core
