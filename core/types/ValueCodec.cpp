#include "types/ValueCodec.h"

#include "types/JsonCanonical.h"
#include "types/Utf8.h"
#include "types/ValueText.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace switchyard::core {

using namespace valuetext;

struct ValueCodec::Converted
{
    bool isNull = false;
    // Integer / Boolean / Bits
    bool negative = false;
    quint64 magnitude = 0; // |value|
    // Float
    double d = 0;
    // Text-like (text, decimal, bytes, json, set)
    QByteArrayView bytes;
    QByteArray owned; // when the value had to be changed (NUL stripped)
    // Dates and times
    SourceDateTime dt;
    qint64 micros = 0;
};

namespace {

QString displayOf(const SourceValue &v) { return v.toDisplay(); }

// Signed value of (negative, magnitude) fits the family?
bool fits(TargetFamily f, bool negative, quint64 magnitude)
{
    quint64 maxPos = 0;
    switch (f) {
    case TargetFamily::SmallInt: maxPos = 32767; break;
    case TargetFamily::Integer: maxPos = 2147483647; break;
    case TargetFamily::BigInt: maxPos = quint64(std::numeric_limits<qint64>::max()); break;
    default: return true;
    }
    return negative ? magnitude <= maxPos + 1 : magnitude <= maxPos;
}

void appendSigned(QByteArray &out, bool negative, quint64 magnitude)
{
    if (negative && magnitude != 0)
        out.append('-');
    appendUInt(out, magnitude);
}

QByteArray rejectedCanonical(const SourceValue &v)
{
    return QByteArray("!") + displayOf(v).toUtf8();
}

// Splits a MySQL SET value "a,b" into members, sorted and de-duplicated.
QByteArrayList sortedMembers(QByteArrayView text)
{
    QByteArrayList members;
    if (text.isEmpty())
        return members;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text.at(i) == ',') {
            members << text.sliced(start, i - start).toByteArray();
            start = i + 1;
        }
    }
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
    return members;
}

// Parses PostgreSQL array output {a,"b c",NULL} into elements.
std::optional<QByteArrayList> parsePgArray(QByteArrayView t)
{
    if (t.size() < 2 || t.front() != '{' || t.back() != '}')
        return std::nullopt;
    QByteArrayList out;
    qsizetype i = 1;
    const qsizetype end = t.size() - 1;
    if (i == end)
        return out;
    while (i <= end) {
        QByteArray element;
        if (t.at(i) == '"') {
            ++i;
            while (i < end && t.at(i) != '"') {
                if (t.at(i) == '\\' && i + 1 < end)
                    ++i;
                element.append(t.at(i++));
            }
            if (i >= end)
                return std::nullopt;
            ++i; // closing quote
        } else {
            const qsizetype start = i;
            while (i < end && t.at(i) != ',')
                ++i;
            element = t.sliced(start, i - start).toByteArray();
            if (element == "NULL")
                element = "\\N";
        }
        out << element;
        if (i == end)
            break;
        if (t.at(i) != ',')
            return std::nullopt;
        ++i;
    }
    return out;
}

QByteArray bitString(quint64 value, int bits)
{
    QByteArray s(bits, '0');
    for (int i = 0; i < bits && i < 64; ++i) {
        if (value & (quint64(1) << i))
            s[bits - 1 - i] = '1';
    }
    return s;
}

} // namespace

ValueCodec::ValueCodec(const ColumnMapping &mapping, const TypePolicies &policies)
    : m_mapping(mapping), m_policies(policies)
{
    m_isBitSource = mapping.source.dataType == QLatin1String("bit");
    // Enum labels are checked where PostgreSQL would refuse the value: an enum
    // type, or the CHECK that the default enum → text mapping creates.
    m_checkLabels = mapping.isEnum()
        && (mapping.family == TargetFamily::Enum || (!mapping.overridden && mapping.family == TargetFamily::Text));
    if (m_checkLabels) {
        for (const QString &l : mapping.labels)
            m_labels << l.toUtf8();
    }
}

