#pragma once
// Before PostgreSQL becomes the only writer (write_source turns off), its
// identity sequences must be past every id MySQL handed out — during dual
// write the application copied MySQL's ids into PostgreSQL, so the sequences
// never moved. The phase engine calls this right before it publishes such a
// flag change (BackfillFinisher::advanceSequences does the work per table:
// max(id) on the target or the source's AUTO_INCREMENT, whichever is higher).
// Throws DbException (source or target unreachable) or std::runtime_error (a
// table that cannot be mapped).

#include "plan/Plan.h"

namespace switchyard::core {

class PgConnection;

/// Advances the sequences of every plan table; returns the tables done.
QStringList advanceTargetSequences(const Plan &plan, PgConnection &target);

} // namespace switchyard::core
