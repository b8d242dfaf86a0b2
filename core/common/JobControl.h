#pragma once
// The operator's controls of a long-running job (backfill, validation, …):
// pause, resume and cancel from any thread, seen by the job's own thread
// between batches or chunks, plus the bounded exponential backoff every job
// uses between retries.
//
// Thread-safe: pause()/resume()/cancel() from any thread (the GUI, a signal
// watcher); waitWhilePaused()/sleepInterruptibly() from the job's thread,
// which they block until resumed, cancelled or the time is up.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace switchyard::core {

class JobControl
{
public:
    void pause();
    void resume();
    void cancel();

    bool isPaused() const { return m_paused; }
    bool isCancelled() const { return m_cancel; }
    /// For code that polls cancellation itself (e.g. a recheck loop).
    const std::atomic_bool &cancelFlag() const { return m_cancel; }

    /// Blocks while paused; false when the job was cancelled meanwhile.
    bool waitWhilePaused();
    /// Sleeps `d` unless cancelled first; false when cancelled.
    bool sleepInterruptibly(std::chrono::milliseconds d);

    /// initial × 2^attempt, at most `max` (attempt counts from 1).
    static std::chrono::milliseconds backoff(int attempt, std::chrono::milliseconds initial,
                                             std::chrono::milliseconds max);

private:
    std::atomic_bool m_cancel{false};
    std::atomic_bool m_paused{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
};

} // namespace switchyard::core
