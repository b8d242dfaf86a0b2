#pragma once
// The position of a keyset scan: the key values of the last row copied.
//
// A cursor is what a checkpoint stores. It is captured from the streamed
// source row (copying the few key bytes, since the statement's buffers are
// reused by the next fetch), bound back into the next source query with the
// column's own type (integers as integers so MySQL range-scans the primary
// key; text as text in the connection's collation; binary as bytes), passed
// to PostgreSQL as text parameters, and serialised to JSON for the control
// store. Value type; cheap to copy.

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace switchyard::core {

class MySqlStatement;
class MySqlValue;

struct KeyPart
{
    enum class Kind { Int, UInt, Text, Bytes, Time };
    Kind kind = Kind::Int;
    qint64 i = 0;
    quint64 u = 0;
    QByteArray bytes; // Text: UTF-8; Bytes: raw; Time: "YYYY-MM-DD HH:MM:SS[.ffffff]"

    /// The value as PostgreSQL accepts it as a text parameter.
    QByteArray pgText() const;
    /// For people (progress lines, logs).
    QString display() const;
    /// Numeric value for lag figures (integer keys only).
    std::optional<double> number() const;

    friend bool operator==(const KeyPart &a, const KeyPart &b)
    {
        return a.kind == b.kind && a.i == b.i && a.u == b.u && a.bytes == b.bytes;
    }
};

class KeyCursor
{
public:
    KeyCursor() = default;

    bool isEmpty() const { return m_parts.isEmpty(); }
    const QList<KeyPart> &parts() const { return m_parts; }

    /// Copies the key columns (`columnIndexes` into the current row) out of
    /// the statement. Reuses this cursor's storage: no allocation per row for
    /// integer keys, and none for short text keys once warmed up.
    void capture(const MySqlStatement &statement, const QList<int> &columnIndexes,
                 const QList<bool> &binaryColumns);

    /// Binds the cursor into a keyset query, in KeysetSql::cursorBindOrder().
    void bind(MySqlStatement &statement, int firstParameter) const;

    /// JSON array, e.g. [{"i":"42"}] or [{"t":"abc"},{"u":"18446744073709551615"}].
    QByteArray toJson() const;
    /// nullopt when `json` is not a cursor this build wrote.
    static std::optional<KeyCursor> fromJson(const QByteArray &json);

    QString display() const;

    friend bool operator==(const KeyCursor &a, const KeyCursor &b) { return a.m_parts == b.m_parts; }

private:
    QList<KeyPart> m_parts;
};

} // namespace switchyard::core
