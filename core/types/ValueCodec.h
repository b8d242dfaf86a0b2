#pragma once
// ValueCodec: one source value → what PostgreSQL receives, and the canonical
// comparison text of values on either side, for one mapped column.
//
// Build one ValueCodec per column (it pre-computes what the mapping decided),
// then call it per value. encodeCopy() is the backfill hot path: it appends
// to the caller's buffer and allocates nothing for the common types (integer,
// decimal, float, text without NUL, bytes, dates and times).
//
// COPY text format (PostgreSQL "COPY … FROM STDIN", default text format):
// NULL is \N; backslash, tab, newline and carriage return are escaped;
// bytea is \\x<hex>; booleans t/f; timestamptz as "YYYY-MM-DD HH:MM:SS[.f]+00";
// set → text[] as {"a","b"}; bit(n) → n characters of 0/1.
//
// Policy outcomes: a value is written as is (Ok), written after a documented
// change (Converted: a zero date turned NULL or a sentinel, NUL bytes
// stripped) with a reason, or not written (Rejected) with the reason; the
// caller then drops the row (remove what it appended for the row) and records
// (table, key, column, reason, SourceValue::toDisplay()) in its reject table.
// Nothing is ever silently changed: tinyint(1) value 2 is rejected, not true.
//
// Canonical forms (what Canonical.h documents) come from the same conversion,
// so a value the codec converts (zero date → NULL) has the canonical form of
// what was written. A rejected value's canonical text starts with '!' and so
// never equals any target value.
//
// Thread-safe for concurrent const use; cheap to copy.

#include "types/SourceValue.h"
#include "types/TypeMapping.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QString>

#include <optional>

namespace switchyard::core {

struct CodecResult
{
    enum class Status { Ok, Converted, Rejected };
    Status status = Status::Ok;
    QString reason; // empty for Ok

    bool isOk() const { return status == Status::Ok; }
    bool isRejected() const { return status == Status::Rejected; }
    static CodecResult ok() { return CodecResult(); }
    static CodecResult converted(const QString &why) { return {Status::Converted, why}; }
    static CodecResult rejected(const QString &why) { return {Status::Rejected, why}; }
};

class ValueCodec
{
public:
    ValueCodec(const ColumnMapping &mapping, const TypePolicies &policies);

    /// Appends the COPY text of `value` to `out` (nothing on Rejected).
    CodecResult encodeCopy(const SourceValue &value, QByteArray &out) const;

    /// The canonical text of a source value (nullopt for SQL NULL, and for a
    /// value the policies turn into NULL).
    std::optional<QByteArray> canonicalSource(const SourceValue &value) const;

    /// The canonical text of the value PostgreSQL returns for this column in
    /// its text output format (DateStyle ISO, bytea_output hex,
    /// IntervalStyle postgres, extra_float_digits ≥ 1); nullopt for NULL.
    std::optional<QByteArray> canonicalTarget(const std::optional<QByteArray> &pgText) const;

    const ColumnMapping &mapping() const { return m_mapping; }

private:
    struct Converted;
    CodecResult convert(const SourceValue &value, Converted &c) const;
    CodecResult convertInteger(const SourceValue &value, Converted &c) const;
    CodecResult convertText(const SourceValue &value, Converted &c) const;
    CodecResult convertDate(const SourceValue &value, Converted &c) const;

    ColumnMapping m_mapping;
    TypePolicies m_policies;
    QByteArrayList m_labels; // enum labels as UTF-8, when membership is checked
    bool m_checkLabels = false;
    bool m_isBitSource = false;
};

} // namespace switchyard::core
