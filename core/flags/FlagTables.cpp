#include "flags/FlagTables.h"

#include "target/PgConnection.h"

#include <pqxx/pqxx>

namespace switchyard::core {

QStringList targetTablesDdl()
{
    return {
        QStringLiteral("CREATE SCHEMA IF NOT EXISTS switchyard"),
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS switchyard.flag_version ("
            " one boolean PRIMARY KEY DEFAULT true CHECK (one),"
            " version bigint NOT NULL,"
            " changed_at timestamptz NOT NULL DEFAULT now())"),
        QStringLiteral("INSERT INTO switchyard.flag_version (one, version) VALUES (true, 0) "
                       "ON CONFLICT (one) DO NOTHING"),
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS switchyard.flags ("
            " name text PRIMARY KEY,"
            " value jsonb NOT NULL,"
            " version bigint NOT NULL,"
            " changed_by text NOT NULL,"
            " changed_at timestamptz NOT NULL,"
            " reason text NOT NULL)"),
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS switchyard.flag_history ("
            " id bigserial PRIMARY KEY,"
            " version bigint NOT NULL,"
            " name text NOT NULL,"
            " old_value jsonb,"
            " new_value jsonb,"
            " changed_by text NOT NULL,"
            " changed_at timestamptz NOT NULL,"
            " reason text NOT NULL)"),
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS switchyard.repair_queue ("
            " id bigserial PRIMARY KEY,"
            " table_name text NOT NULL,"
            " key_json jsonb NOT NULL,"
            " entity_id text NOT NULL,"
            " operation text NOT NULL CHECK (operation IN ('upsert', 'delete')),"
            " error text NOT NULL,"
            " sqlstate text,"
            " origin text NOT NULL DEFAULT 'direct' CHECK (origin IN ('direct', 'local_file')),"
            " failed_at timestamptz NOT NULL,"
            " queued_at timestamptz NOT NULL DEFAULT now(),"
            " status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'repaired', 'failed')),"
            " attempts integer NOT NULL DEFAULT 0,"
            " repaired_at timestamptz)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS repair_queue_status ON switchyard.repair_queue "
                       "(status, id)"),
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS switchyard.shadow_mismatches ("
            " id bigserial PRIMARY KEY,"
            " table_name text NOT NULL,"
            " key_json jsonb NOT NULL,"
            " entity_id text NOT NULL,"
            " columns text[] NOT NULL,"
            " source_row jsonb,"
            " target_row jsonb,"
            " seen_at timestamptz NOT NULL DEFAULT now())"),
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS switchyard.shadow_stats ("
            " table_name text NOT NULL,"
            " minute timestamptz NOT NULL,"
            " comparisons bigint NOT NULL DEFAULT 0,"
            " mismatches bigint NOT NULL DEFAULT 0,"
            " PRIMARY KEY (table_name, minute))"),
    };
}

void ensureTargetTables(PgConnection &target)
{
    target.run(QStringLiteral("creating the switchyard tables on the target"), [&] {
        pqxx::work tx(target.connection());
        // CREATE … IF NOT EXISTS is not safe against a concurrent CREATE of
        // the same name (unique violation in the catalog): serialise.
        tx.exec("SELECT pg_advisory_xact_lock(hashtext('switchyard.target_tables'))");
        for (const QString &sql : targetTablesDdl())
            tx.exec(sql.toStdString());
        tx.commit();
    });
}

bool targetTablesExist(PgConnection &target)
{
    return target.run(QStringLiteral("looking for the switchyard tables on the target"), [&] {
        pqxx::nontransaction tx(target.connection());
        const pqxx::result r = tx.exec(
            "SELECT count(*) FROM unnest(ARRAY['switchyard.flag_version', 'switchyard.flags', "
            "'switchyard.flag_history', 'switchyard.repair_queue', 'switchyard.shadow_mismatches', "
            "'switchyard.shadow_stats']) AS t(name) WHERE to_regclass(t.name) IS NULL");
        return r[0][0].as<int>() == 0;
    });
}

void ensureTargetTablesIfPossible(PgConnection &target) noexcept
{
    try {
        if (!targetTablesExist(target))
            ensureTargetTables(target);
    } catch (const std::exception &) {
        // Not ours to fix here; see the header.
    }
}

} // namespace switchyard::core
