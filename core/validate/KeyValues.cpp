#include "validate/KeyValues.h"

#include "source/MySqlStatement.h"
#include "types/ValueText.h"

#include <QDate>
#include <QDateTime>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace switchyard::core::KeyValues {

namespace {

constexpr qint64 kMicrosPerSecond = 1000000;
constexpr qint64 kSecondsPerDay = 86400;

// Floor division: pre-1970 instants have negative micros.
qint64 floorDiv(qint64 a, qint64 b)
{
    qint64 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

double bitsToDouble(const QByteArray &hex)
{
    bool ok = false;
    const quint64 bits = hex.toULongLong(&ok, 16);
    double d = 0;
    if (ok)
        std::memcpy(&d, &bits, sizeof d);
    return d;
}

MySqlTime dateTimeOf(qint64 micros)
{
    const qint64 secs = floorDiv(micros, kMicrosPerSecond);
    const qint64 days = floorDiv(secs, kSecondsPerDay);
    const qint64 secOfDay = secs - days * kSecondsPerDay;
    const QDate date = QDate(1970, 1, 1).addDays(days);
    MySqlTime t;
    t.kind = MySqlTime::Kind::DateTime;
    t.year = unsigned(date.year());
    t.month = unsigned(date.month());
    t.day = unsigned(date.day());
    t.hour = unsigned(secOfDay / 3600);
    t.minute = unsigned(secOfDay % 3600 / 60);
    t.second = unsigned(secOfDay % 60);
    t.microsecond = static_cast<unsigned long>(micros - secs * kMicrosPerSecond);
    return t;
}

} // namespace

bool rangeKind(CanonicalKind kind)
{
    switch (kind) {
    case CanonicalKind::Integer:
    case CanonicalKind::Date:
    case CanonicalKind::Timestamp:
    case CanonicalKind::TimestampUtc:
    case CanonicalKind::Time:
        return true;
    default:
        return false;
    }
}

bool lookupKind(CanonicalKind kind)
{
    switch (kind) {
    case CanonicalKind::Integer:
    case CanonicalKind::Decimal:
    case CanonicalKind::Float:
    case CanonicalKind::Text:
    case CanonicalKind::PaddedText:
    case CanonicalKind::Bytes:
    case CanonicalKind::Date:
    case CanonicalKind::Timestamp:
    case CanonicalKind::TimestampUtc:
    case CanonicalKind::Time:
        return true;
    default:
        return false;
    }
}

bool sampleKind(CanonicalKind kind)
{
    switch (kind) {
    case CanonicalKind::Integer:
    case CanonicalKind::Decimal:
    case CanonicalKind::Float:
    case CanonicalKind::Date:
    case CanonicalKind::Timestamp:
    case CanonicalKind::TimestampUtc:
    case CanonicalKind::Time:
        return true;
    default:
        return false;
    }
}

QByteArray microsToDateTimeText(qint64 micros)
{
    const MySqlTime t = dateTimeOf(micros);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u %02u:%02u:%02u.%06lu", t.year, t.month, t.day, t.hour, t.minute,
                  t.second, t.microsecond);
    return QByteArray(buf);
}

QByteArray microsToTimeText(qint64 micros)
{
    const bool negative = micros < 0;
    const quint64 m = negative ? quint64(0) - quint64(micros) : quint64(micros);
    const quint64 secs = m / kMicrosPerSecond;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s%02llu:%02llu:%02llu.%06llu", negative ? "-" : "",
                  static_cast<unsigned long long>(secs / 3600), static_cast<unsigned long long>(secs % 3600 / 60),
                  static_cast<unsigned long long>(secs % 60), static_cast<unsigned long long>(m % kMicrosPerSecond));
    return QByteArray(buf);
}

