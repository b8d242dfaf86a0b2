#pragma once
// ShadowReader: background comparisons of one row on both sides.
//
// enqueue() is what a shadowed read calls; it never blocks the application
// (beyond a mutex) and never fails: past queueLimit waiting tasks, new ones
// are dropped and counted. A worker thread with its own source and target
// connections reads the row on both sides in canonical form (TableAccess),
// compares, and on a difference waits recheckMs and compares again (a write
// in flight is not drift). A confirmed difference is stored with both row
// images in switchyard.shadow_mismatches; every comparison and mismatch is
// counted per minute in switchyard.shadow_stats (flushed at least once a
// second, and when the queue runs empty). A comparison that fails (a server
// down) is counted as an error, not as a comparison.
//
// Thread-safe. stop() (or the destructor) finishes the task at hand, flushes
// the counts it can, and joins.

#include "client/TableAccess.h"
#include "plan/Plan.h"

#include <QVariantList>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace switchyard::client {

class ShadowReader
{
public:
    struct Counters
    {
        qint64 compared = 0;
        qint64 mismatched = 0;
        qint64 errors = 0;
        qint64 dropped = 0;
        qint64 pending = 0;
    };

    ShadowReader(const core::Plan &plan, const TableAccess &table, int queueLimit, int recheckMs);
    ~ShadowReader();
    ShadowReader(const ShadowReader &) = delete;
    ShadowReader &operator=(const ShadowReader &) = delete;

    void start();
    void stop();
    void enqueue(const QVariantList &key);
    Counters counters() const;
    /// Waits until every queued comparison is done and the counts are
    /// flushed, up to timeoutMs. True when it got there.
    bool waitIdle(int timeoutMs) const;

private:
    void run();

    core::Plan m_plan;
    TableAccess m_table;
    int m_queueLimit;
    int m_recheckMs;
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_wake;
    mutable std::condition_variable m_idle;
    std::deque<QVariantList> m_queue;
    bool m_busy = false;
    bool m_unflushed = false;
    Counters m_counters;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace switchyard::client
