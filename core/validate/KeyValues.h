#pragma once
// KeyValues: a key column's canonical text (Canonical.h) turned back into
// what each database compares with that column, so validation can use keys
// of any orderable type in range predicates, keyset paging, lookups by key
// and random sampling seeks.
//
//   kind          MySQL parameter            PostgreSQL parameter (text)
//   Integer       BIGINT (UNSIGNED above 2^63)  the digits
//   Date          'YYYY-MM-DD'               'YYYY-MM-DD'
//   Timestamp     DATETIME (binary MYSQL_TIME)  'YYYY-MM-DD HH:MM:SS.ffffff'
//   TimestampUtc  DATETIME, UTC (the session time zone is +00:00)
//                                            'YYYY-MM-DD HH:MM:SS.ffffff+00'
//   Time          TIME (sign, hours > 24)    '[-]HH:MM:SS.ffffff'
//   Float         DOUBLE (exact bits)        17 significant digits (exact
//                                            for double; rounds to the same
//                                            value for real)
//   Decimal       the text (MySQL compares a DECIMAL column with text as
//                 DOUBLE: lookups return a superset that the canonical key
//                 check filters; see docs/validation.md)
//   Bytes         the bytes                  '\x…'
//   others        the text                   the text
//
// rangeKind(): both databases order values of the kind identically, so one
// range predicate selects the same rows on both sides (integers, dates,
// date-times, times). lookupKind(): the value can be bound back for `=`,
// `IN` and keyset `>` (every kind above). sampleKind(): values lie on a
// number line (ordinal()), so a random point between MIN and MAX can be
// drawn and sought with `>=` (numeric and temporal kinds).
//
// Pure functions, thread-safe.

#include "types/TypeMapping.h"

#include <QByteArray>

#include <optional>
#include <string>

namespace switchyard::core {

class MySqlStatement;

namespace KeyValues {

bool rangeKind(CanonicalKind kind);
bool lookupKind(CanonicalKind kind);
bool sampleKind(CanonicalKind kind);

/// Binds `canonical` at `index` (which advances).
void bindMySql(MySqlStatement &statement, int &index, const QByteArray &canonical, CanonicalKind kind);
/// The PostgreSQL text parameter for `canonical`.
std::string pgText(const QByteArray &canonical, CanonicalKind kind);

/// The value's position on the kind's number line (sampleKind() only):
/// the integer, days (dates), microseconds (date-times, times), the number.
std::optional<long double> ordinal(const QByteArray &canonical, CanonicalKind kind);
/// The canonical text of a point on that line (rounded down for integral
/// kinds; `scale` fractional digits for Decimal).
QByteArray fromOrdinal(long double point, CanonicalKind kind, int scale);

/// Microseconds since 1970-01-01 00:00:00 as 'YYYY-MM-DD HH:MM:SS.ffffff'.
QByteArray microsToDateTimeText(qint64 micros);
/// Signed microseconds as '[-]HH:MM:SS.ffffff' (hours may exceed 24).
QByteArray microsToTimeText(qint64 micros);

} // namespace KeyValues

} // namespace switchyard::core
