#pragma once
// One value read from MySQL/MariaDB, as the binary protocol delivers it
// (MySqlStatement) or as text (the text protocol, QueryResult): the input of
// ValueCodec and Canonical::fromSource.
//
// A SourceValue does not own its bytes: fromBytes() keeps a view into the
// caller's buffer (the statement's bind buffer), which must stay valid while
// the value is used. That keeps the backfill hot path free of allocations.
//
// What the readers must guarantee (MySqlConnection sets these up):
// - session time_zone '+00:00', so TIMESTAMP values arrive in UTC;
// - character set utf8mb4, so text arrives as UTF-8 whatever the column charset;
// - DECIMAL as its text ("-12.340"), BIT as big-endian bytes, ENUM/SET/JSON as
//   text, YEAR as an integer, TIME with its sign and hours beyond 24 (days
//   folded into hours, or in `day`).

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace switchyard::core {

class MySqlValue;

/// MYSQL_TIME without <mysql.h>: date, datetime, timestamp or time.
struct SourceDateTime
{
    int year = 0;
    int month = 0;
    int day = 0;        // for TIME: whole days (some clients fold them into hour)
    int hour = 0;       // for TIME: may exceed 23
    int minute = 0;
    int second = 0;
    int microsecond = 0;
    bool negative = false; // TIME only
};

class SourceValue
{
public:
    enum class Type { Null, Int, UInt, Double, Float, DateTime, Bytes };

    SourceValue() = default;
    static SourceValue null() { return SourceValue(); }
    static SourceValue fromInt(qint64 v) { SourceValue s; s.m_type = Type::Int; s.m_int = v; return s; }
    static SourceValue fromUInt(quint64 v) { SourceValue s; s.m_type = Type::UInt; s.m_uint = v; return s; }
    static SourceValue fromDouble(double v) { SourceValue s; s.m_type = Type::Double; s.m_double = v; return s; }
    static SourceValue fromFloat(float v) { SourceValue s; s.m_type = Type::Float; s.m_double = double(v); return s; }
    static SourceValue fromDateTime(const SourceDateTime &t) { SourceValue s; s.m_type = Type::DateTime; s.m_time = t; return s; }
    /// A view: `bytes` must outlive the SourceValue's use.
    static SourceValue fromBytes(QByteArrayView bytes) { SourceValue s; s.m_type = Type::Bytes; s.m_bytes = bytes; return s; }
    /// From MySqlStatement's binary-protocol value (bytes stay a view into
    /// the statement's buffer: valid until its next fetch()).
    static SourceValue fromMySql(const MySqlValue &value);
    /// From a text-protocol value (QueryResult): NULL or bytes (a view).
    static SourceValue fromText(const std::optional<QByteArray> &value)
    {
        return value ? fromBytes(QByteArrayView(*value)) : SourceValue();
    }

    Type type() const { return m_type; }
    bool isNull() const { return m_type == Type::Null; }
    qint64 toInt() const { return m_int; }
    quint64 toUInt() const { return m_uint; }
    double toDouble() const { return m_double; }
    const SourceDateTime &dateTime() const { return m_time; }
    QByteArrayView bytes() const { return m_bytes; }

    /// A readable rendering for reject records and mismatch reports; bytes that
    /// are not valid UTF-8 are shown as 0x… hex.
    QString toDisplay() const;

private:
    Type m_type = Type::Null;
    qint64 m_int = 0;
    quint64 m_uint = 0;
    double m_double = 0;
    SourceDateTime m_time;
    QByteArrayView m_bytes;
};

} // namespace switchyard::core
