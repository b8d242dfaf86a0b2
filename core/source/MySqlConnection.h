#pragma once
// One session with a MySQL or MariaDB server, through MariaDB Connector/C.
//
// What it promises:
// - RAII over a MYSQL handle: the destructor closes the session. Move-only.
// - Not thread-safe: one connection per thread (each job opens its own).
//   Moving a connection to another thread between uses is fine.
// - open() connects over TCP to host:port (never the Unix socket, even for
//   "localhost"), with charset utf8mb4, the plan's ssl_mode, a connect
//   timeout, no auto-reconnect, LOCAL INFILE off, and multi-statements off.
//   It then sets up the session so every reader sees the same thing:
//       SET time_zone = '+00:00'   (TIMESTAMP values arrive in UTC)
//       SET NAMES utf8mb4
//       SET SESSION sql_mode = kSessionSqlMode
//       SET SESSION net_write_timeout = 600 (a throttled reader may pause
//                                            between reads of a streamed result)
//   A session that reconnected silently would lose these, hence no
//   auto-reconnect: a lost connection is an error the job sees (2006/2013).
// - ssl_mode (ConnectionSettings::sslMode):
//     disabled          plaintext
//     preferred / ""    TLS when the server offers it, plaintext otherwise;
//                       the certificate is not checked
//     required          TLS or no session (checked after connecting: Connector/C
//                       3.3 alone would fall back to plaintext); the chain is
//                       checked only when ssl_ca is given
//     verify_ca         TLS, certificate chain checked against ssl_ca
//     verify_identity   as verify_ca, and the host name must match
// - Credentials come from resolveCredential() (core/common/Credentials.h):
//   SWITCHYARD_SOURCE_PASSWORD, else an option file handed to Connector/C.
// - Every failure throws DbException with the errno, SQLSTATE and message;
//   the context names the statement or "connect to host:port".
// - exec()/query() use the text protocol and read results in full: they are
//   for setup and small metadata queries. Bulk reads go through
//   MySqlStatement, which streams.
// - While a MySqlStatement on this connection has an unread result, the
//   connection must not be used for anything else: exec(), query(), ping()
//   and other statements' prepare()/execute() throw DbException 2014
//   ("commands out of sync") naming the busy statement. Read its result to
//   the end (fetch() returns false; this includes single-row results) or call
//   MySqlStatement::discardResult() first. Rows are never dropped silently.
//
// Identifier quoting for the MySQL dialect lives in quoteMySqlIdentifier()
// below and nowhere else.

#include "common/DbError.h"
#include "common/QueryResult.h"
#include "plan/Plan.h"

#include <QString>

#include <memory>

struct st_mysql; // MYSQL in <mysql.h>; kept out of this header on purpose

namespace switchyard::core {

class MySqlStatement;

namespace detail {
/// What a connection shares with its statements: the session handle, and
/// which statement (if any) is streaming a result on it right now. Internal
/// to core/source; statements hold it weakly, so a statement that outlives
/// its connection fails cleanly instead of touching freed memory.
struct MySqlSession
{
    st_mysql *handle = nullptr;
    const void *streamingOwner = nullptr;
    QString streamingSql;

    /// Throws DbException (2014, commands out of sync) naming the streaming
    /// statement when one other than `requester` still has unread rows.
    void ensureIdle(const void *requester, const QString &context) const;
};
} // namespace detail

/// `name` → `` `name` ``, with embedded backticks doubled. The only place SQL
/// text for a MySQL identifier is produced. Any string is accepted; names the
/// server cannot have (empty, trailing space, NUL) give SQL it rejects.
QString quoteMySqlIdentifier(const QString &identifier);
/// `schema`.`name`, or just `name` when schema is empty.
QString quoteMySqlQualifiedName(const QString &schema, const QString &name);

class MySqlConnection
{
public:
    struct Options
    {
        int connectTimeoutSeconds = 10;
        /// Connector/C read/write timeouts; 0 leaves the library default
        /// (wait for ever). A value here bounds how long a dead network goes
        /// unnoticed in the middle of a statement.
        int readTimeoutSeconds = 0;
        int writeTimeoutSeconds = 0;
    };

    /// sql_mode for every session: strict (bad writes fail instead of being
    /// truncated), and none of the modes that change how a reader's SQL or
    /// values are interpreted (ANSI_QUOTES, PIPES_AS_CONCAT,
    /// NO_BACKSLASH_ESCAPES, PAD_CHAR_TO_FULL_LENGTH, ORACLE).
    static constexpr const char *kSessionSqlMode = "STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION";

    MySqlConnection();
    ~MySqlConnection();
    MySqlConnection(MySqlConnection &&other) noexcept;
    MySqlConnection &operator=(MySqlConnection &&other) noexcept;
    MySqlConnection(const MySqlConnection &) = delete;
    MySqlConnection &operator=(const MySqlConnection &) = delete;

    /// Connect and set up the session (see above). Closes a previous session
    /// first. Throws DbException; on failure the object stays closed.
    /// An unknown ssl_mode is reported as a non-retryable DbException
    /// (errno 0, SQLSTATE 22023) before any network traffic.
    void open(const ConnectionSettings &settings, const Options &options);
    void open(const ConnectionSettings &settings) { open(settings, Options()); }
    void close() noexcept;
    bool isOpen() const;

    /// Run statements that return no rows (SET, CREATE, INSERT …). A result
    /// set, if one comes back anyway, is read and dropped.
    void exec(const QString &sql);
    /// Run a query and read its whole result (text protocol).
    QueryResult query(const QString &sql);
    /// Rows changed by the last exec().
    quint64 affectedRows() const;

    /// Check the session is alive (COM_PING). Throws DbException (2006/2013)
    /// when it is not; never reconnects.
    void ping();

    /// As the server reports it, e.g. "10.11.19-MariaDB-0+deb12u1".
    QString serverVersion() const;
    /// major*10000 + minor*100 + patch, e.g. 101119.
    unsigned long serverVersionNumber() const;
    bool isMariaDB() const;

    const ConnectionSettings &settings() const;
    /// "user@host:port/database", for logs and status lines (no secrets).
    QString describe() const;
    /// Where the password came from, e.g. "password from ~/.my.cnf".
    QString credentialDescription() const;

private:
    friend class MySqlStatement;
    std::shared_ptr<detail::MySqlSession> session() const;

    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace switchyard::core
