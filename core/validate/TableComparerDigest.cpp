#include "validate/TableComparer.h"
#include "validate/TableComparerPrivate.h"

#include "types/SourceValue.h"
#include "validate/ValidationSql.h"

#include <QCryptographicHash>

#include <pqxx/pqxx>

#include <exception>
#include <future>
#include <optional>
#include <utility>

// Chunk digests: the in-database checksum of a key range on each side, the
// client-side columns folded in, and both sides (four reads) at once.

namespace switchyard::core {

using namespace comparer;

namespace {

// The client half of a chunk digest: per row, MD5 of the canonical key parts
// and the client-side columns (each "<bytes>:<text>", "N" for NULL), XORed
// over the rows — order-independent, so each side can be read in whatever
// order its database returns. Rows are folded as they are fetched: no row
// images, no map (this fold was the client's largest cost).
class ClientFold
{
public:
    void beginRow() { m_text.resize(0); } // keeps the capacity (clear() frees it)
    void add(const std::optional<QByteArray> &v)
    {
        if (!v) {
            m_text += 'N';
            return;
        }
        m_text += QByteArray::number(v->size());
        m_text += ':';
        m_text += *v;
    }
    void endRow()
    {
        m_hash.reset();
        m_hash.addData(m_text);
        const QByteArrayView h = m_hash.resultView();
        for (int i = 0; i < 16; ++i)
            m_acc[i] = char(m_acc.at(i) ^ h.at(i));
    }
    QByteArray result() const { return m_acc; }

private:
    QByteArray m_text;
    QByteArray m_acc = QByteArray(16, '\0');
    QCryptographicHash m_hash{QCryptographicHash::Md5};
};

} // namespace

QByteArray TableComparer::sourceClientXor(const KeyRange &range, MySqlConnection &conn)
{
    // Select list: the key columns, then the client-side columns.
    QStringList cols = m_mapping.keyColumns;
    QList<int> positions = m_keyIndexes;
    for (int c : std::as_const(m_clientColumns)) {
        cols << m_mapping.columns.at(c).source.name;
        positions << c;
    }
    MySqlStatement st(conn, ValidationSql::mysqlSelectRange(m_plan.source.database, m_mapping.source.name,
                                                            cols, m_mapping.keyColumns,
                                                                 range.lower.has_value(), range.upper.has_value()));
    bindSourceRange(st, range);
    st.execute();
    ClientFold fold;
    while (st.fetch()) {
        fold.beginRow();
        for (int i = 0; i < positions.size(); ++i) {
            std::optional<QByteArray> v =
                m_codecs.at(positions.at(i)).canonicalSource(SourceValue::fromMySql(st.value(i)));
            if (i < m_keyIndexes.size() && !v)
                v = QByteArray(); // as RowImage::key: a NULL key part reads as empty
            fold.add(v);
        }
        fold.endRow();
    }
    return fold.result();
}

QByteArray TableComparer::targetClientXor(const KeyRange &range, PgConnection &conn)
{
    QList<int> positions = m_keyIndexes;
    const QStringList keys = targetKeyNames();
    QStringList cols = keys;
    for (int c : std::as_const(m_clientColumns)) {
        cols << m_mapping.columns.at(c).targetName;
        positions << c;
    }
    std::vector<std::string> params = targetRangeParams(range);
    const QString sql = ValidationSql::pgSelectRange(m_schema, m_targetTable, cols, keys, range.lower.has_value(),
                                                     range.upper.has_value());
    return conn.run(QStringLiteral("validation read of %1").arg(m_targetTable), [&] {
        pqxx::work tx(conn.connection());
        const pqxx::result r = tx.exec_params(sql.toStdString(), pqxx::prepare::make_dynamic_params(params));
        ClientFold fold;
        for (const auto &dbRow : r) {
            fold.beginRow();
            for (int i = 0; i < positions.size(); ++i) {
                std::optional<QByteArray> text;
                if (!dbRow[i].is_null())
                    text = QByteArray(dbRow[i].c_str(), int(dbRow[i].size()));
                std::optional<QByteArray> v = m_codecs.at(positions.at(i)).canonicalTarget(text);
                if (i < m_keyIndexes.size() && !v)
                    v = QByteArray();
                fold.add(v);
            }
            fold.endRow();
        }
        tx.commit();
        return fold.result();
    });
}

TableComparer::Digest TableComparer::sourceSqlDigest(const KeyRange &range)
{
    Digest dg;
    const QStringList keys = m_mapping.keyColumns;
    MySqlStatement st(d->source,
                      ValidationSql::mysqlChecksum(m_plan.source.database, m_mapping.source.name,
                                                   taggedExpressions(m_mapping, m_plan.types, true),
                                                   keys, range.lower.has_value(), range.upper.has_value()));
    bindSourceRange(st, range);
    st.execute();
    if (st.fetch()) {
        dg.rows = mysqlText(st.value(0)).toLongLong();
        dg.sum = mysqlText(st.value(1));
        while (st.fetch()) {
        }
    }
    return dg;
}

TableComparer::Digest TableComparer::targetSqlDigest(const KeyRange &range)
{
    Digest dg;
    const QStringList keys = targetKeyNames();
    std::vector<std::string> params = targetRangeParams(range);
    const QString sql = ValidationSql::pgChecksum(m_schema, m_targetTable,
                                                  taggedExpressions(m_mapping, m_plan.types, false),
                                                  keys, range.lower.has_value(), range.upper.has_value());
    d->target.run(QStringLiteral("validation checksum of %1").arg(m_targetTable), [&] {
        pqxx::work tx(d->target.connection());
        const pqxx::result r = tx.exec_params(sql.toStdString(), pqxx::prepare::make_dynamic_params(params));
        dg.rows = QByteArray(r[0][0].c_str()).toLongLong();
        dg.sum = QByteArray(r[0][1].c_str());
        tx.commit();
    });
    return dg;
}

std::pair<TableComparer::Digest, TableComparer::Digest> TableComparer::digests(const KeyRange &range)
{
    // Up to four reads at once: each side's in-database checksum on its
    // first connection and, when the table has any, its client-side columns
    // on its second. The futures are always waited for (their destructors
    // block), whatever throws first.
    std::future<QByteArray> sourceColumns, targetColumns;
    if (!m_clientColumns.isEmpty()) {
        sourceColumns = std::async(std::launch::async, [&] { return sourceClientXor(range, d->sourceColumns); });
        targetColumns = std::async(std::launch::async, [&] { return targetClientXor(range, d->targetColumns); });
    }
    auto result = bothSides<Digest>([&] { return sourceSqlDigest(range); },
                                    [&] { return targetSqlDigest(range); });
    if (sourceColumns.valid()) {
        result.first.clientXor = sourceColumns.get();
        result.second.clientXor = targetColumns.get();
    }
    return result;
}

std::pair<RowSet, RowSet> TableComparer::rows(const KeyRange &range)
{
    return bothSides<RowSet>([&] { return sourceRows(range); }, [&] { return targetRows(range); });
}

template<typename T>
std::pair<T, T> TableComparer::bothSides(const std::function<T()> &onSource, const std::function<T()> &onTarget)
{
    // Each side has its own connection and only reads the comparer's
    // immutable mapping and codecs, so the two can run at once. The future is
    // always waited for, also when the target side throws.
    auto source = std::async(std::launch::async, onSource);
    std::optional<T> target;
    std::exception_ptr targetError;
    try {
        target = onTarget();
    } catch (...) {
        targetError = std::current_exception();
    }
    T sourceResult = source.get(); // a source error wins: it is rethrown here
    if (targetError)
        std::rethrow_exception(targetError);
    return {std::move(sourceResult), std::move(*target)};
}

} // namespace switchyard::core
