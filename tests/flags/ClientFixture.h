#pragma once
// Shared set-up for the flags and client integration tests: the demo `users`
// table (as resources/demo/shop-mariadb.sql creates it) on a fresh source
// database, its converted twin on the target, and helpers to publish flags.

#include "../backfill/BackfillFixture.h"
#include "flags/FlagSet.h"

namespace switchyard::test {

class ClientFixture : public BackfillFixture
{
public:
    ClientFixture(const Sandbox &sb, const QString &name);

    const core::Plan &plan() const { return m_plan; }
    /// Publishes `settings` (NAME=VALUE as `flags set` takes them) on top of
    /// the flags in force; returns the new version.
    qint64 publish(const QStringList &settings);
    QString tempPath(const QString &name) const;
    /// A row for the users table (unique e-mail from n).
    static QVariantMap user(int n);
    /// `switchyard-cli validate PLAN --mode full --table T`, the plan written
    /// to a file: the exit code (0: pass) and the output.
    std::pair<int, QString> validateFullCli(const core::Plan &plan, const QString &table) const;
    /// `switchyard-cli repair PLAN --queue`: the exit code and the output.
    std::pair<int, QString> drainRepairQueueCli(const core::Plan &plan) const;

private:
    core::Plan m_plan;
    QTemporaryDir m_tmp;
};

} // namespace switchyard::test
