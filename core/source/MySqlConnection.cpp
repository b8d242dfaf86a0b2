#include "MySqlConnection.h"

#include "common/Credentials.h"

#include <QFile>
#include <QFileInfo>

#include <errmsg.h>
#include <mysql.h>

#include <mutex>

namespace switchyard::core {

namespace {

// Connector/C's one-time global setup is not thread-safe on first use;
// mysql_init() would do it implicitly, possibly from two job threads at once.
void initLibraryOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

DbError errorFrom(MYSQL *m, const QString &context)
{
    DbError e;
    e.engine = DbError::Engine::MySQL;
    e.nativeCode = int(mysql_errno(m));
    e.sqlState = QString::fromLatin1(mysql_sqlstate(m));
    e.message = QString::fromUtf8(mysql_error(m)).trimmed();
    e.context = context;
    return e;
}

[[noreturn]] void throwSettingsError(const QString &message, const QString &context)
{
    DbError e;
    e.engine = DbError::Engine::MySQL;
    e.sqlState = QStringLiteral("22023"); // invalid_parameter_value: fix the plan, don't retry
    e.message = message;
    e.context = context;
    throw DbException(std::move(e));
}

struct Handle
{
    MYSQL *m = nullptr;
    ~Handle()
    {
        if (m)
            mysql_close(m);
    }
};

enum class SslMode { Disabled, Preferred, Required, VerifyCa, VerifyIdentity };

SslMode parseSslMode(const QString &text, const QString &context)
{
    const QString mode = text.trimmed().toLower().replace(QLatin1Char('-'), QLatin1Char('_'));
    if (mode.isEmpty() || mode == QLatin1String("preferred"))
        return SslMode::Preferred;
    if (mode == QLatin1String("disabled"))
        return SslMode::Disabled;
    if (mode == QLatin1String("required"))
        return SslMode::Required;
    if (mode == QLatin1String("verify_ca"))
        return SslMode::VerifyCa;
    if (mode == QLatin1String("verify_identity"))
        return SslMode::VerifyIdentity;
    throwSettingsError(QStringLiteral("unknown ssl_mode '%1' (expected disabled, preferred, "
                                      "required, verify_ca or verify_identity)")
                           .arg(text),
                       context);
}

/// Allocate a handle and set every option for one connection attempt.
/// `useTls` is decided by the caller (preferred mode may try twice).
void configure(MYSQL *m, const ConnectionSettings &s, const MySqlConnection::Options &o,
               const ResolvedCredential &cred, SslMode ssl, bool useTls)
{
    const unsigned int protocol = MYSQL_PROTOCOL_TCP;
    mysql_options(m, MYSQL_OPT_PROTOCOL, &protocol);
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    const unsigned int connectTimeout = unsigned(qMax(1, o.connectTimeoutSeconds));
    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout);
    if (o.readTimeoutSeconds > 0) {
        const unsigned int t = unsigned(o.readTimeoutSeconds);
        mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &t);
    }
    if (o.writeTimeoutSeconds > 0) {
        const unsigned int t = unsigned(o.writeTimeoutSeconds);
        mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &t);
    }
    const my_bool no = 0;
    const my_bool yes = 1;
    // A silent reconnect would drop time_zone, sql_mode and any open
    // transaction or lock; the job must see the loss instead.
    mysql_options(m, MYSQL_OPT_RECONNECT, &no);
    const unsigned int noLocalInfile = 0;
    mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &noLocalInfile);
    // MySqlStatement relies on MYSQL_DATA_TRUNCATED to grow its buffers.
    mysql_options(m, MYSQL_REPORT_DATA_TRUNCATION, &yes);

    if (cred.origin == ResolvedCredential::Origin::MySqlOptionFile) {
        const QByteArray file = QFile::encodeName(cred.file);
        mysql_options(m, MYSQL_READ_DEFAULT_FILE, file.constData());
        mysql_options(m, MYSQL_READ_DEFAULT_GROUP, "client");
    }

    if (useTls) {
        // Connector/C 3.x: enforce = encrypt or fail; a CA file turns on
        // chain verification; VERIFY_SERVER_CERT adds the host name check.
        mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &yes);
        if (ssl != SslMode::Preferred && !s.sslCa.isEmpty()) {
            const QByteArray ca = QFile::encodeName(s.sslCa);
            mysql_options(m, MYSQL_OPT_SSL_CA, ca.constData());
        }
        const my_bool verifyHost = ssl == SslMode::VerifyIdentity ? 1 : 0;
        mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verifyHost);
    }
}

} // namespace

QString quoteMySqlIdentifier(const QString &identifier)
{
    QString quoted;
    quoted.reserve(identifier.size() + 2);
    quoted += QLatin1Char('`');
    for (const QChar c : identifier) {
        if (c == QLatin1Char('`'))
            quoted += QLatin1Char('`');
        quoted += c;
    }
    quoted += QLatin1Char('`');
    return quoted;
}

