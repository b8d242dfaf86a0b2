#pragma once
// Control store errors as values, and the one exception type that carries them.
//
// Every operation of the control store (ControlStore and its repositories)
// reports failure by throwing StoreException; outcomes that are part of normal
// work are return values, never exceptions (a stale phase update returns
// PhaseUpdateResult::applied == false, a missing checkpoint returns nullopt).
//
// A StoreError keeps what code needs to decide what to do next: the back end,
// the driver's native error code exactly as QSqlError::nativeErrorCode()
// reports it, the driver's message, and what the store was doing. Jobs catch
// StoreException at their boundary and report the StoreError as a value (it is
// copyable and safe to send across threads); the UI words it.
//
// Native codes:
//   SQLite:      the (extended) result code in decimal: "5" SQLITE_BUSY,
//                "517" SQLITE_BUSY_SNAPSHOT, "6" SQLITE_LOCKED, "2067"
//                SQLITE_CONSTRAINT_UNIQUE, "13" SQLITE_FULL, "10" SQLITE_IOERR…
//   PostgreSQL:  the SQLSTATE: "40001", "23505", "08006"… Empty when the
//                server never answered (refused, unreachable).
//   Switchyard:  empty; `kind` says what (bad settings, newer schema…).
//
// A StoreError never contains a password: contexts name files, hosts, users
// and statements, never connection strings as written.

#include <QString>

#include <stdexcept>

namespace switchyard::core {

struct StoreError
{
    enum class Backend { Sqlite, PostgreSQL };
    enum class Kind {
        Connection,    // could not open, or the connection broke
        Busy,          // locked by another writer past the busy timeout / lock timeout
        Conflict,      // deadlock or serialization failure (the transaction was rolled back)
        Constraint,    // a constraint refused the write (unique, foreign key, check, not null)
        SchemaTooNew,  // the store was written by a newer Switchyard
        Configuration, // bad settings (no driver, a password in the connection string…)
        Usage,         // the caller broke a rule (wrong thread, unknown id)
        Io,            // disk full, I/O error, read-only file, corrupt file
        Query,         // any other error from the database
    };

    Backend backend = Backend::Sqlite;
    Kind kind = Kind::Query;
    /// QSqlError::nativeErrorCode() as reported (see the table above).
    QString nativeCode;
    /// The driver's or Switchyard's message, trimmed.
    QString message;
    /// What the store was doing: "save checkpoint of job 12", the statement,
    /// "open control store /home/ann/.local/share/switchyard/m.sqlite".
    QString context;

    /// True when the same work may succeed if tried again later, possibly
    /// after reopening the store: SQLite BUSY/LOCKED (any extended code whose
    /// low byte is 5 or 6); PostgreSQL 40001, 40P01, 55P03, 53300, class 08
    /// except 08007, 57P01–57P03; a connection that could not be opened or broke.
    bool isRetryable() const;
    /// True when the connection is gone; the store reopens it on the next call.
    bool needsReconnect() const;
    /// "control store (SQLite) error 5: database is locked [in: save checkpoint of job 3]".
    QString toString() const;

    static QString backendName(Backend b);
};

/// Thrown by every control store operation that fails. what() is
/// error().toString() in UTF-8.
class StoreException : public std::runtime_error
{
public:
    explicit StoreException(StoreError error);

    const StoreError &error() const noexcept { return m_error; }

private:
    StoreError m_error;
};

} // namespace switchyard::core
