#pragma once
// Plain values the client library hands to the application (docs/flags.md).
// Copyable, no Qt objects, safe to send across threads.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <functional>
#include <optional>

namespace switchyard::client {

enum class Side { Source, Target };
QString sideName(Side s);

/// A row as both databases agree on it: each column's canonical text
/// (core/types/Canonical.h), nullopt for SQL NULL.
struct CanonicalRow
{
    QStringList columns;
    QList<std::optional<QByteArray>> values;

    std::optional<QByteArray> value(const QString &column) const;
    /// {"col": "canonical text" | null, …} (for row images in mismatch records).
    QString toJson() const;
};

struct ReadResult
{
    Side servedBy = Side::Source;
    bool found = false;
    CanonicalRow row;
    bool shadowed = false; // a background comparison was queued
};

/// What became of the secondary copy of a write.
enum class SecondaryOutcome {
    NotWritten,     // the flags say the secondary is not written
    Written,        // upsert or delete committed on the secondary
    QueuedInTarget, // failed; recorded in switchyard.repair_queue
    QueuedLocally,  // failed and the target was unreachable; recorded in the local file
};
QString secondaryOutcomeName(SecondaryOutcome o);

struct WriteResult
{
    Side primary = Side::Source;
    QVariantList key;        // the row's key (with the generated id after an insert)
    QString entityId;
    quint64 rowsAffected = 0; // on the primary
    SecondaryOutcome secondary = SecondaryOutcome::NotWritten;
    QString secondaryError;   // when queued: why the secondary write failed
};

struct ClientOptions
{
    /// How often the flags are re-read (the protocol requires ≤ 1000 ms).
    int flagPollMs = 250;
    /// How long the constructor waits for the first flag read before it
    /// goes on with the defaults (and keeps trying in the background).
    int firstFlagsWaitMs = 3000;
    /// Connect timeout for the target (a down target must not stall writes).
    int targetConnectTimeoutSeconds = 2;
    /// After a failed connect to the target, writes skip it for this long
    /// and queue their secondary copy locally.
    int targetRetryMs = 1000;
    /// Where failed secondary writes go when the target is unreachable
    /// (JSON lines, fsync'd). Empty: $XDG_STATE_HOME/switchyard/repair-<migration>.jsonl.
    QString localRepairFile;
    /// Shadow comparisons waiting beyond this are dropped (and counted).
    int shadowQueueLimit = 10000;
    /// Wait before re-checking a difference (a write in flight is not drift).
    int shadowRecheckMs = 200;
    /// Test hook (workload --fail-secondary): return true to make the
    /// secondary write of this entity fail as if the target were unreachable.
    std::function<bool(const QString &entityId)> secondaryFault;
};

} // namespace switchyard::client
