#include "source/SchemaIntrospector.h"

#include "common/DbError.h"
#include "source/MySqlConnection.h"
#include "source/MySqlStatement.h"

#include <QMap>
#include <QRegularExpression>

namespace switchyard::core {

namespace {

using Row = QList<std::optional<QString>>;

// Runs a prepared statement with text parameters and reads every row as text.
QList<Row> select(MySqlConnection &conn, const QString &sql, const QStringList &params)
{
    MySqlStatement st(conn, sql);
    for (int i = 0; i < params.size(); ++i)
        st.bindString(i, params.at(i));
    st.execute();
    QList<Row> rows;
    while (st.fetch()) {
        Row row;
        for (int c = 0; c < st.columnCount(); ++c) {
            const MySqlValue v = st.value(c);
            switch (v.kind()) {
            case MySqlValue::Kind::Null: row << std::nullopt; break;
            case MySqlValue::Kind::Int: row << QString::number(v.toInt64()); break;
            case MySqlValue::Kind::UInt: row << QString::number(v.toUInt64()); break;
            case MySqlValue::Kind::Double: row << QString::number(v.toDouble(), 'g', 17); break;
            case MySqlValue::Kind::Time: row << QString(); break;
            case MySqlValue::Kind::Bytes: row << QString::fromUtf8(v.bytes()); break;
            }
        }
        rows << row;
    }
    return rows;
}

QString text(const Row &r, int i) { return r.value(i).value_or(QString()); }
std::optional<qint64> number(const Row &r, int i)
{
    if (!r.value(i))
        return std::nullopt;
    bool ok = false;
    const qint64 v = r.value(i)->toLongLong(&ok);
    return ok ? std::optional<qint64>(v) : std::nullopt;
}

// MariaDB prints literal defaults quoted and NULL as the word NULL.
void parseMariaDbDefault(SourceColumn &c, const std::optional<QString> &raw)
{
    if (!raw || *raw == QLatin1String("NULL")) {
        c.defaultValue.reset();
        return;
    }
    const QString v = *raw;
    if (v.size() >= 2 && v.startsWith(QLatin1Char('\'')) && v.endsWith(QLatin1Char('\''))) {
        QString inner = v.mid(1, v.size() - 2);
        // MariaDB escapes like SQL: '' for a quote, backslash escapes.
        QString out;
        for (int i = 0; i < inner.size(); ++i) {
            const QChar ch = inner.at(i);
            if (ch == QLatin1Char('\'') && i + 1 < inner.size() && inner.at(i + 1) == QLatin1Char('\'')) {
                out += QLatin1Char('\'');
                ++i;
            } else if (ch == QLatin1Char('\\') && i + 1 < inner.size()) {
                const QChar e = inner.at(++i);
                out += e == QLatin1Char('n') ? QChar(QLatin1Char('\n'))
                    : e == QLatin1Char('t')  ? QChar(QLatin1Char('\t'))
                    : e == QLatin1Char('r')  ? QChar(QLatin1Char('\r'))
                    : e == QLatin1Char('0')  ? QChar(0)
                                             : e;
            } else {
                out += ch;
            }
        }
        c.defaultValue = out;
        c.defaultIsExpression = false;
        return;
    }
    static const QRegularExpression numberRe(QStringLiteral(R"(^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$)"));
    c.defaultValue = v;
    c.defaultIsExpression = !(numberRe.match(v).hasMatch() || v.startsWith(QLatin1String("b'")));
}

} // namespace

SchemaIntrospector::SchemaIntrospector(MySqlConnection &connection)
    : m_connection(connection), m_isMariaDB(connection.isMariaDB())
{
}

QStringList SchemaIntrospector::tableNames(const QString &schema)
{
    QStringList names;
    const auto rows = select(m_connection,
                             QStringLiteral("SELECT TABLE_NAME FROM information_schema.TABLES "
                                            "WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' "
                                            "ORDER BY TABLE_NAME"),
                             {schema});
    for (const Row &r : rows)
        names << text(r, 0);
    return names;
}

SourceTable SchemaIntrospector::table(const QString &schema, const QString &name)
{
    SourceTable t;
    t.schema = schema;
    t.name = name;

    const auto tables = select(m_connection,
        QStringLiteral("SELECT TABLE_NAME, ENGINE, TABLE_COLLATION, TABLE_COMMENT, TABLE_ROWS, "
                       "DATA_LENGTH + INDEX_LENGTH, AUTO_INCREMENT FROM information_schema.TABLES "
                       "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"),
        {schema, name});
    if (tables.isEmpty()) {
        DbError e;
        e.engine = DbError::Engine::MySQL;
        e.nativeCode = 1146;
        e.sqlState = QStringLiteral("42S02");
        e.message = QStringLiteral("Table '%1.%2' doesn't exist").arg(schema, name);
        e.context = QStringLiteral("introspect %1.%2").arg(schema, name);
        throw DbException(e);
    }
    const Row &tr = tables.first();
    t.name = text(tr, 0); // the server's spelling
    t.engine = text(tr, 1);
    t.collation = text(tr, 2);
    t.comment = text(tr, 3);
    t.approxRows = number(tr, 4).value_or(0);
    t.approxBytes = number(tr, 5).value_or(0);
    if (const auto ai = number(tr, 6))
        t.autoIncrement = quint64(*ai);

    // Check constraints first: MariaDB's JSON columns are recognised by theirs.
    const auto checks = m_isMariaDB
        ? select(m_connection,
                 QStringLiteral("SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                                "WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME"),
                 {schema, t.name})
        : select(m_connection,
                 QStringLiteral("SELECT cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE FROM information_schema.TABLE_CONSTRAINTS tc "
                                "JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA "
                                "AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME WHERE tc.TABLE_SCHEMA = ? AND "
                                "tc.TABLE_NAME = ? AND tc.CONSTRAINT_TYPE = 'CHECK' ORDER BY cc.CONSTRAINT_NAME"),
                 {schema, t.name});
    QStringList jsonColumns;
    static const QRegularExpression jsonValid(QStringLiteral(R"(^\s*json_valid\(`((?:[^`]|``)+)`\)\s*$)"),
                                              QRegularExpression::CaseInsensitiveOption);
    for (const Row &r : checks) {
        const QString clause = text(r, 1);
        const auto m = jsonValid.match(clause);
        if (m.hasMatch()) {
            jsonColumns << m.captured(1).replace(QStringLiteral("``"), QStringLiteral("`"));
            continue;
        }
        t.checks << SourceCheck{text(r, 0), clause};
    }

    const auto columns = select(m_connection,
        QStringLiteral("SELECT COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, CHARACTER_MAXIMUM_LENGTH, "
                       "NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, IS_NULLABLE, COLUMN_DEFAULT, "
                       "EXTRA, GENERATION_EXPRESSION, CHARACTER_SET_NAME, COLLATION_NAME, COLUMN_COMMENT "
                       "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
                       "ORDER BY ORDINAL_POSITION"),
        {schema, t.name});
    for (const Row &r : columns) {
        SourceColumn c = SourceColumn::fromDefinition(text(r, 0), text(r, 3),
                                                      text(r, 8) == QLatin1String("YES"));
        c.ordinal = int(number(r, 1).value_or(0));
        c.dataType = text(r, 2).toLower();
        c.columnType = text(r, 3);
        if (const auto n = number(r, 4))
            c.charLength = *n;
        if (c.dataType != QLatin1String("float") && c.dataType != QLatin1String("double")) {
            if (const auto n = number(r, 5))
                c.precision = int(*n);
        }
        if (c.dataType == QLatin1String("bit"))
            c.precision = int(number(r, 5).value_or(1));
        if (const auto n = number(r, 6))
            c.scale = int(*n);
        if (const auto n = number(r, 7))
            c.fractionalSeconds = int(*n);
        c.extra = text(r, 10);
        const QString extra = c.extra.toLower();
        c.autoIncrement = extra.contains(QLatin1String("auto_increment"));
        c.onUpdateCurrentTimestamp = extra.contains(QLatin1String("on update"));
        c.generationExpression = text(r, 11);
        c.generatedStored = extra.contains(QLatin1String("stored generated")) || extra.contains(QLatin1String("persistent"));
        if (!extra.contains(QLatin1String("virtual generated")) && !c.generatedStored)
            c.generationExpression.clear();
        c.characterSet = text(r, 12);
        c.collation = text(r, 13);
        c.comment = text(r, 14);
        if (c.isGenerated()) {
            c.defaultValue.reset();
        } else if (m_isMariaDB) {
            parseMariaDbDefault(c, r.value(9));
        } else {
            c.defaultValue = r.value(9);
            c.defaultIsExpression = extra.contains(QLatin1String("default_generated"));
        }
        if (jsonColumns.contains(c.name) && c.dataType == QLatin1String("longtext"))
            c.dataType = QStringLiteral("json");
        t.columns << c;
    }

    const auto stats = select(m_connection,
        QStringLiteral("SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE, COLLATION "
                       "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
                       "ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX"),
        {schema, t.name});
    QList<SourceIndex> indexes;
    for (const Row &r : stats) {
        const QString indexName = text(r, 0);
        if (indexes.isEmpty() || indexes.last().name != indexName) {
            SourceIndex idx;
            idx.name = indexName;
            idx.primary = indexName == QLatin1String("PRIMARY");
            idx.unique = number(r, 1).value_or(1) == 0;
            idx.method = text(r, 4);
            indexes << idx;
        }
        SourceIndex &idx = indexes.last();
        idx.columns << text(r, 2); // empty for a functional key part (MySQL 8)
        idx.prefixLengths << int(number(r, 3).value_or(0));
        idx.descending << (text(r, 5) == QLatin1String("D"));
    }
    for (const SourceIndex &idx : indexes) {
        if (idx.primary)
            t.primaryKey = idx;
        else
            t.indexes << idx;
    }

    const auto fks = select(m_connection,
        QStringLiteral("SELECT kcu.CONSTRAINT_NAME, kcu.COLUMN_NAME, kcu.REFERENCED_TABLE_NAME, "
                       "kcu.REFERENCED_COLUMN_NAME, rc.UPDATE_RULE, rc.DELETE_RULE "
                       "FROM information_schema.KEY_COLUMN_USAGE kcu "
                       "JOIN information_schema.REFERENTIAL_CONSTRAINTS rc "
                       "ON rc.CONSTRAINT_SCHEMA = kcu.CONSTRAINT_SCHEMA AND rc.CONSTRAINT_NAME = kcu.CONSTRAINT_NAME "
                       "AND rc.TABLE_NAME = kcu.TABLE_NAME "
                       "WHERE kcu.TABLE_SCHEMA = ? AND kcu.TABLE_NAME = ? AND kcu.REFERENCED_TABLE_NAME IS NOT NULL "
                       "ORDER BY kcu.CONSTRAINT_NAME, kcu.ORDINAL_POSITION"),
        {schema, t.name});
    for (const Row &r : fks) {
        const QString fkName = text(r, 0);
        if (t.foreignKeys.isEmpty() || t.foreignKeys.last().name != fkName) {
            SourceForeignKey fk;
            fk.name = fkName;
            fk.referencedTable = text(r, 2);
            fk.onUpdate = text(r, 4);
            fk.onDelete = text(r, 5);
            t.foreignKeys << fk;
        }
        t.foreignKeys.last().columns << text(r, 1);
        t.foreignKeys.last().referencedColumns << text(r, 3);
    }
    return t;
}

std::optional<QString> SchemaIntrospector::maxValue(const SourceTable &table, const QString &column)
{
    const QueryResult r = m_connection.query(
        QStringLiteral("SELECT CAST(MAX(%1) AS CHAR) FROM %2")
            .arg(quoteMySqlIdentifier(column), quoteMySqlQualifiedName(table.schema, table.name)));
    if (r.isEmpty() || !r.rows.first().value(0))
        return std::nullopt;
    return r.text(0, 0);
}

std::optional<quint64> SchemaIntrospector::autoIncrement(const QString &schema, const QString &table)
{
    // information_schema.TABLES may be cached (MySQL 8: information_schema_stats_expiry);
    // SHOW TABLE STATUS is too. Refresh MySQL 8's cache for this session first.
    if (!m_isMariaDB)
        m_connection.exec(QStringLiteral("SET SESSION information_schema_stats_expiry = 0"));
    const auto rows = select(m_connection,
                             QStringLiteral("SELECT AUTO_INCREMENT FROM information_schema.TABLES "
                                            "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"),
                             {schema, table});
    if (rows.isEmpty())
        return std::nullopt;
    const auto n = number(rows.first(), 0);
    return n ? std::optional<quint64>(quint64(*n)) : std::nullopt;
}

QList<SchemaIntrospector::Collision> SchemaIntrospector::lowerCaseCollisions(const SourceTable &table,
                                                                            const SourceIndex &key, int limit)
{
    QStringList exprs;
    QStringList notNull; // unique keys allow any number of NULLs, on both sides
    for (const QString &col : key.columns) {
        const SourceColumn *c = table.column(col);
        if (!c)
            return {};
        const QString q = quoteMySqlIdentifier(col);
        const bool textual = !c->characterSet.isEmpty();
        notNull << QStringLiteral("%1 IS NOT NULL").arg(q);
        exprs << (textual ? QStringLiteral("LOWER(CONVERT(%1 USING utf8mb4)) COLLATE utf8mb4_bin").arg(q)
                          : q);
    }
    QStringList aliases;
    QStringList selects;
    for (int i = 0; i < exprs.size(); ++i) {
        aliases << QStringLiteral("k%1").arg(i);
        selects << QStringLiteral("%1 AS k%2").arg(exprs.at(i), QString::number(i));
    }
    const QueryResult r = m_connection.query(
        QStringLiteral("SELECT %1, COUNT(*) FROM %2 WHERE %3 GROUP BY %4 HAVING COUNT(*) > 1 LIMIT %5")
            .arg(selects.join(QStringLiteral(", ")), quoteMySqlQualifiedName(table.schema, table.name),
                 notNull.join(QStringLiteral(" AND ")), aliases.join(QStringLiteral(", ")),
                 QString::number(limit)));
    QList<Collision> out;
    for (int row = 0; row < r.rowCount(); ++row) {
        Collision c;
        for (int i = 0; i < exprs.size(); ++i)
            c.values << r.text(row, i);
        c.rows = r.text(row, int(exprs.size())).toLongLong();
        out << c;
    }
    return out;
}

} // namespace switchyard::core
