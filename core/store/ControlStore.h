#pragma once
// The control store: everything the cockpit must not lose (runs, phase
// state, jobs, checkpoints, metric samples, mismatches, rejects, sign-offs,
// the audit log), in a SQLite file (the embedded default) or in the
// `switchyard` schema of a PostgreSQL database shared by a team and by
// workers on several machines. One code path (Qt Sql) serves both; see
// docs/control-store.md for the schema and the guarantees.
//
//   ControlStore store = ControlStore::open(plan);           // throws StoreException
//   const qint64 run = store.runs().ensureRun(plan.migration.name, plan.filePath, sha);
//   store.audit().appendAudit({run, 0, {}, "ann", "plan.open", "plan", "start"});
//
// Threads. A ControlStore owns ONE Qt Sql connection, and a Qt Sql connection
// belongs to the thread that opened it. So:
// - use a ControlStore from one thread only; a call from another thread
//   throws StoreException (Kind::Usage);
// - for another thread, call clone() (any thread may call it: it copies only
//   the location), move the clone to that thread, and use it there: its
//   connection opens on the first call made on that thread (connect() opens
//   it explicitly, to surface errors early). Each job thread has its own.
// - destroy a ControlStore on the thread that used it (or after that thread
//   has finished).
// Several ControlStores, in one process or many, may write the same store at
// once: writes are transactions serialised by the back end (SQLite:
// BEGIN IMMEDIATE with a busy timeout and retries; PostgreSQL: row and
// advisory locks), and the audit chain never forks.
//
// Errors. Every operation throws StoreException (StoreError.h) on failure,
// with the driver's native code so callers can tell retryable from fatal;
// outcomes of normal work are return values (a stale phase update, a job not
// in the expected state, a missing checkpoint). A moved-from ControlStore may
// only be destroyed or assigned to.
//
// Durability. A write that returned is committed: SQLite runs with WAL and
// synchronous=FULL; PostgreSQL commits synchronously unless the server was
// told otherwise.

#include "AuditLog.h"
#include "JobRepository.h"
#include "MetricRepository.h"
#include "MismatchRepository.h"
#include "ValidationRepository.h"
#include "RunRepository.h"
#include "StoreError.h"
#include "StoreTypes.h"

#include <functional>
#include <memory>

namespace switchyard::core {

class ControlStore
{
public:
    /// Opens (and creates, or brings up to date) the store a plan names.
    /// resolvedSqlitePath is Plan::controlStorePath() (ignored for PostgreSQL).
    static ControlStore open(const ControlStoreSettings &settings, const QString &resolvedSqlitePath);
    static ControlStore open(const ControlStoreLocation &location);
    static ControlStore open(const Plan &plan);

    ControlStore(ControlStore &&other) noexcept;
    ControlStore &operator=(ControlStore &&other) noexcept;
    ~ControlStore();

    /// A new, not yet connected ControlStore for the same store, to be used
    /// on another thread (see above). Never fails; errors appear on first use.
    ControlStore clone() const;
    /// Opens the connection on the calling thread now (a clone opens lazily).
    void connect();
    /// Closes the connection; the next call reopens it on the calling thread.
    void close();

    const ControlStoreLocation &location() const;
    StoreError::Backend backend() const;
    /// The schema version in force (opens the connection if needed).
    int schemaVersion();
    /// The newest schema version this build knows.
    static int latestSchemaVersion();

    /// Runs `work` — calls on this store's repositories — as ONE transaction:
    /// all of it is committed or none. The repositories' own writes inside
    /// join it. On busy/conflict the whole transaction is retried, so `work`
    /// must be safe to run again. Throws StoreException.
    void transaction(const QString &what, const std::function<void()> &work);

    RunRepository &runs();
    JobRepository &jobs();
    MetricRepository &metrics();
    MismatchRepository &mismatches();
    ValidationRepository &validations();
    AuditLog &audit();

private:
    struct Impl;
    explicit ControlStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace switchyard::core
