#include "engine/ReverseSyncValue.h"

#include "target/PgConnection.h"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace switchyard::core {

void ReverseValue::bind(MySqlStatement &statement, int index) const
{
    switch (kind) {
    case Kind::Null: statement.bindNull(index); break;
    case Kind::Int: statement.bindInt64(index, i); break;
    case Kind::UInt: statement.bindUInt64(index, u); break;
    case Kind::Double: statement.bindDouble(index, d); break;
    case Kind::Text: statement.bindText(index, bytes); break;
    case Kind::Bytes: statement.bindBytes(index, bytes); break;
    case Kind::Time: statement.bindTime(index, time); break;
    }
}

QString ReverseValue::toDisplay() const
{
    switch (kind) {
    case Kind::Null: return QStringLiteral("NULL");
    case Kind::Int: return QStringLiteral("int:%1").arg(i);
    case Kind::UInt: return QStringLiteral("uint:%1").arg(u);
    case Kind::Double: return QStringLiteral("double:%1").arg(d, 0, 'g', 17);
    case Kind::Text: return QStringLiteral("text:") + QString::fromUtf8(bytes);
    case Kind::Bytes: return QStringLiteral("bytes:") + QString::fromLatin1(bytes.toHex());
    case Kind::Time: {
        QString s;
        if (time.kind == MySqlTime::Kind::Time)
            s = QStringLiteral("%1%2:%3:%4")
                    .arg(time.negative ? QStringLiteral("-") : QString())
                    .arg(time.hour, 2, 10, QLatin1Char('0'))
                    .arg(time.minute, 2, 10, QLatin1Char('0'))
                    .arg(time.second, 2, 10, QLatin1Char('0'));
        else
            s = QStringLiteral("%1-%2-%3")
                    .arg(time.year, 4, 10, QLatin1Char('0'))
                    .arg(time.month, 2, 10, QLatin1Char('0'))
                    .arg(time.day, 2, 10, QLatin1Char('0'));
        if (time.kind == MySqlTime::Kind::DateTime)
            s += QStringLiteral(" %1:%2:%3")
                     .arg(time.hour, 2, 10, QLatin1Char('0'))
                     .arg(time.minute, 2, 10, QLatin1Char('0'))
                     .arg(time.second, 2, 10, QLatin1Char('0'));
        if (time.kind != MySqlTime::Kind::Date && time.microsecond > 0)
            s += QStringLiteral(".%1").arg(qulonglong(time.microsecond), 6, 10, QLatin1Char('0'));
        return QStringLiteral("time:") + s;
    }
    }
    return {};
}

