#include "flags/FlagReader.h"

#include "flags/FlagTables.h"
#include "target/PgConnection.h"

#include <pqxx/pqxx>

namespace switchyard::core {

namespace {

QDateTime utc(const pqxx::field &f)
{
    // Sessions run with TIME ZONE 'UTC' (PgConnection); epoch avoids parsing.
    return QDateTime::fromMSecsSinceEpoch(qint64(f.as<double>() * 1000.0 + 0.5), Qt::UTC);
}

bool tablesExist(pqxx::transaction_base &tx)
{
    return !tx.exec("SELECT to_regclass('switchyard.flag_version')")[0][0].is_null() &&
           !tx.exec("SELECT to_regclass('switchyard.flags')")[0][0].is_null();
}

} // namespace

struct FlagReader::Receiver : pqxx::notification_receiver
{
    explicit Receiver(pqxx::connection_base &c)
        : pqxx::notification_receiver(c, kFlagsChannel)
    {
    }
    void operator()(const std::string &payload, int) override
    {
        arrived = true;
        bool ok = false;
        const qint64 v = QString::fromStdString(payload).toLongLong(&ok);
        if (ok && v > newest)
            newest = v;
    }
    bool arrived = false;
    qint64 newest = 0;
};

FlagReader::FlagReader(PgConnection &target)
    : m_target(target)
{
}

FlagReader::~FlagReader() = default;

FlagSnapshot FlagReader::read()
{
    return m_target.run(QStringLiteral("reading switchyard.flags"), [&] {
        FlagSnapshot s;
        pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(m_target.connection());
        if (!tablesExist(tx)) {
            tx.commit();
            return s;
        }
        s.version = tx.exec("SELECT version FROM switchyard.flag_version WHERE one")[0][0].as<qint64>();
        const pqxx::result r = tx.exec(
            "SELECT name, value::text, version, changed_by, "
            "extract(epoch FROM changed_at)::float8, reason FROM switchyard.flags ORDER BY name");
        for (const auto &row : r) {
            FlagRow f;
            f.name = QString::fromStdString(row[0].as<std::string>());
            f.jsonValue = QString::fromStdString(row[1].as<std::string>());
            f.version = row[2].as<qint64>();
            f.changedBy = QString::fromStdString(row[3].as<std::string>());
            f.changedAt = utc(row[4]);
            f.reason = QString::fromStdString(row[5].as<std::string>());
            const QString problem = s.flags.setFromJson(f.name, f.jsonValue);
            if (!problem.isEmpty())
                s.problems << problem;
            s.rows << f;
        }
        s.published = s.version > 0;
        QStringList seen;
        for (const FlagRow &f : std::as_const(s.rows))
            seen << f.name;
        s.complete = true;
        for (const QString &name : FlagSet::builtInNames())
            s.complete = s.complete && seen.contains(name);
        tx.commit();
        return s;
    });
}

QList<FlagHistoryRow> FlagReader::history(int limit)
{
    return m_target.run(QStringLiteral("reading switchyard.flag_history"), [&] {
        QList<FlagHistoryRow> out;
        pqxx::transaction<pqxx::read_committed, pqxx::read_only> tx(m_target.connection());
        if (tx.exec("SELECT to_regclass('switchyard.flag_history')")[0][0].is_null()) {
            tx.commit();
            return out;
        }
        const pqxx::result r = tx.exec_params(
            "SELECT version, name, old_value::text, new_value::text, changed_by, "
            "extract(epoch FROM changed_at)::float8, reason FROM switchyard.flag_history "
            "ORDER BY id DESC LIMIT $1",
            limit);
        for (const auto &row : r) {
            FlagHistoryRow h;
            h.version = row[0].as<qint64>();
            h.name = QString::fromStdString(row[1].as<std::string>());
            h.oldJson = row[2].is_null() ? QString() : QString::fromStdString(row[2].as<std::string>());
            h.newJson = row[3].is_null() ? QString() : QString::fromStdString(row[3].as<std::string>());
            h.changedBy = QString::fromStdString(row[4].as<std::string>());
            h.changedAt = utc(row[5]);
            h.reason = QString::fromStdString(row[6].as<std::string>());
            out << h;
        }
        tx.commit();
        return out;
    });
}

void FlagReader::listen()
{
    m_target.run(QStringLiteral("LISTEN switchyard_flags"), [&] {
        m_receiver.reset();
        m_receiver = std::make_unique<Receiver>(m_target.connection());
    });
}

bool FlagReader::waitForNotification(int timeoutMs, qint64 *version)
{
    if (!m_receiver)
        listen();
    return m_target.run(QStringLiteral("waiting for a flags notification"), [&] {
        m_receiver->arrived = false;
        // Notifications that came in meanwhile are delivered by get_notifs().
        if (m_target.connection().get_notifs() == 0 && timeoutMs > 0)
            m_target.connection().await_notification(timeoutMs / 1000, (timeoutMs % 1000) * 1000L);
        if (m_receiver->arrived && version)
            *version = m_receiver->newest;
        return m_receiver->arrived;
    });
}

} // namespace switchyard::core