QString quoteMySqlQualifiedName(const QString &schema, const QString &name)
{
    if (schema.isEmpty())
        return quoteMySqlIdentifier(name);
    return quoteMySqlIdentifier(schema) + QLatin1Char('.') + quoteMySqlIdentifier(name);
}

void detail::MySqlSession::ensureIdle(const void *requester, const QString &context) const
{
    if (!streamingOwner || streamingOwner == requester)
        return;
    DbError e;
    e.engine = DbError::Engine::MySQL;
    e.nativeCode = CR_COMMANDS_OUT_OF_SYNC;
    e.sqlState = QStringLiteral("HY000");
    e.message = QStringLiteral("the connection is still streaming the result of \"%1\"; read it "
                               "to the end or call discardResult() first")
                    .arg(streamingSql.simplified().left(200));
    e.context = context;
    throw DbException(std::move(e));
}

struct MySqlConnection::Impl
{
    std::shared_ptr<detail::MySqlSession> session = std::make_shared<detail::MySqlSession>();
    MYSQL *&m = session->handle;
    ConnectionSettings settings;
    ResolvedCredential credential;
    quint64 affectedRows = 0;

    ~Impl()
    {
        if (m)
            mysql_close(m);
    }

    MYSQL *require(const QString &context) const
    {
        session->ensureIdle(nullptr, context);
        if (m)
            return m;
        DbError e;
        e.engine = DbError::Engine::MySQL;
        e.nativeCode = CR_SERVER_GONE_ERROR;
        e.sqlState = QStringLiteral("HY000");
        e.message = QStringLiteral("the connection is not open");
        e.context = context;
        throw DbException(std::move(e));
    }

    /// Send one statement; throw on error. Leaves a result pending, if any.
    void send(const QString &sql)
    {
        MYSQL *h = require(sql);
        const QByteArray utf8 = sql.toUtf8();
        if (mysql_real_query(h, utf8.constData(), static_cast<unsigned long>(utf8.size())) != 0)
            throw DbException(errorFrom(h, sql));
    }
};

MySqlConnection::MySqlConnection()
    : d(std::make_unique<Impl>())
{}

MySqlConnection::~MySqlConnection() = default;
MySqlConnection::MySqlConnection(MySqlConnection &&other) noexcept = default;
MySqlConnection &MySqlConnection::operator=(MySqlConnection &&other) noexcept = default;

void MySqlConnection::open(const ConnectionSettings &settings, const Options &options)
{
    if (!d)
        d = std::make_unique<Impl>();
    close();
    initLibraryOnce();

    const int port = settings.effectivePort();
    const QString where = QStringLiteral("connect to %1:%2").arg(settings.host).arg(port);
    const SslMode ssl = parseSslMode(settings.sslMode, where);
    if ((ssl == SslMode::VerifyCa || ssl == SslMode::VerifyIdentity) && settings.sslCa.isEmpty())
        throwSettingsError(QStringLiteral("ssl_mode %1 needs ssl_ca (the CA certificate that "
                                          "signed the server's certificate)")
                               .arg(settings.sslMode),
                           where);

    const ResolvedCredential cred = resolveCredential(settings);
    if (cred.origin == ResolvedCredential::Origin::MySqlOptionFile &&
        !QFileInfo(cred.file).isReadable())
        throwSettingsError(QStringLiteral("the MySQL option file %1 does not exist or cannot be "
                                          "read (set SWITCHYARD_MYCNF to a readable file, or "
                                          "SWITCHYARD_SOURCE_PASSWORD)")
                               .arg(cred.file),
                           where);

    const QByteArray host = settings.host.toUtf8();
    const QByteArray user = settings.user.toUtf8();
    const QByteArray db = settings.database.toUtf8();

    auto attempt = [&](bool useTls, Handle &h) {
        h.m = mysql_init(nullptr);
        if (!h.m)
            throw std::bad_alloc();
        configure(h.m, settings, options, cred, ssl, useTls);
        // Empty user/database: let the option file (or the server) decide.
        return mysql_real_connect(
                   h.m, host.constData(), user.isEmpty() ? nullptr : user.constData(),
                   cred.hasPassword() ? cred.password.constData() : nullptr,
                   db.isEmpty() ? nullptr : db.constData(), unsigned(port), nullptr, 0) != nullptr;
    };

    Handle h;
    bool ok = attempt(ssl != SslMode::Disabled, h);
    if (!ok && ssl == SslMode::Preferred && mysql_errno(h.m) == CR_SSL_CONNECTION_ERROR) {
        // "preferred": encryption when the server offers it, plain otherwise.
        // Connector/C 3.3 has no such mode, so try again without TLS.
        mysql_close(h.m);
        h.m = nullptr;
        ok = attempt(false, h);
    }
    if (!ok)
        throw DbException(errorFrom(h.m, where));
    if (ssl != SslMode::Disabled && ssl != SslMode::Preferred && !mysql_get_ssl_cipher(h.m)) {
        // Connector/C 3.3 only insists on TLS when it also checks the host
        // name; "required" and "verify_ca" against a server without TLS would
        // quietly go plaintext. Refuse the session instead.
        DbError e;
        e.engine = DbError::Engine::MySQL;
        e.nativeCode = CR_SSL_CONNECTION_ERROR;
        e.sqlState = QStringLiteral("HY000");
        e.message = QStringLiteral("ssl_mode %1 needs an encrypted connection, but the server "
                                   "does not offer TLS")
                        .arg(settings.sslMode);
        e.context = where;
        throw DbException(std::move(e));
    }

    d->m = h.m;
    h.m = nullptr;
    d->settings = settings;
    d->credential = cred;
    try {
        exec(QStringLiteral("SET time_zone = '+00:00'"));
        exec(QStringLiteral("SET NAMES utf8mb4"));
        exec(QStringLiteral("SET SESSION sql_mode = '%1'").arg(QLatin1String(kSessionSqlMode)));
        exec(QStringLiteral("SET SESSION net_write_timeout = 600"));
    } catch (...) {
        close();
        throw;
    }
}