namespace {

ReverseConversion fail(const QString &why)
{
    ReverseConversion c;
    c.error = why;
    return c;
}

ReverseConversion ok(ReverseValue v)
{
    ReverseConversion c;
    c.value = std::move(v);
    return c;
}

ReverseValue textValue(const QByteArray &b, ReverseValue::Kind kind = ReverseValue::Kind::Text)
{
    ReverseValue v;
    v.kind = kind;
    v.bytes = b;
    return v;
}

bool isIntegerSource(const ColumnMapping &c)
{
    static const QStringList ints{QStringLiteral("tinyint"), QStringLiteral("smallint"),
                                  QStringLiteral("mediumint"), QStringLiteral("int"),
                                  QStringLiteral("bigint"), QStringLiteral("year")};
    return ints.contains(c.source.dataType);
}

ReverseConversion integer(const QByteArray &t)
{
    bool okNum = false;
    ReverseValue v;
    if (t.startsWith('-')) {
        v.kind = ReverseValue::Kind::Int;
        v.i = t.toLongLong(&okNum);
    } else {
        v.kind = ReverseValue::Kind::UInt;
        v.u = t.toULongLong(&okNum);
    }
    if (!okNum)
        return fail(QStringLiteral("'%1' is not a 64-bit integer").arg(QString::fromUtf8(t)));
    return ok(v);
}

// Reads exactly `n` digits at `pos`.
bool digits(const QByteArray &t, int &pos, int n, unsigned int &out)
{
    out = 0;
    for (int k = 0; k < n; ++k, ++pos) {
        if (pos >= t.size() || t.at(pos) < '0' || t.at(pos) > '9')
            return false;
        out = out * 10 + unsigned(t.at(pos) - '0');
    }
    return true;
}

// ".ffffff" at pos (optional), up to 6 digits, as microseconds.
bool fraction(const QByteArray &t, int &pos, unsigned long &micro)
{
    micro = 0;
    if (pos >= t.size() || t.at(pos) != '.')
        return true;
    ++pos;
    int n = 0;
    while (pos < t.size() && t.at(pos) >= '0' && t.at(pos) <= '9') {
        if (n < 6)
            micro = micro * 10 + unsigned(t.at(pos) - '0');
        ++n;
        ++pos;
    }
    if (n == 0 || n > 6)
        return false;
    for (; n < 6; ++n)
        micro *= 10;
    return true;
}

// "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS[.f]" (or 'T'), with an optional UTC
// offset "+00"/"+00:00"/"Z" when `zoned`. Anything else (BC, infinity, a
// non-UTC offset, a 5-digit year) is refused.
ReverseConversion dateTime(const QByteArray &t, bool withTime, bool zoned)
{
    const QString shown = QString::fromUtf8(t);
    int pos = 0;
    MySqlTime m;
    m.kind = withTime ? MySqlTime::Kind::DateTime : MySqlTime::Kind::Date;
    if (!digits(t, pos, 4, m.year) || pos >= t.size() || t.at(pos++) != '-' || !digits(t, pos, 2, m.month) ||
        pos >= t.size() || t.at(pos++) != '-' || !digits(t, pos, 2, m.day))
        return fail(QStringLiteral("'%1' is not a date MySQL can store (years 0001-9999, no BC, "
                                   "no infinity)")
                        .arg(shown));
    if (withTime) {
        if (pos < t.size() && (t.at(pos) == ' ' || t.at(pos) == 'T')) {
            ++pos;
            if (!digits(t, pos, 2, m.hour) || pos >= t.size() || t.at(pos++) != ':' ||
                !digits(t, pos, 2, m.minute) || pos >= t.size() || t.at(pos++) != ':' ||
                !digits(t, pos, 2, m.second) || !fraction(t, pos, m.microsecond))
                return fail(QStringLiteral("'%1' is not a timestamp MySQL can store").arg(shown));
        }
        if (zoned && pos < t.size()) {
            const QByteArray zone = t.mid(pos);
            if (zone != "+00" && zone != "+00:00" && zone != "Z" && zone != "-00")
                return fail(QStringLiteral("'%1' is not in UTC (the reverse sync reads timestamptz "
                                           "with TimeZone UTC)")
                                .arg(shown));
            pos = int(t.size());
        }
    }
    if (pos != t.size() || m.month < 1 || m.month > 12 || m.day < 1 || m.day > 31)
        return fail(QStringLiteral("'%1' is not a date MySQL can store (years 0001-9999, no BC, "
                                   "no infinity)")
                        .arg(shown));
    ReverseValue v;
    v.kind = ReverseValue::Kind::Time;
    v.time = m;
    return ok(v);
}

// time "HH:MM:SS[.f]" or interval (IntervalStyle postgres) "[-]N day[s]
// [-]HH:MM:SS[.f]" → a MySQL TIME (hours may exceed 24).
ReverseConversion duration(const QByteArray &t)
{
    const QString shown = QString::fromUtf8(t);
    const QList<QByteArray> words = t.split(' ');
    qint64 days = 0;
    QByteArray clock;
    if (words.size() == 1) {
        clock = words.at(0);
    } else if ((words.size() == 2 || words.size() == 3) &&
               (words.at(1) == "day" || words.at(1) == "days")) {
        bool okDays = false;
        days = words.at(0).toLongLong(&okDays);
        if (!okDays)
            return fail(QStringLiteral("'%1' is not a duration MySQL TIME can hold").arg(shown));
        clock = words.size() == 3 ? words.at(2) : QByteArray("00:00:00");
    } else {
        return fail(QStringLiteral("'%1' is not a duration MySQL TIME can hold (months and years "
                                   "have no fixed length)")
                        .arg(shown));
    }
    bool negative = false;
    if (clock.startsWith('-')) {
        negative = true;
        clock = clock.mid(1);
    } else if (clock.startsWith('+')) {
        clock = clock.mid(1);
    }
    const qsizetype c1 = clock.indexOf(':');
    if (c1 < 1)
        return fail(QStringLiteral("'%1' is not a time").arg(shown));
    bool okH = false;
    const qint64 hours = clock.left(c1).toLongLong(&okH);
    int pos = int(c1) + 1;
    unsigned int minute = 0, second = 0;
    unsigned long micro = 0;
    if (!okH || !digits(clock, pos, 2, minute) || pos >= clock.size() || clock.at(pos++) != ':' ||
        !digits(clock, pos, 2, second) || !fraction(clock, pos, micro) || pos != clock.size())
        return fail(QStringLiteral("'%1' is not a time").arg(shown));
    // Total signed microseconds, then back to h:m:s with one sign.
    const qint64 clockMicros = ((hours * 60 + minute) * 60 + second) * 1000000LL + qint64(micro);
    qint64 total = days * 86400000000LL + (negative ? -clockMicros : clockMicros);
    MySqlTime m;
    m.kind = MySqlTime::Kind::Time;
    m.negative = total < 0;
    if (total < 0)
        total = -total;
    m.microsecond = (unsigned long)(total % 1000000);
    total /= 1000000;
    m.second = unsigned(total % 60);
    m.minute = unsigned((total / 60) % 60);
    const qint64 h = total / 3600;
    if (h > 838)
        return fail(QStringLiteral("'%1' is beyond MySQL TIME's range (±838:59:59)").arg(shown));
    m.hour = unsigned(h);
    ReverseValue v;
    v.kind = ReverseValue::Kind::Time;
    v.time = m;
    return ok(v);
}

} // namespace

