#include "types/ValueText.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace switchyard::core::valuetext {

void appendCopyEscaped(QByteArray &out, QByteArrayView bytes)
{
    const char *p = bytes.data();
    const qsizetype n = bytes.size();
    qsizetype runStart = 0;
    for (qsizetype i = 0; i < n; ++i) {
        const char c = p[i];
        const char *esc = nullptr;
        switch (c) {
        case '\\': esc = "\\\\"; break;
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        default: continue;
        }
        out.append(p + runStart, i - runStart);
        out.append(esc, 2);
        runStart = i + 1;
    }
    out.append(p + runStart, n - runStart);
}

void appendInt(QByteArray &out, qint64 v)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr - buf);
}

void appendUInt(QByteArray &out, quint64 v)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr - buf);
}

void appendHexLower(QByteArray &out, QByteArrayView bytes)
{
    static const char hex[] = "0123456789abcdef";
    const qsizetype start = out.size();
    out.resize(start + bytes.size() * 2);
    char *d = out.data() + start;
    for (const char c : bytes) {
        *d++ = hex[uchar(c) >> 4];
        *d++ = hex[uchar(c) & 15];
    }
}

namespace {
template<typename F>
void appendFloating(QByteArray &out, F v)
{
    if (std::isnan(v)) {
        out.append("NaN");
        return;
    }
    if (std::isinf(v)) {
        out.append(v > 0 ? "Infinity" : "-Infinity");
        return;
    }
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr - buf);
}
} // namespace

void appendDouble(QByteArray &out, double v) { appendFloating(out, v); }
void appendFloat(QByteArray &out, float v) { appendFloating(out, v); }

QByteArray doubleBitsHex(double v)
{
    if (v == 0)
        v = 0; // -0.0 → +0.0
    quint64 bits = 0;
    if (std::isnan(v))
        bits = 0x7ff8000000000000ULL;
    else
        std::memcpy(&bits, &v, sizeof bits);
    char buf[17];
    static const char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; --i) {
        buf[i] = hex[bits & 15];
        bits >>= 4;
    }
    return QByteArray(buf, 16);
}

bool isDecimalText(QByteArrayView t)
{
    qsizetype i = 0;
    const qsizetype n = t.size();
    if (i < n && t.at(i) == '-')
        ++i;
    const qsizetype intStart = i;
    while (i < n && t.at(i) >= '0' && t.at(i) <= '9')
        ++i;
    if (i == intStart)
        return false;
    if (i < n && t.at(i) == '.') {
        ++i;
        const qsizetype fracStart = i;
        while (i < n && t.at(i) >= '0' && t.at(i) <= '9')
            ++i;
        if (i == fracStart)
            return false;
    }
    return i == n;
}

std::optional<QByteArray> normalizeDecimal(QByteArrayView t)
{
    if (t == QByteArrayView("NaN"))
        return QByteArray("NaN");
    qsizetype i = 0;
    const qsizetype n = t.size();
    bool negative = false;
    if (i < n && (t.at(i) == '-' || t.at(i) == '+'))
        negative = t.at(i++) == '-';
    QByteArray intPart;
    QByteArray frac;
    while (i < n && t.at(i) >= '0' && t.at(i) <= '9')
        intPart.append(t.at(i++));
    if (i < n && t.at(i) == '.') {
        ++i;
        while (i < n && t.at(i) >= '0' && t.at(i) <= '9')
            frac.append(t.at(i++));
    }
    if (intPart.isEmpty() && frac.isEmpty())
        return std::nullopt;
    qint64 exponent = 0;
    if (i < n && (t.at(i) == 'e' || t.at(i) == 'E')) {
        ++i;
        bool expNeg = false;
        if (i < n && (t.at(i) == '+' || t.at(i) == '-'))
            expNeg = t.at(i++) == '-';
        if (i >= n)
            return std::nullopt;
        while (i < n && t.at(i) >= '0' && t.at(i) <= '9') {
            if (exponent < 100000)
                exponent = exponent * 10 + (t.at(i) - '0');
            ++i;
        }
        if (expNeg)
            exponent = -exponent;
    }
    if (i != n)
        return std::nullopt;
    // Shift the decimal point by the exponent.
    QByteArray digits = intPart + frac;
    qint64 point = intPart.size() + exponent;
    if (point < 0) {
        digits.prepend(QByteArray(qsizetype(-point), '0'));
        point = 0;
    }
    if (point > digits.size())
        digits.append(QByteArray(qsizetype(point - digits.size()), '0'));
    QByteArray ip = digits.left(qsizetype(point));
    QByteArray fp = digits.mid(qsizetype(point));
    qsizetype lead = 0;
    while (lead < ip.size() && ip.at(lead) == '0')
        ++lead;
    ip.remove(0, lead);
    while (!fp.isEmpty() && fp.endsWith('0'))
        fp.chop(1);
    if (ip.isEmpty())
        ip = "0";
    QByteArray out;
    if (negative && !(ip == "0" && fp.isEmpty()))
        out.append('-');
    out.append(ip);
    if (!fp.isEmpty()) {
        out.append('.');
        out.append(fp);
    }
    return out;
}

