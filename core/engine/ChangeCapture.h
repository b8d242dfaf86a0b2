#pragma once
// ChangeCapture: trigger-based change capture on the TARGET (PostgreSQL) for
// the reverse sync (docs/reverse-sync.md). From the moment the source stops
// being written, every change the application makes on a captured table is
// recorded, so ReverseSyncJob can apply it to MySQL/MariaDB and a rollback
// loses nothing.
//
// What install() puts on the target, in schema `switchyard`:
//   switchyard.change_log          id bigserial, table_schema, table_name (the
//                                  target table), key jsonb (the key column
//                                  values as a jsonb array, e.g. [42] or
//                                  ["eu", 1017]), op ('I','U','D'; 'K' for the
//                                  old key of an update that changed the key),
//                                  txid, at (clock time of the change)
//   switchyard.change_log_applied  per table: the last change id applied to
//                                  MySQL, how many, when (written by the job)
//   switchyard."capture_<table>_<hash>"()
//                                  one trigger function per table (SECURITY
//                                  DEFINER with a fixed search_path, so the
//                                  application's database user needs no grant
//                                  on the log)
//   trigger "switchyard_capture"   AFTER INSERT OR UPDATE OR DELETE FOR EACH
//                                  ROW on each captured table
// The log holds the KEY of each changed row, never the row: the job reads
// the row as it is when it applies it, so the newest state wins and a replay
// is harmless. Applied changes are deleted from the log by the job, which
// keeps it bounded and makes the pending count exact even when transactions
// commit out of id order.
//
// Echo guard: a change is NOT recorded while the flag write_source has been
// on for more than kWriteSourceGraceSeconds (in switchyard.flags): the
// application is then writing MySQL first and the target row is its own
// secondary copy, which must not be sent back. Changes made while
// write_source is off, or within the grace period after it was turned on
// (applications still on the old flags), are recorded. No write_source row
// in switchyard.flags means it was never published: on, nothing recorded.
//
// install() and remove() are idempotent and each runs in one transaction,
// with lock_timeout bounded (CREATE/DROP TRIGGER briefly take a SHARE ROW
// EXCLUSIVE lock on the table, which waits for running writes and blocks new
// ones while it waits): a lock that cannot be had within lockTimeoutMs rolls
// the transaction back and it is retried up to maxAttempts times, so a busy
// application is stalled for at most lockTimeoutMs at a time.
// Privileges: the installing user must own the captured tables (or be a
// superuser) and have CREATE on the database (schema switchyard); see
// docs/reverse-sync.md.
//
// Tables are named by the plan's (source) names; their target names and
// schema come from the plan. Uses the caller's connection (one thread, like
// PgConnection). Errors throw DbException (from the server, with SQLSTATE)
// or std::invalid_argument (a table that is not in the plan).

#include "engine/ReverseLag.h"
#include "plan/Plan.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace switchyard::core {

class PgConnection;

/// Capture state of one table (for `reverse-sync status` and the cockpit).
struct CaptureStatus
{
    QString table;        // plan (source) name
    QString targetTable;  // "schema"."name" as written on the target
    bool installed = false;
    qint64 pendingChanges = 0;
    double oldestPendingSeconds = 0;
    qint64 lastAppliedChangeId = 0;
    qint64 changesApplied = 0;
    QDateTime lastAppliedAt;
};

class ChangeCapture
{
public:
    struct Options
    {
        int lockTimeoutMs = 2000; // per attempt; see the header comment
        int maxAttempts = 10;
    };

    /// The echo guard's grace period (see above): longer than the flag poll
    /// bound (1 s) plus the longest application transaction.
    static constexpr int kWriteSourceGraceSeconds = 10;
    static constexpr const char *kTriggerName = "switchyard_capture";

    ChangeCapture(const Plan &plan, PgConnection &target);
    ChangeCapture(const Plan &plan, PgConnection &target, Options options);

    void install(const QStringList &tables);
    /// Drops the triggers and functions; pending changes stay in the log
    /// (status() shows them). The log tables themselves are dropped when no
    /// table is captured any more and the log is empty.
    void remove(const QStringList &tables);
    bool isInstalled(const QString &table);
    /// Over every table of the plan.
    ReverseLag lag();
    ReverseLag lag(const QStringList &tables);
    QList<CaptureStatus> status(const QStringList &tables);

    /// The newest change id captured so far for `tables` (0: none), and how
    /// many changes up to that id are still pending. While the application
    /// keeps writing, the lag rarely reads exactly 0; "everything captured
    /// before I started waiting is applied" is pendingThrough(headChangeId())
    /// reaching 0 (a transaction still open at that moment may commit a
    /// lower id later: wait for that with lag() once writes have moved).
    qint64 headChangeId(const QStringList &tables);
    qint64 pendingThrough(qint64 changeId, const QStringList &tables);

    /// The trigger function's name for a plan table (unquoted).
    QString functionName(const QString &table) const;
    /// "schema" and name of a plan table on the target.
    QString targetSchema() const;
    QString targetTable(const QString &table) const;
    /// The CREATE statements for the log tables (docs and tests).
    static QStringList logTablesDdl();

private:
    QStringList installStatements(const QString &table);
    bool logTablesExist();
    void runWithRetry(const QString &what, const QStringList &statements);

    Plan m_plan;
    PgConnection &m_target;
    Options m_options;
};

} // namespace switchyard::core
