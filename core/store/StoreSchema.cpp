#include "StoreSchema.h"

#include "StoreConnection.h"

#include <switchyard/Version.h>

#include <QStringList>

#include <vector>

namespace switchyard::core {

namespace {

struct Migration
{
    int version;
    const char *description;
    QStringList both;     // templates for both dialects
    QStringList sqlite;   // SQLite only, after `both`
    QStringList postgres; // PostgreSQL only, after `both`
};

const std::vector<Migration> &migrations()
{
    static const std::vector<Migration> list{
        {1,
         "runs, phase state and history, jobs, checkpoints, metric samples, mismatches, rejects, "
         "sign-offs, audit log",
         {
             QStringLiteral("CREATE TABLE runs ("
                            " id {ID},"
                            " plan_name TEXT NOT NULL,"
                            " plan_path TEXT NOT NULL,"
                            " plan_sha256 TEXT NOT NULL,"
                            " created_at {TS} NOT NULL,"
                            " UNIQUE (plan_name, plan_sha256))"),
             QStringLiteral("CREATE TABLE phase_state ("
                            " run_id BIGINT PRIMARY KEY REFERENCES runs (id),"
                            " phase_index INTEGER NOT NULL,"
                            " ramp_step INTEGER NOT NULL,"
                            " status TEXT NOT NULL CHECK (status IN ('pending', 'active',"
                            "   'awaiting_confirmation', 'complete', 'rolled_back')),"
                            " entered_at {TS} NOT NULL,"
                            " updated_at {TS} NOT NULL,"
                            " updated_by TEXT NOT NULL,"
                            " version BIGINT NOT NULL)"),
             QStringLiteral("CREATE TABLE phase_history ("
                            " id {ID},"
                            " run_id BIGINT NOT NULL REFERENCES runs (id),"
                            " from_phase INTEGER NOT NULL,"
                            " from_status TEXT NOT NULL,"
                            " to_phase INTEGER NOT NULL,"
                            " to_status TEXT NOT NULL,"
                            " ramp_step INTEGER NOT NULL,"
                            " operator TEXT NOT NULL,"
                            " reason TEXT NOT NULL,"
                            " override {BOOL} NOT NULL,"
                            " evidence TEXT NOT NULL,"
                            " at {TS} NOT NULL)"),
             QStringLiteral("CREATE INDEX phase_history_by_run ON phase_history (run_id, id)"),
             QStringLiteral("CREATE TABLE jobs ("
                            " id {ID},"
                            " run_id BIGINT NOT NULL REFERENCES runs (id),"
                            " kind TEXT NOT NULL CHECK (kind IN ('backfill', 'validate',"
                            "   'reverse_sync', 'repair')),"
                            " table_name TEXT NOT NULL,"
                            " params TEXT NOT NULL,"
                            " state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'paused',"
                            "   'completed', 'failed', 'cancelled')),"
                            " created_at {TS} NOT NULL,"
                            " started_at {TS},"
                            " updated_at {TS} NOT NULL,"
                            " finished_at {TS},"
                            " last_error TEXT NOT NULL DEFAULT '',"
                            " last_error_retryable {BOOL} NOT NULL DEFAULT {FALSE},"
                            " attempts INTEGER NOT NULL DEFAULT 0,"
                            " worker_id TEXT NOT NULL DEFAULT '',"
                            " worker_host TEXT NOT NULL DEFAULT '',"
                            " heartbeat_at {TS})"),
             QStringLiteral("CREATE INDEX jobs_by_run ON jobs (run_id, kind, table_name, id)"),
             QStringLiteral("CREATE TABLE checkpoints ("
                            " job_id BIGINT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,"
                            " last_key TEXT NOT NULL,"
                            " rows_done BIGINT NOT NULL,"
                            " batches_done BIGINT NOT NULL,"
                            " updated_at {TS} NOT NULL)"),
             QStringLiteral("CREATE TABLE metric_samples ("
                            " run_id BIGINT NOT NULL REFERENCES runs (id),"
                            " series TEXT NOT NULL,"
                            " ts BIGINT NOT NULL,"
                            " value DOUBLE PRECISION NOT NULL,"
                            " resolution_ms BIGINT NOT NULL DEFAULT 0)"),
             QStringLiteral("CREATE INDEX metric_samples_by_series ON metric_samples (run_id, series, ts)"),
             QStringLiteral("CREATE INDEX metric_samples_by_ts ON metric_samples (ts)"),
             QStringLiteral("CREATE TABLE mismatches ("
                            " id {ID},"
                            " run_id BIGINT NOT NULL REFERENCES runs (id),"
                            " table_name TEXT NOT NULL,"
                            " key_json TEXT NOT NULL,"
                            " kind TEXT NOT NULL CHECK (kind IN ('missing_in_target',"
                            "   'missing_in_source', 'different')),"
                            " differing_columns TEXT NOT NULL,"
                            " source_row TEXT NOT NULL,"
                            " target_row TEXT NOT NULL,"
                            " first_seen {TS} NOT NULL,"
                            " last_checked {TS} NOT NULL,"
                            " times_seen INTEGER NOT NULL DEFAULT 1,"
                            " status TEXT NOT NULL CHECK (status IN ('open', 'in_flight',"
                            "   'resolved_on_recheck', 'repaired', 'accepted')),"
                            " reason TEXT NOT NULL DEFAULT '',"
                            " accepted_by TEXT NOT NULL DEFAULT '',"
                            " accepted_at {TS},"
                            " UNIQUE (run_id, table_name, key_json))"),
             QStringLiteral("CREATE INDEX mismatches_by_status ON mismatches (run_id, status, table_name)"),
             QStringLiteral("CREATE TABLE rejects ("
                            " id {ID},"
                            " run_id BIGINT NOT NULL REFERENCES runs (id),"
                            " table_name TEXT NOT NULL,"
                            " key_json TEXT NOT NULL,"
                            " column_name TEXT NOT NULL,"
                            " reason TEXT NOT NULL,"
                            " raw_value {BLOB},"
                            " at {TS} NOT NULL)"),
             QStringLiteral("CREATE INDEX rejects_by_table ON rejects (run_id, table_name, id)"),
             QStringLiteral("CREATE TABLE signoffs ("
                            " id {ID},"
                            " run_id BIGINT NOT NULL REFERENCES runs (id),"
                            " signer TEXT NOT NULL,"
                            " role TEXT NOT NULL,"
                            " statement TEXT NOT NULL,"
                            " verdict TEXT NOT NULL,"
                            " report_sha256 TEXT NOT NULL,"
                            " signature TEXT NOT NULL,"
                            " at {TS} NOT NULL)"),
             // `at` is TEXT on both back ends: it is hashed exactly as stored.
             QStringLiteral("CREATE TABLE audit_log ("
                            " run_id BIGINT NOT NULL REFERENCES runs (id),"
                            " seq BIGINT NOT NULL,"
                            " at TEXT NOT NULL,"
                            " operator TEXT NOT NULL,"
                            " action TEXT NOT NULL,"
                            " target TEXT NOT NULL,"
                            " reason TEXT NOT NULL,"
                            " details TEXT NOT NULL,"
                            " prev_hash TEXT NOT NULL,"
                            " hash TEXT NOT NULL,"
                            " PRIMARY KEY (run_id, seq))"),
         },
         {
             // Append-only by default. The hash chain is what proves it; the
             // triggers only stop accidents.
             QStringLiteral("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
                            " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"),
             QStringLiteral("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
                            " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"),
         },
         {
             QStringLiteral("CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS"
                            " $$BEGIN RAISE EXCEPTION 'switchyard.audit_log is append-only'; END$$"),
             QStringLiteral("CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log"
                            " FOR EACH ROW EXECUTE PROCEDURE audit_log_append_only()"),
             QStringLiteral("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log"
                            " FOR EACH STATEMENT EXECUTE PROCEDURE audit_log_append_only()"),
         }},
        {2,
         "validation summaries: one row per validation job (ValidationRepository)",
         {
             QStringLiteral("CREATE TABLE validation_summaries ("
                            " id {ID},"
                            " run_id BIGINT NOT NULL REFERENCES runs (id),"
                            " job_id BIGINT NOT NULL UNIQUE REFERENCES jobs (id),"
                            " table_name TEXT NOT NULL,"
                            " mode TEXT NOT NULL,"
                            " state TEXT NOT NULL CHECK (state IN ('completed', 'cancelled', 'failed')),"
                            " verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'in_flight', 'unchecked')),"
                            " source_rows BIGINT NOT NULL,"
                            " target_rows BIGINT NOT NULL,"
                            " rows_checked BIGINT NOT NULL,"
                            " chunks_checked BIGINT NOT NULL,"
                            " chunks_total BIGINT NOT NULL,"
                            " unchecked_count BIGINT NOT NULL,"
                            " unchecked_reasons TEXT NOT NULL,"
                            " sample_size BIGINT NOT NULL,"
                            " confidence DOUBLE PRECISION NOT NULL,"
                            " mismatches_found BIGINT NOT NULL,"
                            " mismatches_open BIGINT NOT NULL,"
                            " mismatches_in_flight BIGINT NOT NULL,"
                            " mismatches_resolved BIGINT NOT NULL,"
                            " mismatches_repaired BIGINT NOT NULL,"
                            " mismatches_accepted BIGINT NOT NULL,"
                            " statement TEXT NOT NULL,"
                            " error TEXT NOT NULL,"
                            " started_at {TS} NOT NULL,"
                            " finished_at {TS} NOT NULL)"),
             QStringLiteral("CREATE INDEX validation_summaries_run ON validation_summaries (run_id, table_name, id)"),
         },
         {},
         {}},
    };
    return list;
}

bool migrationsTableExists(StoreConnection &c)
{
    const QVariant v = c.isSqlite()
                           ? c.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master"
                                                     " WHERE type = 'table' AND name = 'schema_migrations'"))
                           : c.scalar(QStringLiteral("SELECT count(*) FROM pg_catalog.pg_tables"
                                                     " WHERE schemaname = 'switchyard'"
                                                     " AND tablename = 'schema_migrations'"));
    return v.toLongLong() > 0;
}

