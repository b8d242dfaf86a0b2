#pragma once
// TableComparer: one table's two sides, read for validation. Owns one
// MySQL/MariaDB and one PostgreSQL connection (opened by connect()) and knows
// the table's mapping, so it can
//   - checksum a key range inside each database (ValidationSql),
//   - fold the columns not digested in SQL (JSON, which CanonicalSql cannot
//     canonicalise, and floats, whose SQL bit pattern is slow on MariaDB)
//     into the chunk digest on the client,
//   - read the rows of a range, or of one key, in canonical form
//     (ValueCodec::canonicalSource / canonicalTarget, the same oracle the
//     backfill tests use),
//   - find chunk boundaries and bisection points (the key at a position of a
//     range), and random sample keys.
//
// Key ranges are only used when every key column is of a kind MySQL and
// PostgreSQL order identically (rangeCapable(): integers, dates, date-times,
// times), so one predicate selects the same rows on both sides. Rows by key
// (sourceRow/targetRow) and key-list walks work for those and for Decimal,
// Float, Text, PaddedText and Bytes keys (keyLookupCapable()); how a key is
// bound on each side is KeyValues.h. Sampling seeks work for a single key
// of a numeric or temporal kind (sampleCapable()).
//
// Implemented in TableComparer.cpp (connections, rows, keys, sampling) and
// TableComparerDigest.cpp (chunk digests), sharing TableComparerPrivate.h.
//
// Not thread-safe: one per job thread (digests() and rows() use more
// threads internally, each on its own connection; members are only read
// there, and range-for loops over them go through std::as_const — a
// non-const begin() on a shared Qt container detaches it, a write). Errors are
// DbException from the drivers, untouched, so the job can tell retryable
// from fatal.

#include "plan/Plan.h"
#include "types/TypeMapping.h"
#include "types/ValueCodec.h"
#include "validate/ValidationTypes.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace switchyard::core {

class MySqlConnection;
class MySqlStatement;
class PgConnection;

class TableComparer
{
public:
    struct Digest
    {
        qint64 rows = 0;
        QByteArray sum;       // the 64-bit digest sum from the database, decimal
        QByteArray clientXor; // XOR of per-row MD5s of the client-side columns (empty when none)
        friend bool operator==(const Digest &a, const Digest &b)
        {
            return a.rows == b.rows && a.sum == b.sum && a.clientXor == b.clientXor;
        }
        friend bool operator!=(const Digest &a, const Digest &b) { return !(a == b); }
    };

    /// `lockTimeoutMs` / `statementTimeoutMs` (0: server default) bound how
    /// long a validation query may wait on the target; a query that times
    /// out makes its chunk unchecked, never a pass.
    TableComparer(const Plan &plan, const TableMapping &mapping, int lockTimeoutMs, int statementTimeoutMs);
    ~TableComparer();

    void connect();
    void reconnectSource();
    void reconnectTarget();

    const TableMapping &mapping() const { return m_mapping; }
    bool rangeCapable() const;
    bool keyLookupCapable() const;
    /// Columns compared on the client, not in the SQL checksum.
    QStringList clientSideColumns() const;
    QList<CanonicalKind> keyKinds() const { return m_keyKinds; }

    /// Both digests of `range`, computed at once: the source's on a second
    /// thread while the target's is computed on this one, and when the table
    /// has client-side columns those are read on each side's second
    /// connection meanwhile (four reads at once). A source error is rethrown
    /// first.
    std::pair<Digest, Digest> digests(const KeyRange &range);
    /// sourceRows and targetRows of `range`, read at once likewise.
    std::pair<RowSet, RowSet> rows(const KeyRange &range);
    qint64 sourceCount();
    qint64 targetCount();

    RowSet sourceRows(const KeyRange &range);
    RowSet targetRows(const KeyRange &range);
    std::optional<RowImage> sourceRow(const ValidationKey &key);
    std::optional<RowImage> targetRow(const ValidationKey &key);

    /// The key at 0-based `offset` within `range` in key order, on the source
    /// or the target; nullopt past the end.
    std::optional<ValidationKey> sourceKeyAt(const KeyRange &range, qint64 offset);
    std::optional<ValidationKey> targetKeyAt(const KeyRange &range, qint64 offset);

    /// Key-list comparison, for keys the two databases order differently
    /// (text under collations): each side is walked in its OWN key order,
    /// and the other side's rows are looked up by key list, never by range.
    /// Pages of at most `limit` rows after `after` (absent: from the start).
    QList<RowImage> sourcePageAfter(const std::optional<ValidationKey> &after, int limit);
    QList<ValidationKey> targetKeysAfter(const std::optional<ValidationKey> &after, int limit);
    RowSet sourceRowsByKeys(const QList<ValidationKey> &keys);
    RowSet targetRowsByKeys(const QList<ValidationKey> &keys);

    bool sampleCapable() const;
    /// Single key only (sampleCapable()): MIN and MAX on the source (nullopt
    /// when the table is empty), and the first source key >= `atLeast`.
    std::optional<std::pair<ValidationKey, ValidationKey>> sourceKeyBounds();
    std::optional<ValidationKey> sourceSeek(const ValidationKey &atLeast);

    /// Joined canonical key, the RowSet index.
    static QByteArray joinKey(const ValidationKey &key);
    /// Binds `key` into a source statement from parameter `index` on (which
    /// advances), with each key column's own type.
    void bindSourceKey(MySqlStatement &statement, int &index, const ValidationKey &key) const;
    /// `key` as PostgreSQL text parameters.
    std::vector<std::string> targetKeyParams(const ValidationKey &key) const;

    MySqlConnection &source();
    PgConnection &target();
    QString targetSchema() const { return m_schema; }
    QString targetTable() const { return m_targetTable; }

private:
    struct Impl;
    template<typename T>
    std::pair<T, T> bothSides(const std::function<T()> &onSource, const std::function<T()> &onTarget);
    RowSet readSource(const QString &sql, const QList<ValidationKey> &binds, const QStringList &columns);
    RowSet readTarget(const QString &sql, const QList<ValidationKey> &binds, const QStringList &columns);
    /// The key columns' target names; `range`'s bounds as PostgreSQL
    /// parameters; `range`'s bounds bound into a source statement from
    /// parameter 0 (returns the next parameter's index).
    QStringList targetKeyNames() const;
    std::vector<std::string> targetRangeParams(const KeyRange &range) const;
    int bindSourceRange(MySqlStatement &statement, const KeyRange &range) const;
    void openSource(MySqlConnection &c);
    void openTarget(PgConnection &c);
    /// The in-database part of a chunk digest (no clientXor).
    Digest sourceSqlDigest(const KeyRange &range);
    Digest targetSqlDigest(const KeyRange &range);
    /// The client-side columns' part of a chunk digest, folded while the
    /// range is read on `conn` (TableComparer.cpp, ClientFold).
    QByteArray sourceClientXor(const KeyRange &range, MySqlConnection &conn);
    QByteArray targetClientXor(const KeyRange &range, PgConnection &conn);

    Plan m_plan;
    TableMapping m_mapping;
    QString m_schema;
    QString m_targetTable;
    int m_lockTimeoutMs;
    int m_statementTimeoutMs;
    QList<ValueCodec> m_codecs;
    QList<int> m_keyIndexes;      // key columns' positions in m_mapping.columns
    QList<CanonicalKind> m_keyKinds;
    QList<int> m_clientColumns;   // positions of columns not canonicalised in SQL
    std::unique_ptr<Impl> d;
};

} // namespace switchyard::core
