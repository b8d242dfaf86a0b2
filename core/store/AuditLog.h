#pragma once
// The audit log: append-only and hash chained, one chain per run.
//
// Every entry records who did what to what and why. Each run has its own
// chain: seq runs 1, 2, 3… without gaps, each entry's prev_hash is the hash of
// the entry before it (64 zeros for seq 1), and its hash is the SHA-256 of
// the canonical form of its fields, below. Editing, deleting or reordering an
// entry breaks the chain where it happened, and verifyAudit() says where.
// (Removing the newest entries of a chain leaves a shorter valid chain: a
// signed report therefore records the chain head, head(), it covers.)
//
// Canonical form (version 1), the bytes that are hashed: ten netstrings, one
// per field, in this order,
//     "switchyard-audit-v1", run_id, seq, at, operator, action, target,
//     reason, details, prev_hash
// where a netstring is <length in bytes, decimal>":"<UTF-8 bytes>"," and the
// integers are written in decimal. Example:
//     19:switchyard-audit-v1,1:1,1:1,24:2026-05-01T12:00:00.000Z,3:ann,...
// hash = lower-case hex SHA-256 of those bytes. docs/control-store.md shows how
// to re-check a store with sqlite3 (or psql) and sha256sum, with a test vector.
//
// Appends never fork the chain, whatever the number of threads, processes or
// machines: the read of the chain head and the insert happen in one
// transaction that holds the run's chain lock (SQLite: BEGIN IMMEDIATE;
// PostgreSQL: SELECT … FOR NO KEY UPDATE on the run's row), and (run_id, seq)
// is the primary key.
//
// Obtained from ControlStore::audit(); same thread rule and error behaviour
// as the store (StoreException). canonicalForm() and entryHash() are pure
// and thread-safe.

#include "StoreTypes.h"

#include <QByteArray>
#include <QList>

#include <optional>

namespace switchyard::core {

class StoreConnection;

class AuditLog
{
public:
    explicit AuditLog(StoreConnection &connection);

    /// Appends an entry to its run's chain. The store sets seq, at (now, UTC,
    /// ms), prevHash and hash; returns the entry as stored. runId must name an
    /// existing run; an empty detailsJson is stored as "{}".
    AuditEntry appendAudit(const AuditEntry &entry);
    /// Entries of a run with seq >= fromSeq, in seq order, at most limit.
    QList<AuditEntry> entries(qint64 runId, qint64 fromSeq = 1, int limit = 1000);
    /// The newest entry of a run's chain (its seq and hash identify the chain).
    std::optional<AuditEntry> head(qint64 runId);
    /// Re-checks the chain of one run, or of every run when runId is nullopt,
    /// and stops at the first break: a missing entry (gap in seq), an entry
    /// whose prev_hash is not its predecessor's hash (deleted, inserted or
    /// moved), or an entry whose content does not match its hash (edited).
    /// Reads in pages, so memory stays bounded.
    AuditVerification verifyAudit(std::optional<qint64> runId = std::nullopt);

    /// The bytes that are hashed (see above). Uses the entry's runId, seq, at,
    /// operatorName, action, target, reason, detailsJson and prevHash.
    static QByteArray canonicalForm(const AuditEntry &entry);
    /// Lower-case hex SHA-256 of canonicalForm(entry).
    static QString entryHash(const AuditEntry &entry);
    /// The prev_hash of seq 1: 64 zeros.
    static QString genesisHash();

    /// For the store's own repositories: appends inside the caller's open
    /// write transaction (takes the chain lock there).
    static AuditEntry appendInTransaction(StoreConnection &connection, AuditEntry entry);

private:
    AuditVerification verifyRun(qint64 runId);

    StoreConnection &m_c;
};

} // namespace switchyard::core
