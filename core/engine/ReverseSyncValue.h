#pragma once
// ReverseSyncValue: one PostgreSQL value (its text output) → the value
// MySQL/MariaDB receives for the same column, the reverse of ValueCodec.
//
// The reverse-sync job reads target rows in PostgreSQL's text format with
// the session set up by prepareReverseTargetSession() (TimeZone UTC,
// DateStyle ISO, bytea_output hex, IntervalStyle postgres,
// extra_float_digits 3) and binds each value into a MySqlStatement
// (binary protocol), decided by the column's ColumnMapping — so every type
// the forward mapping writes comes back the way the source stores it:
//
//   boolean        t/f → 1/0 (tinyint(1)), or bit(1) b'1'/b'0'
//   smallint…bigint, numeric(20,0) from an integer source
//                  → a 64-bit integer (signed or unsigned by the source)
//   numeric        → its exact decimal text (NaN refused)
//   real / double  → the IEEE value (real parsed as float, so a FLOAT column
//                    gets the same bits back); ±Infinity / NaN refused
//   text, varchar, enum, json, jsonb → the UTF-8 text
//   bytea          → the bytes (\x hex decoded)
//   date, timestamp, timestamptz (UTC session: the UTC wall time, which the
//                    MySQL session with time_zone '+00:00' stores as the same
//                    instant), time, interval (hours may exceed 24, ±838 h)
//                  → a MySqlTime; BC dates, infinity and years past 9999 refused
//   text[] (SET)   → the members joined by ','
//   bit varying(n) → the bit string as an unsigned integer (BIT(n), n ≤ 64)
// A value that cannot be represented on the source is reported with the
// reason (what, which column) and never bound as something else.
//
// Pure functions: thread-safe.

#include "source/MySqlStatement.h"
#include "types/TypeMapping.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace switchyard::core {

class PgConnection;

struct ReverseValue
{
    enum class Kind { Null, Int, UInt, Double, Text, Bytes, Time };
    Kind kind = Kind::Null;
    qint64 i = 0;
    quint64 u = 0;
    double d = 0;
    QByteArray bytes; // Text (UTF-8) and Bytes
    MySqlTime time;

    void bind(MySqlStatement &statement, int index) const;
    /// For messages and tests: "NULL", "int:-5", "uint:7", "double:0.5",
    /// "text:abc", "bytes:00ff", "time:2024-03-31 01:30:00.123456".
    QString toDisplay() const;
};

struct ReverseConversion
{
    ReverseValue value;
    QString error; // empty when the value converted

    bool ok() const { return error.isEmpty(); }
};

/// Converts one target value of `column` (nullopt: SQL NULL).
ReverseConversion reverseValue(const ColumnMapping &column, const std::optional<QByteArray> &pgText);

/// A key part as the change log keeps it (the text of a jsonb array element:
/// numbers and strings as written, booleans true/false, timestamps with a
/// 'T'), converted the same way.
ReverseConversion reverseKeyValue(const ColumnMapping &column, const QByteArray &jsonText);

/// A one-dimensional PostgreSQL array literal ({a,"b c",NULL}) → its
/// elements, unescaped; nullopt when malformed. `hasNull` tells whether an
/// unquoted NULL element was seen.
std::optional<QList<QByteArray>> parsePgArray(const QByteArray &text, bool &hasNull);

/// The target session settings the text forms above assume.
void prepareReverseTargetSession(PgConnection &target);

} // namespace switchyard::core
