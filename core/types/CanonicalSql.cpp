#include "types/CanonicalSql.h"

#include "source/MySqlConnection.h"
#include "types/Canonical.h"
#include "target/PgConnection.h"
#include "types/SqlTranslator.h"
#include "types/ValueText.h"

#include <algorithm>

namespace switchyard::core {

namespace {

QString mysqlHexString(const QString &text)
{
    // A utf8mb4 string from hex bytes: no escaping questions at all.
    const QByteArray utf8 = text.toUtf8();
    if (utf8.isEmpty())
        return QStringLiteral("CONVERT('' USING utf8mb4)");
    return QStringLiteral("CONVERT(X'%1' USING utf8mb4)").arg(QString::fromLatin1(utf8.toHex()));
}

// What a zero/invalid date becomes in canonical form, per policy, as SQL.
// `sentinelCanonical` is the canonical text of the sentinel (a date or µs).
QString zeroDateSql(const TypePolicies &policies, const ColumnMapping &m, const QString &sentinelCanonical,
                    const QString &display)
{
    switch (policies.zeroDates) {
    case TypePolicies::ZeroDate::Null:
        return m.nullable ? QStringLiteral("NULL") : QStringLiteral("CONCAT('!', %1)").arg(display);
    case TypePolicies::ZeroDate::Sentinel:
        return QStringLiteral("'%1'").arg(sentinelCanonical);
    case TypePolicies::ZeroDate::Reject:
        break;
    }
    return QStringLiteral("CONCAT('!', %1)").arg(display);
}

QString sentinelCanonical(const TypePolicies &policies, CanonicalKind kind)
{
    SourceDateTime s;
    if (!valuetext::parseDateTime(policies.zeroDateSentinel.toUtf8(), s))
        return QStringLiteral("!sentinel");
    QByteArray out;
    if (kind == CanonicalKind::Date)
        valuetext::appendDate(out, s);
    else
        valuetext::appendInt(out, valuetext::epochMicros(s));
    return QString::fromLatin1(out);
}

// IEEE-754 binary64 bits of a double expression X, as 16 lower-case hex
// digits, computed with exact arithmetic only (division by powers of two,
// integer sums). MySQL and MariaDB have no bit cast.
QString mysqlDoubleBits(const QString &x)
{
    const QString a = QStringLiteral("ABS(%1)").arg(x);
    // LEAST: LOG2 of values near DBL_MAX rounds up to 1024, and POW(2, 1024) overflows.
    const QString e0 = QStringLiteral("LEAST(FLOOR(LOG2(%1)), 1023)").arg(a);
    const QString m0 = QStringLiteral("(%1 / POW(2, %2))").arg(a, e0);
    // LOG2 may be off by one next to a power of two: correct from the mantissa.
    const QString e = QStringLiteral("(%1 + (%2 >= 2) - (%2 < 1))").arg(e0, m0);
    const QString normalField =
        QStringLiteral("CAST((%1 / POW(2, %2) - 1) * 4503599627370496 AS UNSIGNED)").arg(a, e);
    const QString subnormalField = QStringLiteral("CAST(%1 * POW(2, 537) * POW(2, 537) AS UNSIGNED)").arg(a);
    const QString subnormal = QStringLiteral("%1 < POW(2, -1022)").arg(a);
    // Two halves, each exact as a BIGINT: 12 bits of sign and biased exponent,
    // 52 bits of mantissa (a 64-bit sum would go through DECIMAL/DOUBLE).
    const QString high = QStringLiteral("IF(%1 < 0, 2048, 0) + IF(%2, 0, CAST(%3 + 1023 AS UNSIGNED))")
                             .arg(x, subnormal, e);
    const QString low = QStringLiteral("IF(%1, %2, %3)").arg(subnormal, subnormalField, normalField);
    return QStringLiteral("CASE WHEN %1 IS NULL THEN NULL WHEN %1 = 0 THEN '0000000000000000' "
                          "ELSE LOWER(CONCAT(LPAD(HEX(%2), 3, '0'), LPAD(HEX(%3), 13, '0'))) END")
        .arg(x, high, low);
}

QString pgColumn(const ColumnMapping &m, const QString &alias)
{
    const QString c = quotePgIdentifier(m.targetName);
    return alias.isEmpty() ? c : quotePgIdentifier(alias) + QLatin1Char('.') + c;
}

QString myColumn(const ColumnMapping &m, const QString &alias)
{
    const QString c = quoteMySqlIdentifier(m.source.name);
    return alias.isEmpty() ? c : quoteMySqlIdentifier(alias) + QLatin1Char('.') + c;
}

} // namespace

bool CanonicalSql::supported(const ColumnMapping &m)
{
    if (m.canonical == CanonicalKind::Json)
        return false;
    if (m.canonical == CanonicalKind::Float && m.source.dataType != QLatin1String("float")
        && m.source.dataType != QLatin1String("double"))
        return false;
    return true;
}

QString CanonicalSql::mysqlExpr(const ColumnMapping &m, const TypePolicies &policies,
                                const QString &alias)
{
    if (!supported(m))
        return QString();
    const QString c = myColumn(m, alias);
    const QString &t = m.source.dataType;
    const QString text = QStringLiteral("CONVERT(%1 USING utf8mb4)").arg(c);
    switch (m.canonical) {
    case CanonicalKind::Integer:
        if (t == QLatin1String("year"))
            return QStringLiteral("CAST(%1 + 0 AS CHAR)").arg(c);
        return QStringLiteral("CAST(%1 AS CHAR)").arg(c);
    case CanonicalKind::Boolean:
        if (t == QLatin1String("bit"))
            return QStringLiteral("CASE %1 + 0 WHEN 0 THEN 'f' WHEN 1 THEN 't' ELSE CONCAT('!', %1 + 0) END").arg(c);
        return QStringLiteral("CASE %1 WHEN 0 THEN 'f' WHEN 1 THEN 't' ELSE CONCAT('!', %1) END").arg(c);
    case CanonicalKind::Decimal:
        if (m.source.scale.value_or(0) == 0)
            return QStringLiteral("CAST(%1 AS CHAR)").arg(c);
        return QStringLiteral("CASE WHEN %1 = 0 THEN '0' ELSE TRIM(TRAILING '.' FROM TRIM(TRAILING '0' "
                              "FROM CAST(%1 AS CHAR))) END").arg(c);
    case CanonicalKind::Float:
        return mysqlDoubleBits(c);
    case CanonicalKind::Text:
    case CanonicalKind::PaddedText: {
        QString e = text;
        if (policies.nulBytes == TypePolicies::NulBytes::Strip)
            e = QStringLiteral("REPLACE(%1, CONVERT(X'00' USING utf8mb4), '')").arg(e);
        if (m.canonical == CanonicalKind::PaddedText)
            e = QStringLiteral("TRIM(TRAILING ' ' FROM %1)").arg(e);
        return e;
    }
    case CanonicalKind::Bytes:
        return QStringLiteral("LOWER(HEX(%1))").arg(c);
    case CanonicalKind::Date: {
        const QString zero = zeroDateSql(policies, m, sentinelCanonical(policies, m.canonical),
                                         QStringLiteral("CAST(%1 AS CHAR)").arg(c));
        return QStringLiteral("CASE WHEN %1 IS NULL THEN NULL WHEN YEAR(%1) = 0 OR MONTH(%1) = 0 "
                              "OR DAYOFMONTH(%1) = 0 THEN %2 ELSE DATE_FORMAT(%1, '%Y-%m-%d') END")
            .arg(c, zero);
    }
    case CanonicalKind::Timestamp:
    case CanonicalKind::TimestampUtc: {
        const QString zero = zeroDateSql(policies, m, sentinelCanonical(policies, m.canonical),
                                         QStringLiteral("CAST(%1 AS CHAR)").arg(c));
        // TIMESTAMP: UNIX_TIMESTAMP() of a TIMESTAMP column returns the stored
        // UTC value without a time-zone round trip (exact across DST).
        const QString micros = t == QLatin1String("timestamp")
            ? QStringLiteral("CAST(CAST(UNIX_TIMESTAMP(%1) * 1000000 AS SIGNED) AS CHAR)").arg(c)
            : QStringLiteral("CAST(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', %1) AS CHAR)").arg(c);
        return QStringLiteral("CASE WHEN %1 IS NULL THEN NULL WHEN YEAR(%1) = 0 OR MONTH(%1) = 0 "
                              "OR DAYOFMONTH(%1) = 0 THEN %2 ELSE %3 END")
            .arg(c, zero, micros);
    }
    case CanonicalKind::Time:
        return QStringLiteral("CAST(IF(%1 < 0, -1, 1) * ((HOUR(%1) * 3600 + MINUTE(%1) * 60 + SECOND(%1)) "
                              "* 1000000 + MICROSECOND(%1)) AS CHAR)").arg(c);
    case CanonicalKind::Json:
        return QString();
    case CanonicalKind::Set: {
        // Members in canonical (bytewise) order, each tested by its bit.
        QList<QPair<QByteArray, int>> members;
        for (int i = 0; i < m.source.enumValues.size(); ++i)
            members << qMakePair(m.source.enumValues.at(i).toUtf8(), i);
        std::sort(members.begin(), members.end());
        QStringList parts;
        for (const auto &[name, bit] : members)
            parts << QStringLiteral("IF(%1 + 0 & %2, %3, NULL)")
                         .arg(c, QString::number(quint64(1) << bit), mysqlHexString(QString::fromUtf8(name)));
        if (parts.isEmpty())
            return QStringLiteral("CASE WHEN %1 IS NULL THEN NULL ELSE '' END").arg(c);
        return QStringLiteral("CASE WHEN %1 IS NULL THEN NULL ELSE CONCAT_WS(',', %2) END")
            .arg(c, parts.join(QStringLiteral(", ")));
    }
    case CanonicalKind::Bits:
        return QStringLiteral("LPAD(BIN(%1 + 0), %2, '0')").arg(c, QString::number(m.bitLength));
    }
    return QString();
}

QString CanonicalSql::pgExpr(const ColumnMapping &m, const QString &alias)
{
    if (!supported(m))
        return QString();
    const QString c = pgColumn(m, alias);
    switch (m.canonical) {
    case CanonicalKind::Integer:
    case CanonicalKind::Decimal:
        if (m.family == TargetFamily::Numeric)
            return QStringLiteral("trim_scale(%1)::text").arg(c);
        return QStringLiteral("%1::text").arg(c);
    case CanonicalKind::Boolean:
        return QStringLiteral("CASE WHEN %1 IS NULL THEN NULL WHEN %1 THEN 't' ELSE 'f' END").arg(c);
    case CanonicalKind::Float:
        return QStringLiteral("encode(float8send(CASE WHEN %1 = 0 THEN 0::float8 ELSE %1::float8 END), 'hex')")
            .arg(c);
    case CanonicalKind::Text:
        return QStringLiteral("%1::text").arg(c);
    case CanonicalKind::PaddedText:
        return QStringLiteral("rtrim(%1::text, ' ')").arg(c);
    case CanonicalKind::Bytes:
        return QStringLiteral("encode(%1, 'hex')").arg(c);
    case CanonicalKind::Date:
        return QStringLiteral("to_char(%1, 'YYYY-MM-DD')").arg(c);
    case CanonicalKind::Timestamp:
    case CanonicalKind::TimestampUtc:
    case CanonicalKind::Time:
        return QStringLiteral("(extract(epoch from %1) * 1000000)::bigint::text").arg(c);
    case CanonicalKind::Json:
        return QString();
    case CanonicalKind::Set:
        return QStringLiteral("CASE WHEN %1 IS NULL THEN NULL ELSE COALESCE((SELECT string_agg(DISTINCT "
                              "e COLLATE \"C\", ',' ORDER BY e COLLATE \"C\") FROM unnest(%1) AS u(e)), '') END")
            .arg(c);
    case CanonicalKind::Bits:
        return QStringLiteral("%1::text").arg(c);
    }
    return QString();
}

QString CanonicalSql::mysqlTaggedExpr(const ColumnMapping &m, const TypePolicies &policies,
                                      const QString &alias)
{
    const QString e = mysqlExpr(m, policies, alias);
    if (e.isEmpty())
        return QString();
    if (Canonical::fixedAlphabet(m.canonical))
        return QStringLiteral("CONCAT(IFNULL(%1, 'N'), ';')").arg(e);
    return QStringLiteral("IFNULL(CONCAT(LENGTH(%1), ':', %1), 'N')").arg(e);
}

QString CanonicalSql::pgTaggedExpr(const ColumnMapping &m, const QString &alias)
{
    const QString e = pgExpr(m, alias);
    if (e.isEmpty())
        return QString();
    if (Canonical::fixedAlphabet(m.canonical))
        return QStringLiteral("(COALESCE(%1, 'N') || ';')").arg(e);
    return QStringLiteral("COALESCE(octet_length(%1)::text || ':' || %1, 'N')").arg(e);
}

} // namespace switchyard::core
