#pragma once
// Shared set-up for the backfill tests against the sandbox: a source database
// on MariaDB and a target database on PostgreSQL per test case, a plan that
// points at them, the target schema created the way `schema apply` does, and
// an oracle that compares both sides row by row in canonical form.

#include "TestSupport.h"
#include "plan/Plan.h"
#include "source/MySqlConnection.h"
#include "target/PgConnection.h"

#include <QMap>
#include <QTemporaryDir>

namespace switchyard::test {

class BackfillFixture
{
public:
    /// Creates (after dropping) database `name` on both servers.
    BackfillFixture(const Sandbox &sb, const QString &name);
    ~BackfillFixture();

    core::MySqlConnection &source() { return m_source; }
    core::PgConnection &target() { return m_target; }
    const QString &name() const { return m_name; }

    /// A plan over the two databases with `tables` (dual-write strategy, one
    /// phase) and a SQLite control store in a temporary folder.
    core::Plan plan(const QList<core::TableSpec> &tables) const;
    static core::TableSpec table(const QString &name, int batchRows = 0,
                                 const QStringList &key = {});
    /// The plan written as a YAML file (for switchyard-cli).
    QString writePlanFile(const core::Plan &plan) const;
    QString controlStorePath() const;

    /// Creates the target tables from the source, as `schema apply` does.
    void applySchema(const core::Plan &plan);

    /// Every row of `table` on both sides, key → canonical columns. The
    /// caller compares; `differences()` lists what differs, for messages.
    struct Snapshot
    {
        QMap<QByteArray, QList<std::optional<QByteArray>>> rows;
        QStringList columns;
    };
    Snapshot sourceRows(const core::Plan &plan, const QString &table);
    Snapshot targetRows(const core::Plan &plan, const QString &table);
    /// Empty when both sides hold the same rows (no gap, no extra, no diff);
    /// otherwise up to 10 lines describing the differences.
    QStringList differences(const core::Plan &plan, const QString &table);

    qint64 targetCount(const QString &table);

private:
    Sandbox m_sb;
    QString m_name;
    QTemporaryDir m_dir;
    core::MySqlConnection m_source;
    core::PgConnection m_target;
};

} // namespace switchyard::test
