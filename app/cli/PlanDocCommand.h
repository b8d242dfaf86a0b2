#pragma once
// `switchyard-cli plan doc PLAN --format md|pdf [--out FILE]`: the migration
// plan document a team reviews before the migration starts (see
// core/report/PlanDocument.h). Needs a QGuiApplication for PDF output, which
// createApplication() (ReportCommands.h) provides for this command.

#include <QStringList>
#include <QTextStream>

namespace switchyard::cli {

/// args: what follows `plan doc`.
int runPlanDocCommand(const QStringList &args, QTextStream &out, QTextStream &err);
QString planDocCommandHelp();

} // namespace switchyard::cli