// A PostgreSQL one-dimensional array literal {a,"b c",NULL} → its elements.
std::optional<QList<QByteArray>> parsePgArray(const QByteArray &t, bool &hasNull)
{
    hasNull = false;
    QList<QByteArray> out;
    if (t.size() < 2 || t.front() != '{' || t.back() != '}')
        return std::nullopt;
    int pos = 1;
    const int end = int(t.size()) - 1;
    if (pos == end)
        return out;
    while (pos <= end) {
        QByteArray item;
        bool quoted = false;
        if (t.at(pos) == '"') {
            quoted = true;
            ++pos;
            while (pos < end && t.at(pos) != '"') {
                if (t.at(pos) == '\\' && pos + 1 < end)
                    ++pos;
                item += t.at(pos++);
            }
            if (pos >= end)
                return std::nullopt;
            ++pos; // closing quote
        } else {
            while (pos < end && t.at(pos) != ',')
                item += t.at(pos++);
        }
        if (!quoted && item == "NULL")
            hasNull = true;
        out << item;
        if (pos == end)
            break;
        if (t.at(pos) != ',')
            return std::nullopt;
        ++pos;
    }
    return out;
}

namespace {

ReverseConversion convertValue(const ColumnMapping &column, const std::optional<QByteArray> &pgText)
{
    if (!pgText)
        return ok(ReverseValue());
    const QByteArray &t = *pgText;
    ReverseConversion r;
    switch (column.family) {
    case TargetFamily::Boolean: {
        if (t != "t" && t != "f" && t != "true" && t != "false")
            return fail(QStringLiteral("'%1' is not a boolean").arg(QString::fromUtf8(t)));
        ReverseValue v;
        const bool on = t.startsWith('t');
        if (column.source.dataType == QLatin1String("bit") || column.source.isUnsigned) {
            v.kind = ReverseValue::Kind::UInt;
            v.u = on ? 1 : 0;
        } else {
            v.kind = ReverseValue::Kind::Int;
            v.i = on ? 1 : 0;
        }
        r = ok(v);
        break;
    }
    case TargetFamily::SmallInt:
    case TargetFamily::Integer:
    case TargetFamily::BigInt:
        r = integer(t);
        break;
    case TargetFamily::Numeric:
        if (t == "NaN" || t.contains("Infinity"))
            return fail(QStringLiteral("column %1: numeric %2 has no MySQL DECIMAL form")
                            .arg(column.source.name, QString::fromUtf8(t)));
        if (isIntegerSource(column) && !t.contains('.'))
            r = integer(t);
        else
            r = ok(textValue(t));
        break;
    case TargetFamily::Real:
    case TargetFamily::Double: {
        if (t == "NaN" || t.contains("Infinity"))
            return fail(QStringLiteral("column %1: %2 has no MySQL FLOAT/DOUBLE form")
                            .arg(column.source.name, QString::fromUtf8(t)));
        bool okNum = false;
        ReverseValue v;
        v.kind = ReverseValue::Kind::Double;
        if (column.family == TargetFamily::Real) {
            const float f = QString::fromLatin1(t).toFloat(&okNum);
            v.d = double(f);
        } else {
            v.d = QString::fromLatin1(t).toDouble(&okNum);
        }
        if (!okNum)
            return fail(QStringLiteral("'%1' is not a number").arg(QString::fromUtf8(t)));
        r = ok(v);
        break;
    }
    case TargetFamily::Text:
    case TargetFamily::Char:
    case TargetFamily::Enum:
    case TargetFamily::Jsonb:
    case TargetFamily::Json:
        r = ok(textValue(t));
        if (column.family == TargetFamily::Char) {
            // bpchar pads; MySQL CHAR strips trailing spaces anyway.
            while (r.value.bytes.endsWith(' '))
                r.value.bytes.chop(1);
        }
        break;
    case TargetFamily::Bytea:
        if (!t.startsWith("\\x"))
            return fail(QStringLiteral("column %1: bytea not in hex output form").arg(column.source.name));
        r = ok(textValue(QByteArray::fromHex(t.mid(2)), ReverseValue::Kind::Bytes));
        break;
    case TargetFamily::Date:
        r = dateTime(t, false, false);
        break;
    case TargetFamily::Timestamp:
        r = dateTime(t, true, false);
        break;
    case TargetFamily::Timestamptz:
        r = dateTime(t, true, true);
        break;
    case TargetFamily::Time:
    case TargetFamily::Interval:
        r = duration(t);
        break;
    case TargetFamily::TextArray: {
        bool hasNull = false;
        const auto items = parsePgArray(t, hasNull);
        if (!items || hasNull)
            return fail(QStringLiteral("column %1: '%2' is not a SET value (an array without NULLs)")
                            .arg(column.source.name, QString::fromUtf8(t)));
        for (const QByteArray &item : *items) {
            if (item.contains(','))
                return fail(QStringLiteral("column %1: SET member '%2' contains a comma")
                                .arg(column.source.name, QString::fromUtf8(item)));
        }
        const QByteArray joined = items->join(',');
        r = ok(textValue(joined));
        break;
    }
    case TargetFamily::VarBit: {
        if (t.size() > 64)
            return fail(QStringLiteral("column %1: more than 64 bits").arg(column.source.name));
        quint64 bits = 0;
        for (char ch : t) {
            if (ch != '0' && ch != '1')
                return fail(QStringLiteral("'%1' is not a bit string").arg(QString::fromUtf8(t)));
            bits = (bits << 1) | quint64(ch == '1');
        }
        ReverseValue v;
        v.kind = ReverseValue::Kind::UInt;
        v.u = bits;
        r = ok(v);
        break;
    }
    }
    return r;
}

} // namespace

