#pragma once
// A server-side prepared statement on a MySqlConnection, whose result is
// STREAMED row by row in the binary protocol. This is the backfill's read
// path: about 4x faster than Qt's QMYSQL driver, which buffers whole results.
//
//   MySqlStatement st(conn, "SELECT id, name FROM `users` WHERE id > ? ORDER BY id LIMIT 1000");
//   st.bindInt64(0, lastId);
//   st.execute();
//   while (st.fetch()) {
//       const MySqlValue id = st.value(0);    // native integer
//       const MySqlValue name = st.value(1);  // bytes, valid until the next fetch()
//   }
//
// Values are handed out in the binary protocol's form, without conversion:
//   - TINYINT … BIGINT, YEAR: a 64-bit integer, signed or unsigned as the
//     column's UNSIGNED flag says (Kind::Int / Kind::UInt);
//   - FLOAT, DOUBLE: the IEEE value (Kind::Double; a FLOAT converts to double
//     exactly, so casting back to float recovers it bit for bit);
//   - DATE, TIME, DATETIME, TIMESTAMP: a MySqlTime (Kind::Time); TIME keeps
//     its sign and folds days into hours (e.g. 838:59:59);
//   - everything else (DECIMAL as its exact text, CHAR/VARCHAR/TEXT as bytes
//     in the column's character set, BINARY/BLOB/BIT/GEOMETRY/JSON/ENUM/SET as
//     the server sends them): bytes (Kind::Bytes).
// The column metadata (MySqlColumn: type, flags incl. UNSIGNED/BINARY,
// length, decimals, character set number) tells a reader how to interpret
// them; the canonical form is core/types' business, not this class's.
//
// Memory: each column owns one buffer, sized from the metadata on execute()
// (capped at 16 KiB for long types) and reused for every row. A longer value
// is detected (MYSQL_DATA_TRUNCATED / its length), the buffer grows, and the
// rest of the value is re-fetched with mysql_stmt_fetch_column(). Fetching a
// row therefore allocates nothing, unless a value is the longest seen so far.
// Bytes views (MySqlValue::bytes()) point into these buffers and are valid
// until the next fetch(), execute(), discardResult() or destruction.
//
// Threading and ownership: like its connection, a statement is used by one
// thread at a time (the connection's thread). It shares the connection's
// session but does not own it: a statement whose connection was closed,
// reopened or destroyed fails with DbException (2006/2013) instead of
// crashing, and can be prepare()d again on the reopened connection.
//
// The connection is busy while a result is being streamed: read it to the end
// (fetch() returns false, also after the only row of a one-row result) or
// call discardResult() (which drains the remaining rows from the network)
// before running anything else on the same connection, including another
// statement. Anything else throws DbException 2014 naming this statement;
// rows are never dropped behind the reader's back, because a silently
// shortened batch would look like the end of the table. Without a cursor the
// server sends the whole result as fast as the client reads; with
// Cursor::ReadOnly the server materialises it and sends setPrefetchRows()
// rows per round trip, leaving the connection free between fetches (slower;
// for interleaving).
//
// Errors: every failure throws DbException (errno, SQLSTATE, message, the
// statement as context). After an exception during fetch() the result is
// finished; the statement can be executed again if the connection survived.
// Multiple result sets (CALL of a procedure) are not supported.

#include "common/DbError.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <memory>

namespace switchyard::core {

class MySqlConnection;

/// Column types as the MySQL protocol numbers them (enum_field_types in
/// <mysql.h>; the numbers are part of the wire protocol and never change).
enum class MySqlFieldType : int {
    Decimal = 0,
    Tiny = 1,
    Short = 2,
    Long = 3,
    Float = 4,
    Double = 5,
    Null = 6,
    Timestamp = 7,
    LongLong = 8,
    Int24 = 9,
    Date = 10,
    Time = 11,
    DateTime = 12,
    Year = 13,
    NewDate = 14,
    VarChar = 15,
    Bit = 16,
    Json = 245, // MySQL 8; MariaDB sends JSON as a LONGTEXT blob
    NewDecimal = 246,
    Enum = 247,
    Set = 248,
    TinyBlob = 249,
    MediumBlob = 250,
    LongBlob = 251,
    Blob = 252,
    VarString = 253,
    String = 254,
    Geometry = 255,
};

/// One result column, as the server describes it (MYSQL_FIELD).
struct MySqlColumn
{
    /// Column flags (MYSQL_FIELD::flags), protocol values.
    enum Flag : unsigned int {
        NotNull = 1,
        PrimaryKey = 2,
        UniqueKey = 4,
        MultipleKey = 8,
        BlobFlag = 16,
        Unsigned = 32,
        ZeroFill = 64,
        Binary = 128, // binary collation; see isBinaryCharset() for bytes
        EnumFlag = 256,
        AutoIncrement = 512,
        TimestampFlag = 1024,
        SetFlag = 2048,
    };
    /// Character set number of binary strings (BINARY, VARBINARY, BLOB) and
    /// of non-string columns.
    static constexpr unsigned int kBinaryCharset = 63;

    QString name;         // alias as selected
    QString originalName; // column name in the table, empty for expressions
    QString table;
    QString originalTable;
    QString database;
    MySqlFieldType type = MySqlFieldType::Null;
    unsigned int flags = 0;
    unsigned long length = 0;  // display width / maximum byte length
    unsigned int decimals = 0; // scale, or fractional-second digits
    unsigned int charsetNumber = 0;

