#pragma once
// Database errors as values, and the one exception type that carries them.
//
// Every wrapper in core/source (MariaDB Connector/C) and core/target (libpqxx)
// turns a driver failure into a DbError that keeps what code needs to decide
// what to do next: the engine, MySQL's errno, the SQLSTATE, the server's
// message, and what Switchyard was doing (the statement or "connect to …").
//
// The wrappers throw DbException. Jobs catch it at their boundary, look at
// isRetryable() / needsReconnect(), and report the DbError as a value (it is
// copyable and safe to send across threads); the UI words it.
//
// A DbError never contains a password: contexts name hosts, users and
// statements, never connection strings.

#include <QString>

#include <stdexcept>

namespace switchyard::core {

struct DbError
{
    enum class Engine { MySQL, PostgreSQL };

    Engine engine = Engine::MySQL;
    /// MySQL/MariaDB errno: server errors (1000–1999, 3000+, 4000+) and client
    /// library errors (2000–2999, e.g. 2013 lost connection). 0 for
    /// PostgreSQL, which has only SQLSTATEs, and for errors raised by
    /// Switchyard itself (bad settings).
    int nativeCode = 0;
    /// Five-character SQLSTATE. MySQL reports "HY000" when it has no specific
    /// one (all client-library errors). For PostgreSQL errors without a server
    /// response the wrappers fill in a class-08 state (see PgConnection.h).
    QString sqlState;
    /// The server's (or driver's) message, trimmed.
    QString message;
    /// What we were doing: the statement, or e.g. "connect to db1:3306".
    QString context;

    /// True when the same work may succeed if tried again, possibly on a new
    /// connection: lost/refused connections, deadlocks, serialization
    /// failures, lock timeouts, server shutdown, a server switched read-only
    /// during a failover, too many connections.
    ///   MySQL errno: 2002 2003 2006 2013 2055 (connection), 1053 (shutdown),
    ///     1927 (MariaDB: connection killed), 4031 (MySQL: idle disconnect),
    ///     1040 (too many connections), 1205 (lock wait timeout),
    ///     1213 (deadlock), 3572 (NOWAIT lock), 1836 (read-only mode),
    ///     1290 only when the message says read-only (1290 also reports
    ///     --secure-file-priv, which no retry fixes).
    ///   SQLSTATE: 40001 (serialization failure), 40P01 (deadlock),
    ///     class 08 (connection) except 08007, 57P01–57P03 (shutdown,
    ///     crash recovery, starting up), 55P03 (lock not available),
    ///     53300 (too many connections).
    /// 08007 (transaction resolution unknown: the commit may have happened)
    /// is deliberately not retryable: only the caller knows whether replaying
    /// the transaction is harmless.
    bool isRetryable() const;

    /// True when the connection itself is gone and must be reopened before a
    /// retry (a subset of isRetryable(): a deadlock keeps the connection).
    bool needsReconnect() const;

    /// One line for logs and status displays:
    /// "MySQL error 1064 (SQLSTATE 42000): You have an error … [in: SELEC 1]".
    /// Long contexts are shortened to 300 characters.
    QString toString() const;

    static QString engineName(Engine e);
};

/// Thrown by the database wrappers; carries the DbError. what() is
/// error().toString() in UTF-8.
class DbException : public std::runtime_error
{
public:
    explicit DbException(DbError error);

    const DbError &error() const noexcept { return m_error; }

private:
    DbError m_error;
};

} // namespace switchyard::core
