#pragma once
// `switchyard-cli schema …`: review the PostgreSQL schema Switchyard would
// create for a plan, and create it.

#include <QStringList>
#include <QTextStream>

namespace switchyard::cli {

/// args: what follows `schema`, e.g. {"show", "plan.yaml", "--check-data"}.
int runSchemaCommand(const QStringList &args, QTextStream &out, QTextStream &err);
QString schemaCommandHelp();

} // namespace switchyard::cli
