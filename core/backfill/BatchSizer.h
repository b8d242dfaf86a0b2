#pragma once
// Chooses the next batch size so that a batch takes about a target time.
//
// Small batches waste round trips; huge ones hold source locks (locking
// mode) and memory for longer. After each batch the sizer sees how long it
// took and moves toward the size that would take `targetSeconds`, at most
// doubling or halving per step and always within [minRows, maxRows]. A plan
// that fixes batch_rows gets a fixed sizer. Not thread-safe (one job's own).

namespace switchyard::core {

class BatchSizer
{
public:
    struct Limits
    {
        int minRows = 200;
        int maxRows = 50000;
        int initialRows = 2000;
        double targetSeconds = 0.5;
    };

    /// Adaptive within `limits`.
    explicit BatchSizer(Limits limits);
    /// Fixed at `rows` (the plan's batch_rows).
    static BatchSizer fixed(int rows);

    int next() const { return m_rows; }
    /// Reports a finished batch of `rows` rows that took `seconds`.
    void record(int rows, double seconds);
    /// After a failure (lock wait timeout, …): halve, to hold locks for less.
    void shrink();

private:
    Limits m_limits;
    int m_rows;
    bool m_fixed = false;
};

} // namespace switchyard::core
