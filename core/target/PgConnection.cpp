#include "PgConnection.h"

#include "common/Credentials.h"

#include <QRegularExpression>

#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/result>

#include <libpq-fe.h>

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>

namespace switchyard::core {

namespace {

/// Connects like pqxx::connect_direct, but asks libpq for verbose errors
/// while connecting, so a refusal by the server carries its SQLSTATE
/// ("FATAL:  28P01: password authentication failed …"). Plain PQconnectdb
/// gives only the text, and libpqxx 6.4 offers no other way to the code.
/// Verbosity goes back to the default once connected.
class SqlStateConnect : public pqxx::connectionpolicy
{
public:
    explicit SqlStateConnect(const std::string &opts)
        : pqxx::connectionpolicy{opts}
    {}

    handle do_startconnect(handle orig) override
    {
        if (orig)
            return orig;
        PGconn *c = PQconnectStart(options().c_str());
        if (!c)
            throw std::bad_alloc{};
        PQsetErrorVerbosity(c, PQERRORS_VERBOSE);
        const std::string failure = waitUntilConnected(c);
        if (!failure.empty()) {
            PQfinish(c);
            throw pqxx::broken_connection{failure};
        }
        PQsetErrorVerbosity(c, PQERRORS_DEFAULT);
        return c;
    }

private:
    /// The PQconnectPoll loop. libpq enforces connect_timeout only in its
    /// blocking path, so the deadline is kept here. Returns an error message,
    /// empty on success.
    std::string waitUntilConnected(PGconn *c) const
    {
        if (PQstatus(c) == CONNECTION_BAD)
            return PQerrorMessage(c);
        using Clock = std::chrono::steady_clock;
        const auto deadline = Clock::now() + std::chrono::seconds(connectTimeoutSeconds());
        PostgresPollingStatusType st = PGRES_POLLING_WRITING;
        while (st != PGRES_POLLING_OK) {
            if (st == PGRES_POLLING_FAILED)
                return PQerrorMessage(c);
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0)
                return "timeout expired while connecting";
            pollfd p{};
            p.fd = PQsocket(c);
            p.events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT;
            const int r = ::poll(&p, 1, int(left.count()));
            if (r < 0 && errno == EINTR)
                continue;
            if (r == 0)
                continue; // the deadline check above ends the loop
            st = PQconnectPoll(c);
        }
        return std::string();
    }