void bindMySql(MySqlStatement &st, int &index, const QByteArray &p, CanonicalKind kind)
{
    switch (kind) {
    case CanonicalKind::Integer:
        // Bound as integers: a string compared with an integer column is
        // compared as DOUBLE by MySQL, which loses digits above 2^53.
        if (p.startsWith('-')) {
            st.bindInt64(index++, p.toLongLong());
        } else {
            const quint64 u = p.toULongLong();
            if (u <= quint64(std::numeric_limits<qint64>::max()))
                st.bindInt64(index++, qint64(u));
            else
                st.bindUInt64(index++, u);
        }
        break;
    case CanonicalKind::Bytes:
        st.bindBytes(index++, QByteArray::fromHex(p));
        break;
    case CanonicalKind::Float:
        st.bindDouble(index++, bitsToDouble(p));
        break;
    case CanonicalKind::Timestamp:
    case CanonicalKind::TimestampUtc:
        st.bindTime(index++, dateTimeOf(p.toLongLong()));
        break;
    case CanonicalKind::Time: {
        const qint64 micros = p.toLongLong();
        const quint64 m = micros < 0 ? quint64(0) - quint64(micros) : quint64(micros);
        const quint64 secs = m / kMicrosPerSecond;
        MySqlTime t;
        t.kind = MySqlTime::Kind::Time;
        t.negative = micros < 0;
        t.hour = unsigned(secs / 3600);
        t.minute = unsigned(secs % 3600 / 60);
        t.second = unsigned(secs % 60);
        t.microsecond = static_cast<unsigned long>(m % kMicrosPerSecond);
        st.bindTime(index++, t);
        break;
    }
    default:
        st.bindText(index++, p);
        break;
    }
}

std::string pgText(const QByteArray &p, CanonicalKind kind)
{
    switch (kind) {
    case CanonicalKind::Bytes:
        return "\\x" + p.toStdString();
    case CanonicalKind::Float: {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", bitsToDouble(p));
        return buf;
    }
    case CanonicalKind::Timestamp:
        return microsToDateTimeText(p.toLongLong()).toStdString();
    case CanonicalKind::TimestampUtc:
        return microsToDateTimeText(p.toLongLong()).toStdString() + "+00";
    case CanonicalKind::Time:
        return microsToTimeText(p.toLongLong()).toStdString();
    default:
        return p.toStdString();
    }
}

std::optional<long double> ordinal(const QByteArray &p, CanonicalKind kind)
{
    switch (kind) {
    case CanonicalKind::Integer:
    case CanonicalKind::Decimal:
    case CanonicalKind::Timestamp:
    case CanonicalKind::TimestampUtc:
    case CanonicalKind::Time: {
        const std::string s = p.toStdString();
        char *end = nullptr;
        const long double v = std::strtold(s.c_str(), &end);
        if (end == s.c_str())
            return std::nullopt;
        return v;
    }
    case CanonicalKind::Float: {
        const double d = bitsToDouble(p);
        if (!std::isfinite(d))
            return std::nullopt;
        return static_cast<long double>(d);
    }
    case CanonicalKind::Date: {
        const QDate d = QDate::fromString(QString::fromLatin1(p), QStringLiteral("yyyy-MM-dd"));
        if (!d.isValid())
            return std::nullopt;
        return static_cast<long double>(d.toJulianDay());
    }
    default:
        return std::nullopt;
    }
}

QByteArray fromOrdinal(long double point, CanonicalKind kind, int scale)
{
    switch (kind) {
    case CanonicalKind::Integer:
    case CanonicalKind::Timestamp:
    case CanonicalKind::TimestampUtc:
    case CanonicalKind::Time: {
        const long double f = std::floor(point);
        if (f >= 0 && f > static_cast<long double>(std::numeric_limits<qint64>::max()))
            return QByteArray::number(static_cast<quint64>(f));
        return QByteArray::number(static_cast<qint64>(f));
    }
    case CanonicalKind::Float:
        return valuetext::doubleBitsHex(static_cast<double>(point));
    case CanonicalKind::Date:
        return QDate::fromJulianDay(static_cast<qint64>(std::floor(point))).toString(QStringLiteral("yyyy-MM-dd")).toLatin1();
    case CanonicalKind::Decimal: {
        char buf[80];
        std::snprintf(buf, sizeof buf, "%.*Lf", std::clamp(scale, 0, 30), point);
        return QByteArray(buf);
    }
    default:
        return QByteArray();
    }
}

} // namespace switchyard::core::KeyValues
