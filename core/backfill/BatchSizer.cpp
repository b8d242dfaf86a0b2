#include "backfill/BatchSizer.h"

#include <algorithm>
#include <cmath>

namespace switchyard::core {

BatchSizer::BatchSizer(Limits limits)
    : m_limits(limits)
    , m_rows(std::clamp(limits.initialRows, limits.minRows, limits.maxRows))
{
}

BatchSizer BatchSizer::fixed(int rows)
{
    Limits l;
    l.minRows = l.maxRows = l.initialRows = std::max(1, rows);
    BatchSizer s(l);
    s.m_fixed = true;
    return s;
}

void BatchSizer::record(int rows, double seconds)
{
    // A short final batch (fewer rows than asked) says nothing about speed.
    if (m_fixed || rows < m_rows || rows <= 0 || seconds <= 0)
        return;
    const double ideal = rows * (m_limits.targetSeconds / seconds);
    // Move half-way (in log space) toward the ideal, bounded to x2 / x0.5, so
    // one noisy batch on a shared machine does not swing the size.
    const double factor = std::clamp(std::sqrt(ideal / rows), 0.5, 2.0);
    m_rows = std::clamp(int(std::lround(rows * factor)), m_limits.minRows, m_limits.maxRows);
}

void BatchSizer::shrink()
{
    if (!m_fixed)
        m_rows = std::max(m_limits.minRows, m_rows / 2);
}

} // namespace switchyard::core
