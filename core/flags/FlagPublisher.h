#pragma once
// FlagPublisher: makes switchyard.flags on the target equal a FlagSet.
//
//   PgConnection pg; pg.open(plan.target);
//   FlagPublisher(pg).publish(flags, "dana", "ramp reads to 10%");
//
// One transaction: lock the version row, compare with what is stored, write
// the changed flags (and delete features no longer in the set) with the new
// version, append one flag_history row per change, bump the global version,
// and NOTIFY switchyard_flags with the version as payload. PostgreSQL sends
// the NOTIFY only when the transaction commits, so a reader woken by it sees
// the new rows. A publish that changes nothing writes nothing and keeps the
// version. Concurrent publishers serialise on the version row.
//
// Creates the tables when missing (ensureTargetTables). Throws DbException.
// Uses the caller's connection (one thread, like PgConnection).

#include "flags/FlagSet.h"

#include <QString>
#include <QStringList>

namespace switchyard::core {

class PgConnection;

class FlagPublisher
{
public:
    struct Result
    {
        qint64 version = 0;   // the version in force after the publish
        QStringList changed;  // names whose value changed (empty: nothing written)
    };

    explicit FlagPublisher(PgConnection &target);

    Result publish(const FlagSet &flags, const QString &changedBy, const QString &reason);

private:
    PgConnection &m_target;
};

} // namespace switchyard::core
