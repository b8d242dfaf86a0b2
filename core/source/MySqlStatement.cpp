#include "MySqlStatement.h"

#include "MySqlConnection.h"

#include <errmsg.h>
#include <mysql.h>

#include <cstddef>
#include <cstring>
#include <vector>

namespace switchyard::core {

// The public enums mirror the protocol; make sure they really do.
static_assert(int(MySqlFieldType::Decimal) == MYSQL_TYPE_DECIMAL);
static_assert(int(MySqlFieldType::LongLong) == MYSQL_TYPE_LONGLONG);
static_assert(int(MySqlFieldType::Bit) == MYSQL_TYPE_BIT);
static_assert(int(MySqlFieldType::NewDecimal) == MYSQL_TYPE_NEWDECIMAL);
static_assert(int(MySqlFieldType::Geometry) == MYSQL_TYPE_GEOMETRY);
static_assert(MySqlColumn::Unsigned == UNSIGNED_FLAG);
static_assert(MySqlColumn::Binary == BINARY_FLAG);
static_assert(MySqlColumn::SetFlag == SET_FLAG);
static_assert(int(MySqlTime::Kind::Time) == MYSQL_TIMESTAMP_TIME);
static_assert(int(MySqlTime::Kind::None) == MYSQL_TIMESTAMP_NONE);

// ---------------------------------------------------------------- MySqlValue

MySqlValue MySqlValue::fromInt(qint64 v)
{
    MySqlValue r;
    r.m_kind = Kind::Int;
    r.m_num.i = v;
    return r;
}

MySqlValue MySqlValue::fromUInt(quint64 v)
{
    MySqlValue r;
    r.m_kind = Kind::UInt;
    r.m_num.u = v;
    return r;
}

MySqlValue MySqlValue::fromDouble(double v)
{
    MySqlValue r;
    r.m_kind = Kind::Double;
    r.m_num.d = v;
    return r;
}

MySqlValue MySqlValue::fromTime(const MySqlTime &t)
{
    MySqlValue r;
    r.m_kind = Kind::Time;
    r.m_time = t;
    return r;
}

MySqlValue MySqlValue::fromBytes(QByteArrayView bytes)
{
    MySqlValue r;
    r.m_kind = Kind::Bytes;
    r.m_bytes = bytes;
    return r;
}

qint64 MySqlValue::toInt64() const
{
    Q_ASSERT(m_kind == Kind::Int);
    return m_num.i;
}

quint64 MySqlValue::toUInt64() const
{
    Q_ASSERT(m_kind == Kind::UInt);
    return m_num.u;
}

double MySqlValue::toDouble() const
{
    Q_ASSERT(m_kind == Kind::Double);
    return m_num.d;
}

const MySqlTime &MySqlValue::toTime() const
{
    Q_ASSERT(m_kind == Kind::Time);
    return m_time;
}

QByteArrayView MySqlValue::bytes() const
{
    Q_ASSERT(m_kind == Kind::Bytes);
    return m_bytes;
}

// ------------------------------------------------------------ MySqlStatement

namespace {

constexpr unsigned long kMinBuffer = 16;
constexpr unsigned long kMaxInitialBuffer = 16 * 1024;

enum class SlotKind { Null, Int, UInt, Float, Double, Time, Bytes };

/// Where one result column lands. Buffers live here; the MYSQL_BIND array
/// points at them, so slots are never moved while bound.
struct ColumnSlot
{
    SlotKind kind = SlotKind::Bytes;
    union {
        long long i;
        float f;
        double d;
    } num = {0};
    MYSQL_TIME time{};
    std::vector<char> buffer;
    unsigned long length = 0;
    my_bool isNull = 0;
    my_bool error = 0;
};

struct ParamSlot
{
    bool bound = false;
    enum_field_types type = MYSQL_TYPE_NULL;
    bool isUnsigned = false;
    union {
        long long i;
        double d;
    } num = {0};
    MYSQL_TIME time{};
    QByteArray bytes;
    unsigned long length = 0;
};

SlotKind slotKindFor(enum_field_types type)
{
    switch (type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
        return SlotKind::Int; // Int or UInt, by the UNSIGNED flag
    case MYSQL_TYPE_FLOAT:
        return SlotKind::Float;
    case MYSQL_TYPE_DOUBLE:
        return SlotKind::Double;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
        return SlotKind::Time;
    case MYSQL_TYPE_NULL:
        return SlotKind::Null;
    default:
        return SlotKind::Bytes;
    }
}

QString fieldText(const char *s, unsigned int len)
{
    return s ? QString::fromUtf8(s, qsizetype(len)) : QString();
}

MySqlColumn columnFrom(const MYSQL_FIELD &f)
{
    MySqlColumn c;
    c.name = fieldText(f.name, f.name_length);
    c.originalName = fieldText(f.org_name, f.org_name_length);
    c.table = fieldText(f.table, f.table_length);
    c.originalTable = fieldText(f.org_table, f.org_table_length);
    c.database = fieldText(f.db, f.db_length);
    c.type = MySqlFieldType(int(f.type));
    c.flags = f.flags;
    c.length = f.length;
    c.decimals = f.decimals;
    c.charsetNumber = f.charsetnr;
    return c;
}

MySqlTime timeFrom(const MYSQL_TIME &t, MySqlFieldType columnType)
{
    MySqlTime r;
    r.year = t.year;
    r.month = t.month;
    r.day = t.day;
    r.hour = t.hour;
    r.minute = t.minute;
    r.second = t.second;
    r.microsecond = t.second_part;
    r.negative = t.neg != 0;
    // The kind follows the column, not Connector/C's time_type: a DATETIME
    // at midnight travels in the short 4-byte form and comes back as "date".
    switch (columnType) {
    case MySqlFieldType::Date:
        r.kind = MySqlTime::Kind::Date;
        break;
    case MySqlFieldType::Time:
        r.kind = MySqlTime::Kind::Time;
        break;
    default:
        r.kind = MySqlTime::Kind::DateTime;
        break;
    }
    return r;
}

} // namespace

struct MySqlStatement::Impl
{
    std::weak_ptr<detail::MySqlSession> session;
    MYSQL_STMT *stmt = nullptr;
    QString sql;
    Cursor cursor = Cursor::None;
    unsigned long prefetchRows = 1;

