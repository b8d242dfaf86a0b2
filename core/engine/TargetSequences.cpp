#include "engine/TargetSequences.h"

#include "backfill/BackfillFinisher.h"
#include "source/MySqlConnection.h"
#include "target/PgConnection.h"
#include "types/SchemaConversion.h"

#include <stdexcept>

namespace switchyard::core {

QStringList advanceTargetSequences(const Plan &plan, PgConnection &target)
{
    MySqlConnection source;
    source.open(plan.source);
    QStringList done;
    for (const TableSpec &t : plan.tables) {
        const JobTableMapping m = mapTableForJob(plan, source, t.name);
        if (!m.mapping)
            throw std::runtime_error(QStringLiteral("cannot move the identity sequence of %1 before PostgreSQL takes "
                                                    "the writes: %2")
                                         .arg(t.name, m.error)
                                         .toStdString());
        BackfillFinisher::advanceSequences(target, *m.mapping, plan);
        done << t.name;
    }
    return done;
}

} // namespace switchyard::core
