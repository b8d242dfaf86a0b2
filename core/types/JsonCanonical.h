#pragma once
// Canonical JSON: one text for every JSON document that means the same data,
// so a MySQL JSON value and the jsonb PostgreSQL made of it compare equal.
//
// The canonical text is:
// - no whitespace outside strings;
// - object keys sorted by their UTF-8 bytes; for a duplicate key the last one
//   wins (what both MySQL 8 and jsonb keep);
// - strings with escapes decoded, then written with only '"', '\\' and control
//   characters escaped (\b \f \n \r \t, others as \u00xx); everything else as
//   raw UTF-8;
// - numbers by exact decimal value, never through a double (so
//   12345678901234567890 stays exact): no leading zeros, no trailing fraction
//   zeros, no exponent unless the plain form would be longer than 40 digits
//   (then d.ddde±N), -0 → 0. 1.0, 1, 1e0 and 10E-1 all become 1.
//
// Thread-safe: pure functions. Nesting deeper than 512 levels is an error.

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace switchyard::core {

struct JsonCanonicalResult
{
    std::optional<QByteArray> text; // set when the input parsed
    QString error;                  // why it did not, with the byte offset
    bool containsNulCharacter = false; // a string holds \u0000 (jsonb refuses it)
};

class JsonCanonical
{
public:
    static JsonCanonicalResult canonicalize(QByteArrayView json);
    /// Canonical form of a JSON number token ("1.50e2" → "150"); nullopt when
    /// the text is not a JSON number.
    static std::optional<QByteArray> canonicalNumber(QByteArrayView number);
};

} // namespace switchyard::core
