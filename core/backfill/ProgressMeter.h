#pragma once
// Turns "n rows committed at time t" into a rate and an ETA, and decides
// when a progress sample is due (at most ten a second, as DESIGN.md asks, so
// the GUI stays smooth however small the batches are).
//
// The rate is measured over a sliding window (default 5 s) of committed
// batches, so it follows a throttle change within seconds and does not
// average in a pause from an hour ago. Not thread-safe: one job's own.

#include <chrono>
#include <deque>

namespace switchyard::core {

class ProgressMeter
{
public:
    using Clock = std::chrono::steady_clock;

    explicit ProgressMeter(std::chrono::milliseconds window = std::chrono::seconds(5),
                           std::chrono::milliseconds minInterval = std::chrono::milliseconds(100));

    /// `rows` more rows committed now.
    void add(long long rows, Clock::time_point now = Clock::now());
    /// Rows per second over the window (0 before two points are known).
    double rate(Clock::time_point now = Clock::now()) const;
    /// Seconds to copy `remaining` rows at the current rate; -1 when unknown.
    double etaSeconds(long long remaining, Clock::time_point now = Clock::now()) const;
    /// True when a sample may be sent now; marks it sent. `force` for state changes.
    bool sampleDue(bool force = false, Clock::time_point now = Clock::now());
    /// Forget the history (after a pause), keeping nothing stale in the rate.
    void reset(Clock::time_point now = Clock::now());

private:
    struct Point
    {
        Clock::time_point at;
        long long total;
    };
    void trim(Clock::time_point now);

    std::chrono::milliseconds m_window;
    std::chrono::milliseconds m_minInterval;
    std::deque<Point> m_points;
    long long m_total = 0;
    Clock::time_point m_lastSample{};
    bool m_sampled = false;
};

} // namespace switchyard::core