    std::vector<ParamSlot> params;
    std::vector<MYSQL_BIND> paramBinds;

    QList<MySqlColumn> columns;
    std::vector<ColumnSlot> cols;
    std::vector<MYSQL_BIND> resultBinds;
    bool resultPending = false; // rows may remain on the wire
    bool rebindNeeded = false;  // a buffer grew since the last bind_result
    bool onRow = false;
    quint64 rowsFetched = 0;

    ~Impl()
    {
        markIdle();
        if (stmt)
            mysql_stmt_close(stmt); // drains an unread result first
    }

    /// The open session, or a DbException (2006) when it is gone.
    std::shared_ptr<detail::MySqlSession> requireSession() const
    {
        std::shared_ptr<detail::MySqlSession> s = session.lock();
        if (s && s->handle)
            return s;
        DbError e;
        e.engine = DbError::Engine::MySQL;
        e.nativeCode = CR_SERVER_GONE_ERROR;
        e.sqlState = QStringLiteral("HY000");
        e.message = QStringLiteral("the connection is not open");
        e.context = sql;
        throw DbException(std::move(e));
    }

    void markStreaming()
    {
        if (std::shared_ptr<detail::MySqlSession> s = session.lock()) {
            s->streamingOwner = this;
            s->streamingSql = sql;
        }
    }

    void markIdle() noexcept
    {
        std::shared_ptr<detail::MySqlSession> s = session.lock();
        if (s && s->streamingOwner == this) {
            s->streamingOwner = nullptr;
            s->streamingSql.clear();
        }
    }

    [[noreturn]] void fail(const QString &context) const
    {
        DbError e;
        e.engine = DbError::Engine::MySQL;
        e.nativeCode = int(mysql_stmt_errno(stmt));
        e.sqlState = QString::fromLatin1(mysql_stmt_sqlstate(stmt));
        e.message = QString::fromUtf8(mysql_stmt_error(stmt)).trimmed();
        e.context = context;
        throw DbException(std::move(e));
    }

