#pragma once
// What a backfill does after its last batch, so PostgreSQL can take over
// writes: identity sequences are set past every key already used (the
// table's max and the source's AUTO_INCREMENT, whichever is higher, so an id
// MySQL handed out and then deleted is never reused), and the secondary
// indexes and foreign keys the plan deferred are created.
//
// Idempotent: running it again (after a crash half-way) does no harm.
// Throws DbException.

#include "plan/Plan.h"
#include "types/TypeMapping.h"

namespace switchyard::core {

class PgConnection;

class BackfillFinisher
{
public:
    static void finish(PgConnection &target, const TableMapping &mapping, const Plan &plan);

    /// Only the sequences (also used by the phase engine before writes move).
    static void advanceSequences(PgConnection &target, const TableMapping &mapping,
                                 const Plan &plan);
};

} // namespace switchyard::core
