#include "backfill/Throttle.h"

#include <algorithm>

namespace switchyard::core {

Throttle::Throttle(double rowsPerSecond)
    : m_rate(std::max(0.0, rowsPerSecond))
    , m_tokens(m_rate)
    , m_last(Clock::now())
{
}

void Throttle::setRate(double rowsPerSecond)
{
    {
        std::lock_guard lock(m_mutex);
        refill(Clock::now());
        m_rate = std::max(0.0, rowsPerSecond);
        // Never carry more than one second's worth of the new rate.
        m_tokens = std::min(m_tokens, m_rate);
    }
    m_wake.notify_all();
}

double Throttle::rate() const
{
    std::lock_guard lock(m_mutex);
    return m_rate;
}

void Throttle::interrupt()
{
    m_wake.notify_all();
}

void Throttle::refill(Clock::time_point now)
{
    const double seconds = std::chrono::duration<double>(now - m_last).count();
    m_last = now;
    if (m_rate > 0)
        m_tokens = std::min(m_rate, m_tokens + seconds * m_rate);
}

bool Throttle::acquire(double rows, const std::function<bool()> &stop)
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (stop && stop())
            return false;
        refill(Clock::now());
        if (m_rate <= 0)
            return true;
        // A batch larger than the bucket goes through once the bucket is
        // full and leaves a debt, so large batches still average the rate.
        const double need = std::min(rows, m_rate);
        if (m_tokens >= need) {
            m_tokens -= rows;
            return true;
        }
        const double waitSeconds = (need - m_tokens) / m_rate;
        const auto wait = std::min(std::chrono::duration<double>(waitSeconds),
                                   std::chrono::duration<double>(0.1));
        m_wake.wait_for(lock, wait);
    }
}

} // namespace switchyard::core