    [[noreturn]] void usageError(const QString &message) const
    {
        DbError e;
        e.engine = DbError::Engine::MySQL;
        e.nativeCode = CR_COMMANDS_OUT_OF_SYNC;
        e.sqlState = QStringLiteral("HY000");
        e.message = message;
        e.context = sql;
        throw DbException(std::move(e));
    }

    MYSQL_STMT *requireStmt() const
    {
        if (!stmt)
            usageError(QStringLiteral("the statement is not prepared"));
        return stmt;
    }

    ParamSlot &param(int index)
    {
        requireStmt();
        if (index < 0 || std::size_t(index) >= params.size())
            usageError(QStringLiteral("parameter index %1 out of range (the statement has %2)")
                           .arg(index)
                           .arg(params.size()));
        return params[std::size_t(index)];
    }

    /// Rebuild column metadata and result buffers from the statement's
    /// current fields; keep buffers whose column did not change.
    void setUpResult()
    {
        const unsigned int n = mysql_stmt_field_count(stmt);
        MYSQL_RES *meta = n ? mysql_stmt_result_metadata(stmt) : nullptr;
        const MYSQL_FIELD *fields = meta ? mysql_fetch_fields(meta) : nullptr;

        bool same = fields && columns.size() == qsizetype(n);
        for (unsigned int i = 0; same && i < n; ++i) {
            const MySqlColumn &c = columns[qsizetype(i)];
            same = int(c.type) == int(fields[i].type) && c.flags == fields[i].flags &&
                   c.charsetNumber == fields[i].charsetnr && c.length == fields[i].length;
        }
        if (!same) {
            columns.clear();
            cols.clear();
            cols.resize(n);
            for (unsigned int i = 0; i < n && fields; ++i) {
                const MYSQL_FIELD &f = fields[i];
                columns.append(columnFrom(f));
                ColumnSlot &s = cols[i];
                s.kind = slotKindFor(f.type);
                if (s.kind == SlotKind::Int && (f.flags & UNSIGNED_FLAG))
                    s.kind = SlotKind::UInt;
                if (s.kind == SlotKind::Bytes) {
                    // f.length is the column's maximum in bytes (4 GiB for
                    // LONGBLOB): start small and grow on the first long value.
                    s.buffer.resize(qBound(kMinBuffer, f.length, kMaxInitialBuffer));
                }
            }
        }
        if (meta)
            mysql_free_result(meta);

        resultBinds.assign(n, MYSQL_BIND{});
        for (unsigned int i = 0; i < n; ++i) {
            ColumnSlot &s = cols[i];
            MYSQL_BIND &b = resultBinds[i];
            b.is_null = &s.isNull;
            b.length = &s.length;
            b.error = &s.error;
            switch (s.kind) {
            case SlotKind::Int:
            case SlotKind::UInt:
                // Every integer width lands in 64 bits; the library widens.
                b.buffer_type = MYSQL_TYPE_LONGLONG;
                b.buffer = &s.num.i;
                b.is_unsigned = s.kind == SlotKind::UInt;
                break;
            case SlotKind::Float:
                b.buffer_type = MYSQL_TYPE_FLOAT;
                b.buffer = &s.num.f;
                break;
            case SlotKind::Double:
                b.buffer_type = MYSQL_TYPE_DOUBLE;
                b.buffer = &s.num.d;
                break;
            case SlotKind::Time:
                b.buffer_type = enum_field_types(int(columns[qsizetype(i)].type));
                b.buffer = &s.time;
                break;
            case SlotKind::Null:
                b.buffer_type = MYSQL_TYPE_NULL;
                break;
            case SlotKind::Bytes:
                b.buffer_type = MYSQL_TYPE_BLOB;
                b.buffer = s.buffer.data();
                b.buffer_length = static_cast<unsigned long>(s.buffer.size());
                break;
            }
        }
        if (n && mysql_stmt_bind_result(stmt, resultBinds.data()))
            fail(sql);
        rebindNeeded = false;
    }

