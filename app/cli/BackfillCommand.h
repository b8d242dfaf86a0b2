#pragma once
// `switchyard-cli backfill PLAN [--table T] [--max-rows-per-second N] [--batch-rows N]`

#include <QStringList>
#include <QTextStream>

namespace switchyard::cli {

int runBackfillCommand(const QStringList &args, QTextStream &out, QTextStream &err);
QString backfillCommandHelp();

} // namespace switchyard::cli
