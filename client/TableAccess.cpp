#include "client/TableAccess.h"

#include "source/MySqlConnection.h"
#include "source/MySqlStatement.h"
#include "target/PgConnection.h"
#include "types/SchemaConversion.h"
#include "types/SourceValue.h"
#include "validate/ValidationTypes.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <pqxx/pqxx>

#include <stdexcept>

namespace switchyard::client {

using namespace switchyard::core;

namespace {

void bindVariant(MySqlStatement &st, int index, const QVariant &v)
{
    if (!v.isValid() || v.isNull()) {
        st.bindNull(index);
        return;
    }
    switch (v.typeId()) {
    case QMetaType::Bool:
        st.bindInt64(index, v.toBool() ? 1 : 0);
        break;
    case QMetaType::Int:
    case QMetaType::Long:
    case QMetaType::LongLong:
    case QMetaType::Short:
        st.bindInt64(index, v.toLongLong());
        break;
    case QMetaType::UInt:
    case QMetaType::ULong:
    case QMetaType::ULongLong:
    case QMetaType::UShort:
        st.bindUInt64(index, v.toULongLong());
        break;
    case QMetaType::Double:
    case QMetaType::Float:
        st.bindDouble(index, v.toDouble());
        break;
    case QMetaType::QByteArray:
        st.bindBytes(index, v.toByteArray());
        break;
    case QMetaType::QDateTime:
        st.bindString(index, v.toDateTime().toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
        break;
    default:
        st.bindString(index, v.toString());
        break;
    }
}

std::optional<std::string> pgText(const QVariant &v, TargetFamily family)
{
    if (!v.isValid() || v.isNull())
        return std::nullopt;
    switch (v.typeId()) {
    case QMetaType::Bool:
        return std::string(v.toBool() ? "true" : "false");
    case QMetaType::QByteArray:
        if (family == TargetFamily::Bytea)
            return "\\x" + v.toByteArray().toHex().toStdString();
        return v.toByteArray().toStdString();
    case QMetaType::QDateTime:
        return v.toDateTime().toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")).toStdString();
    default:
        if (family == TargetFamily::Boolean &&
            (v.typeId() == QMetaType::Int || v.typeId() == QMetaType::LongLong))
            return std::string(v.toLongLong() != 0 ? "true" : "false");
        return v.toString().toStdString();
    }
}

// One value of ValueCodec::encodeCopy() output (COPY text format) back to
// the plain text PostgreSQL parses for a parameter. nullopt for \N.
std::optional<std::string> fromCopyText(const QByteArray &copy)
{
    if (copy == "\\N")
        return std::nullopt;
    std::string out;
    out.reserve(size_t(copy.size()));
    for (qsizetype i = 0; i < copy.size(); ++i) {
        const char c = copy.at(i);
        if (c != '\\' || i + 1 >= copy.size()) {
            out.push_back(c);
            continue;
        }
        const char n = copy.at(++i);
        switch (n) {
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'v': out.push_back('\v'); break;
        default: out.push_back(n); break;
        }
    }
    return out;
}

} // namespace

TableAccess TableAccess::load(const Plan &plan, const QString &table, MySqlConnection &source)
{
    const TableSpec *spec = plan.table(table);
    if (!spec)
        throw std::invalid_argument(
            QStringLiteral("table '%1' is not in the plan").arg(table).toStdString());
    const SchemaConversion conversion = convertSchema(plan, source);
    const TableMapping *mapping = conversion.table(table);
    if (!mapping)
        throw std::invalid_argument(
            QStringLiteral("table '%1' was not found on the source").arg(table).toStdString());
    if (mapping->hasErrors() || mapping->keyColumns.isEmpty())
        throw std::invalid_argument(
            QStringLiteral("table '%1' cannot be mapped (no key, or mapping errors: see "
                           "'switchyard-cli schema show')")
                .arg(table)
                .toStdString());
    TableAccess t;
    t.m_mapping = *mapping;
    t.m_policies = plan.types;
    for (const ColumnMapping &c : t.m_mapping.columns)
        t.m_codecs << ValueCodec(c, plan.types);
    t.m_targetSchema = plan.target.schema.isEmpty() ? QStringLiteral("public") : plan.target.schema;
    t.m_targetTable = spec->effectiveTargetName();
    return t;
}

QStringList TableAccess::columns() const
{
    QStringList out;
    for (const ColumnMapping &c : m_mapping.columns)
        out << c.source.name;
    return out;
}

bool TableAccess::hasGeneratedKey() const
{
    if (m_mapping.keyColumns.size() != 1)
        return false;
    const ColumnMapping *c = m_mapping.column(m_mapping.keyColumns.first());
    return c && c->identity;
}

QString TableAccess::entityId(const QVariantList &key)
{
    QStringList parts;
    for (const QVariant &v : key)
        parts << v.toString();
    return parts.join(QLatin1Char(','));
}

QString TableAccess::keyJson(const QVariantList &key) const
{
    // The ValidationKey form ([42], [7,"eu"]): each key value in the canonical
    // text validation and repair use, so a queued key is the mismatch key.
    ValidationKey k;
    QList<CanonicalKind> kinds;
    for (int i = 0; i < m_mapping.keyColumns.size() && i < key.size(); ++i) {
        int col = 0;
        while (m_mapping.columns.at(col).source.name != m_mapping.keyColumns.at(i))
            ++col; // a key column is always mapped (load() checks the mapping)
        const QVariant &v = key.at(i);
        QByteArray text;
        SourceValue sv;
        switch (v.typeId()) {
        case QMetaType::Int:
        case QMetaType::Long:
        case QMetaType::LongLong:
        case QMetaType::Short:
            sv = SourceValue::fromInt(v.toLongLong());
            break;
        case QMetaType::UInt:
        case QMetaType::ULong:
        case QMetaType::ULongLong:
        case QMetaType::UShort:
            sv = SourceValue::fromUInt(v.toULongLong());
            break;
        case QMetaType::QByteArray:
            text = v.toByteArray();
            sv = SourceValue::fromBytes(text);
            break;
        default:
            text = v.toString().toUtf8();
            sv = SourceValue::fromBytes(text);
            break;
        }
        k.parts << m_codecs.at(col).canonicalSource(sv).value_or(text);
        kinds << m_mapping.columns.at(col).canonical;
    }
    return k.toJson(kinds);
}

void TableAccess::prepareTargetSession(PgConnection &target)
{
    target.exec(QStringLiteral("SET extra_float_digits = 3"));
    target.exec(QStringLiteral("SET DateStyle = ISO"));
    target.exec(QStringLiteral("SET bytea_output = hex"));
    target.exec(QStringLiteral("SET IntervalStyle = postgres"));
}

void TableAccess::checkColumns(const QStringList &names) const
{
    for (const QString &n : names) {
        if (!m_mapping.column(n))
            throw std::invalid_argument(
                QStringLiteral("table '%1' has no column '%2'").arg(table(), n).toStdString());
    }
}

QString TableAccess::sourceKeyWhere() const
{
    QStringList parts;
    for (const QString &k : m_mapping.keyColumns)
        parts << QStringLiteral("%1 = ?").arg(quoteMySqlIdentifier(k));
    return parts.join(QStringLiteral(" AND "));
}

QString TableAccess::targetKeyWhere(int firstParam) const
{
    QStringList parts;
    for (int i = 0; i < m_mapping.keyColumns.size(); ++i)
        parts << QStringLiteral("%1 = $%2")
                     .arg(quotePgIdentifier(m_mapping.column(m_mapping.keyColumns.at(i))->targetName))
                     .arg(firstParam + i);
    return parts.join(QStringLiteral(" AND "));
}

std::vector<std::optional<std::string>> TableAccess::targetKeyParams(const QVariantList &key) const
{
    if (key.size() != m_mapping.keyColumns.size())
        throw std::invalid_argument(QStringLiteral("table '%1' has a key of %2 column(s), got %3 value(s)")
                                        .arg(table())
                                        .arg(m_mapping.keyColumns.size())
                                        .arg(key.size())
                                        .toStdString());
    std::vector<std::optional<std::string>> params;
    for (int i = 0; i < key.size(); ++i)
        params.push_back(pgText(key.at(i), m_mapping.column(m_mapping.keyColumns.at(i))->family));
    return params;
}

std::optional<CanonicalRow> TableAccess::readSource(MySqlConnection &source, const QVariantList &key) const
{
    targetKeyParams(key); // checks the key's arity
    QStringList select;
    for (const ColumnMapping &c : m_mapping.columns)
        select << quoteMySqlIdentifier(c.source.name);
    MySqlStatement st(source, QStringLiteral("SELECT %1 FROM %2 WHERE %3")
                                  .arg(select.join(QStringLiteral(", ")),
                                       quoteMySqlIdentifier(table()), sourceKeyWhere()));
    for (int i = 0; i < key.size(); ++i)
        bindVariant(st, i, key.at(i));
    st.execute();
    std::optional<CanonicalRow> row;
    while (st.fetch()) {
        CanonicalRow r;
        r.columns = columns();
        for (int i = 0; i < m_codecs.size(); ++i)
            r.values << m_codecs.at(i).canonicalSource(SourceValue::fromMySql(st.value(i)));
        row = r;
    }
    return row;
}

std::optional<CanonicalRow> TableAccess::readTarget(PgConnection &target, const QVariantList &key) const
{
    const auto params = targetKeyParams(key);
    QStringList select;
    for (const ColumnMapping &c : m_mapping.columns)
        select << quotePgIdentifier(c.targetName);
    const std::string sql = QStringLiteral("SELECT %1 FROM %2 WHERE %3")
                                .arg(select.join(QStringLiteral(", ")),
                                     quotePgQualifiedName(m_targetSchema, m_targetTable),
                                     targetKeyWhere(1))
                                .toStdString();
    return target.run(QStringLiteral("reading %1 on the target").arg(m_targetTable), [&] {
        pqxx::nontransaction tx(target.connection());
        const pqxx::result r = tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
        std::optional<CanonicalRow> row;
        if (r.empty())
            return row;
        CanonicalRow out;
        out.columns = columns();
        for (int i = 0; i < m_codecs.size(); ++i) {
            std::optional<QByteArray> text;
            if (!r[0][i].is_null())
                text = QByteArray(r[0][i].c_str(), int(r[0][i].size()));
            out.values << m_codecs.at(i).canonicalTarget(text);
        }
        row = out;
        return row;
    });
}

QVariantList TableAccess::insertSource(MySqlConnection &source, const QVariantMap &values) const
{
    checkColumns(values.keys());
    QStringList cols;
    QStringList marks;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        cols << quoteMySqlIdentifier(it.key());
        marks << QStringLiteral("?");
    }
    MySqlStatement st(source, QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                                  .arg(quoteMySqlIdentifier(table()), cols.join(QStringLiteral(", ")),
                                       marks.join(QStringLiteral(", "))));
    int i = 0;
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        bindVariant(st, i++, it.value());
    st.execute();
    QVariantList key;
    for (const QString &k : m_mapping.keyColumns) {
        if (values.contains(k))
            key << values.value(k);
        else
            key << QVariant::fromValue(qulonglong(st.insertId()));
    }
    return key;
}

quint64 TableAccess::updateSource(MySqlConnection &source, const QVariantList &key,
                                  const QVariantMap &changes) const
{
    checkColumns(changes.keys());
    targetKeyParams(key);
    QStringList sets;
    for (auto it = changes.cbegin(); it != changes.cend(); ++it)
        sets << QStringLiteral("%1 = ?").arg(quoteMySqlIdentifier(it.key()));
    MySqlStatement st(source, QStringLiteral("UPDATE %1 SET %2 WHERE %3")
                                  .arg(quoteMySqlIdentifier(table()), sets.join(QStringLiteral(", ")),
                                       sourceKeyWhere()));
    int i = 0;
    for (auto it = changes.cbegin(); it != changes.cend(); ++it)
        bindVariant(st, i++, it.value());
    for (const QVariant &k : key)
        bindVariant(st, i++, k);
    st.execute();
    return st.affectedRows();
}

quint64 TableAccess::deleteSource(MySqlConnection &source, const QVariantList &key) const
{
    targetKeyParams(key);
    MySqlStatement st(source, QStringLiteral("DELETE FROM %1 WHERE %2")
                                  .arg(quoteMySqlIdentifier(table()), sourceKeyWhere()));
    for (int i = 0; i < key.size(); ++i)
        bindVariant(st, i, key.at(i));
    st.execute();
    return st.affectedRows();
}

QVariantList TableAccess::insertTarget(PgConnection &target, const QVariantMap &values) const
{
    checkColumns(values.keys());
    QStringList cols;
    QStringList marks;
    std::vector<std::optional<std::string>> params;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        const ColumnMapping *c = m_mapping.column(it.key());
        cols << quotePgIdentifier(c->targetName);
        params.push_back(pgText(it.value(), c->family));
        marks << QStringLiteral("$%1").arg(params.size());
    }
    QStringList returning;
    for (const QString &k : m_mapping.keyColumns)
        returning << quotePgIdentifier(m_mapping.column(k)->targetName);
    const std::string sql = QStringLiteral("INSERT INTO %1 (%2) VALUES (%3) RETURNING %4")
                                .arg(quotePgQualifiedName(m_targetSchema, m_targetTable),
                                     cols.join(QStringLiteral(", ")), marks.join(QStringLiteral(", ")),
                                     returning.join(QStringLiteral(", ")))
                                .toStdString();
    return target.run(QStringLiteral("inserting into %1 on the target").arg(m_targetTable), [&] {
        pqxx::work tx(target.connection());
        const pqxx::result r = tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
        tx.commit();
        QVariantList key;
        for (int i = 0; i < m_mapping.keyColumns.size(); ++i)
            key << QString::fromStdString(r[0][i].as<std::string>());
        return key;
    });
}

