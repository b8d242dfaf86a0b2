#include "types/TypeMapping.h"

#include "types/SqlTranslator.h"

#include <QRegularExpression>

namespace switchyard::core {

QString targetFamilyName(TargetFamily f)
{
    switch (f) {
    case TargetFamily::Boolean: return QStringLiteral("boolean");
    case TargetFamily::SmallInt: return QStringLiteral("smallint");
    case TargetFamily::Integer: return QStringLiteral("integer");
    case TargetFamily::BigInt: return QStringLiteral("bigint");
    case TargetFamily::Numeric: return QStringLiteral("numeric");
    case TargetFamily::Real: return QStringLiteral("real");
    case TargetFamily::Double: return QStringLiteral("double precision");
    case TargetFamily::Text: return QStringLiteral("text");
    case TargetFamily::Char: return QStringLiteral("char");
    case TargetFamily::Bytea: return QStringLiteral("bytea");
    case TargetFamily::Date: return QStringLiteral("date");
    case TargetFamily::Timestamp: return QStringLiteral("timestamp");
    case TargetFamily::Timestamptz: return QStringLiteral("timestamptz");
    case TargetFamily::Time: return QStringLiteral("time");
    case TargetFamily::Interval: return QStringLiteral("interval");
    case TargetFamily::Jsonb: return QStringLiteral("jsonb");
    case TargetFamily::Json: return QStringLiteral("json");
    case TargetFamily::TextArray: return QStringLiteral("text[]");
    case TargetFamily::VarBit: return QStringLiteral("bit varying");
    case TargetFamily::Enum: return QStringLiteral("enum");
    }
    return QString();
}

QString canonicalKindName(CanonicalKind k)
{
    switch (k) {
    case CanonicalKind::Integer: return QStringLiteral("integer");
    case CanonicalKind::Decimal: return QStringLiteral("decimal");
    case CanonicalKind::Float: return QStringLiteral("float");
    case CanonicalKind::Boolean: return QStringLiteral("boolean");
    case CanonicalKind::Text: return QStringLiteral("text");
    case CanonicalKind::PaddedText: return QStringLiteral("padded-text");
    case CanonicalKind::Bytes: return QStringLiteral("bytes");
    case CanonicalKind::Date: return QStringLiteral("date");
    case CanonicalKind::Timestamp: return QStringLiteral("timestamp");
    case CanonicalKind::TimestampUtc: return QStringLiteral("timestamp-utc");
    case CanonicalKind::Time: return QStringLiteral("time");
    case CanonicalKind::Json: return QStringLiteral("json");
    case CanonicalKind::Set: return QStringLiteral("set");
    case CanonicalKind::Bits: return QStringLiteral("bits");
    }
    return QString();
}

QString SchemaWarning::severityName(Severity s)
{
    switch (s) {
    case Severity::Info: return QStringLiteral("note");
    case Severity::Warning: return QStringLiteral("warning");
    case Severity::Error: return QStringLiteral("error");
    }
    return QString();
}

QString SchemaWarning::toString() const
{
    QString s;
    if (where.isValid())
        s += where.toString() + QStringLiteral(": ");
    s += severityName(severity) + QStringLiteral(": ") + table;
    if (!column.isEmpty())
        s += QLatin1Char('.') + column;
    s += QStringLiteral(": ") + message;
    if (!action.isEmpty())
        s += QStringLiteral(" — ") + action;
    return s;
}

const ColumnMapping *TableMapping::column(const QString &sourceName) const
{
    for (const ColumnMapping &c : columns) {
        if (c.source.name.compare(sourceName, Qt::CaseInsensitive) == 0)
            return &c;
    }
    return nullptr;
}

bool TableMapping::hasErrors() const
{
    for (const SchemaWarning &w : warnings) {
        if (w.severity == SchemaWarning::Severity::Error)
            return true;
    }
    return false;
}

std::optional<TargetFamily> TypeMapper::familyOf(const QString &postgresType)
{
    QString t = postgresType.trimmed().toLower();
    t.replace(QRegularExpression(QStringLiteral("\\s+")), QStringLiteral(" "));
    if (t.endsWith(QLatin1String("[]"))) {
        const QString element = t.left(t.size() - 2).trimmed();
        if (element == QLatin1String("text") || element.startsWith(QLatin1String("varchar"))
            || element.startsWith(QLatin1String("character varying")))
            return TargetFamily::TextArray;
        return std::nullopt;
    }
    // Drop a type modifier: "numeric(20,0)" → "numeric", "timestamp(3) with time zone" → ...
    QString base = t;
    base.remove(QRegularExpression(QStringLiteral("\\([^)]*\\)")));
    base = base.simplified();
    static const QMap<QString, TargetFamily> families{
        {QStringLiteral("boolean"), TargetFamily::Boolean},
        {QStringLiteral("bool"), TargetFamily::Boolean},
        {QStringLiteral("smallint"), TargetFamily::SmallInt},
        {QStringLiteral("int2"), TargetFamily::SmallInt},
        {QStringLiteral("integer"), TargetFamily::Integer},
        {QStringLiteral("int"), TargetFamily::Integer},
        {QStringLiteral("int4"), TargetFamily::Integer},
        {QStringLiteral("bigint"), TargetFamily::BigInt},
        {QStringLiteral("int8"), TargetFamily::BigInt},
        {QStringLiteral("numeric"), TargetFamily::Numeric},
        {QStringLiteral("decimal"), TargetFamily::Numeric},
        {QStringLiteral("real"), TargetFamily::Real},
        {QStringLiteral("float4"), TargetFamily::Real},
        {QStringLiteral("double precision"), TargetFamily::Double},
        {QStringLiteral("float8"), TargetFamily::Double},
        {QStringLiteral("float"), TargetFamily::Double},
        {QStringLiteral("text"), TargetFamily::Text},
        {QStringLiteral("varchar"), TargetFamily::Text},
        {QStringLiteral("character varying"), TargetFamily::Text},
        {QStringLiteral("citext"), TargetFamily::Text},
        {QStringLiteral("char"), TargetFamily::Char},
        {QStringLiteral("character"), TargetFamily::Char},
        {QStringLiteral("bpchar"), TargetFamily::Char},
        {QStringLiteral("bytea"), TargetFamily::Bytea},
        {QStringLiteral("date"), TargetFamily::Date},
        {QStringLiteral("timestamp"), TargetFamily::Timestamp},
        {QStringLiteral("timestamp without time zone"), TargetFamily::Timestamp},
        {QStringLiteral("timestamptz"), TargetFamily::Timestamptz},
        {QStringLiteral("timestamp with time zone"), TargetFamily::Timestamptz},
        {QStringLiteral("time"), TargetFamily::Time},
        {QStringLiteral("time without time zone"), TargetFamily::Time},
        {QStringLiteral("interval"), TargetFamily::Interval},
        {QStringLiteral("jsonb"), TargetFamily::Jsonb},
        {QStringLiteral("json"), TargetFamily::Json},
        {QStringLiteral("bit varying"), TargetFamily::VarBit},
        {QStringLiteral("varbit"), TargetFamily::VarBit},
    };
    const auto it = families.constFind(base);
    if (it == families.constEnd())
        return std::nullopt;
    return *it;
}

namespace {

using Sev = SchemaWarning::Severity;

bool isIntegerType(const QString &t)
{
    return t == QLatin1String("tinyint") || t == QLatin1String("smallint")
        || t == QLatin1String("mediumint") || t == QLatin1String("int")
        || t == QLatin1String("bigint");
}

bool isTextType(const QString &t)
{
    return t == QLatin1String("char") || t == QLatin1String("varchar")
        || t == QLatin1String("tinytext") || t == QLatin1String("text")
        || t == QLatin1String("mediumtext") || t == QLatin1String("longtext");
}

bool isBinaryType(const QString &t)
{
    return t == QLatin1String("binary") || t == QLatin1String("varbinary")
        || t == QLatin1String("tinyblob") || t == QLatin1String("blob")
        || t == QLatin1String("mediumblob") || t == QLatin1String("longblob");
}

bool isGeometryType(const QString &t)
{
    return t == QLatin1String("geometry") || t == QLatin1String("point")
        || t == QLatin1String("linestring") || t == QLatin1String("polygon")
        || t == QLatin1String("multipoint") || t == QLatin1String("multilinestring")
        || t == QLatin1String("multipolygon") || t == QLatin1String("geometrycollection")
        || t == QLatin1String("geomcollection");
}

QString withPrecision(const QString &base, const SourceColumn &c)
{
    const int fsp = c.fractionalSeconds.value_or(0);
    return QStringLiteral("%1(%2)").arg(base).arg(fsp);
}

void warn(QList<SchemaWarning> &warnings, Sev sev, const QString &table, const QString &column,
          const QString &message, const QString &action, const SourceLocation &where = {})
{
    SchemaWarning w;
    w.severity = sev;
    w.table = table;
    w.column = column;
    w.message = message;
    w.action = action;
    w.where = where;
    warnings << w;
}

// The default decision, without overrides.
void mapDefault(ColumnMapping &m, const TypePolicies &policies, const QString &table,
                QList<SchemaWarning> &warnings)
{
    const SourceColumn &c = m.source;
    const QString &t = c.dataType;
    auto set = [&](TargetFamily f, const QString &type, CanonicalKind k) {
        m.family = f;
        m.targetType = type;
        m.canonical = k;
    };

    if (t == QLatin1String("tinyint") && c.displayWidth == 1 && policies.tinyint1AsBoolean) {
        set(TargetFamily::Boolean, QStringLiteral("boolean"), CanonicalKind::Boolean);
        m.notes << QStringLiteral("tinyint(1) read as boolean: values other than 0/1 are rejected, "
                                  "never turned into true");
    } else if (t == QLatin1String("tinyint")) {
        set(TargetFamily::SmallInt, QStringLiteral("smallint"), CanonicalKind::Integer);
    } else if (t == QLatin1String("smallint")) {
        if (c.isUnsigned)
            set(TargetFamily::Integer, QStringLiteral("integer"), CanonicalKind::Integer);
        else
            set(TargetFamily::SmallInt, QStringLiteral("smallint"), CanonicalKind::Integer);
    } else if (t == QLatin1String("mediumint")) {
        set(TargetFamily::Integer, QStringLiteral("integer"), CanonicalKind::Integer);
    } else if (t == QLatin1String("int")) {
        if (c.isUnsigned)
            set(TargetFamily::BigInt, QStringLiteral("bigint"), CanonicalKind::Integer);
        else
            set(TargetFamily::Integer, QStringLiteral("integer"), CanonicalKind::Integer);
    } else if (t == QLatin1String("bigint")) {
        if (c.isUnsigned)
            set(TargetFamily::Numeric, QStringLiteral("numeric(20,0)"), CanonicalKind::Integer);
        else
            set(TargetFamily::BigInt, QStringLiteral("bigint"), CanonicalKind::Integer);
    } else if (t == QLatin1String("decimal")) {
        set(TargetFamily::Numeric,
            QStringLiteral("numeric(%1,%2)").arg(c.precision.value_or(10)).arg(c.scale.value_or(0)),
            CanonicalKind::Decimal);
    } else if (t == QLatin1String("float")) {
        set(TargetFamily::Real, QStringLiteral("real"), CanonicalKind::Float);
    } else if (t == QLatin1String("double")) {
        set(TargetFamily::Double, QStringLiteral("double precision"), CanonicalKind::Float);
    } else if (t == QLatin1String("bit")) {
        const int n = c.precision.value_or(1);
        m.bitLength = n;
        if (n == 1)
            set(TargetFamily::Boolean, QStringLiteral("boolean"), CanonicalKind::Boolean);
        else
            set(TargetFamily::VarBit, QStringLiteral("bit varying(%1)").arg(n), CanonicalKind::Bits);
    } else if (t == QLatin1String("char")) {
        m.maxChars = c.charLength.value_or(1);
        set(TargetFamily::Text, QStringLiteral("varchar(%1)").arg(m.maxChars), CanonicalKind::PaddedText);
        m.notes << QStringLiteral("CHAR(n) becomes varchar(n): MySQL already strips trailing spaces "
                                  "on read, and bpchar would pad them back for the application");
    } else if (t == QLatin1String("varchar")) {
        m.maxChars = c.charLength.value_or(0);
        set(TargetFamily::Text, QStringLiteral("varchar(%1)").arg(m.maxChars), CanonicalKind::Text);
    } else if (isTextType(t)) {
        set(TargetFamily::Text, QStringLiteral("text"), CanonicalKind::Text);
    } else if (isBinaryType(t)) {
        set(TargetFamily::Bytea, QStringLiteral("bytea"), CanonicalKind::Bytes);
        if (t == QLatin1String("binary"))
            m.notes << QStringLiteral("binary(n) values keep MySQL's trailing 0x00 padding");
    } else if (t == QLatin1String("date")) {
        set(TargetFamily::Date, QStringLiteral("date"), CanonicalKind::Date);
    } else if (t == QLatin1String("datetime")) {
        set(TargetFamily::Timestamp, withPrecision(QStringLiteral("timestamp"), c),
            CanonicalKind::Timestamp);
    } else if (t == QLatin1String("timestamp")) {
        set(TargetFamily::Timestamptz, withPrecision(QStringLiteral("timestamptz"), c),
            CanonicalKind::TimestampUtc);
        m.notes << QStringLiteral("TIMESTAMP is read in UTC and stored as timestamptz");
    } else if (t == QLatin1String("time")) {
        set(TargetFamily::Time, withPrecision(QStringLiteral("time"), c), CanonicalKind::Time);
        warn(warnings, Sev::Info, table, c.name,
             QStringLiteral("TIME becomes time of day; values below 00:00:00 or above 24:00:00 "
                            "(durations) are rejected"),
             QStringLiteral("override the column to 'interval' if it holds durations"));
    } else if (t == QLatin1String("year")) {
        set(TargetFamily::SmallInt, QStringLiteral("smallint"), CanonicalKind::Integer);
    } else if (t == QLatin1String("enum")) {
        m.labels = c.enumValues;
        if (policies.enums == TypePolicies::EnumAs::EnumType) {
            m.enumTypeName = table + QLatin1Char('_') + c.name;
            set(TargetFamily::Enum, m.enumTypeName, CanonicalKind::Text);
        } else {
            set(TargetFamily::Text, QStringLiteral("text"), CanonicalKind::Text);
        }
    } else if (t == QLatin1String("set")) {
        m.labels = c.enumValues;
        set(TargetFamily::TextArray, QStringLiteral("text[]"), CanonicalKind::Set);
    } else if (t == QLatin1String("json")) {
        set(TargetFamily::Jsonb, QStringLiteral("jsonb"), CanonicalKind::Json);
        m.notes << QStringLiteral("jsonb does not keep key order, whitespace or duplicate keys "
                                  "(last one wins, as in MySQL)");
    } else if (isGeometryType(t)) {
        set(TargetFamily::Bytea, QStringLiteral("bytea"), CanonicalKind::Bytes);
        m.notes << QStringLiteral("geometry kept as bytea in MySQL's internal form (4-byte "
                                  "little-endian SRID + WKB); see docs/type-mapping.md for PostGIS");
        warn(warnings, Sev::Warning, table, c.name,
             QStringLiteral("%1 is copied as bytea (SRID + WKB), not as a PostGIS type")
                 .arg(c.columnType),
             QStringLiteral("convert after the migration with ST_GeomFromWKB(substring(col from 5)) "
                            "if PostGIS is installed"));
    } else {
        set(TargetFamily::Text, QStringLiteral("text"), CanonicalKind::Text);
        warn(warnings, Sev::Error, table, c.name,
             QStringLiteral("no mapping for source type %1").arg(c.columnType),
             QStringLiteral("add a columnOverrides entry for this column or exclude it"));
    }

    if (c.isUnsigned && (t == QLatin1String("decimal") || t == QLatin1String("float")
                         || t == QLatin1String("double"))) {
        m.notes << QStringLiteral("UNSIGNED on %1 is not enforced in PostgreSQL").arg(t);
    }
}

// Which target families an override may choose for a source column, and the
// canonical kind that then applies.
std::optional<CanonicalKind> overrideKind(const ColumnMapping &m, TargetFamily f)
{
    const SourceColumn &c = m.source;
    const QString &t = c.dataType;
    const bool integer = isIntegerType(t) || t == QLatin1String("year");
    if (integer) {
        switch (f) {
        case TargetFamily::SmallInt:
        case TargetFamily::Integer:
        case TargetFamily::BigInt:
        case TargetFamily::Numeric:
            return CanonicalKind::Integer;
        case TargetFamily::Boolean:
            if (t == QLatin1String("tinyint"))
                return CanonicalKind::Boolean;
            return std::nullopt;
        default:
            return std::nullopt;
        }
    }
    if (t == QLatin1String("decimal")) {
        if (f == TargetFamily::Numeric)
            return CanonicalKind::Decimal;
        if (f == TargetFamily::Double || f == TargetFamily::Real)
            return CanonicalKind::Float;
        return std::nullopt;
    }
    if (t == QLatin1String("float") || t == QLatin1String("double"))
        return (f == TargetFamily::Real || f == TargetFamily::Double) ? std::optional(CanonicalKind::Float)
                                                                      : std::nullopt;
    if (t == QLatin1String("bit")) {
        if (f == TargetFamily::Boolean && c.precision.value_or(1) == 1)
            return CanonicalKind::Boolean;
        if (f == TargetFamily::VarBit)
            return CanonicalKind::Bits;
        return std::nullopt;
    }
    if (isTextType(t)) {
        if (f == TargetFamily::Text)
            return t == QLatin1String("char") ? CanonicalKind::PaddedText : CanonicalKind::Text;
        if (f == TargetFamily::Char)
            return CanonicalKind::PaddedText;
        return std::nullopt;
    }
    if (t == QLatin1String("enum"))
        return (f == TargetFamily::Text || f == TargetFamily::Enum) ? std::optional(CanonicalKind::Text)
                                                                    : std::nullopt;
    if (t == QLatin1String("set")) {
        if (f == TargetFamily::TextArray)
            return CanonicalKind::Set;
        return std::nullopt;
    }
    if (isBinaryType(t) || isGeometryType(t))
        return f == TargetFamily::Bytea ? std::optional(CanonicalKind::Bytes) : std::nullopt;
    if (t == QLatin1String("date"))
        return f == TargetFamily::Date ? std::optional(CanonicalKind::Date) : std::nullopt;
    if (t == QLatin1String("datetime")) {
        if (f == TargetFamily::Timestamp)
            return CanonicalKind::Timestamp;
        if (f == TargetFamily::Timestamptz) // the naive value is read as UTC
            return CanonicalKind::Timestamp;
        return std::nullopt;
    }
    if (t == QLatin1String("timestamp")) {
        if (f == TargetFamily::Timestamptz || f == TargetFamily::Timestamp)
            return CanonicalKind::TimestampUtc;
        return std::nullopt;
    }
    if (t == QLatin1String("time"))
        return (f == TargetFamily::Time || f == TargetFamily::Interval) ? std::optional(CanonicalKind::Time)
                                                                         : std::nullopt;
    if (t == QLatin1String("json")) {
        if (f == TargetFamily::Jsonb || f == TargetFamily::Json)
            return CanonicalKind::Json;
        if (f == TargetFamily::Text)
            return CanonicalKind::Text;
        return std::nullopt;
    }
    return std::nullopt;
}

// The n of "varchar(n)" / "bit varying(n)", 0 when absent.
qint64 typeModifier(const QString &type)
{
    static const QRegularExpression re(QStringLiteral("\\((\\d+)"));
    const auto m = re.match(type);
    return m.hasMatch() ? m.captured(1).toLongLong() : 0;
}

} // namespace

ColumnMapping TypeMapper::mapColumn(const SourceColumn &column, const TypePolicies &policies,
                                    const ColumnOverride *override, const QString &table,
                                    QList<SchemaWarning> &warnings)
{
    ColumnMapping m;
    m.source = column;
    m.targetName = column.name;
    m.nullable = column.nullable;
    mapDefault(m, policies, table, warnings);

    if (override && !override->targetType.trimmed().isEmpty()) {
        const QString type = override->targetType.trimmed();
        const auto family = familyOf(type);
        const auto kind = family ? overrideKind(m, *family) : std::nullopt;
        if (!family || !kind) {
            warn(warnings, Sev::Error, table, column.name,
                 QStringLiteral("override to '%1' is not supported for source type %2")
                     .arg(type, column.columnType),
                 QStringLiteral("see docs/type-mapping.md for the overrides each source type "
                                "accepts"),
                 override->where);
        } else {
            m.family = *family;
            m.canonical = *kind;
            m.targetType = type;
            m.overridden = true;
            m.notes.clear();
            m.notes << QStringLiteral("type chosen by the plan (override at %1)")
                           .arg(override->where.toString());
            if (m.family == TargetFamily::Enum) {
                m.enumTypeName = type;
                m.labels = column.enumValues;
            }
            if (m.family == TargetFamily::Text || m.family == TargetFamily::Char)
                m.maxChars = typeModifier(type);
            if (m.family == TargetFamily::VarBit)
                m.bitLength = int(typeModifier(type));
            if (m.family == TargetFamily::Boolean && m.source.dataType == QLatin1String("bit"))
                m.bitLength = 1;
            if ((m.family == TargetFamily::Real || m.family == TargetFamily::Double)
                && column.dataType == QLatin1String("decimal")) {
                warn(warnings, Sev::Warning, table, column.name,
                     QStringLiteral("decimal → %1 override rounds values to binary floating point")
                         .arg(type),
                     QStringLiteral("keep numeric unless the application wants floats"),
                     override->where);
            }
        }
    }

    // auto_increment → identity. PostgreSQL identities are smallint/int/bigint.
    if (column.autoIncrement) {
        if (m.family == TargetFamily::Numeric && m.canonical == CanonicalKind::Integer && !m.overridden) {
            m.family = TargetFamily::BigInt;
            m.targetType = QStringLiteral("bigint");
            warn(warnings, Sev::Warning, table, column.name,
                 QStringLiteral("bigint unsigned auto_increment becomes a bigint identity; ids above "
                                "9223372036854775807 cannot be copied"),
                 QStringLiteral("check max(id) on the source; override to numeric(20,0) to keep "
                                "the full range without an identity"));
        }
        if (m.family == TargetFamily::SmallInt || m.family == TargetFamily::Integer
            || m.family == TargetFamily::BigInt) {
            m.identity = true;
        } else {
            warn(warnings, Sev::Warning, table, column.name,
                 QStringLiteral("auto_increment on a %1 column cannot become an identity")
                     .arg(m.targetType),
                 QStringLiteral("the application must supply ids on PostgreSQL, or create a "
                                "sequence by hand"));
        }
    }

    // Defaults and generated expressions.
    if (column.isGenerated()) {
        const Translation tr = SqlTranslator::expression(column.generationExpression);
        if (tr.ok) {
            m.generatedExpression = tr.sql;
            if (!column.generatedStored)
                m.notes << QStringLiteral("VIRTUAL generated column becomes STORED (PostgreSQL 15 "
                                          "has only stored generated columns)");
        } else {
            warn(warnings, Sev::Warning, table, column.name,
                 QStringLiteral("generated expression '%1' does not translate: %2")
                     .arg(column.generationExpression, tr.reason),
                 QStringLiteral("the column is created as a plain column and the backfill copies "
                                "its values; dual writes must set it, or write a trigger"));
        }
    } else {
        const Translation tr = SqlTranslator::columnDefault(m, policies);
        if (tr.ok) {
            m.defaultExpression = tr.sql;
        } else {
            warn(warnings, Sev::Warning, table, column.name,
                 QStringLiteral("default %1 does not translate: %2")
                     .arg(column.defaultValue.value_or(QStringLiteral("NULL")), tr.reason),
                 QStringLiteral("the column is created without a default; set one by hand if "
                                "the application relies on it"));
        }
    }
    if (column.onUpdateCurrentTimestamp) {
        warn(warnings, Sev::Warning, table, column.name,
             QStringLiteral("ON UPDATE CURRENT_TIMESTAMP has no PostgreSQL column equivalent"),
             QStringLiteral("the application (or a BEFORE UPDATE trigger) must set it on update"));
    }
    return m;
}

TableMapping TypeMapper::mapTable(const SourceTable &table, const TableSpec &spec,
                                  const TypePolicies &policies)
{
    TableMapping tm;
    tm.source = table;
    tm.targetName = spec.effectiveTargetName().isEmpty() ? table.name : spec.effectiveTargetName();

    auto matches = [](const QStringList &list, const QString &name) {
        for (const QString &s : list) {
            if (s.compare(name, Qt::CaseInsensitive) == 0)
                return true;
        }
        return false;
    };

    // Overrides / include / exclude naming a column that does not exist.
    for (const ColumnOverride &o : spec.columnOverrides) {
        if (!table.column(o.column))
            warn(tm.warnings, Sev::Error, table.name, o.column,
                 QStringLiteral("columnOverrides names a column that %1 does not have").arg(table.name),
                 QStringLiteral("fix the column name in the plan"), o.where);
    }
    for (const QString &name : spec.includeColumns + spec.excludeColumns) {
        if (!table.column(name))
            warn(tm.warnings, Sev::Error, table.name, name,
                 QStringLiteral("the plan includes or excludes a column that %1 does not have")
                     .arg(table.name),
                 QStringLiteral("fix the column name in the plan"), spec.where);
    }

    for (const SourceColumn &c : table.columns) {
        if (!spec.includeColumns.isEmpty() && !matches(spec.includeColumns, c.name))
            continue;
        if (matches(spec.excludeColumns, c.name))
            continue;
        const ColumnOverride *override = nullptr;
        for (const ColumnOverride &o : spec.columnOverrides) {
            if (o.column.compare(c.name, Qt::CaseInsensitive) == 0)
                override = &o;
        }
        tm.columns << mapColumn(c, policies, override, table.name, tm.warnings);
    }

    // The key used for keyset pagination and validation.
    if (!spec.keyColumns.isEmpty())
        tm.keyColumns = spec.keyColumns;
    else if (table.primaryKey)
        tm.keyColumns = table.primaryKey->columns;
    else {
        for (const SourceIndex &idx : table.indexes) {
            bool allNotNull = idx.unique;
            for (const QString &col : idx.columns) {
                const SourceColumn *sc = table.column(col);
                allNotNull = allNotNull && sc && !sc->nullable;
            }
            if (allNotNull) {
                tm.keyColumns = idx.columns;
                warn(tm.warnings, Sev::Info, table.name, QString(),
                     QStringLiteral("no primary key; unique key %1 on NOT NULL columns is used as "
                                    "the key").arg(idx.name),
                     QString());
                break;
            }
        }
    }
    if (tm.keyColumns.isEmpty()) {
        warn(tm.warnings, Sev::Error, table.name, QString(),
             QStringLiteral("table has no primary key and no unique key on NOT NULL columns"),
             QStringLiteral("add a primary key on the source, or set keyColumns in the plan"));
    }
    for (const QString &k : tm.keyColumns) {
        if (!tm.column(k))
            warn(tm.warnings, Sev::Error, table.name, k,
                 QStringLiteral("key column is not migrated (excluded or missing)"),
                 QStringLiteral("include the column or choose other keyColumns"), spec.where);
    }

    // Case-insensitive unique keys: MySQL refuses 'Bob' next to 'bob'
    // (and 'a' next to 'a '); PostgreSQL's byte-exact unique index accepts
    // both, so the uniqueness the application relies on splits.
    QList<SourceIndex> uniques;
    if (table.primaryKey)
        uniques << *table.primaryKey;
    for (const SourceIndex &idx : table.indexes) {
        if (idx.unique)
            uniques << idx;
    }
    for (const SourceIndex &idx : uniques) {
        QStringList ciColumns;
        for (const QString &col : idx.columns) {
            const ColumnMapping *cm = tm.column(col);
            if (cm && cm->source.isCaseInsensitive()
                && (cm->canonical == CanonicalKind::Text || cm->canonical == CanonicalKind::PaddedText))
                ciColumns << col;
        }
        if (!ciColumns.isEmpty()) {
            warn(tm.warnings, Sev::Warning, table.name, ciColumns.join(QLatin1Char(',')),
                 QStringLiteral("unique key %1 uses a case-insensitive collation (%2): PostgreSQL "
                                "enforces it byte-exact, so values MySQL treats as equal ('Bob'/'bob', "
                                "'a'/'a ') can both be inserted after the switch")
                     .arg(idx.name, tm.column(ciColumns.first())->source.collation),
                 QStringLiteral("if the application relies on it, add a unique index on lower(col) "
                                "after checking `schema show --check-data` reports no collisions"));
        }
    }
    return tm;
}

void TypeMapper::alignForeignKeys(QList<TableMapping> &tables)
{
    auto find = [&](const QString &sourceName) -> TableMapping * {
        for (TableMapping &t : tables) {
            if (t.source.name == sourceName)
                return &t;
        }
        return nullptr;
    };
    auto columnOf = [](TableMapping &t, const QString &name) -> ColumnMapping * {
        for (ColumnMapping &c : t.columns) {
            if (c.source.name.compare(name, Qt::CaseInsensitive) == 0)
                return &c;
        }
        return nullptr;
    };
    for (TableMapping &t : tables) {
        for (const SourceForeignKey &fk : t.source.foreignKeys) {
            TableMapping *ref = find(fk.referencedTable);
            if (!ref)
                continue; // reported by DdlGenerator
            for (int i = 0; i < fk.columns.size() && i < fk.referencedColumns.size(); ++i) {
                ColumnMapping *from = columnOf(t, fk.columns.at(i));
                ColumnMapping *to = columnOf(*ref, fk.referencedColumns.at(i));
                if (!from || !to || from->targetType == to->targetType)
                    continue;
                const bool integers = from->canonical == CanonicalKind::Integer
                    && to->canonical == CanonicalKind::Integer;
                if (integers && !from->overridden) {
                    warn(t.warnings, Sev::Warning, t.source.name, from->source.name,
                         QStringLiteral("becomes %1 to match %2.%3, which foreign key %4 references "
                                        "(was %5)")
                             .arg(to->targetType, ref->source.name, to->source.name, fk.name, from->targetType),
                         QStringLiteral("values outside %1 are rejected row by row").arg(to->targetType));
                    from->family = to->family;
                    from->targetType = to->targetType;
                    from->notes << QStringLiteral("type aligned with %1.%2 for foreign key %3")
                                       .arg(ref->targetName, to->targetName, fk.name);
                    continue;
                }
                warn(t.warnings, Sev::Error, t.source.name, from->source.name,
                     QStringLiteral("foreign key %1 joins %2 to %3.%4 (%5); PostgreSQL needs compatible types")
                         .arg(fk.name, from->targetType, ref->source.name, to->source.name, to->targetType),
                     QStringLiteral("override one of the columns so both have the same type"));
            }
        }
    }
}

} // namespace switchyard::core