CodecResult ValueCodec::convertInteger(const SourceValue &v, Converted &c) const
{
    switch (v.type()) {
    case SourceValue::Type::Int:
        c.negative = v.toInt() < 0;
        c.magnitude = c.negative ? quint64(0) - quint64(v.toInt()) : quint64(v.toInt());
        break;
    case SourceValue::Type::UInt:
        c.magnitude = v.toUInt();
        break;
    case SourceValue::Type::Bytes: {
        const QByteArrayView b = v.bytes();
        if (m_isBitSource) {
            if (b.size() > 8)
                return CodecResult::rejected(QStringLiteral("BIT value longer than 64 bits"));
            for (const char ch : b)
                c.magnitude = (c.magnitude << 8) | uchar(ch);
            break;
        }
        const char *first = b.data();
        const char *last = b.data() + b.size();
        if (first != last && *first == '-') {
            c.negative = true;
            ++first;
        }
        const auto r = std::from_chars(first, last, c.magnitude);
        if (r.ec != std::errc() || r.ptr != last || first == last)
            return CodecResult::rejected(QStringLiteral("'%1' is not an integer").arg(displayOf(v)));
        break;
    }
    default:
        return CodecResult::rejected(
            QStringLiteral("unexpected value %1 for an integer column").arg(displayOf(v)));
    }
    if (c.magnitude == 0)
        c.negative = false;

    if (m_mapping.canonical == CanonicalKind::Boolean) {
        if (c.negative || c.magnitude > 1) {
            return CodecResult::rejected(
                QStringLiteral("%1 value %2 is neither 0 nor 1, so it is not a boolean; override the "
                               "column to smallint to keep such values")
                    .arg(m_mapping.source.columnType, displayOf(v)));
        }
        return CodecResult::ok();
    }
    if (!fits(m_mapping.family, c.negative, c.magnitude)) {
        return CodecResult::rejected(QStringLiteral("%1 does not fit %2")
                                         .arg(displayOf(v), m_mapping.targetType));
    }
    return CodecResult::ok();
}

CodecResult ValueCodec::convertText(const SourceValue &v, Converted &c) const
{
    if (v.type() != SourceValue::Type::Bytes)
        return CodecResult::rejected(QStringLiteral("unexpected non-text value %1").arg(displayOf(v)));
    c.bytes = v.bytes();
    const qsizetype bad = utf8::firstInvalid(c.bytes);
    if (bad >= 0)
        return CodecResult::rejected(QStringLiteral("invalid UTF-8 at byte %1").arg(bad));
    CodecResult result;
    if (std::memchr(c.bytes.data(), 0, size_t(c.bytes.size()))) {
        if (m_policies.nulBytes == TypePolicies::NulBytes::Reject)
            return CodecResult::rejected(QStringLiteral(
                "text holds NUL bytes, which PostgreSQL text cannot store (policy nul_bytes: reject)"));
        c.owned.reserve(c.bytes.size());
        for (const char ch : c.bytes) {
            if (ch != '\0')
                c.owned.append(ch);
        }
        c.bytes = c.owned;
        result = CodecResult::converted(QStringLiteral("NUL bytes removed (policy nul_bytes: strip)"));
    }
    if (m_checkLabels) {
        bool found = false;
        for (const QByteArray &l : m_labels)
            found = found || QByteArrayView(l) == c.bytes;
        if (!found) {
            if (c.bytes.isEmpty())
                return CodecResult::rejected(QStringLiteral(
                    "'' is MySQL's error value for an invalid enum (stored in non-strict mode) and "
                    "not one of the column's labels"));
            return CodecResult::rejected(QStringLiteral("'%1' is not one of the enum labels")
                                             .arg(QString::fromUtf8(c.bytes)));
        }
    }
    return result;
}

