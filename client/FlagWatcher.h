#pragma once
// FlagWatcher: keeps an application's copy of the flags current.
//
// A background thread with its own target connection reads switchyard.flags
// (FlagReader) every pollMs (≤ 1000 ms, the protocol's bound) and at once
// when a NOTIFY switchyard_flags arrives. When the target cannot be read it
// KEEPS THE LAST KNOWN FLAGS (docs/flags.md: never fall back to an unsafe
// state), reconnects, and says so in status(). Before the first successful
// read it holds the defaults (only the source), and status().everRead is false.
//
// Thread-safe: current() and status() may be called from any thread. stop()
// (or the destructor) ends the thread within one poll interval.

#include "flags/FlagSet.h"
#include "plan/Plan.h"

#include <QDateTime>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace switchyard::client {

class FlagWatcher
{
public:
    struct Status
    {
        bool everRead = false;   // at least one successful read since start
        bool published = false;  // the target had flags (else: defaults)
        qint64 version = 0;
        QDateTime lastRead;      // last successful read (UTC)
        QString lastError;       // empty while reads succeed
        qint64 reads = 0;
        qint64 failures = 0;
    };

    FlagWatcher(const core::ConnectionSettings &target, int pollMs, int connectTimeoutSeconds);
    ~FlagWatcher();
    FlagWatcher(const FlagWatcher &) = delete;
    FlagWatcher &operator=(const FlagWatcher &) = delete;

    void start();
    void stop();

    core::FlagSet current() const;
    Status status() const;
    /// Blocks until a read saw `version` or newer (or any first read when
    /// version is 0), up to timeoutMs. True when it did.
    bool waitForVersion(qint64 version, int timeoutMs) const;

private:
    void run();

    core::ConnectionSettings m_target;
    int m_pollMs;
    int m_connectTimeoutSeconds;
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    core::FlagSet m_flags;
    Status m_status;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace switchyard::client
