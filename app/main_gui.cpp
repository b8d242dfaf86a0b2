// switchyard: the desktop cockpit. Parses the command line, builds the main
// window, opens the plan given as an argument, runs the event loop.

#include "MainWindow.h"

#include <switchyard/Version.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Switchyard"));
    QApplication::setApplicationName(QStringLiteral("Switchyard"));
    QApplication::setApplicationDisplayName(QStringLiteral("Switchyard"));
    QApplication::setApplicationVersion(QStringLiteral(SWITCHYARD_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("switchyard"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/switchyard.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Cockpit for zero-downtime MySQL/MariaDB to PostgreSQL migrations."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("plan"),
                                 QStringLiteral("Migration plan (YAML) to open."),
                                 QStringLiteral("[plan]"));
    parser.process(app);

    const QStringList args = parser.positionalArguments();
    if (args.size() > 1) {
        std::fprintf(stderr, "switchyard: one plan at a time, got %d\n\n%s",
                     int(args.size()), qPrintable(parser.helpText()));
        return 2;
    }

    switchyard::ui::MainWindow window;
    window.show();
    if (!args.isEmpty())
        window.openPlan(args.first());
    return app.exec();
}