CodecResult ValueCodec::convertDate(const SourceValue &v, Converted &c) const
{
    if (v.type() == SourceValue::Type::DateTime) {
        c.dt = v.dateTime();
    } else if (v.type() == SourceValue::Type::Bytes) {
        if (!parseDateTime(v.bytes(), c.dt))
            return CodecResult::rejected(QStringLiteral("'%1' is not a date").arg(displayOf(v)));
    } else {
        return CodecResult::rejected(QStringLiteral("unexpected value %1 for a date").arg(displayOf(v)));
    }
    if (isRealDate(c.dt.year, c.dt.month, c.dt.day))
        return CodecResult::ok();

    const QString what = (c.dt.year == 0 && c.dt.month == 0 && c.dt.day == 0)
        ? QStringLiteral("zero date")
        : QStringLiteral("date that PostgreSQL cannot store");
    switch (m_policies.zeroDates) {
    case TypePolicies::ZeroDate::Null:
        if (!m_mapping.nullable)
            return CodecResult::rejected(QStringLiteral("%1 %2 in a NOT NULL column (policy "
                                                        "zero_dates: null)").arg(what, displayOf(v)));
        c.isNull = true;
        return CodecResult::converted(QStringLiteral("%1 %2 → NULL").arg(what, displayOf(v)));
    case TypePolicies::ZeroDate::Sentinel: {
        SourceDateTime s;
        if (!parseDateTime(m_policies.zeroDateSentinel.toUtf8(), s))
            return CodecResult::rejected(QStringLiteral("zero-date sentinel '%1' is not a date")
                                             .arg(m_policies.zeroDateSentinel));
        c.dt = s;
        return CodecResult::converted(QStringLiteral("%1 %2 → %3")
                                          .arg(what, displayOf(v), m_policies.zeroDateSentinel));
    }
    case TypePolicies::ZeroDate::Reject:
        break;
    }
    return CodecResult::rejected(QStringLiteral("%1 %2 (policy zero_dates: reject)").arg(what, displayOf(v)));
}

CodecResult ValueCodec::convert(const SourceValue &v, Converted &c) const
{
    if (v.isNull()) {
        c.isNull = true;
        return CodecResult::ok();
    }
    switch (m_mapping.canonical) {
    case CanonicalKind::Integer:
    case CanonicalKind::Boolean:
        return convertInteger(v, c);
    case CanonicalKind::Bits:
        if (v.type() == SourceValue::Type::UInt || v.type() == SourceValue::Type::Int) {
            c.magnitude = v.type() == SourceValue::Type::UInt ? v.toUInt() : quint64(v.toInt());
            return CodecResult::ok();
        }
        return convertInteger(v, c);
    case CanonicalKind::Decimal:
        if (v.type() == SourceValue::Type::Bytes && isDecimalText(v.bytes())) {
            c.bytes = v.bytes();
            return CodecResult::ok();
        }
        return CodecResult::rejected(QStringLiteral("'%1' is not a decimal").arg(displayOf(v)));
    case CanonicalKind::Float: {
        switch (v.type()) {
        case SourceValue::Type::Double:
        case SourceValue::Type::Float:
            c.d = v.toDouble();
            break;
        case SourceValue::Type::Int:
            c.d = double(v.toInt());
            break;
        case SourceValue::Type::UInt:
            c.d = double(v.toUInt());
            break;
        case SourceValue::Type::Bytes: {
            const QByteArray s = v.bytes().toByteArray();
            char *end = nullptr;
            c.d = std::strtod(s.constData(), &end);
            if (s.isEmpty() || end != s.constData() + s.size())
                return CodecResult::rejected(QStringLiteral("'%1' is not a number").arg(displayOf(v)));
            break;
        }
        default:
            return CodecResult::rejected(QStringLiteral("unexpected value %1 for a float").arg(displayOf(v)));
        }
        if (m_mapping.family == TargetFamily::Real)
            c.d = double(float(c.d));
        return CodecResult::ok();
    }
    case CanonicalKind::Text:
    case CanonicalKind::PaddedText:
        return convertText(v, c);
    case CanonicalKind::Bytes:
        if (v.type() != SourceValue::Type::Bytes)
            return CodecResult::rejected(QStringLiteral("unexpected value %1 for bytes").arg(displayOf(v)));
        c.bytes = v.bytes();
        return CodecResult::ok();
    case CanonicalKind::Date:
    case CanonicalKind::Timestamp:
    case CanonicalKind::TimestampUtc:
        return convertDate(v, c);
    case CanonicalKind::Time: {
        if (v.type() == SourceValue::Type::DateTime) {
            c.micros = timeMicros(v.dateTime());
        } else if (v.type() == SourceValue::Type::Bytes) {
            const auto m = parseTimeMicros(v.bytes());
            if (!m)
                return CodecResult::rejected(QStringLiteral("'%1' is not a time").arg(displayOf(v)));
            c.micros = *m;
        } else {
            return CodecResult::rejected(QStringLiteral("unexpected value %1 for a time").arg(displayOf(v)));
        }
        if (m_mapping.family == TargetFamily::Time && (c.micros < 0 || c.micros > 86400LL * 1000000)) {
            return CodecResult::rejected(
                QStringLiteral("TIME %1 is outside 00:00:00..24:00:00; override the column to "
                               "interval to keep durations").arg(displayOf(v)));
        }
        return CodecResult::ok();
    }
    case CanonicalKind::Json: {
        if (v.type() != SourceValue::Type::Bytes)
            return CodecResult::rejected(QStringLiteral("unexpected value %1 for JSON").arg(displayOf(v)));
        c.bytes = v.bytes();
        const qsizetype bad = utf8::firstInvalid(c.bytes);
        if (bad >= 0)
            return CodecResult::rejected(QStringLiteral("invalid UTF-8 at byte %1").arg(bad));
        // memchr first: most documents hold no escape at all.
        if (m_mapping.family == TargetFamily::Jsonb
            && std::memchr(c.bytes.data(), '\\', size_t(c.bytes.size())) != nullptr
            && c.bytes.contains(QByteArrayView("\\u0000"))) {
            return CodecResult::rejected(QStringLiteral(
                "JSON holds \\u0000, which jsonb cannot store; override the column to json or text"));
        }
        return CodecResult::ok();
    }
    case CanonicalKind::Set: {
        if (v.type() != SourceValue::Type::Bytes)
            return CodecResult::rejected(QStringLiteral("unexpected value %1 for a SET").arg(displayOf(v)));
        c.bytes = v.bytes();
        const qsizetype bad = utf8::firstInvalid(c.bytes);
        if (bad >= 0)
            return CodecResult::rejected(QStringLiteral("invalid UTF-8 at byte %1").arg(bad));
        return CodecResult::ok();
    }
    }
    return CodecResult::rejected(QStringLiteral("no conversion"));
}

