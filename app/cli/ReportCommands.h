#pragma once
// `switchyard-cli report …`: export the validation report of a plan's run
// as a signed PDF (+ .sig + JSON), or verify a signed report.
//
// The report and `plan doc --format pdf` lay text out and draw charts with
// QtGui, which needs a QGuiApplication; createApplication() makes one for
// those commands (on the offscreen platform unless QT_QPA_PLATFORM says
// otherwise) and a QCoreApplication for every other command.

#include <QCoreApplication>
#include <QStringList>
#include <QTextStream>

#include <memory>

namespace switchyard::cli {

/// args: what follows `report`, e.g. {"plan.yaml", "--out", "report.pdf", …}
/// or {"verify", "report.pdf"}.
int runReportCommand(const QStringList &args, QTextStream &out, QTextStream &err);
QString reportCommandHelp();

/// The application object for this command line (see above).
std::unique_ptr<QCoreApplication> createApplication(int &argc, char *argv[]);

} // namespace switchyard::cli
