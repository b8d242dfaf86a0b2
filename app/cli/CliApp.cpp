#include "cli/CliApp.h"

#include "cli/AuditCommands.h"
#include "cli/BackfillCommand.h"
#include "cli/FlagsCommands.h"
#include "cli/JobsCommands.h"
#include "cli/PhaseCommands.h"
#include "cli/PlanCommands.h"
#include "cli/ReportCommands.h"
#include "cli/ReverseSyncCommands.h"
#include "cli/SchemaCommands.h"
#include "cli/WorkloadCommand.h"
#include "cli/ValidateCommands.h"
#include "cli/WorkerCommand.h"

#include <switchyard/Version.h>

#include <QCoreApplication>

#include <cstdio>
#include <functional>

namespace switchyard::cli {

namespace {

struct Command
{
    const char *name;
    const char *summary;
    std::function<int(const QStringList &, QTextStream &, QTextStream &)> run;
};

const QList<Command> &commands()
{
    static const QList<Command> list{
        {"plan", "check a migration plan, or write it back in canonical form", runPlanCommand},
        {"schema", "show or apply the PostgreSQL schema converted from the source",
         runSchemaCommand},
        {"backfill", "copy tables to the target, resumably, beside live writes",
         runBackfillCommand},
        {"validate", "compare source and target: counts, chunk checksums, row diff, samples",
         runValidateCommand},
        {"mismatches", "list the mismatches validation recorded", runMismatchesCommand},
        {"repair", "copy source rows over mismatching target rows, recheck, audit",
         runRepairCommand},
        {"flags", "show or set the flags the application reads (on the target)", runFlagsCommand},
        {"jobs", "list the run's jobs; enqueue, pause, resume, cancel or throttle them", runJobsCommand},
        {"worker", "run the run's queued jobs headless, beside other workers (leases)", runWorkerCommand},
        {"reverse-sync", "capture target changes and apply them to the source (the way back)",
         runReverseSyncCommand},
        {"phase", "show the run's phases and gates; advance or roll back, confirmed by a person",
         runPhaseCommand},
        {"audit", "show the hash-chained audit log, or verify that no entry was edited or deleted",
         runAuditCommand},
        {"report", "export the signed validation report (PDF, .sig, JSON), or verify one",
         runReportCommand},
        {"workload", "simulate an application on the demo users table through the client library",
         runWorkloadCommand},
    };
    return list;
}

QString usage()
{
    QString text = QStringLiteral(
        "Usage: switchyard-cli [--help] [--version] COMMAND [ARGS…]\n"
        "\n"
        "Switchyard moves a live application from MySQL/MariaDB to PostgreSQL without\n"
        "downtime. switchyard-cli does headless everything the cockpit does.\n"
        "\n"
        "Commands:\n");
    for (const Command &c : commands())
        text += QStringLiteral("  %1  %2\n").arg(QString::fromLatin1(c.name).leftJustified(10),
                                                QString::fromLatin1(c.summary));
    text += QStringLiteral(
        "\n"
        "Run 'switchyard-cli COMMAND --help' for a command's options.\n"
        "\n"
        "Exit status: 0 success, 1 a problem was found, 2 usage error,\n"
        "3 the command could not run (server unreachable, file unwritable).\n"
        "\n"
        "Passwords never go in a plan: set SWITCHYARD_SOURCE_PASSWORD /\n"
        "SWITCHYARD_TARGET_PASSWORD, or use ~/.my.cnf and ~/.pgpass.\n");
    return text;
}

} // namespace

int dispatch(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.isEmpty()) {
        err << usage();
        return Usage;
    }
    const QString first = args.first();
    if (first == QLatin1String("--help") || first == QLatin1String("-h") ||
        first == QLatin1String("help")) {
        out << usage();
        return Ok;
    }
    if (first == QLatin1String("--version") || first == QLatin1String("-V")) {
        out << "switchyard-cli " << SWITCHYARD_VERSION << "\n";
        return Ok;
    }
    for (const Command &c : commands()) {
        if (first == QLatin1String(c.name))
            return c.run(args.mid(1), out, err);
    }
    err << "switchyard-cli: unknown command '" << first << "'\n"
        << "Run 'switchyard-cli --help' for the list of commands.\n";
    return Usage;
}

int run(int argc, char *argv[])
{
    // `report` and `plan doc` need QtGui (offscreen); see ReportCommands.h.
    const std::unique_ptr<QCoreApplication> application = createApplication(argc, argv);
    QCoreApplication &app = *application;
    QCoreApplication::setApplicationName(QStringLiteral("switchyard-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("Switchyard"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SWITCHYARD_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);
    const int code = dispatch(app.arguments().mid(1), out, err);
    out.flush();
    err.flush();
    return code;
}

} // namespace switchyard::cli
