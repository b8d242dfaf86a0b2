#pragma once
// A rows-per-second limit that can be changed while a job runs.
//
// A token bucket: acquire(n) blocks until n rows may pass, so a job that
// calls it once per batch copies at most `rate` rows per second on average,
// with bursts of at most one second's worth. setRate() takes effect at once,
// also for a thread blocked in acquire(); a rate of 0 means unlimited.
// interrupt() wakes a blocked acquire() (pause, cancel).
//
// Thread-safe: setRate()/interrupt() from any thread (the GUI's slider, a
// signal handler's flag), acquire() from the job's thread.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace switchyard::core {

class Throttle
{
public:
    using Clock = std::chrono::steady_clock;

    explicit Throttle(double rowsPerSecond = 0);

    void setRate(double rowsPerSecond);
    double rate() const;

    /// Blocks until `rows` may pass, or until `stop()` returns true (checked
    /// whenever the wait is interrupted and at least every 100 ms). Returns
    /// false when stopped before the rows were granted.
    bool acquire(double rows, const std::function<bool()> &stop = {});

    /// Wakes a blocked acquire() so it re-checks its stop condition.
    void interrupt();

private:
    void refill(Clock::time_point now);

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    double m_rate = 0;
    double m_tokens = 0;
    Clock::time_point m_last;
};

} // namespace switchyard::core
