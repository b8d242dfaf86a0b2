#pragma once
// The canonical value form: the one text that a value from MySQL/MariaDB and
// the value PostgreSQL holds for it both reduce to, so equal data compares
// equal and different data does not. Validation (row diff, chunk checksums)
// compares only canonical forms.
//
//   kind          canonical text                                   example
//   ------------  -----------------------------------------------  ------------------
//   NULL          no value (std::nullopt) — distinct from '' and 'NULL'
//   Integer       decimal, '-' sign, no leading zeros               -128, 18446744073709551615
//   Decimal       exact value: no leading zeros, no trailing        1.5 (from 1.50), 0, -0.001
//                 fraction zeros, no '-0'
//   Float         16 hex digits of the binary64 bits, float         3fb999999999999a (0.1)
//                 widened exactly; -0.0 → 0.0; every NaN one form
//   Boolean       t / f                                             t
//   Text          UTF-8 bytes, byte-exact (trailing spaces count)   'a ' ≠ 'a'
//   PaddedText    CHAR: UTF-8 bytes, trailing spaces removed        'a' (from 'a  ')
//   Bytes         lower-case hex                                    00ff
//   Date          YYYY-MM-DD                                        2024-02-29
//   Timestamp     µs since 1970-01-01 00:00:00 (DATETIME read as    1700000000123456
//                 UTC wall clock)
//   TimestampUtc  µs since the UTC epoch                            1700000000123456
//   Time          signed µs                                         -3020399000000
//   Json          JsonCanonical (sorted keys, exact numbers)        {"a":1,"b":[true]}
//   Set           members sorted bytewise, joined by ','            a,c
//   Bits          one '0'/'1' per bit of bit(n)                      00000101
//
// Policies apply before the canonical form: a zero date the plan turns into
// NULL is canonically NULL; NUL bytes the plan strips are not in the canonical
// text. Values the codec rejects have a canonical text starting with '!'.
//
// CanonicalSql (CanonicalSql.h) produces the same texts inside each database.
// Thread-safe: pure functions.

#include "types/SourceValue.h"
#include "types/TypeMapping.h"

#include <QByteArray>

#include <optional>

namespace switchyard::core {

class Canonical
{
public:
    using Value = std::optional<QByteArray>;

    static Value fromSource(const ColumnMapping &mapping, const TypePolicies &policies,
                            const SourceValue &value);
    /// From PostgreSQL's text output of the column's value (nullopt = NULL).
    static Value fromTarget(const ColumnMapping &mapping, const std::optional<QByteArray> &pgText);

    /// Kinds whose canonical text is drawn from a fixed alphabet of digits,
    /// signs, '.', ':', '-', ' ', '!' and hex letters — never ';' and never
    /// the text "N" — so a terminator makes them concatenable without a
    /// length prefix (which would cost a second evaluation per value in SQL).
    static bool fixedAlphabet(CanonicalKind kind);

    /// An unambiguous, concatenable form of a `kind` value. Fixed-alphabet
    /// kinds: "<text>;", and "N;" for NULL. Others: "<bytes>:<text>" (byte
    /// length in decimal), and "N" for NULL. CanonicalSql::*TaggedExpr
    /// produce the same bytes.
    static QByteArray tagged(const Value &value, CanonicalKind kind);
};

} // namespace switchyard::core