    int connectTimeoutSeconds() const
    {
        int seconds = 10;
        if (PQconninfoOption *opts = PQconninfoParse(options().c_str(), nullptr)) {
            for (PQconninfoOption *o = opts; o->keyword; ++o) {
                if (o->val && std::string(o->keyword) == "connect_timeout")
                    seconds = std::max(1, std::atoi(o->val));
            }
            PQconninfoFree(opts);
        }
        return seconds;
    }
};

using PqxxConnection = pqxx::basic_connection_base<SqlStateConnect>;

void appendConnParam(std::string &out, const char *key, const QString &value)
{
    if (value.isEmpty())
        return;
    if (!out.empty())
        out += ' ';
    out += key;
    out += "='";
    for (const char ch : value.toStdString()) {
        if (ch == '\\' || ch == '\'')
            out += '\\';
        out += ch;
    }
    out += '\'';
}

[[noreturn]] void throwSettingsError(const QString &message, const QString &context)
{
    DbError e;
    e.engine = DbError::Engine::PostgreSQL;
    e.sqlState = QStringLiteral("22023"); // invalid_parameter_value: fix the plan, don't retry
    e.message = message;
    e.context = context;
    throw DbException(std::move(e));
}

QString normalisedSslMode(const QString &text, const QString &context)
{
    const QString mode = text.trimmed().toLower().replace(QLatin1Char('_'), QLatin1Char('-'));
    static const QStringList known = {QStringLiteral("disable"),   QStringLiteral("allow"),
                                      QStringLiteral("prefer"),    QStringLiteral("require"),
                                      QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
    if (mode.isEmpty() || known.contains(mode))
        return mode;
    throwSettingsError(QStringLiteral("unknown sslmode '%1' (expected disable, allow, prefer, "
                                      "require, verify-ca or verify-full)")
                           .arg(text),
                       context);
}

DbError pgError(const QString &sqlState, const QString &message, const QString &context)
{
    DbError e;
    e.engine = DbError::Engine::PostgreSQL;
    e.sqlState = sqlState;
    e.message = message.trimmed();
    e.context = context;
    return e;
}

/// A verbose connection error, split into SQLSTATE and a message that reads
/// like libpq's default one (no code, no LOCATION line).
DbError connectError(const std::string &what, const QString &context)
{
    QString message = QString::fromStdString(what);
    // "FATAL:  28P01: password …". SQLSTATEs always contain a digit, which
    // keeps "failed: FATAL: " from passing for one.
    static const QRegularExpression codeRe(
        QStringLiteral("(\\w+):\\s+((?=[A-Z]{0,4}[0-9])[0-9A-Z]{5}):\\s"),
        QRegularExpression::UseUnicodePropertiesOption);
    static const QRegularExpression locationRe(QStringLiteral("\\n?LOCATION:[^\\n]*"));
    QString state = QStringLiteral("08001"); // sqlclient_unable_to_establish_sqlconnection
    const QRegularExpressionMatch m = codeRe.match(message);
    if (m.hasMatch()) {
        state = m.captured(2);
        message.replace(m.capturedStart(), m.capturedLength(),
                        m.captured(1) + QLatin1String(":  "));
    }
    message.remove(locationRe);
    return pgError(state, message, context);
}

} // namespace

QString quotePgIdentifier(const QString &identifier)
{
    QString quoted;
    quoted.reserve(identifier.size() + 2);
    quoted += QLatin1Char('"');
    for (const QChar c : identifier) {
        if (c == QLatin1Char('"'))
            quoted += QLatin1Char('"');
        quoted += c;
    }
    quoted += QLatin1Char('"');
    return quoted;
}

QString quotePgQualifiedName(const QString &schema, const QString &name)
{
    if (schema.isEmpty())
        return quotePgIdentifier(name);
    return quotePgIdentifier(schema) + QLatin1Char('.') + quotePgIdentifier(name);
}

struct PgConnection::Impl
{
    std::unique_ptr<PqxxConnection> conn;
    ConnectionSettings settings;
    ResolvedCredential credential;
    QString serverVersion;
};

PgConnection::PgConnection()
    : d(std::make_unique<Impl>())
{}

PgConnection::~PgConnection() = default;
PgConnection::PgConnection(PgConnection &&other) noexcept = default;
PgConnection &PgConnection::operator=(PgConnection &&other) noexcept = default;

std::string PgConnection::connectionString(const ConnectionSettings &s, const Options &o)
{
    const QString where = QStringLiteral("connect to %1:%2").arg(s.host).arg(s.effectivePort());
    std::string info;
    appendConnParam(info, "host", s.host);
    appendConnParam(info, "port", QString::number(s.effectivePort()));
    appendConnParam(info, "user", s.user);
    appendConnParam(info, "dbname", s.database);
    appendConnParam(info, "sslmode", normalisedSslMode(s.sslMode, where));
    appendConnParam(info, "sslrootcert", s.sslCa);
    appendConnParam(info, "application_name", o.applicationName);
    appendConnParam(info, "client_encoding", QStringLiteral("UTF8"));
    appendConnParam(info, "connect_timeout", QString::number(qMax(1, o.connectTimeoutSeconds)));
    return info;
}

void PgConnection::open(const ConnectionSettings &settings, const Options &options)
{
    if (!d)
        d = std::make_unique<Impl>();
    close();

    const QString where =
        QStringLiteral("connect to %1:%2").arg(settings.host).arg(settings.effectivePort());
    std::string info = connectionString(settings, options);
    const ResolvedCredential cred = resolveCredential(settings);
    if (cred.hasPassword())
        appendConnParam(info, "password", QString::fromUtf8(cred.password));

    std::unique_ptr<PqxxConnection> conn;
    try {
        conn = std::make_unique<PqxxConnection>(info);
    } catch (const pqxx::broken_connection &e) {
        throw DbException(connectError(e.what(), where));
    } catch (...) {
        rethrowAsDbException(where);
    }

    try {
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
        // Deprecated in 6.4 because 7.0 drops reactivation altogether, which
        // is exactly the behaviour wanted here.
        conn->inhibit_reactivation(true);
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
        pqxx::nontransaction tx{*conn};
        tx.exec("SET TIME ZONE 'UTC'");
        const pqxx::result r = tx.exec("SHOW server_version");
        d->serverVersion = QString::fromUtf8(r.at(0).at(0).c_str());
    } catch (...) {
        rethrowAsDbException(where);
    }

    d->conn = std::move(conn);
    d->settings = settings;
    d->credential = cred;
}

void PgConnection::close() noexcept
{
    if (d)
        d->conn.reset();
}

bool PgConnection::isOpen() const
{
    return d && d->conn && d->conn->is_open();
}

pqxx::connection_base &PgConnection::connection()
{
    if (!d || !d->conn)
        throw DbException(pgError(QStringLiteral("08003"), // connection_does_not_exist
                                  QStringLiteral("the connection is not open"), QString()));
    return *d->conn;
}

void PgConnection::exec(const QString &sql)
{
    pqxx::connection_base &c = connection();
    run(sql, [&] {
        pqxx::nontransaction tx{c};
        tx.exec(sql.toStdString());
    });
}

QueryResult PgConnection::query(const QString &sql)
{
    pqxx::connection_base &c = connection();
    return run(sql, [&] {
        pqxx::nontransaction tx{c};
        const pqxx::result r = tx.exec(sql.toStdString());
        QueryResult out;
        const auto columns = r.columns();
        out.columns.reserve(qsizetype(columns));
        for (pqxx::row::size_type i = 0; i < columns; ++i)
            out.columns.append(QString::fromUtf8(r.column_name(i)));
        out.rows.reserve(qsizetype(r.size()));
        for (const pqxx::row &row : r) {
            QueryResult::Row values;
            values.reserve(qsizetype(columns));
            for (const pqxx::field &f : row) {
                if (f.is_null())
                    values.append(std::nullopt);
                else
                    values.append(QByteArray(f.c_str(), qsizetype(f.size())));
            }
            out.rows.append(std::move(values));
        }
        return out;
    });
}

QString PgConnection::serverVersion() const
{
    return d && d->conn ? d->serverVersion : QString();
}

int PgConnection::serverVersionNumber() const
{
    return d && d->conn ? d->conn->server_version() : 0;
}

const ConnectionSettings &PgConnection::settings() const
{
    return d->settings;
}

QString PgConnection::describe() const
{
    const ConnectionSettings &s = d->settings;
    return QStringLiteral("%1@%2:%3/%4").arg(s.user, s.host).arg(s.effectivePort()).arg(s.database);
}

QString PgConnection::credentialDescription() const
{
    return d->credential.describe();
}

void PgConnection::rethrowAsDbException(const QString &context)
{
    try {
        throw;
    } catch (const pqxx::sql_error &e) {
        const QString ctx = context.isEmpty() ? QString::fromStdString(e.query()) : context;
        const QString state =
            e.sqlstate().empty() ? QStringLiteral("XX000") : QString::fromStdString(e.sqlstate());
        throw DbException(pgError(state, QString::fromUtf8(e.what()), ctx));
    } catch (const pqxx::broken_connection &e) {
        throw DbException(pgError(QStringLiteral("08006"), QString::fromUtf8(e.what()), context));
    } catch (const pqxx::in_doubt_error &e) {
        throw DbException(pgError(QStringLiteral("08007"), QString::fromUtf8(e.what()), context));
    } catch (const pqxx::serialization_failure &e) {
        // libpqxx 6.4 derives these from failure, not sql_error: no sqlstate().
        throw DbException(pgError(QStringLiteral("40001"), QString::fromUtf8(e.what()), context));
    } catch (const pqxx::deadlock_detected &e) {
        throw DbException(pgError(QStringLiteral("40P01"), QString::fromUtf8(e.what()), context));
    } catch (const pqxx::statement_completion_unknown &e) {
        throw DbException(pgError(QStringLiteral("40003"), QString::fromUtf8(e.what()), context));
    } catch (const pqxx::transaction_rollback &e) {
        throw DbException(pgError(QStringLiteral("40000"), QString::fromUtf8(e.what()), context));
    } catch (const pqxx::conversion_error &e) {
        throw DbException(pgError(QStringLiteral("22000"), QString::fromUtf8(e.what()), context));
    } catch (const pqxx::pqxx_exception &e) {
        // usage_error, internal_error, range_error …: a bug on our side.
        throw DbException(
            pgError(QStringLiteral("XX000"), QString::fromUtf8(e.base().what()), context));
    }
}

} // namespace switchyard::core
