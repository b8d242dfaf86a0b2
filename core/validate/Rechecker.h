#pragma once
// Rechecker: the rule that keeps rows changing under live dual writes from
// being reported as drift. Every difference a comparison finds is read again
// on both sides after a delay before anything is recorded:
//   equal now                      → not recorded (an earlier open / in-flight
//                                    record of the key → resolved_on_recheck)
//   the same images as before      → recorded `open`
//   changed since                  → recorded `in_flight`, read once more:
//                                    equal → resolved_on_recheck, unchanged →
//                                    `open`, changed again → stays `in_flight`.
// Records go through MismatchRepository::upsertMismatch (deduplicated by key).
//
// Reads go through the caller's retry function, which throws ReadFailed when
// a read cannot be done; confirm() and observe() let it through (the caller
// marks its range unchecked). Not thread-safe: the job thread's helper.

#include "store/StoreTypes.h"
#include "validate/ValidationTypes.h"

#include <QHash>
#include <QSet>

#include <atomic>
#include <chrono>
#include <functional>
#include <stdexcept>

namespace switchyard::core {

class MismatchRepository;
class TableComparer;

/// A read that failed for good (after the retries): its range is unchecked.
struct ReadFailed : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

class Rechecker
{
public:
    /// Runs the given reads with retries; throws ReadFailed.
    using RetryFn = std::function<void(const std::function<void()> &)>;
    /// Sleeps; false when the job was cancelled meanwhile.
    using SleepFn = std::function<bool(std::chrono::milliseconds)>;

    Rechecker(TableComparer &comparer, MismatchRepository &mismatches, qint64 runId, const QString &table,
              std::chrono::milliseconds delay, RetryFn retry, SleepFn sleep);

    /// Called before each recheck (a test hook).
    void setBeforeRecheck(std::function<void()> fn) { m_beforeRecheck = std::move(fn); }

    /// Reads one key on both sides now: the difference, or nullopt when equal.
    std::optional<RowDifference> observe(const ValidationKey &key);
    /// Applies the protocol above to a difference just found.
    void confirm(const RowDifference &first);
    /// Re-reads the table's open (unless inFlightOnly) and in-flight records:
    /// equal ones resolve, in-flight ones go through confirm() again.
    void recheckKnown(bool inFlightOnly, const std::atomic_bool &cancel);

    /// Records this object resolved.
    qint64 resolved() const { return m_resolved; }
    /// Distinct keys this object recorded (open or in flight).
    qint64 recorded() const { return m_recordedKeys.size(); }

private:
    void record(const RowDifference &d, MismatchStatus status);
    void resolve(const ValidationKey &key);

    TableComparer &m_cmp;
    MismatchRepository &m_repo;
    qint64 m_runId;
    QString m_table;
    std::chrono::milliseconds m_delay;
    RetryFn m_retry;
    SleepFn m_sleep;
    std::function<void()> m_beforeRecheck;
    QHash<QString, qint64> m_known; // keyJson → id of open / in-flight records
    qint64 m_resolved = 0;
    QSet<QString> m_recordedKeys;
};

} // namespace switchyard::core
