#pragma once
// Small text helpers shared by ValueCodec and Canonical (internal to
// core/types; other layers use ValueCodec / Canonical instead).
// All functions are pure and append into caller buffers.

#include "types/SourceValue.h"

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace switchyard::core::valuetext {

/// COPY text format escaping: backslash, tab, newline, carriage return.
void appendCopyEscaped(QByteArray &out, QByteArrayView bytes);
void appendInt(QByteArray &out, qint64 v);
void appendUInt(QByteArray &out, quint64 v);
void appendHexLower(QByteArray &out, QByteArrayView bytes);
/// Shortest text that reads back to the same double / float ("0.1", "1e-40",
/// "-0", "NaN", "Infinity").
void appendDouble(QByteArray &out, double v);
void appendFloat(QByteArray &out, float v);
/// 16 lower-case hex digits of the IEEE-754 bits; -0 → 0; every NaN → 7ff8000000000000.
QByteArray doubleBitsHex(double v);

/// True for [-]digits[.digits] (what MySQL prints for DECIMAL).
bool isDecimalText(QByteArrayView t);
/// Exact normalised decimal: no leading zeros, no trailing fraction zeros, no
/// '.' without fraction, "-0" → "0". Accepts [+-]digits[.digits][e±N] and NaN.
std::optional<QByteArray> normalizeDecimal(QByteArrayView t);

/// Days since 1970-01-01 of a proleptic Gregorian date.
qint64 daysFromCivil(qint64 y, unsigned m, unsigned d);
/// Does the date exist in the calendar (no month 0, day 0, Feb 30, year 0)?
bool isRealDate(int year, int month, int day);

/// Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS[.ffffff]" (also 'T'), with an
/// optional "+HH[:MM[:SS]]" / "-HH…" offset (PostgreSQL timestamptz output),
/// into `t` and `offsetSeconds`. Returns false on anything else.
bool parseDateTime(QByteArrayView text, SourceDateTime &t, int *offsetSeconds = nullptr);
/// "[-]H…:MM:SS[.ffffff]" → signed microseconds.
std::optional<qint64> parseTimeMicros(QByteArrayView text);
/// PostgreSQL interval output (IntervalStyle postgres): "[N year[s]] [N mon[s]]
/// [N day[s]] [-]HH:MM:SS[.f]" → microseconds, months as 30 days, years as
/// 365.25 days (as extract(epoch from interval) counts them).
std::optional<qint64> parseIntervalMicros(QByteArrayView text);

/// Microseconds since 1970-01-01 00:00:00 of a date/datetime read as UTC.
qint64 epochMicros(const SourceDateTime &t);
/// Signed microseconds of a TIME value (days folded into hours).
qint64 timeMicros(const SourceDateTime &t);

/// "YYYY-MM-DD"
void appendDate(QByteArray &out, const SourceDateTime &t);
/// "YYYY-MM-DD HH:MM:SS[.ffffff]" (fraction only when non-zero)
void appendDateTime(QByteArray &out, const SourceDateTime &t);
/// "[-]HH:MM:SS[.ffffff]" from microseconds
void appendTimeMicros(QByteArray &out, qint64 micros);

} // namespace switchyard::core::valuetext