CodecResult ValueCodec::encodeCopy(const SourceValue &v, QByteArray &out) const
{
    Converted c;
    CodecResult r = convert(v, c);
    if (r.isRejected())
        return r;
    if (c.isNull) {
        out.append("\\N", 2);
        return r;
    }
    switch (m_mapping.family) {
    case TargetFamily::Boolean:
        out.append(c.magnitude ? 't' : 'f');
        break;
    case TargetFamily::SmallInt:
    case TargetFamily::Integer:
    case TargetFamily::BigInt:
        appendSigned(out, c.negative, c.magnitude);
        break;
    case TargetFamily::Numeric:
        if (m_mapping.canonical == CanonicalKind::Integer)
            appendSigned(out, c.negative, c.magnitude);
        else
            out.append(c.bytes.data(), c.bytes.size());
        break;
    case TargetFamily::Real:
        appendFloat(out, float(c.d));
        break;
    case TargetFamily::Double:
        appendDouble(out, c.d);
        break;
    case TargetFamily::Text:
    case TargetFamily::Char:
    case TargetFamily::Enum:
    case TargetFamily::Json:
    case TargetFamily::Jsonb:
        appendCopyEscaped(out, c.bytes);
        break;
    case TargetFamily::Bytea:
        out.append("\\\\x", 3);
        appendHexLower(out, c.bytes);
        break;
    case TargetFamily::Date:
        appendDate(out, c.dt);
        break;
    case TargetFamily::Timestamp:
        appendDateTime(out, c.dt);
        break;
    case TargetFamily::Timestamptz:
        appendDateTime(out, c.dt);
        out.append("+00", 3);
        break;
    case TargetFamily::Time:
    case TargetFamily::Interval:
        appendTimeMicros(out, c.micros);
        break;
    case TargetFamily::TextArray: {
        // Array literal {"a","b"}: inside quotes, '"' and '\' take a backslash;
        // the whole literal then gets COPY escaping (so '\' doubles again).
        QByteArray literal;
        literal.append('{');
        if (!c.bytes.isEmpty()) {
            qsizetype start = 0;
            for (qsizetype i = 0; i <= c.bytes.size(); ++i) {
                if (i == c.bytes.size() || c.bytes.at(i) == ',') {
                    if (start > 0)
                        literal.append(',');
                    literal.append('"');
                    for (const char ch : c.bytes.sliced(start, i - start)) {
                        if (ch == '"' || ch == '\\')
                            literal.append('\\');
                        literal.append(ch);
                    }
                    literal.append('"');
                    start = i + 1;
                }
            }
        }
        literal.append('}');
        appendCopyEscaped(out, literal);
        break;
    }
    case TargetFamily::VarBit:
        out.append(bitString(c.magnitude, m_mapping.bitLength));
        break;
    }
    return r;
}

