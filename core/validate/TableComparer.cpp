#include "validate/TableComparer.h"
#include "validate/TableComparerPrivate.h"

#include "backfill/KeysetSql.h"
#include "types/SourceValue.h"
#include "validate/ValidationSql.h"

#include <pqxx/pqxx>

#include <algorithm>
#include <limits>
#include <utility>

namespace switchyard::core {

using namespace comparer;

TableComparer::TableComparer(const Plan &plan, const TableMapping &mapping, int lockTimeoutMs,
                             int statementTimeoutMs)
    : m_plan(plan)
    , m_mapping(mapping)
    , m_schema(plan.target.schema.isEmpty() ? QStringLiteral("public") : plan.target.schema)
    , m_lockTimeoutMs(lockTimeoutMs)
    , m_statementTimeoutMs(statementTimeoutMs)
    , d(std::make_unique<Impl>())
{
    const TableSpec *spec = plan.table(mapping.source.name);
    m_targetTable = spec ? spec->effectiveTargetName() : mapping.targetName;
    for (int c = 0; c < m_mapping.columns.size(); ++c) {
        const ColumnMapping &col = m_mapping.columns.at(c);
        m_codecs << ValueCodec(col, plan.types);
        if (!inDatabaseDigest(col))
            m_clientColumns << c;
    }
    for (const QString &k : std::as_const(m_mapping.keyColumns)) {
        for (int c = 0; c < m_mapping.columns.size(); ++c) {
            if (m_mapping.columns.at(c).source.name == k) {
                m_keyIndexes << c;
                m_keyKinds << m_mapping.columns.at(c).canonical;
            }
        }
    }
}

TableComparer::~TableComparer() = default;

MySqlConnection &TableComparer::source()
{
    return d->source;
}

PgConnection &TableComparer::target()
{
    return d->target;
}

void TableComparer::connect()
{
    reconnectSource();
    reconnectTarget();
}

void TableComparer::reconnectSource()
{
    openSource(d->source);
    if (!m_clientColumns.isEmpty())
        openSource(d->sourceColumns);
}

void TableComparer::reconnectTarget()
{
    openTarget(d->target);
    if (!m_clientColumns.isEmpty())
        openTarget(d->targetColumns);
}

void TableComparer::openSource(MySqlConnection &c)
{
    c.open(m_plan.source);
    // A plain SELECT takes no row locks, but it does wait for a metadata
    // lock (an ALTER TABLE, LOCK TABLES … WRITE) — by default for a year.
    if (m_lockTimeoutMs > 0)
        c.exec(QStringLiteral("SET SESSION lock_wait_timeout = %1").arg(std::max(1, (m_lockTimeoutMs + 999) / 1000)));
    if (m_statementTimeoutMs > 0) {
        if (c.isMariaDB())
            c.exec(QStringLiteral("SET SESSION max_statement_time = %1")
                       .arg(double(m_statementTimeoutMs) / 1000.0, 0, 'f', 3));
        else
            c.exec(QStringLiteral("SET SESSION max_execution_time = %1").arg(m_statementTimeoutMs));
    }
}

void TableComparer::openTarget(PgConnection &c)
{
    c.open(m_plan.target);
    // The text forms ValueCodec::canonicalTarget() reads, and the bounds on
    // how long a validation query may wait.
    c.exec(QStringLiteral("SET extra_float_digits = 3"));
    c.exec(QStringLiteral("SET DateStyle = ISO"));
    c.exec(QStringLiteral("SET bytea_output = hex"));
    c.exec(QStringLiteral("SET IntervalStyle = postgres"));
    c.exec(QStringLiteral("SET lock_timeout = %1").arg(m_lockTimeoutMs));
    c.exec(QStringLiteral("SET statement_timeout = %1").arg(m_statementTimeoutMs));
}

bool TableComparer::rangeCapable() const
{
    if (m_keyKinds.isEmpty() || m_keyKinds.size() != m_mapping.keyColumns.size())
        return false;
    for (CanonicalKind k : std::as_const(m_keyKinds)) {
        if (!KeyValues::rangeKind(k))
            return false;
    }
    return true;
}

bool TableComparer::keyLookupCapable() const
{
    if (m_keyKinds.isEmpty())
        return false;
    for (CanonicalKind k : std::as_const(m_keyKinds)) {
        if (!KeyValues::lookupKind(k))
            return false;
    }
    return true;
}

bool TableComparer::sampleCapable() const
{
    return m_keyKinds.size() == 1 && KeyValues::sampleKind(m_keyKinds.first());
}

QStringList TableComparer::clientSideColumns() const
{
    QStringList names;
    for (int c : std::as_const(m_clientColumns))
        names << m_mapping.columns.at(c).targetName;
    return names;
}

QByteArray TableComparer::joinKey(const ValidationKey &key)
{
    QByteArray out;
    for (const QByteArray &p : key.parts)
        out += QByteArray::number(p.size()) + ':' + p;
    return out;
}

void TableComparer::bindSourceKey(MySqlStatement &statement, int &index, const ValidationKey &key) const
{
    bindMySqlKey(statement, index, key, m_keyKinds);
}

QStringList TableComparer::targetKeyNames() const
{
    QStringList names;
    for (int k : m_keyIndexes)
        names << m_mapping.columns.at(k).targetName;
    return names;
}

std::vector<std::string> TableComparer::targetRangeParams(const KeyRange &range) const
{
    std::vector<std::string> params;
    for (const ValidationKey &k : rangeBinds(range))
        addPgKey(params, k, m_keyKinds);
    return params;
}

int TableComparer::bindSourceRange(MySqlStatement &statement, const KeyRange &range) const
{
    int index = 0;
    for (const ValidationKey &k : rangeBinds(range))
        bindMySqlKey(statement, index, k, m_keyKinds);
    return index;
}

std::vector<std::string> TableComparer::targetKeyParams(const ValidationKey &key) const
{
    std::vector<std::string> params;
    addPgKey(params, key, m_keyKinds);
    return params;
}

RowSet TableComparer::readSource(const QString &sql, const QList<ValidationKey> &binds,
                                 const QStringList &columns)
{
    MySqlStatement st(d->source, sql);
    int index = 0;
    for (const ValidationKey &k : binds)
        bindMySqlKey(st, index, k, m_keyKinds);
    st.execute();
    RowSet rows;
    QList<int> positions;
    for (const QString &name : columns) {
        for (int c = 0; c < m_mapping.columns.size(); ++c) {
            if (m_mapping.columns.at(c).source.name == name)
                positions << c;
        }
    }
    while (st.fetch()) {
        RowImage row;
        row.values.resize(m_mapping.columns.size());
        for (int i = 0; i < positions.size(); ++i)
            row.values[positions.at(i)] =
                m_codecs.at(positions.at(i)).canonicalSource(SourceValue::fromMySql(st.value(i)));
        for (int k : std::as_const(m_keyIndexes))
            row.key.parts << row.values.at(k).value_or(QByteArray());
        rows.insert(joinKey(row.key), row);
    }
    return rows;
}

RowSet TableComparer::readTarget(const QString &sql, const QList<ValidationKey> &binds,
                                 const QStringList &columns)
{
    QList<int> positions;
    for (const QString &name : columns) {
        for (int c = 0; c < m_mapping.columns.size(); ++c) {
            if (m_mapping.columns.at(c).targetName == name)
                positions << c;
        }
    }
    std::vector<std::string> params;
    for (const ValidationKey &k : binds)
        addPgKey(params, k, m_keyKinds);
    return d->target.run(QStringLiteral("validation read of %1").arg(m_targetTable), [&] {
        pqxx::work tx(d->target.connection());
        const pqxx::result r = tx.exec_params(sql.toStdString(), pqxx::prepare::make_dynamic_params(params));
        RowSet rows;
        for (const auto &dbRow : r) {
            RowImage row;
            row.values.resize(m_mapping.columns.size());
            for (int i = 0; i < positions.size(); ++i) {
                std::optional<QByteArray> text;
                if (!dbRow[i].is_null())
                    text = QByteArray(dbRow[i].c_str(), int(dbRow[i].size()));
                row.values[positions.at(i)] = m_codecs.at(positions.at(i)).canonicalTarget(text);
            }
            for (int k : std::as_const(m_keyIndexes))
                row.key.parts << row.values.at(k).value_or(QByteArray());
            rows.insert(joinKey(row.key), row);
        }
        tx.commit();
        return rows;
    });
}

qint64 TableComparer::sourceCount()
{
    return d->source
        .query(QStringLiteral("SELECT COUNT(*) FROM ") +
               quoteMySqlQualifiedName(m_plan.source.database, m_mapping.source.name))
        .scalar()
        .toLongLong();
}

qint64 TableComparer::targetCount()
{
    return d->target.query(QStringLiteral("SELECT count(*) FROM ") + quotePgQualifiedName(m_schema, m_targetTable))
        .scalar()
        .toLongLong();
}

RowSet TableComparer::sourceRows(const KeyRange &range)
{
    QStringList cols;
    for (const ColumnMapping &c : std::as_const(m_mapping.columns))
        cols << c.source.name;
    return readSource(ValidationSql::mysqlSelectRange(m_plan.source.database, m_mapping.source.name, cols,
                                                      m_mapping.keyColumns, range.lower.has_value(),
                                                      range.upper.has_value()),
                      rangeBinds(range), cols);
}

RowSet TableComparer::targetRows(const KeyRange &range)
{
    QStringList cols;
    for (const ColumnMapping &c : std::as_const(m_mapping.columns))
        cols << c.targetName;
    const QStringList keys = targetKeyNames();
    return readTarget(ValidationSql::pgSelectRange(m_schema, m_targetTable, cols, keys,
                                                   range.lower.has_value(), range.upper.has_value()),
                      rangeBinds(range), cols);
}

std::optional<RowImage> TableComparer::sourceRow(const ValidationKey &key)
{
    QStringList cols;
    for (const ColumnMapping &c : std::as_const(m_mapping.columns))
        cols << c.source.name;
    const RowSet rows = readSource(
        ValidationSql::mysqlSelectKey(m_plan.source.database, m_mapping.source.name, cols, m_mapping.keyColumns),
        {key}, cols);
    // A case-insensitive collation may return a row whose key differs in
    // case: only the canonical key itself counts.
    const auto it = rows.find(joinKey(key));
    return it == rows.end() ? std::nullopt : std::optional<RowImage>(*it);
}

std::optional<RowImage> TableComparer::targetRow(const ValidationKey &key)
{
    QStringList cols;
    for (const ColumnMapping &c : std::as_const(m_mapping.columns))
        cols << c.targetName;
    const QStringList keys = targetKeyNames();
    const RowSet rows = readTarget(ValidationSql::pgSelectKey(m_schema, m_targetTable, cols, keys), {key}, cols);
    const auto it = rows.find(joinKey(key));
    return it == rows.end() ? std::nullopt : std::optional<RowImage>(*it);
}

std::optional<ValidationKey> TableComparer::sourceKeyAt(const KeyRange &range, qint64 offset)
{
    MySqlStatement st(d->source, ValidationSql::mysqlKeyAt(m_plan.source.database, m_mapping.source.name,
                                                           m_mapping.keyColumns, range.lower.has_value(),
                                                           range.upper.has_value()));
    st.bindInt64(bindSourceRange(st, range), offset);
    st.execute();
    std::optional<ValidationKey> key;
    while (st.fetch()) {
        ValidationKey k;
        for (int i = 0; i < m_keyIndexes.size(); ++i)
            k.parts << m_codecs.at(m_keyIndexes.at(i))
                           .canonicalSource(SourceValue::fromMySql(st.value(i)))
                           .value_or(QByteArray());
        key = k;
    }
    return key;
}

std::optional<ValidationKey> TableComparer::targetKeyAt(const KeyRange &range, qint64 offset)
{
    const QStringList keys = targetKeyNames();
    std::vector<std::string> params = targetRangeParams(range);
    params.push_back(std::to_string(offset));
    const QString sql = ValidationSql::pgKeyAt(m_schema, m_targetTable, keys, range.lower.has_value(),
                                               range.upper.has_value());
    return d->target.run(QStringLiteral("validation bisection of %1").arg(m_targetTable), [&] {
        pqxx::work tx(d->target.connection());
        const pqxx::result r = tx.exec_params(sql.toStdString(), pqxx::prepare::make_dynamic_params(params));
        tx.commit();
        if (r.empty())
            return std::optional<ValidationKey>();
        ValidationKey k;
        for (int i = 0; i < m_keyIndexes.size(); ++i)
            k.parts << m_codecs.at(m_keyIndexes.at(i))
                           .canonicalTarget(QByteArray(r[0][i].c_str(), int(r[0][i].size())))
                           .value_or(QByteArray());
        return std::optional<ValidationKey>(k);
    });
}

QList<RowImage> TableComparer::sourcePageAfter(const std::optional<ValidationKey> &after, int limit)
{
    QStringList cols;
    for (const ColumnMapping &c : std::as_const(m_mapping.columns))
        cols << quoteMySqlIdentifier(c.source.name);
    MySqlStatement st(d->source, KeysetSql::mysqlSelectAfter(m_plan.source.database, m_mapping.source.name,
                                                             cols, m_mapping.keyColumns, after.has_value(),
                                                             false));
    int index = 0;
    if (after) {
        // The spelled-out keyset predicate binds key parts in this order.
        for (int part : KeysetSql::cursorBindOrder(int(m_keyIndexes.size()))) {
            ValidationKey one;
            one.parts << after->parts.value(part);
            bindMySqlKey(st, index, one, {m_keyKinds.value(part)});
        }
    }
    st.bindInt64(index, limit);
    st.execute();
    QList<RowImage> rows;
    while (st.fetch()) {
        RowImage row;
        for (int c = 0; c < m_mapping.columns.size(); ++c)
            row.values << m_codecs.at(c).canonicalSource(SourceValue::fromMySql(st.value(c)));
        for (int k : std::as_const(m_keyIndexes))
            row.key.parts << row.values.at(k).value_or(QByteArray());
        rows << row;
    }
    return rows;
}

QList<ValidationKey> TableComparer::targetKeysAfter(const std::optional<ValidationKey> &after, int limit)
{
    const QStringList keys = targetKeyNames();
    std::vector<std::string> params;
    if (after)
        addPgKey(params, *after, m_keyKinds);
    params.push_back(std::to_string(limit));
    const QString sql = QStringLiteral("SELECT ") + KeysetSql::pgColumnList(keys) + QStringLiteral(" FROM ") +
                        quotePgQualifiedName(m_schema, m_targetTable) +
                        (after ? QStringLiteral(" WHERE ") + ValidationSql::pgKeyPredicate(keys, true, false)
                               : QString()) +
                        QStringLiteral(" ORDER BY ") + KeysetSql::pgColumnList(keys) +
                        QStringLiteral(" LIMIT $%1::bigint").arg(after ? keys.size() + 1 : 1);
    return d->target.run(QStringLiteral("validation key walk of %1").arg(m_targetTable), [&] {
        pqxx::work tx(d->target.connection());
        const pqxx::result r = tx.exec_params(sql.toStdString(), pqxx::prepare::make_dynamic_params(params));
        tx.commit();
        QList<ValidationKey> out;
        for (const auto &dbRow : r) {
            ValidationKey k;
            for (int i = 0; i < m_keyIndexes.size(); ++i)
                k.parts << m_codecs.at(m_keyIndexes.at(i))
                               .canonicalTarget(QByteArray(dbRow[i].c_str(), int(dbRow[i].size())))
                               .value_or(QByteArray());
            out << k;
        }
        return out;
    });
}

RowSet TableComparer::sourceRowsByKeys(const QList<ValidationKey> &keys)
{
    if (keys.isEmpty())
        return {};
    QStringList cols, tuples;
    for (const ColumnMapping &c : std::as_const(m_mapping.columns))
        cols << c.source.name;
    const int n = int(m_keyIndexes.size());
    QStringList marks;
    for (int i = 0; i < n; ++i)
        marks << QStringLiteral("?");
    const QString one = n == 1 ? marks.first() : QLatin1Char('(') + marks.join(QStringLiteral(", ")) + QLatin1Char(')');
    for (int i = 0; i < keys.size(); ++i)
        tuples << one;
    const QString key = n == 1 ? quoteMySqlIdentifier(m_mapping.keyColumns.first())
                               : QLatin1Char('(') + KeysetSql::mysqlColumnList(m_mapping.keyColumns) + QLatin1Char(')');
    const QString sql = QStringLiteral("SELECT ") + KeysetSql::mysqlColumnList(cols) + QStringLiteral(" FROM ") +
                        quoteMySqlQualifiedName(m_plan.source.database, m_mapping.source.name) +
                        QStringLiteral(" WHERE ") + key + QStringLiteral(" IN (") +
                        tuples.join(QStringLiteral(", ")) + QLatin1Char(')');
    return readSource(sql, keys, cols);
}

RowSet TableComparer::targetRowsByKeys(const QList<ValidationKey> &keys)
{
    if (keys.isEmpty())
        return {};
    QStringList cols, keyNames, tuples;
    for (const ColumnMapping &c : std::as_const(m_mapping.columns))
        cols << c.targetName;
    for (int k : std::as_const(m_keyIndexes))
        keyNames << m_mapping.columns.at(k).targetName;
    const int n = int(keyNames.size());
    int next = 1;
    for (int i = 0; i < keys.size(); ++i) {
        QStringList p;
        for (int j = 0; j < n; ++j)
            p << QStringLiteral("$%1").arg(next++);
        tuples << (n == 1 ? p.first() : QLatin1Char('(') + p.join(QStringLiteral(", ")) + QLatin1Char(')'));
    }
    const QString key = n == 1 ? quotePgIdentifier(keyNames.first())
                               : QLatin1Char('(') + KeysetSql::pgColumnList(keyNames) + QLatin1Char(')');
    const QString sql = QStringLiteral("SELECT ") + KeysetSql::pgColumnList(cols) + QStringLiteral(" FROM ") +
                        quotePgQualifiedName(m_schema, m_targetTable) + QStringLiteral(" WHERE ") + key +
                        QStringLiteral(" IN (") + tuples.join(QStringLiteral(", ")) + QLatin1Char(')');
    return readTarget(sql, keys, cols);
}

std::optional<std::pair<ValidationKey, ValidationKey>> TableComparer::sourceKeyBounds()
{
    // Binary protocol: the values arrive typed, as every other source read.
    MySqlStatement st(d->source, ValidationSql::mysqlMinMax(m_plan.source.database, m_mapping.source.name,
                                                            m_mapping.keyColumns.first()));
    st.execute();
    std::optional<std::pair<ValidationKey, ValidationKey>> bounds;
    while (st.fetch()) {
        const ValueCodec &codec = m_codecs.at(m_keyIndexes.first());
        const auto lo = codec.canonicalSource(SourceValue::fromMySql(st.value(0)));
        const auto hi = codec.canonicalSource(SourceValue::fromMySql(st.value(1)));
        if (lo && hi)
            bounds = std::make_pair(ValidationKey{{*lo}}, ValidationKey{{*hi}});
    }
    return bounds;
}

std::optional<ValidationKey> TableComparer::sourceSeek(const ValidationKey &atLeast)
{
    MySqlStatement st(d->source, ValidationSql::mysqlSeek(m_plan.source.database, m_mapping.source.name,
                                                          m_mapping.keyColumns.first()));
    int index = 0;
    bindMySqlKey(st, index, atLeast, m_keyKinds);
    st.execute();
    std::optional<ValidationKey> key;
    while (st.fetch()) {
        ValidationKey k;
        k.parts << m_codecs.at(m_keyIndexes.first())
                       .canonicalSource(SourceValue::fromMySql(st.value(0)))
                       .value_or(QByteArray());
        key = k;
    }
    return key;
}

} // namespace switchyard::core