qint64 daysFromCivil(qint64 y, unsigned m, unsigned d)
{
    // Howard Hinnant's days_from_civil.
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + qint64(doe) - 719468;
}

bool isRealDate(int year, int month, int day)
{
    if (year < 1 || month < 1 || month > 12 || day < 1)
        return false;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max = days[month - 1];
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        max = 29;
    return day <= max;
}

namespace {

bool digitsAt(QByteArrayView t, qsizetype pos, int count, int &value)
{
    if (pos + count > t.size())
        return false;
    value = 0;
    for (int i = 0; i < count; ++i) {
        const char c = t.at(pos + i);
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + (c - '0');
    }
    return true;
}

// ".ffffff" at pos → microseconds (padded/truncated to 6 digits); advances pos.
bool fraction(QByteArrayView t, qsizetype &pos, int &micros)
{
    micros = 0;
    if (pos >= t.size() || t.at(pos) != '.')
        return true;
    ++pos;
    int digits = 0;
    while (pos < t.size() && t.at(pos) >= '0' && t.at(pos) <= '9') {
        if (digits < 6) {
            micros = micros * 10 + (t.at(pos) - '0');
            ++digits;
        }
        ++pos;
    }
    if (digits == 0)
        return false;
    while (digits < 6) {
        micros *= 10;
        ++digits;
    }
    return true;
}

} // namespace

bool parseDateTime(QByteArrayView t, SourceDateTime &out, int *offsetSeconds)
{
    out = SourceDateTime();
    if (offsetSeconds)
        *offsetSeconds = 0;
    if (!digitsAt(t, 0, 4, out.year) || t.size() < 10 || t.at(4) != '-' || t.at(7) != '-'
        || !digitsAt(t, 5, 2, out.month) || !digitsAt(t, 8, 2, out.day))
        return false;
    qsizetype pos = 10;
    if (pos == t.size())
        return true;
    if (t.at(pos) != ' ' && t.at(pos) != 'T')
        return false;
    ++pos;
    if (!digitsAt(t, pos, 2, out.hour) || pos + 8 > t.size() || t.at(pos + 2) != ':'
        || t.at(pos + 5) != ':' || !digitsAt(t, pos + 3, 2, out.minute)
        || !digitsAt(t, pos + 6, 2, out.second))
        return false;
    pos += 8;
    if (!fraction(t, pos, out.microsecond))
        return false;
    if (pos == t.size())
        return true;
    if (!offsetSeconds || (t.at(pos) != '+' && t.at(pos) != '-'))
        return false;
    const int sign = t.at(pos) == '-' ? -1 : 1;
    ++pos;
    int h = 0, m = 0, s = 0;
    if (!digitsAt(t, pos, 2, h))
        return false;
    pos += 2;
    if (pos < t.size() && t.at(pos) == ':') {
        if (!digitsAt(t, pos + 1, 2, m))
            return false;
        pos += 3;
        if (pos < t.size() && t.at(pos) == ':') {
            if (!digitsAt(t, pos + 1, 2, s))
                return false;
            pos += 3;
        }
    }
    if (pos != t.size())
        return false;
    *offsetSeconds = sign * (h * 3600 + m * 60 + s);
    return true;
}

