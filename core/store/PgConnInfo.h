#pragma once
// A PostgreSQL connection string for the control store, understood the way
// libpq understands it.
//
// The plan names a PostgreSQL control store with a libpq URL
// ("postgresql://ops@db1:5432/switchyard?sslmode=require") or a key=value
// string ("host=db1 user=ops dbname=switchyard"). libpq's own parser
// (PQconninfoParse) reads it, so every form and keyword libpq accepts works,
// and the result is handed to Qt's QPSQL driver as connect options (QPSQL
// appends them to the conninfo it gives PQconnectdb).
//
// Passwords never live in a plan: a connection string with a password is
// refused (error set); libpq reads the password from $PGPASSFILE or
// ~/.pgpass (or $PGPASSWORD) itself. A value containing ';' is refused too,
// because QPSQL turns ';' into a separator.
//
// Thread-safe: pure functions.

#include <QList>
#include <QString>

#include <utility>

namespace switchyard::core {

struct PgConnInfo
{
    /// keyword → value, in libpq's order, only those the string set.
    QList<std::pair<QString, QString>> options;
    /// Why the string was refused; empty when it is usable.
    QString error;

    static PgConnInfo parse(const QString &connInfo);

    /// The value of a keyword ("host", "port", "dbname", "user"…), or empty.
    QString value(const QString &keyword) const;
    /// "ops@db1:5432/switchyard" (defaults shown as libpq would use them
    /// from the environment: "(default)" when unknown). No password.
    QString describe() const;
    /// For QSqlDatabase::setConnectOptions() with QPSQL:
    /// "host='db1';port='5432';…", plus application_name='switchyard-store'
    /// and connect_timeout='10' unless the string sets them.
    QString toQtConnectOptions() const;
};

} // namespace switchyard::core