std::optional<QByteArray> ValueCodec::canonicalSource(const SourceValue &v) const
{
    Converted c;
    const CodecResult r = convert(v, c);
    if (r.isRejected())
        return rejectedCanonical(v);
    if (c.isNull)
        return std::nullopt;
    QByteArray out;
    switch (m_mapping.canonical) {
    case CanonicalKind::Integer:
        appendSigned(out, c.negative, c.magnitude);
        break;
    case CanonicalKind::Boolean:
        out.append(c.magnitude ? 't' : 'f');
        break;
    case CanonicalKind::Decimal:
        out = normalizeDecimal(c.bytes).value_or(rejectedCanonical(v));
        break;
    case CanonicalKind::Float:
        out = doubleBitsHex(c.d);
        break;
    case CanonicalKind::Text:
        out = c.bytes.toByteArray();
        break;
    case CanonicalKind::PaddedText: {
        QByteArrayView b = c.bytes;
        while (!b.isEmpty() && b.back() == ' ')
            b.chop(1);
        out = b.toByteArray();
        break;
    }
    case CanonicalKind::Bytes:
        appendHexLower(out, c.bytes);
        break;
    case CanonicalKind::Date:
        appendDate(out, c.dt);
        break;
    case CanonicalKind::Timestamp:
    case CanonicalKind::TimestampUtc:
        appendInt(out, epochMicros(c.dt));
        break;
    case CanonicalKind::Time:
        appendInt(out, c.micros);
        break;
    case CanonicalKind::Json: {
        const JsonCanonicalResult j = JsonCanonical::canonicalize(c.bytes);
        out = j.text ? *j.text : rejectedCanonical(v);
        break;
    }
    case CanonicalKind::Set:
        out = sortedMembers(c.bytes).join(',');
        break;
    case CanonicalKind::Bits:
        out = bitString(c.magnitude, m_mapping.bitLength);
        break;
    }
    return out;
}

std::optional<QByteArray> ValueCodec::canonicalTarget(const std::optional<QByteArray> &pgText) const
{
    if (!pgText)
        return std::nullopt;
    const QByteArray &t = *pgText;
    const auto invalid = [&] { return QByteArray("!target:") + t; };
    switch (m_mapping.canonical) {
    case CanonicalKind::Integer:
    case CanonicalKind::Decimal:
        return normalizeDecimal(t).value_or(invalid());
    case CanonicalKind::Boolean:
        if (m_mapping.family == TargetFamily::Boolean)
            return t;
        return normalizeDecimal(t).value_or(invalid());
    case CanonicalKind::Float: {
        char *end = nullptr;
        double d = 0;
        if (m_mapping.family == TargetFamily::Real)
            d = double(std::strtof(t.constData(), &end));
        else
            d = std::strtod(t.constData(), &end);
        if (t.isEmpty() || end != t.constData() + t.size())
            return invalid();
        return doubleBitsHex(d);
    }
    case CanonicalKind::Text:
        return t;
    case CanonicalKind::PaddedText: {
        QByteArray s = t;
        while (s.endsWith(' '))
            s.chop(1);
        return s;
    }
    case CanonicalKind::Bytes:
        if (!t.startsWith("\\x"))
            return invalid();
        return t.mid(2).toLower();
    case CanonicalKind::Date:
        return t;
    case CanonicalKind::Timestamp:
    case CanonicalKind::TimestampUtc: {
        SourceDateTime dt;
        int offset = 0;
        if (!parseDateTime(t, dt, &offset))
            return invalid();
        QByteArray out;
        appendInt(out, epochMicros(dt) - qint64(offset) * 1000000);
        return out;
    }
    case CanonicalKind::Time: {
        const auto m = m_mapping.family == TargetFamily::Interval ? parseIntervalMicros(t)
                                                                  : parseTimeMicros(t);
        if (!m)
            return invalid();
        QByteArray out;
        appendInt(out, *m);
        return out;
    }
    case CanonicalKind::Json: {
        const JsonCanonicalResult j = JsonCanonical::canonicalize(t);
        return j.text ? *j.text : invalid();
    }
    case CanonicalKind::Set: {
        auto elements = parsePgArray(t);
        if (!elements)
            return invalid();
        std::sort(elements->begin(), elements->end());
        elements->erase(std::unique(elements->begin(), elements->end()), elements->end());
        return elements->join(',');
    }
    case CanonicalKind::Bits:
        return t;
    }
    return invalid();
}

} // namespace switchyard::core
