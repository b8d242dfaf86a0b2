#pragma once
// One session with a PostgreSQL server, through libpqxx 6.4.
//
// What it promises:
// - Owns a pqxx connection; the destructor closes it. Move-only.
// - Not thread-safe: one connection per thread (each job opens its own).
// - open() builds a libpq conninfo from the plan's settings: host, port,
//   user, dbname, sslmode, sslrootcert, application_name=switchyard,
//   client_encoding=UTF8 and connect_timeout. The password comes from
//   SWITCHYARD_TARGET_PASSWORD when set; otherwise none is passed and libpq
//   uses its own PGPASSWORD / PGPASSFILE / ~/.pgpass (core/common/Credentials.h).
//   The session then runs SET TIME ZONE 'UTC', so timestamptz values are
//   written and read in UTC.
// - libpqxx's silent "reactivation" (reconnecting a broken connection on the
//   next transaction) is switched off: it would lose the session settings, so
//   a broken connection is an error the job sees.
// - Every failure is reported as DbException:
//     pqxx::sql_error            → its SQLSTATE (e.g. 42601, 40001, 23505)
//     pqxx::broken_connection    → 08006 (connection_failure)
//     pqxx::in_doubt_error       → 08007 (transaction resolution unknown;
//                                  deliberately not retryable, see DbError)
//     a failed open()            → the server's SQLSTATE when it refused us
//                                  (28P01 bad password, 3D000 no such
//                                  database, 57P03 starting up, …), else
//                                  08001 (could not connect: refused,
//                                  unreachable, timed out)
//     other libpqxx errors       → XX000 (a usage bug, not retryable)
//   For work done directly on connection(), wrap it in run() (or call
//   rethrowAsDbException() from a catch block) to get the same translation.
//
// Usage for bulk work (the backfill's COPY path):
//   PgConnection pg;
//   pg.open(plan.target);
//   pg.run(QStringLiteral("COPY users"), [&] {
//       pqxx::work tx{pg.connection()};
//       pqxx::stream_to copy{tx, "users_staging"};   // table form; see below
//       …
//       copy.complete();
//       tx.commit();
//   });
// libpqxx 6.4 notes: stream_to is the fast path for COPY; the column-list
// constructor of stream_from is broken, use its table or "(SELECT …)" form.
//
// Identifier quoting for PostgreSQL lives in quotePgIdentifier() below and
// nowhere else.

#include "common/DbError.h"
#include "common/QueryResult.h"
#include "plan/Plan.h"

#include <QString>

#include <memory>
#include <string>
#include <utility>

namespace pqxx {
class connection_base;
}

namespace switchyard::core {

/// `name` → `"name"`, with embedded double quotes doubled. Always quotes, so
/// case and reserved words survive. The only place SQL text for a PostgreSQL
/// identifier is produced.
QString quotePgIdentifier(const QString &identifier);
/// `"schema"."name"`, or just `"name"` when schema is empty.
QString quotePgQualifiedName(const QString &schema, const QString &name);

class PgConnection
{
public:
    struct Options
    {
        int connectTimeoutSeconds = 10;
        QString applicationName = QStringLiteral("switchyard");
    };

    PgConnection();
    ~PgConnection();
    PgConnection(PgConnection &&other) noexcept;
    PgConnection &operator=(PgConnection &&other) noexcept;
    PgConnection(const PgConnection &) = delete;
    PgConnection &operator=(const PgConnection &) = delete;

    /// Connect and set up the session. Closes a previous session first.
    /// Throws DbException; on failure the object stays closed. An unknown
    /// sslmode is reported (SQLSTATE 22023) before any network traffic.
    void open(const ConnectionSettings &settings, const Options &options);
    void open(const ConnectionSettings &settings) { open(settings, Options()); }
    void close() noexcept;
    bool isOpen() const;

    /// The libpqxx connection, for transactions, stream_to / stream_from and
    /// prepared statements. Only one transaction may be open on it at a time
    /// (libpqxx enforces this). Throws DbException when not open.
    pqxx::connection_base &connection();

    /// Run statements outside a transaction (autocommit); results are
    /// dropped. Not while a transaction is open on connection().
    void exec(const QString &sql);
    /// Run a small query outside a transaction and read it in full (text
    /// form; bytea arrives in hex). Not while a transaction is open.
    QueryResult query(const QString &sql);

    /// As the server reports it (SHOW server_version), e.g. "15.20 (Debian …)".
    QString serverVersion() const;
    /// libpq's number, e.g. 150020.
    int serverVersionNumber() const;

    const ConnectionSettings &settings() const;
    /// "user@host:port/dbname", for logs and status lines (no secrets).
    QString describe() const;
    /// Where the password came from, e.g. "password from ~/.pgpass".
    QString credentialDescription() const;

    /// Call from inside a catch block: rethrows a libpqxx exception as
    /// DbException (mapping above), rethrows anything else unchanged.
    /// `context` names the work; empty uses the failing query, if known.
    [[noreturn]] static void rethrowAsDbException(const QString &context);

    /// Run `fn` (which uses connection()), translating libpqxx exceptions.
    template<typename Fn> decltype(auto) run(const QString &context, Fn &&fn)
    {
        try {
            return std::forward<Fn>(fn)();
        } catch (...) {
            rethrowAsDbException(context);
        }
    }

    /// The libpq conninfo open() would use, with the password left out
    /// (libpq still finds it in its own files). For diagnostics and tests.
    static std::string connectionString(const ConnectionSettings &settings, const Options &options);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace switchyard::core
