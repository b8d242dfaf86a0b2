#pragma once
// Mismatches found by validation, and rows the backfill had to reject.
//
// A mismatch is identified by (run, table, key JSON): finding the same row
// again updates that record (kind, columns, both sides' values, last_checked,
// times_seen) instead of adding a second one. Callers must therefore give one
// canonical key text per row (core/types). Re-finding a row sets its status
// to the one given (normally open), except that an accepted mismatch stays
// accepted with its reason: a person decided about that row.
//
// Listing is paged (offset, limit) and filtered (table, kind, status, a
// column among the differing ones), for a table model that fetches lazily;
// results are ordered by id, so pages are stable while new rows arrive.
//
// Obtained from ControlStore::mismatches(); same thread rule and error
// behaviour as the store (StoreException; an unknown id is Kind::Usage).

#include "StoreTypes.h"

#include <QList>

#include <optional>

namespace switchyard::core {

class StoreConnection;

class MismatchRepository
{
public:
    explicit MismatchRepository(StoreConnection &connection);

    /// Records a confirmed mismatch (see above); returns it as stored.
    MismatchRecord upsertMismatch(const MismatchRecord &mismatch);
    /// Sets the status and reason. Accepted also records acceptedBy and
    /// acceptedAt (cleared for any other status); ResolvedOnRecheck and
    /// Repaired also set lastChecked. With `audit`, that entry is appended to
    /// the run's audit log in the same transaction.
    void setMismatchStatus(qint64 mismatchId, MismatchStatus status, const QString &reason,
                           const QString &by = {}, const std::optional<AuditEntry> &audit = std::nullopt);
    std::optional<MismatchRecord> mismatch(qint64 mismatchId);
    QList<MismatchRecord> mismatches(qint64 runId, const MismatchFilter &filter, int offset, int limit);
    qint64 countMismatches(qint64 runId, const MismatchFilter &filter = {});

    /// Records rejected rows in one transaction; returns how many.
    int addRejects(const QList<RejectRecord> &rejects);
    /// Rejects of a run (of one table when tableName is not empty), by id.
    QList<RejectRecord> rejects(qint64 runId, const QString &tableName, int offset, int limit);
    qint64 countRejects(qint64 runId, const QString &tableName = {});

private:
    std::optional<MismatchRecord> readMismatch(qint64 mismatchId);

    StoreConnection &m_c;
};

} // namespace switchyard::core
