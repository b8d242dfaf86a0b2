#include "types/SourceValue.h"

#include "source/MySqlStatement.h"

#include "types/Utf8.h"
#include "types/ValueText.h"

namespace switchyard::core {

SourceValue SourceValue::fromMySql(const MySqlValue &value)
{
    switch (value.kind()) {
    case MySqlValue::Kind::Null:
        return SourceValue();
    case MySqlValue::Kind::Int:
        return fromInt(value.toInt64());
    case MySqlValue::Kind::UInt:
        return fromUInt(value.toUInt64());
    case MySqlValue::Kind::Double:
        return fromDouble(value.toDouble());
    case MySqlValue::Kind::Time: {
        const MySqlTime &t = value.toTime();
        SourceDateTime d;
        d.year = int(t.year);
        d.month = int(t.month);
        d.day = t.kind == MySqlTime::Kind::Time ? 0 : int(t.day);
        d.hour = int(t.hour) + (t.kind == MySqlTime::Kind::Time ? int(t.day) * 24 : 0);
        d.minute = int(t.minute);
        d.second = int(t.second);
        d.microsecond = int(t.microsecond);
        d.negative = t.negative;
        return fromDateTime(d);
    }
    case MySqlValue::Kind::Bytes:
        return fromBytes(value.bytes());
    }
    return SourceValue();
}

QString SourceValue::toDisplay() const
{
    switch (m_type) {
    case Type::Null:
        return QStringLiteral("NULL");
    case Type::Int:
        return QString::number(m_int);
    case Type::UInt:
        return QString::number(m_uint);
    case Type::Double:
    case Type::Float: {
        QByteArray s;
        valuetext::appendDouble(s, m_double);
        return QString::fromLatin1(s);
    }
    case Type::DateTime: {
        QByteArray s;
        if (m_time.year == 0 && m_time.month == 0 && m_time.day == 0
            && (m_time.negative || m_time.hour || m_time.minute || m_time.second)) {
            valuetext::appendTimeMicros(s, valuetext::timeMicros(m_time));
        } else {
            valuetext::appendDateTime(s, m_time);
        }
        return QString::fromLatin1(s);
    }
    case Type::Bytes:
        if (utf8::isValid(m_bytes) && !m_bytes.contains('\0'))
            return QString::fromUtf8(m_bytes);
        {
            QByteArray s("0x");
            valuetext::appendHexLower(s, m_bytes);
            return QString::fromLatin1(s);
        }
    }
    return QString();
}

} // namespace switchyard::core