quint64 TableAccess::updateTarget(PgConnection &target, const QVariantList &key,
                                  const QVariantMap &changes) const
{
    checkColumns(changes.keys());
    QStringList sets;
    std::vector<std::optional<std::string>> params;
    for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
        const ColumnMapping *c = m_mapping.column(it.key());
        params.push_back(pgText(it.value(), c->family));
        sets << QStringLiteral("%1 = $%2").arg(quotePgIdentifier(c->targetName)).arg(params.size());
    }
    const int first = int(params.size()) + 1;
    for (auto &p : targetKeyParams(key))
        params.push_back(p);
    const std::string sql = QStringLiteral("UPDATE %1 SET %2 WHERE %3")
                                .arg(quotePgQualifiedName(m_targetSchema, m_targetTable),
                                     sets.join(QStringLiteral(", ")), targetKeyWhere(first))
                                .toStdString();
    return target.run(QStringLiteral("updating %1 on the target").arg(m_targetTable), [&] {
        pqxx::work tx(target.connection());
        const pqxx::result r = tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
        tx.commit();
        return quint64(r.affected_rows());
    });
}

bool TableAccess::copySourceRowToTarget(MySqlConnection &source, PgConnection &target,
                                        const QVariantList &key) const
{
    targetKeyParams(key);
    QStringList select;
    QList<int> copied;
    for (int i = 0; i < m_mapping.columns.size(); ++i) {
        // PostgreSQL computes GENERATED … STORED columns itself.
        if (!m_mapping.columns.at(i).generatedExpression.isEmpty())
            continue;
        select << quoteMySqlIdentifier(m_mapping.columns.at(i).source.name);
        copied << i;
    }
    MySqlStatement st(source, QStringLiteral("SELECT %1 FROM %2 WHERE %3")
                                  .arg(select.join(QStringLiteral(", ")),
                                       quoteMySqlIdentifier(table()), sourceKeyWhere()));
    for (int i = 0; i < key.size(); ++i)
        bindVariant(st, i, key.at(i));
    st.execute();
    std::optional<std::vector<std::optional<std::string>>> params;
    QString rejected;
    while (st.fetch()) {
        std::vector<std::optional<std::string>> row;
        for (int j = 0; j < copied.size(); ++j) {
            QByteArray buf;
            const CodecResult r =
                m_codecs.at(copied.at(j)).encodeCopy(SourceValue::fromMySql(st.value(j)), buf);
            if (r.isRejected())
                rejected = QStringLiteral("column %1: %2")
                               .arg(m_mapping.columns.at(copied.at(j)).source.name, r.reason);
            row.push_back(fromCopyText(buf));
        }
        params = std::move(row);
    }
    if (!rejected.isEmpty())
        throw std::runtime_error(
            QStringLiteral("the source row cannot be written to the target (%1)").arg(rejected).toStdString());
    if (!params) {
        deleteTargetRow(target, key);
        return false;
    }
    QStringList cols;
    QStringList marks;
    QStringList updates;
    for (int j = 0; j < copied.size(); ++j) {
        const ColumnMapping &c = m_mapping.columns.at(copied.at(j));
        cols << quotePgIdentifier(c.targetName);
        marks << QStringLiteral("$%1").arg(j + 1);
        if (!m_mapping.keyColumns.contains(c.source.name))
            updates << QStringLiteral("%1 = EXCLUDED.%1").arg(quotePgIdentifier(c.targetName));
    }
    QStringList keyTargets;
    for (const QString &k : m_mapping.keyColumns)
        keyTargets << quotePgIdentifier(m_mapping.column(k)->targetName);
    const std::string sql =
        QStringLiteral("INSERT INTO %1 (%2) VALUES (%3) ON CONFLICT (%4) DO %5")
            .arg(quotePgQualifiedName(m_targetSchema, m_targetTable), cols.join(QStringLiteral(", ")),
                 marks.join(QStringLiteral(", ")), keyTargets.join(QStringLiteral(", ")),
                 updates.isEmpty() ? QStringLiteral("NOTHING")
                                   : QStringLiteral("UPDATE SET ") + updates.join(QStringLiteral(", ")))
            .toStdString();
    target.run(QStringLiteral("upserting into %1 on the target").arg(m_targetTable), [&] {
        pqxx::work tx(target.connection());
        tx.exec_params(sql, pqxx::prepare::make_dynamic_params(*params));
        tx.commit();
    });
    return true;
}

quint64 TableAccess::deleteTargetRow(PgConnection &target, const QVariantList &key) const
{
    const auto params = targetKeyParams(key);
    const std::string sql = QStringLiteral("DELETE FROM %1 WHERE %2")
                                .arg(quotePgQualifiedName(m_targetSchema, m_targetTable),
                                     targetKeyWhere(1))
                                .toStdString();
    return target.run(QStringLiteral("deleting from %1 on the target").arg(m_targetTable), [&] {
        pqxx::work tx(target.connection());
        const pqxx::result r = tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
        tx.commit();
        return quint64(r.affected_rows());
    });
}

} // namespace switchyard::client
