#pragma once
// ServerProbe: is each server of a plan reachable, how fast does it answer,
// and what version is it? For the cockpit's connection status panel and for
// `switchyard-cli` diagnostics.
//
//   ServerProbe probe(plan, ControlStoreLocation::fromPlan(plan));
//   for (const ServerStatus &s : probe.probeAll()) …   // source, target, store
//
// What is measured. Each probe keeps its connection open between calls
// (opening one is what a status display must not pay every second) and
// measures one round trip on it: COM_PING on MySQL/MariaDB, `SELECT 1` on
// PostgreSQL, an indexed read of the plan's latest run on the control store.
// A connection that fails is closed, reported as unreachable with the
// driver's error, and opened again on the next call; the time to reconnect
// is not counted as latency (connectMs says how long opening took).
//
// Plain values only: ServerStatus is copyable and safe to send across
// threads. Threads: a ServerProbe owns database connections, so it is used
// from one thread (the cockpit runs it on its engine worker thread, never on
// the GUI thread) and destroyed there. It never throws: every failure is a
// ServerStatus with reachable = false and `error` saying what and where.
// Passwords come from core/common/Credentials.h; none appears in a status.

#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <memory>

namespace switchyard::core {

struct ServerStatus
{
    enum class Role { Source, Target, ControlStore };

    Role role = Role::Source;
    /// "user@host:port/database" or the store's description (no secrets).
    QString endpoint;
    bool reachable = false;
    /// One round trip on an open connection, in milliseconds; -1 when not reachable.
    double latencyMs = -1.0;
    /// Time taken to open the connection when this probe had to (re)connect; -1 otherwise.
    double connectMs = -1.0;
    /// As the server reports it ("10.11.19-MariaDB", "PostgreSQL 15.20 …",
    /// "SQLite store, schema v3"); empty when not reachable.
    QString version;
    /// Where the password came from ("password from ~/.pgpass"); empty for the store.
    QString credential;
    /// Why it is not reachable, with what to do; empty when reachable.
    QString error;
    /// True when retrying may help (lost connection, server starting, …).
    bool retryable = false;
    QDateTime checkedAt; // UTC

    /// "Source", "Target", "Control store".
    static QString roleName(Role role);
};

class ServerProbe
{
public:
    struct Options
    {
        /// Bounds a probe of a server that does not answer.
        int connectTimeoutSeconds = 5;
    };

    ServerProbe(const Plan &plan, const ControlStoreLocation &store, Options options);
    ServerProbe(const Plan &plan, const ControlStoreLocation &store);
    ~ServerProbe();
    ServerProbe(const ServerProbe &) = delete;
    ServerProbe &operator=(const ServerProbe &) = delete;

    ServerStatus probeSource();
    ServerStatus probeTarget();
    ServerStatus probeStore();
    /// Source, target and control store, in that order.
    QList<ServerStatus> probeAll();

    /// Closes every connection (the next probe reopens them).
    void disconnect();

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace switchyard::core