void MySqlConnection::close() noexcept
{
    if (d && d->m) {
        // Closing also invalidates this session's statements inside
        // Connector/C; they fail with 2013 from now on.
        mysql_close(d->m);
        d->m = nullptr;
    }
    if (d) {
        d->session->streamingOwner = nullptr;
        d->session->streamingSql.clear();
    }
}

bool MySqlConnection::isOpen() const
{
    return d && d->m;
}

void MySqlConnection::exec(const QString &sql)
{
    d->send(sql);
    // Keep the session in sync even if the statement produced rows.
    if (MYSQL_RES *res = mysql_store_result(d->m))
        mysql_free_result(res);
    else if (mysql_errno(d->m) != 0)
        throw DbException(errorFrom(d->m, sql));
    d->affectedRows = mysql_affected_rows(d->m);
}

QueryResult MySqlConnection::query(const QString &sql)
{
    d->send(sql);
    QueryResult result;
    MYSQL_RES *res = mysql_store_result(d->m);
    if (!res) {
        if (mysql_errno(d->m) != 0)
            throw DbException(errorFrom(d->m, sql));
        return result; // a statement without a result set
    }
    const unsigned int n = mysql_num_fields(res);
    const MYSQL_FIELD *fields = mysql_fetch_fields(res);
    result.columns.reserve(n);
    for (unsigned int i = 0; i < n; ++i)
        result.columns.append(QString::fromUtf8(fields[i].name, int(fields[i].name_length)));
    result.rows.reserve(qsizetype(mysql_num_rows(res)));
    while (MYSQL_ROW row = mysql_fetch_row(res)) {
        const unsigned long *lengths = mysql_fetch_lengths(res);
        QueryResult::Row values;
        values.reserve(n);
        for (unsigned int i = 0; i < n; ++i) {
            if (row[i])
                values.append(QByteArray(row[i], qsizetype(lengths[i])));
            else
                values.append(std::nullopt);
        }
        result.rows.append(std::move(values));
    }
    mysql_free_result(res);
    return result;
}

quint64 MySqlConnection::affectedRows() const
{
    return d->affectedRows;
}

void MySqlConnection::ping()
{
    MYSQL *h = d->require(QStringLiteral("ping"));
    if (mysql_ping(h) != 0)
        throw DbException(errorFrom(h, QStringLiteral("ping %1").arg(describe())));
}

QString MySqlConnection::serverVersion() const
{
    return d->m ? QString::fromUtf8(mysql_get_server_info(d->m)) : QString();
}

unsigned long MySqlConnection::serverVersionNumber() const
{
    return d->m ? mysql_get_server_version(d->m) : 0;
}

bool MySqlConnection::isMariaDB() const
{
    return d->m && (mariadb_connection(d->m) || serverVersion().contains(QLatin1String("MariaDB")));
}

const ConnectionSettings &MySqlConnection::settings() const
{
    return d->settings;
}

QString MySqlConnection::describe() const
{
    const ConnectionSettings &s = d->settings;
    return QStringLiteral("%1@%2:%3/%4").arg(s.user, s.host).arg(s.effectivePort()).arg(s.database);
}

QString MySqlConnection::credentialDescription() const
{
    return d->credential.describe();
}

std::shared_ptr<detail::MySqlSession> MySqlConnection::session() const
{
    return d ? d->session : nullptr;
}

} // namespace switchyard::core