[[noreturn]] void refuseNewer(StoreConnection &c, int found)
{
    c.fail(StoreError::Kind::SchemaTooNew,
           QStringLiteral("the control store has schema version %1, but this build of Switchyard (%2) "
                          "knows versions up to %3: a newer Switchyard has used it. Upgrade Switchyard, "
                          "or point the plan at another control store")
               .arg(found)
               .arg(QStringLiteral(SWITCHYARD_VERSION))
               .arg(StoreSchema::latestVersion()),
           QStringLiteral("open control store %1").arg(c.location().describe()));
}

} // namespace

int StoreSchema::latestVersion()
{
    return migrations().back().version;
}

int StoreSchema::currentVersion(StoreConnection &c)
{
    if (!migrationsTableExists(c))
        return 0;
    return c.scalar(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")).toInt();
}

int StoreSchema::ensure(StoreConnection &c)
{
    const int found = currentVersion(c);
    if (found > latestVersion())
        refuseNewer(c, found);
    if (found == latestVersion())
        return found;

    return c.write(QStringLiteral("upgrade the control store schema"), [&c] {
        if (!c.isSqlite()) {
            c.execDirect(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kPgSchemaLockKey));
            c.execDirect(QStringLiteral("CREATE SCHEMA IF NOT EXISTS switchyard"));
        }
        c.execDirect(c.dialect().expand(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                                       " version INTEGER PRIMARY KEY,"
                                                       " description TEXT NOT NULL,"
                                                       " applied_at {TS} NOT NULL,"
                                                       " applied_by TEXT NOT NULL)")));
        // Read again under the lock: another process may have finished first.
        const int applied = currentVersion(c);
        if (applied > latestVersion())
            refuseNewer(c, applied);
        for (const Migration &m : migrations()) {
            if (m.version <= applied)
                continue;
            for (const QString &sql : m.both)
                c.execDirect(c.dialect().expand(sql));
            for (const QString &sql : c.isSqlite() ? m.sqlite : m.postgres)
                c.execDirect(c.dialect().expand(sql));
            QSqlQuery q = c.prepare(QStringLiteral("INSERT INTO schema_migrations"
                                                   " (version, description, applied_at, applied_by)"
                                                   " VALUES (?, ?, ?, ?)"));
            q.addBindValue(m.version);
            q.addBindValue(QString::fromUtf8(m.description));
            q.addBindValue(SqlDialect::timestampValue(SqlDialect::nowUtc()));
            q.addBindValue(QStringLiteral(SWITCHYARD_NAME " " SWITCHYARD_VERSION));
            c.exec(q);
        }
        return latestVersion();
    });
}

} // namespace switchyard::core