std::optional<qint64> parseTimeMicros(QByteArrayView t)
{
    qsizetype pos = 0;
    bool negative = false;
    if (pos < t.size() && t.at(pos) == '-') {
        negative = true;
        ++pos;
    }
    qint64 hours = 0;
    const qsizetype hStart = pos;
    while (pos < t.size() && t.at(pos) >= '0' && t.at(pos) <= '9')
        hours = hours * 10 + (t.at(pos++) - '0');
    if (pos == hStart || pos + 6 > t.size() || t.at(pos) != ':' || t.at(pos + 3) != ':')
        return std::nullopt;
    int m = 0, s = 0, us = 0;
    if (!digitsAt(t, pos + 1, 2, m) || !digitsAt(t, pos + 4, 2, s))
        return std::nullopt;
    pos += 6;
    if (!fraction(t, pos, us) || pos != t.size())
        return std::nullopt;
    const qint64 v = ((hours * 60 + m) * 60 + s) * 1000000 + us;
    return negative ? -v : v;
}

std::optional<qint64> parseIntervalMicros(QByteArrayView t)
{
    // Tokens: "<n> <unit>" pairs, then an optional time part.
    qint64 total = 0;
    qsizetype pos = 0;
    const qsizetype n = t.size();
    auto skipSpaces = [&] {
        while (pos < n && t.at(pos) == ' ')
            ++pos;
    };
    skipSpaces();
    while (pos < n) {
        // A time part contains ':'; find the end of this token.
        qsizetype end = pos;
        while (end < n && t.at(end) != ' ')
            ++end;
        const QByteArrayView token = t.sliced(pos, end - pos);
        if (token.contains(':')) {
            const auto micros = parseTimeMicros(token);
            if (!micros)
                return std::nullopt;
            total += *micros;
            pos = end;
            skipSpaces();
            continue;
        }
        bool ok = false;
        const qint64 count = QByteArray(token.data(), token.size()).toLongLong(&ok);
        if (!ok)
            return std::nullopt;
        pos = end;
        skipSpaces();
        qsizetype unitEnd = pos;
        while (unitEnd < n && t.at(unitEnd) != ' ')
            ++unitEnd;
        const QByteArrayView unit = t.sliced(pos, unitEnd - pos);
        constexpr qint64 day = 86400LL * 1000000;
        if (unit.startsWith("year"))
            total += count * (day * 36525 / 100);
        else if (unit.startsWith("mon"))
            total += count * 30 * day;
        else if (unit.startsWith("day"))
            total += count * day;
        else
            return std::nullopt;
        pos = unitEnd;
        skipSpaces();
    }
    return total;
}

qint64 epochMicros(const SourceDateTime &t)
{
    const qint64 days = daysFromCivil(t.year, unsigned(t.month), unsigned(t.day));
    return ((days * 24 + t.hour) * 60 + t.minute) * 60 * 1000000LL + qint64(t.second) * 1000000
        + t.microsecond;
}

qint64 timeMicros(const SourceDateTime &t)
{
    const qint64 hours = qint64(t.day) * 24 + t.hour;
    const qint64 v = ((hours * 60 + t.minute) * 60 + t.second) * 1000000LL + t.microsecond;
    return t.negative ? -v : v;
}

namespace {
void appendPadded(QByteArray &out, qint64 v, int width)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    for (qsizetype i = r.ptr - buf; i < width; ++i)
        out.append('0');
    out.append(buf, r.ptr - buf);
}
} // namespace

void appendDate(QByteArray &out, const SourceDateTime &t)
{
    appendPadded(out, t.year, 4);
    out.append('-');
    appendPadded(out, t.month, 2);
    out.append('-');
    appendPadded(out, t.day, 2);
}

void appendDateTime(QByteArray &out, const SourceDateTime &t)
{
    appendDate(out, t);
    out.append(' ');
    appendPadded(out, t.hour, 2);
    out.append(':');
    appendPadded(out, t.minute, 2);
    out.append(':');
    appendPadded(out, t.second, 2);
    if (t.microsecond) {
        out.append('.');
        appendPadded(out, t.microsecond, 6);
    }
}

void appendTimeMicros(QByteArray &out, qint64 micros)
{
    if (micros < 0) {
        out.append('-');
        micros = -micros;
    }
    const qint64 us = micros % 1000000;
    qint64 secs = micros / 1000000;
    appendPadded(out, secs / 3600, 2);
    out.append(':');
    appendPadded(out, (secs / 60) % 60, 2);
    out.append(':');
    appendPadded(out, secs % 60, 2);
    if (us) {
        out.append('.');
        appendPadded(out, us, 6);
    }
}

} // namespace switchyard::core::valuetext
