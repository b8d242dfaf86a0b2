#pragma once
// `switchyard-cli plan …`: check a plan, or re-write it in canonical form.

#include <QStringList>
#include <QTextStream>

namespace switchyard::cli {

/// args: what follows `plan`, e.g. {"check", "plan.yaml"}.
int runPlanCommand(const QStringList &args, QTextStream &out, QTextStream &err);
QString planCommandHelp();

} // namespace switchyard::cli