ReverseConversion reverseValue(const ColumnMapping &column, const std::optional<QByteArray> &pgText)
{
    ReverseConversion r = convertValue(column, pgText);
    if (!r.ok() && !r.error.startsWith(QLatin1String("column ")))
        r.error = QStringLiteral("column %1: %2").arg(column.source.name, r.error);
    return r;
}

ReverseConversion reverseKeyValue(const ColumnMapping &column, const QByteArray &jsonText)
{
    // jsonb keeps booleans as true/false, timestamps with a 'T' and
    // timestamptz with the writer's offset; the rest is already the text
    // form reverseValue() reads.
    if (column.family == TargetFamily::Bytea && !jsonText.startsWith("\\x"))
        return fail(QStringLiteral("column %1: bytea key not in hex form").arg(column.source.name));
    return reverseValue(column, jsonText);
}

void prepareReverseTargetSession(PgConnection &target)
{
    target.exec(QStringLiteral("SET TIME ZONE 'UTC'"));
    target.exec(QStringLiteral("SET DateStyle = ISO"));
    target.exec(QStringLiteral("SET bytea_output = hex"));
    target.exec(QStringLiteral("SET IntervalStyle = postgres"));
    target.exec(QStringLiteral("SET extra_float_digits = 3"));
}

} // namespace switchyard::core
