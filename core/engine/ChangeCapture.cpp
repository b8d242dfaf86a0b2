#include "engine/ChangeCapture.h"

#include "common/DbError.h"
#include "flags/FlagTables.h"
#include "target/PgConnection.h"

#include <QCryptographicHash>
#include <QThread>
#include <QTimeZone>

#include <pqxx/pqxx>

#include <stdexcept>

namespace switchyard::core {

namespace {

// Serialises installs/removes of several processes (CREATE … IF NOT EXISTS
// is not safe against a concurrent CREATE).
constexpr const char *kLockSql = "SELECT pg_advisory_xact_lock(hashtext('switchyard.change_capture'))";

std::optional<QByteArray> field(const pqxx::field &f)
{
    if (f.is_null())
        return std::nullopt;
    return QByteArray(f.c_str(), int(f.size()));
}

} // namespace

ChangeCapture::ChangeCapture(const Plan &plan, PgConnection &target)
    : ChangeCapture(plan, target, Options())
{
}

ChangeCapture::ChangeCapture(const Plan &plan, PgConnection &target, Options options)
    : m_plan(plan)
    , m_target(target)
    , m_options(options)
{
}

QStringList ChangeCapture::logTablesDdl()
{
    return {
        QStringLiteral("CREATE TABLE IF NOT EXISTS switchyard.change_log ("
                       " id bigserial PRIMARY KEY,"
                       " table_schema text NOT NULL,"
                       " table_name text NOT NULL,"
                       " key jsonb NOT NULL,"
                       " op char(1) NOT NULL,"
                       " txid bigint NOT NULL DEFAULT txid_current(),"
                       " at timestamptz NOT NULL DEFAULT clock_timestamp())"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS change_log_table ON switchyard.change_log "
                       "(table_schema, table_name, id)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS switchyard.change_log_applied ("
                       " table_schema text NOT NULL,"
                       " table_name text NOT NULL,"
                       " last_change_id bigint NOT NULL DEFAULT 0,"
                       " changes_applied bigint NOT NULL DEFAULT 0,"
                       " applied_at timestamptz,"
                       " PRIMARY KEY (table_schema, table_name))"),
    };
}

QString ChangeCapture::targetSchema() const
{
    return m_plan.target.schema.isEmpty() ? QStringLiteral("public") : m_plan.target.schema;
}

QString ChangeCapture::targetTable(const QString &table) const
{
    const TableSpec *spec = m_plan.table(table);
    if (!spec)
        throw std::invalid_argument(
            QStringLiteral("table '%1' is not in the plan").arg(table).toStdString());
    return spec->effectiveTargetName();
}

QString ChangeCapture::functionName(const QString &table) const
{
    // Derived from the target table, short enough for PostgreSQL's 63-byte
    // names, unique by the hash of schema and table.
    const QString target = targetTable(table);
    const QByteArray hash = QCryptographicHash::hash((targetSchema() + QLatin1Char('.') + target).toUtf8(),
                                                     QCryptographicHash::Sha1)
                                .toHex()
                                .left(8);
    QString base = target.left(32);
    for (QChar &c : base) {
        if (!c.isLetterOrNumber() && c != QLatin1Char('_'))
            c = QLatin1Char('_');
    }
    return QStringLiteral("capture_%1_%2").arg(base, QString::fromLatin1(hash));
}

QStringList ChangeCapture::installStatements(const QString &table)
{
    const QString qualified = quotePgQualifiedName(targetSchema(), targetTable(table));
    // The key: the plan's key columns, else the target's primary key (which
    // `schema apply` created from the source's).
    QStringList keys = m_plan.table(table)->keyColumns;
    if (keys.isEmpty()) {
        keys = m_target.run(QStringLiteral("reading the primary key of %1").arg(qualified), [&] {
            pqxx::nontransaction tx(m_target.connection());
            const pqxx::result r = tx.exec_params(
                "SELECT a.attname FROM pg_index i "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE i.indrelid = to_regclass($1) AND i.indisprimary "
                "ORDER BY array_position(i.indkey::int2[], a.attnum)",
                qualified.toStdString());
            QStringList out;
            for (const auto &row : r)
                out << QString::fromStdString(row[0].as<std::string>());
            return out;
        });
    }
    if (keys.isEmpty())
        throw std::invalid_argument(QStringLiteral("%1 has no primary key on the target (and the plan "
                                                   "names no key): change capture needs one to "
                                                   "identify rows; run 'schema apply' or add a key")
                                        .arg(qualified)
                                        .toStdString());
    QStringList newKey, oldKey;
    for (const QString &k : keys) {
        if (k.contains(QLatin1Char('$')))
            throw std::invalid_argument(
                QStringLiteral("key column '%1' of %2 contains '$', which change capture does not support")
                    .arg(k, qualified)
                    .toStdString());
        newKey << QStringLiteral("NEW.") + quotePgIdentifier(k);
        oldKey << QStringLiteral("OLD.") + quotePgIdentifier(k);
    }
    const QString fn = QStringLiteral("switchyard.") + quotePgIdentifier(functionName(table));
    auto logInsert = [](const QString &op, const QStringList &key) {
        return QStringLiteral("INSERT INTO switchyard.change_log (table_schema, table_name, key, op) "
                              "VALUES (TG_TABLE_SCHEMA, TG_TABLE_NAME, jsonb_build_array(%1), '%2');")
            .arg(key.join(QStringLiteral(", ")), op);
    };
    const QString body =
        QStringLiteral(
            "BEGIN\n"
            "  -- No write_source row: never published, the default (on) holds.\n"
            "  IF COALESCE((SELECT value = 'true'::jsonb\n"
            "                      AND changed_at < clock_timestamp() - interval '%1 seconds'\n"
            "               FROM switchyard.flags WHERE name = 'write_source'), true) THEN\n"
            "    RETURN NULL; -- the source is primary: this is the application's own copy\n"
            "  END IF;\n"
            "  IF TG_OP = 'DELETE' THEN\n"
            "    %2\n"
            "  ELSIF TG_OP = 'INSERT' THEN\n"
            "    %3\n"
            "  ELSE\n"
            "    %4\n"
            "    IF ROW(%5) IS DISTINCT FROM ROW(%6) THEN\n"
            "      %7\n"
            "    END IF;\n"
            "  END IF;\n"
            "  RETURN NULL;\n"
            "END")
            .arg(kWriteSourceGraceSeconds)
            .arg(logInsert(QStringLiteral("D"), oldKey), logInsert(QStringLiteral("I"), newKey),
                 logInsert(QStringLiteral("U"), newKey), oldKey.join(QStringLiteral(", ")),
                 newKey.join(QStringLiteral(", ")), logInsert(QStringLiteral("K"), oldKey));
    const QString trigger = quotePgIdentifier(QString::fromLatin1(kTriggerName));
    return {
        QStringLiteral("CREATE OR REPLACE FUNCTION %1() RETURNS trigger LANGUAGE plpgsql "
                       "SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $switchyard$\n%2\n$switchyard$")
            .arg(fn, body),
        QStringLiteral("REVOKE ALL ON FUNCTION %1() FROM PUBLIC").arg(fn),
        QStringLiteral("DROP TRIGGER IF EXISTS %1 ON %2").arg(trigger, qualified),
        QStringLiteral("CREATE TRIGGER %1 AFTER INSERT OR UPDATE OR DELETE ON %2 "
                       "FOR EACH ROW EXECUTE FUNCTION %3()")
            .arg(trigger, qualified, fn),
    };
}

void ChangeCapture::runWithRetry(const QString &what, const QStringList &statements)
{
    for (int attempt = 1;; ++attempt) {
        try {
            m_target.run(what, [&] {
                pqxx::work tx(m_target.connection());
                tx.exec(kLockSql);
                tx.exec(QStringLiteral("SET LOCAL lock_timeout = %1").arg(m_options.lockTimeoutMs).toStdString());
                for (const QString &s : statements)
                    tx.exec(s.toStdString());
                tx.commit();
            });
            return;
        } catch (const DbException &e) {
            // 55P03 lock_not_available: the application held the table; try
            // again after a pause rather than queueing its writes behind us.
            const bool lock = e.error().sqlState == QLatin1String("55P03") ||
                              e.error().sqlState == QLatin1String("40P01");
            if (!lock || attempt >= m_options.maxAttempts)
                throw;
            QThread::msleep(ulong(std::min(200 * attempt, 2000)));
        }
    }
}

void ChangeCapture::install(const QStringList &tables)
{
    // The echo guard reads switchyard.flags: it must exist.
    ensureTargetTables(m_target);
    QStringList statements = logTablesDdl();
    for (const QString &t : tables)
        statements << installStatements(t);
    runWithRetry(QStringLiteral("installing change capture on %1").arg(tables.join(QStringLiteral(", "))),
                 statements);
}

void ChangeCapture::remove(const QStringList &tables)
{
    QStringList statements;
    const QString trigger = quotePgIdentifier(QString::fromLatin1(kTriggerName));
    for (const QString &t : tables) {
        const QString qualified = quotePgQualifiedName(targetSchema(), targetTable(t));
        // DROP TRIGGER IF EXISTS still fails when the table is gone: guard it.
        const bool tableExists = m_target.run(QStringLiteral("looking up %1").arg(qualified), [&] {
            pqxx::nontransaction tx(m_target.connection());
            return !tx.exec_params("SELECT to_regclass($1)", qualified.toStdString())[0][0].is_null();
        });
        if (tableExists)
            statements << QStringLiteral("DROP TRIGGER IF EXISTS %1 ON %2").arg(trigger, qualified);
        statements << QStringLiteral("DROP FUNCTION IF EXISTS switchyard.%1()").arg(quotePgIdentifier(functionName(t)));
    }
    runWithRetry(QStringLiteral("removing change capture from %1").arg(tables.join(QStringLiteral(", "))),
                 statements);
    // Nothing captured any more and nothing pending: leave no trace.
    if (!logTablesExist())
        return;
    m_target.run(QStringLiteral("dropping the empty change log"), [&] {
        pqxx::work tx(m_target.connection());
        tx.exec(kLockSql);
        const bool anyTrigger = tx.exec_params("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = $1)",
                                               std::string(kTriggerName))[0][0]
                                    .as<bool>();
        const bool anyPending = tx.exec("SELECT EXISTS (SELECT 1 FROM switchyard.change_log)")[0][0].as<bool>();
        if (!anyTrigger && !anyPending) {
            tx.exec("DROP TABLE switchyard.change_log, switchyard.change_log_applied");
            tx.commit();
        }
    });
}

bool ChangeCapture::logTablesExist()
{
    return m_target.run(QStringLiteral("looking up switchyard.change_log"), [&] {
        pqxx::nontransaction tx(m_target.connection());
        return !tx.exec("SELECT to_regclass('switchyard.change_log')")[0][0].is_null() &&
               !tx.exec("SELECT to_regclass('switchyard.change_log_applied')")[0][0].is_null();
    });
}

bool ChangeCapture::isInstalled(const QString &table)
{
    const QString qualified = quotePgQualifiedName(targetSchema(), targetTable(table));
    return m_target.run(QStringLiteral("looking up the capture trigger of %1").arg(qualified), [&] {
        pqxx::nontransaction tx(m_target.connection());
        return tx.exec_params("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) "
                              "AND tgname = $2 AND tgenabled <> 'D')",
                              qualified.toStdString(), std::string(kTriggerName))[0][0]
            .as<bool>();
    });
}

QList<CaptureStatus> ChangeCapture::status(const QStringList &tables)
{
    QList<CaptureStatus> out;
    const bool logs = logTablesExist();
    for (const QString &t : tables) {
        CaptureStatus s;
        s.table = t;
        s.targetTable = quotePgQualifiedName(targetSchema(), targetTable(t));
        s.installed = isInstalled(t);
        if (logs) {
            m_target.run(QStringLiteral("reading the change log of %1").arg(s.targetTable), [&] {
                pqxx::nontransaction tx(m_target.connection());
                const std::string schema = targetSchema().toStdString();
                const std::string name = targetTable(t).toStdString();
                const pqxx::result p = tx.exec_params(
                    "SELECT count(*), COALESCE(extract(epoch FROM clock_timestamp() - min(at)), 0)::float8 "
                    "FROM switchyard.change_log WHERE table_schema = $1 AND table_name = $2",
                    schema, name);
                s.pendingChanges = p[0][0].as<qint64>();
                s.oldestPendingSeconds = std::max(0.0, p[0][1].as<double>());
                const pqxx::result a = tx.exec_params(
                    "SELECT last_change_id, changes_applied, extract(epoch FROM applied_at)::float8 "
                    "FROM switchyard.change_log_applied WHERE table_schema = $1 AND table_name = $2",
                    schema, name);
                if (!a.empty()) {
                    s.lastAppliedChangeId = a[0][0].as<qint64>();
                    s.changesApplied = a[0][1].as<qint64>();
                    if (const auto at = field(a[0][2]))
                        s.lastAppliedAt = QDateTime::fromMSecsSinceEpoch(qint64(at->toDouble() * 1000), Qt::UTC);
                }
            });
        }
        out << s;
    }
    return out;
}

qint64 ChangeCapture::headChangeId(const QStringList &tables)
{
    if (!logTablesExist())
        return 0;
    qint64 head = 0;
    for (const QString &t : tables) {
        head = std::max(head, m_target.run(QStringLiteral("reading the change log head"), [&] {
            pqxx::nontransaction tx(m_target.connection());
            const pqxx::result r = tx.exec_params(
                "SELECT GREATEST((SELECT max(id) FROM switchyard.change_log WHERE table_schema = $1 AND table_name = $2),"
                " (SELECT last_change_id FROM switchyard.change_log_applied WHERE table_schema = $1 AND table_name = $2))",
                targetSchema().toStdString(), targetTable(t).toStdString());
            return r[0][0].is_null() ? qint64(0) : r[0][0].as<qint64>();
        }));
    }
    return head;
}

qint64 ChangeCapture::pendingThrough(qint64 changeId, const QStringList &tables)
{
    if (!logTablesExist())
        return 0;
    qint64 pending = 0;
    for (const QString &t : tables) {
        pending += m_target.run(QStringLiteral("reading the change log"), [&] {
            pqxx::nontransaction tx(m_target.connection());
            return tx.exec_params("SELECT count(*) FROM switchyard.change_log WHERE table_schema = $1 "
                                  "AND table_name = $2 AND id <= $3",
                                  targetSchema().toStdString(), targetTable(t).toStdString(), changeId)[0][0]
                .as<qint64>();
        });
    }
    return pending;
}

ReverseLag ChangeCapture::lag()
{
    QStringList all;
    for (const TableSpec &t : m_plan.tables)
        all << t.name;
    return lag(all);
}

ReverseLag ChangeCapture::lag(const QStringList &tables)
{
    ReverseLag lag;
    for (const CaptureStatus &s : status(tables)) {
        lag.pendingChanges += s.pendingChanges;
        lag.oldestPendingSeconds = std::max(lag.oldestPendingSeconds, s.oldestPendingSeconds);
        lag.lastAppliedChangeId = std::max(lag.lastAppliedChangeId, s.lastAppliedChangeId);
    }
    lag.measuredAt = QDateTime::currentDateTimeUtc();
    return lag;
}

} // namespace switchyard::core
