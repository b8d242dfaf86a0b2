#include "backfill/ProgressMeter.h"

namespace switchyard::core {

ProgressMeter::ProgressMeter(std::chrono::milliseconds window,
                             std::chrono::milliseconds minInterval)
    : m_window(window)
    , m_minInterval(minInterval)
{
    reset();
}

void ProgressMeter::reset(Clock::time_point now)
{
    m_points.clear();
    m_points.push_back({now, m_total});
}

void ProgressMeter::add(long long rows, Clock::time_point now)
{
    m_total += rows;
    m_points.push_back({now, m_total});
    trim(now);
}

void ProgressMeter::trim(Clock::time_point now)
{
    // Keep one point older than the window as the rate's starting point.
    while (m_points.size() > 2 && now - m_points[1].at > m_window)
        m_points.pop_front();
}

double ProgressMeter::rate(Clock::time_point now) const
{
    if (m_points.size() < 2)
        return 0.0;
    const Point &first = m_points.front();
    const double seconds = std::chrono::duration<double>(now - first.at).count();
    if (seconds <= 0)
        return 0.0;
    return double(m_total - first.total) / seconds;
}

double ProgressMeter::etaSeconds(long long remaining, Clock::time_point now) const
{
    const double r = rate(now);
    if (remaining <= 0)
        return 0.0;
    return r > 0 ? double(remaining) / r : -1.0;
}

bool ProgressMeter::sampleDue(bool force, Clock::time_point now)
{
    if (!force && m_sampled && now - m_lastSample < m_minInterval)
        return false;
    m_sampled = true;
    m_lastSample = now;
    return true;
}

} // namespace switchyard::core
