#pragma once
// Plain values of validation: keys, key ranges ("chunks"), row images,
// differences, progress samples and per-table verdicts. Copyable, no Qt
// objects, safe to send across threads.
//
// A key is the list of the key columns' canonical texts (Canonical.h), in
// key order. Its JSON form, keyJson(), is what the control store dedupes
// mismatches by: integers as JSON numbers, anything else as JSON strings,
// e.g. [42] or [7,"eu"]. One text per row, whatever spelling either side used.

#include "store/StoreTypes.h"
#include "types/TypeMapping.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace switchyard::core {

using CanonicalValue = std::optional<QByteArray>;

struct ValidationKey
{
    QList<QByteArray> parts; // canonical text of each key column

    bool isEmpty() const { return parts.isEmpty(); }
    /// JSON array; integer kinds as numbers, other kinds as strings.
    QString toJson(const QList<CanonicalKind> &kinds) const;
    /// Parses what toJson() wrote (numbers and strings); nullopt otherwise.
    static std::optional<ValidationKey> fromJson(const QString &json);
    QString display() const;
    friend bool operator==(const ValidationKey &a, const ValidationKey &b) { return a.parts == b.parts; }
};

/// Rows with lower < key <= upper (row comparison); an absent bound is open.
struct KeyRange
{
    std::optional<ValidationKey> lower;
    std::optional<ValidationKey> upper;
    QString display() const;
};

/// One row in canonical form: every mapped column, in mapping order.
struct RowImage
{
    ValidationKey key;
    QList<CanonicalValue> values;
    friend bool operator==(const RowImage &a, const RowImage &b)
    {
        return a.key == b.key && a.values == b.values;
    }
};

/// Rows of one range, keyed by the joined canonical key (order-free lookup).
using RowSet = QMap<QByteArray, RowImage>;

struct RowDifference
{
    MismatchKind kind = MismatchKind::Different;
    ValidationKey key;
    QStringList columns;             // differing target column names (Different only)
    std::optional<RowImage> source;  // absent when missing in source
    std::optional<RowImage> target;  // absent when missing in target

    /// Same rows seen again (same images on both sides)?
    bool sameAs(const RowDifference &other) const
    {
        return kind == other.kind && source == other.source && target == other.target;
    }
};

/// Compares two row sets column by column (canonical texts), every key of either side.
QList<RowDifference> diffRows(const RowSet &source, const RowSet &target, const TableMapping &mapping);
/// {"col": "canonical text" | null, …} for the mismatch record; "null" when absent.
QString rowImageJson(const std::optional<RowImage> &row, const TableMapping &mapping);

enum class ValidationVerdict { Pass, Fail, InFlight, Unchecked };
QString verdictName(ValidationVerdict v);

enum class ValidationState { Starting, Running, Rechecking, Completed, Failed, Cancelled };
QString validationStateName(ValidationState s);

struct ValidationProgress
{
    QString table;
    QString mode;
    ValidationState state = ValidationState::Starting;
    qint64 chunksDone = 0;
    qint64 rowsChecked = 0;
    qint64 rowsEstimated = 0;
    double rowsPerSecond = 0;
    qint64 open = 0;
    qint64 inFlight = 0;
    qint64 unchecked = 0;
    QString cursor;
    QString lastError;
    qint64 atMs = 0;
};

/// A key range that could not be checked, and why.
struct UncheckedChunk
{
    KeyRange range;
    QString error;
};

} // namespace switchyard::core
