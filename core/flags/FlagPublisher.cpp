#include "flags/FlagPublisher.h"

#include "flags/FlagTables.h"
#include "target/PgConnection.h"

#include <QMap>

#include <pqxx/pqxx>

namespace switchyard::core {

FlagPublisher::FlagPublisher(PgConnection &target)
    : m_target(target)
{
}

FlagPublisher::Result FlagPublisher::publish(const FlagSet &flags, const QString &changedBy,
                                             const QString &reason)
{
    ensureTargetTables(m_target);
    return m_target.run(QStringLiteral("publishing flags"), [&] {
        Result result;
        pqxx::work tx(m_target.connection());
        const qint64 current =
            tx.exec("SELECT version FROM switchyard.flag_version WHERE one FOR UPDATE")[0][0]
                .as<qint64>();
        // Stored values, compared as jsonb text (PostgreSQL's normal form), so
        // formatting differences never count as a change.
        QMap<QString, QString> stored;
        for (const auto &row : tx.exec("SELECT name, value::text FROM switchyard.flags"))
            stored.insert(QString::fromStdString(row[0].as<std::string>()),
                          QString::fromStdString(row[1].as<std::string>()));
        QMap<QString, QString> wanted;
        for (const QString &name : flags.names()) {
            const std::string normal =
                tx.exec_params("SELECT $1::jsonb::text", flags.jsonValue(name).toStdString())[0][0]
                    .as<std::string>();
            wanted.insert(name, QString::fromStdString(normal));
        }
        QStringList changed;
        for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
            if (stored.value(it.key()) != it.value() || !stored.contains(it.key()))
                changed << it.key();
        }
        for (auto it = stored.cbegin(); it != stored.cend(); ++it) {
            if (!wanted.contains(it.key()))
                changed << it.key();
        }
        if (changed.isEmpty()) {
            result.version = current;
            tx.commit();
            return result;
        }
        const qint64 version = current + 1;
        const std::string who = changedBy.toStdString();
        const std::string why = reason.toStdString();
        for (const QString &name : std::as_const(changed)) {
            const std::string n = name.toStdString();
            const std::optional<std::string> oldValue =
                stored.contains(name) ? std::optional<std::string>(stored.value(name).toStdString())
                                      : std::nullopt;
            const std::optional<std::string> newValue =
                wanted.contains(name) ? std::optional<std::string>(wanted.value(name).toStdString())
                                      : std::nullopt;
            if (newValue) {
                tx.exec_params("INSERT INTO switchyard.flags (name, value, version, changed_by, "
                               "changed_at, reason) VALUES ($1, $2::jsonb, $3, $4, now(), $5) "
                               "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, "
                               "version = EXCLUDED.version, changed_by = EXCLUDED.changed_by, "
                               "changed_at = EXCLUDED.changed_at, reason = EXCLUDED.reason",
                               n, *newValue, version, who, why);
            } else {
                tx.exec_params("DELETE FROM switchyard.flags WHERE name = $1", n);
            }
            tx.exec_params("INSERT INTO switchyard.flag_history (version, name, old_value, "
                           "new_value, changed_by, changed_at, reason) "
                           "VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, now(), $6)",
                           version, n, oldValue, newValue, who, why);
        }
        tx.exec_params("UPDATE switchyard.flag_version SET version = $1, changed_at = now() "
                       "WHERE one",
                       version);
        tx.exec_params("SELECT pg_notify($1, $2)", std::string(kFlagsChannel),
                       std::to_string(version));
        tx.commit();
        result.version = version;
        result.changed = changed;
        return result;
    });
}

} // namespace switchyard::core
