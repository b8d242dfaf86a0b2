#include "common/JobControl.h"

#include <algorithm>

namespace switchyard::core {

void JobControl::pause()
{
    m_paused = true;
}

void JobControl::resume()
{
    {
        std::lock_guard lock(m_mutex);
        m_paused = false;
    }
    m_wake.notify_all();
}

void JobControl::cancel()
{
    {
        std::lock_guard lock(m_mutex);
        m_cancel = true;
    }
    m_wake.notify_all();
}

bool JobControl::waitWhilePaused()
{
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [this] { return !m_paused || m_cancel; });
    return !m_cancel;
}

bool JobControl::sleepInterruptibly(std::chrono::milliseconds d)
{
    std::unique_lock lock(m_mutex);
    return !m_wake.wait_for(lock, d, [this] { return m_cancel.load(); });
}

std::chrono::milliseconds JobControl::backoff(int attempt, std::chrono::milliseconds initial,
                                              std::chrono::milliseconds max)
{
    return std::min(max, initial * (1 << std::clamp(attempt, 0, 10)));
}

} // namespace switchyard::core