    bool hasFlag(Flag f) const { return (flags & f) != 0; }
    bool isUnsigned() const { return hasFlag(Unsigned); }
    bool isNotNull() const { return hasFlag(NotNull); }
    /// True for bytes without a character set (BINARY, VARBINARY, BLOB, BIT …).
    bool isBinaryCharset() const { return charsetNumber == kBinaryCharset; }
};

/// A date and/or time as the binary protocol carries it (MYSQL_TIME).
struct MySqlTime
{
    enum class Kind { None = -2, Error = -1, Date = 0, DateTime = 1, Time = 2 };

    unsigned int year = 0;
    unsigned int month = 0;
    unsigned int day = 0;
    unsigned int hour = 0; // TIME: may exceed 23 (up to 838)
    unsigned int minute = 0;
    unsigned int second = 0;
    unsigned long microsecond = 0;
    bool negative = false; // TIME only
    Kind kind = Kind::None;

    friend bool operator==(const MySqlTime &a, const MySqlTime &b)
    {
        return a.year == b.year && a.month == b.month && a.day == b.day && a.hour == b.hour &&
               a.minute == b.minute && a.second == b.second && a.microsecond == b.microsecond &&
               a.negative == b.negative && a.kind == b.kind;
    }
    friend bool operator!=(const MySqlTime &a, const MySqlTime &b) { return !(a == b); }
};

/// One value of the current row: a small view, cheap to copy. Accessors for
/// another kind are a programming error (asserted in debug builds).
class MySqlValue
{
public:
    enum class Kind { Null, Int, UInt, Double, Time, Bytes };

    MySqlValue() = default;
    static MySqlValue null() { return MySqlValue(); }
    static MySqlValue fromInt(qint64 v);
    static MySqlValue fromUInt(quint64 v);
    static MySqlValue fromDouble(double v);
    static MySqlValue fromTime(const MySqlTime &t);
    static MySqlValue fromBytes(QByteArrayView bytes);

    Kind kind() const { return m_kind; }
    bool isNull() const { return m_kind == Kind::Null; }
    qint64 toInt64() const;
    quint64 toUInt64() const;
    double toDouble() const;
    const MySqlTime &toTime() const;
    /// Valid until the statement fetches again.
    QByteArrayView bytes() const;

private:
    Kind m_kind = Kind::Null;
    union {
        qint64 i;
        quint64 u;
        double d;
    } m_num = {0};
    MySqlTime m_time;
    QByteArrayView m_bytes;
};

class MySqlStatement
{
public:
    enum class Cursor { None, ReadOnly };

    /// An unprepared statement on `connection` (which must be open).
    explicit MySqlStatement(MySqlConnection &connection);
    /// Prepare `sql` right away.
    MySqlStatement(MySqlConnection &connection, const QString &sql);
    ~MySqlStatement();
    MySqlStatement(MySqlStatement &&other) noexcept;
    MySqlStatement &operator=(MySqlStatement &&other) noexcept;
    MySqlStatement(const MySqlStatement &) = delete;
    MySqlStatement &operator=(const MySqlStatement &) = delete;

    /// Prepare (or re-prepare) `sql`, with `?` placeholders. Bindings are cleared.
    void prepare(const QString &sql);
    const QString &sql() const;
    int parameterCount() const;

    /// Server-side cursor (see the header comment). Takes effect on the next
    /// execute(). Default: Cursor::None, the fastest.
    void setCursor(Cursor cursor);
    /// Rows per round trip with Cursor::ReadOnly (default 1; ignored without
    /// a cursor, where the server streams continuously).
    void setPrefetchRows(unsigned long rows);

    // Parameters, 0-based. Each must be bound before execute(); bindings
    // persist across executions until changed. Bound values are copied (a
    // QByteArray is shared, not deep-copied).
    void bindNull(int index);
    void bindInt64(int index, qint64 value);
    void bindUInt64(int index, quint64 value);
    void bindDouble(int index, double value);
    /// A binary string (character set `binary`): sent as is, never converted
    /// or validated, NUL bytes kept. Use for BINARY/VARBINARY/BLOB/BIT values.
    /// Note that against a text column the column's collation still decides
    /// the comparison (it has the stronger coercibility).
    void bindBytes(int index, const QByteArray &bytes);
    /// A text string already in UTF-8, in the connection's character set
    /// (utf8mb4). Use for CHAR/VARCHAR/TEXT/ENUM/SET values, and for DECIMAL
    /// as its exact text.
    void bindText(int index, const QByteArray &utf8);
    void bindString(int index, const QString &text) { bindText(index, text.toUtf8()); }
    /// DATE, TIME, DATETIME or TIMESTAMP, by `time.kind`.
    void bindTime(int index, const MySqlTime &time);
    /// Forget all parameter values.
    void clearBindings();

    /// Execute with the current bindings. A result not fully read from the
    /// previous execution is discarded first.
    void execute();
    /// For statements without a result set.
    quint64 affectedRows() const;
    quint64 insertId() const;

    /// Result columns (valid after prepare(); refreshed by execute()).
    int columnCount() const;
    const QList<MySqlColumn> &columns() const;
    const MySqlColumn &column(int index) const;

    /// Advance to the next row; false at the end of the result (and for
    /// statements without one).
    bool fetch();
    /// Rows fetched since the last execute().
    quint64 rowsFetched() const;
    bool isNull(int column) const;
    MySqlValue value(int column) const;

    /// Stop reading the current result: the remaining rows are read from the
    /// network and dropped (a server cursor is closed). The connection is
    /// then free for other statements.
    void discardResult();

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace switchyard::core