    /// Values longer than their buffer arrived cut short: grow the buffer
    /// and fetch the rest of the value.
    void refetchTruncated()
    {
        for (std::size_t i = 0; i < cols.size(); ++i) {
            ColumnSlot &s = cols[i];
            if (s.kind != SlotKind::Bytes || s.isNull || s.length <= s.buffer.size())
                continue;
            const unsigned long have = static_cast<unsigned long>(s.buffer.size());
            s.buffer.resize(qMax<std::size_t>(s.length, s.buffer.size() * 2));
            MYSQL_BIND b{};
            unsigned long fullLength = 0;
            my_bool isNull = 0;
            my_bool error = 0;
            b.buffer_type = MYSQL_TYPE_BLOB;
            b.buffer = s.buffer.data() + have;
            b.buffer_length = s.length - have;
            b.length = &fullLength;
            b.is_null = &isNull;
            b.error = &error;
            if (mysql_stmt_fetch_column(stmt, &b, unsigned(i), have))
                fail(sql);
            // The result bind still points at the old, smaller buffer.
            resultBinds[i].buffer = s.buffer.data();
            resultBinds[i].buffer_length = static_cast<unsigned long>(s.buffer.size());
            rebindNeeded = true;
        }
    }

    void finishResult()
    {
        if (resultPending)
            markIdle();
        resultPending = false;
        onRow = false;
    }
};

MySqlStatement::MySqlStatement(MySqlConnection &connection)
    : d(std::make_unique<Impl>())
{
    d->session = connection.session();
}

MySqlStatement::MySqlStatement(MySqlConnection &connection, const QString &sql)
    : MySqlStatement(connection)
{
    prepare(sql);
}

MySqlStatement::~MySqlStatement() = default;
MySqlStatement::MySqlStatement(MySqlStatement &&other) noexcept = default;
MySqlStatement &MySqlStatement::operator=(MySqlStatement &&other) noexcept = default;

void MySqlStatement::prepare(const QString &sql)
{
    d->finishResult();
    d->sql = sql;
    const std::shared_ptr<detail::MySqlSession> session = d->requireSession();
    if (d->stmt) {
        mysql_stmt_close(d->stmt); // drains our own unread rows, if any
        d->stmt = nullptr;
    }
    session->ensureIdle(d.get(), sql);
    MYSQL *m = session->handle;
    d->columns.clear();
    d->cols.clear();
    d->resultBinds.clear();

    d->stmt = mysql_stmt_init(m);
    if (!d->stmt)
        throw std::bad_alloc();
    const QByteArray utf8 = sql.toUtf8();
    if (mysql_stmt_prepare(d->stmt, utf8.constData(), static_cast<unsigned long>(utf8.size()))) {
        DbError e;
        e.engine = DbError::Engine::MySQL;
        e.nativeCode = int(mysql_stmt_errno(d->stmt));
        e.sqlState = QString::fromLatin1(mysql_stmt_sqlstate(d->stmt));
        e.message = QString::fromUtf8(mysql_stmt_error(d->stmt)).trimmed();
        e.context = sql;
        mysql_stmt_close(d->stmt);
        d->stmt = nullptr;
        throw DbException(std::move(e));
    }
    d->params.assign(mysql_stmt_param_count(d->stmt), ParamSlot{});
    d->paramBinds.assign(d->params.size(), MYSQL_BIND{});
    d->setUpResult();
}

const QString &MySqlStatement::sql() const
{
    return d->sql;
}

int MySqlStatement::parameterCount() const
{
    return int(d->params.size());
}

void MySqlStatement::setCursor(Cursor cursor)
{
    d->cursor = cursor;
}

void MySqlStatement::setPrefetchRows(unsigned long rows)
{
    d->prefetchRows = qMax(1ul, rows);
}

void MySqlStatement::bindNull(int index)
{
    ParamSlot &p = d->param(index);
    p.type = MYSQL_TYPE_NULL;
    p.bound = true;
}

void MySqlStatement::bindInt64(int index, qint64 value)
{
    ParamSlot &p = d->param(index);
    p.type = MYSQL_TYPE_LONGLONG;
    p.isUnsigned = false;
    p.num.i = value;
    p.bound = true;
}

void MySqlStatement::bindUInt64(int index, quint64 value)
{
    ParamSlot &p = d->param(index);
    p.type = MYSQL_TYPE_LONGLONG;
    p.isUnsigned = true;
    std::memcpy(&p.num.i, &value, sizeof value);
    p.bound = true;
}

void MySqlStatement::bindDouble(int index, double value)
{
    ParamSlot &p = d->param(index);
    p.type = MYSQL_TYPE_DOUBLE;
    p.num.d = value;
    p.bound = true;
}

void MySqlStatement::bindBytes(int index, const QByteArray &bytes)
{
    ParamSlot &p = d->param(index);
    // The server treats BLOB parameters as binary strings (charset binary).
    p.type = MYSQL_TYPE_BLOB;
    p.bytes = bytes;
    p.bound = true;
}

void MySqlStatement::bindText(int index, const QByteArray &utf8)
{
    ParamSlot &p = d->param(index);
    // STRING parameters are text in character_set_client (utf8mb4), so they
    // compare under the column's collation: what a keyset seek needs.
    p.type = MYSQL_TYPE_STRING;
    p.bytes = utf8;
    p.bound = true;
}

void MySqlStatement::bindTime(int index, const MySqlTime &time)
{
    ParamSlot &p = d->param(index);
    switch (time.kind) {
    case MySqlTime::Kind::Date:
        p.type = MYSQL_TYPE_DATE;
        break;
    case MySqlTime::Kind::Time:
        p.type = MYSQL_TYPE_TIME;
        break;
    default:
        p.type = MYSQL_TYPE_DATETIME;
        break;
    }
    p.time = MYSQL_TIME{};
    p.time.year = time.year;
    p.time.month = time.month;
    p.time.day = time.day;
    p.time.hour = time.hour;
    if (time.kind == MySqlTime::Kind::Time) {
        // The wire format carries a TIME's hours as days + one byte of hours.
        const unsigned int hours = time.day * 24 + time.hour;
        p.time.day = hours / 24;
        p.time.hour = hours % 24;
    }
    p.time.minute = time.minute;
    p.time.second = time.second;
    p.time.second_part = time.microsecond;
    p.time.neg = time.negative ? 1 : 0;
    p.time.time_type = enum_mysql_timestamp_type(int(time.kind));
    p.bound = true;
}

void MySqlStatement::clearBindings()
{
    for (ParamSlot &p : d->params)
        p = ParamSlot{};
}

void MySqlStatement::execute()
{
    MYSQL_STMT *st = d->requireStmt();
    if (d->resultPending)
        discardResult();
    d->requireSession()->ensureIdle(d.get(), d->sql);

    for (std::size_t i = 0; i < d->params.size(); ++i) {
        ParamSlot &p = d->params[i];
        if (!p.bound)
            d->usageError(QStringLiteral("parameter %1 is not bound").arg(i));
        MYSQL_BIND &b = d->paramBinds[i];
        b = MYSQL_BIND{};
        b.buffer_type = p.type;
        b.is_unsigned = p.isUnsigned;
        switch (p.type) {
        case MYSQL_TYPE_LONGLONG:
            b.buffer = &p.num.i;
            break;
        case MYSQL_TYPE_DOUBLE:
            b.buffer = &p.num.d;
            break;
        case MYSQL_TYPE_DATE:
        case MYSQL_TYPE_TIME:
        case MYSQL_TYPE_DATETIME:
            b.buffer = &p.time;
            break;
        case MYSQL_TYPE_BLOB:
        case MYSQL_TYPE_STRING:
            // constData() of an empty QByteArray is "", never null: an empty
            // string stays an empty string, not NULL.
            b.buffer = const_cast<char *>(p.bytes.constData());
            p.length = static_cast<unsigned long>(p.bytes.size());
            b.buffer_length = p.length;
            b.length = &p.length;
            break;
        default:
            break;
        }
    }
    if (!d->params.empty() && mysql_stmt_bind_param(st, d->paramBinds.data()))
        d->fail(d->sql);

    const unsigned long cursorType =
        d->cursor == Cursor::ReadOnly ? CURSOR_TYPE_READ_ONLY : CURSOR_TYPE_NO_CURSOR;
    mysql_stmt_attr_set(st, STMT_ATTR_CURSOR_TYPE, &cursorType);
    if (d->cursor == Cursor::ReadOnly)
        mysql_stmt_attr_set(st, STMT_ATTR_PREFETCH_ROWS, &d->prefetchRows);

    d->finishResult();
    d->rowsFetched = 0;
    if (mysql_stmt_execute(st))
        d->fail(d->sql);
    // No mysql_stmt_store_result(): rows stay on the wire until fetched.
    d->setUpResult();
    d->resultPending = mysql_stmt_field_count(st) > 0;
    // Without a cursor the rows occupy the connection until read; with one
    // the server keeps them and the connection stays usable.
    if (d->resultPending && d->cursor == Cursor::None)
        d->markStreaming();
}

quint64 MySqlStatement::affectedRows() const
{
    return d->stmt ? mysql_stmt_affected_rows(d->stmt) : 0;
}

quint64 MySqlStatement::insertId() const
{
    return d->stmt ? mysql_stmt_insert_id(d->stmt) : 0;
}

int MySqlStatement::columnCount() const
{
    return int(d->columns.size());
}

const QList<MySqlColumn> &MySqlStatement::columns() const
{
    return d->columns;
}

const MySqlColumn &MySqlStatement::column(int index) const
{
    return d->columns.at(index);
}

bool MySqlStatement::fetch()
{
    if (!d->resultPending)
        return false;
    if (d->rebindNeeded) {
        if (mysql_stmt_bind_result(d->stmt, d->resultBinds.data()))
            d->fail(d->sql);
        d->rebindNeeded = false;
    }
    const int rc = mysql_stmt_fetch(d->stmt);
    if (rc == MYSQL_NO_DATA) {
        d->finishResult();
        return false;
    }
    if (rc == 1) {
        d->finishResult();
        d->fail(d->sql);
    }
    // rc is 0 or MYSQL_DATA_TRUNCATED; check lengths either way, so a
    // library that does not report truncation cannot hand out a cut value.
    d->refetchTruncated();
    d->onRow = true;
    ++d->rowsFetched;
    return true;
}

quint64 MySqlStatement::rowsFetched() const
{
    return d->rowsFetched;
}

bool MySqlStatement::isNull(int column) const
{
    Q_ASSERT(d->onRow && column >= 0 && std::size_t(column) < d->cols.size());
    return d->cols[std::size_t(column)].isNull != 0;
}

MySqlValue MySqlStatement::value(int column) const
{
    Q_ASSERT(d->onRow && column >= 0 && std::size_t(column) < d->cols.size());
    const ColumnSlot &s = d->cols[std::size_t(column)];
    if (s.isNull)
        return MySqlValue::null();
    switch (s.kind) {
    case SlotKind::Int:
        return MySqlValue::fromInt(s.num.i);
    case SlotKind::UInt:
        return MySqlValue::fromUInt(static_cast<quint64>(s.num.i));
    case SlotKind::Float:
        return MySqlValue::fromDouble(double(s.num.f));
    case SlotKind::Double:
        return MySqlValue::fromDouble(s.num.d);
    case SlotKind::Time:
        return MySqlValue::fromTime(timeFrom(s.time, d->columns[column].type));
    case SlotKind::Bytes:
        return MySqlValue::fromBytes(QByteArrayView(s.buffer.data(), qsizetype(s.length)));
    case SlotKind::Null:
        break;
    }
    return MySqlValue::null();
}

void MySqlStatement::discardResult()
{
    if (!d->stmt)
        return;
    const bool hadPending = d->resultPending;
    d->finishResult();
    if (!hadPending)
        return;
    // free_result drains unread rows from the wire; reset also closes a
    // server-side cursor (one more round trip, so only when there is one).
    const bool failed =
        d->cursor == Cursor::ReadOnly ? mysql_stmt_reset(d->stmt) : mysql_stmt_free_result(d->stmt);
    if (failed)
        d->fail(d->sql);
}

} // namespace switchyard::core
