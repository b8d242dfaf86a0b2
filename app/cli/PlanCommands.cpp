#include "cli/PlanCommands.h"

#include "cli/CliApp.h"
#include "cli/PlanDocCommand.h"
#include "plan/PlanLoader.h"
#include "plan/PlanWriter.h"

namespace switchyard::cli {

using namespace switchyard::core;

QString planCommandHelp()
{
    return QStringLiteral(
        "Usage:\n"
        "  switchyard-cli plan check PLAN    validate a plan; print a summary or every error\n"
        "                                    as FILE:LINE:COLUMN: error: MESSAGE\n"
        "  switchyard-cli plan format PLAN [--in-place]\n"
        "                                    print the plan in canonical form, with every\n"
        "                                    default written out (or rewrite the file)\n"
        "  switchyard-cli plan doc PLAN [--format md|pdf] [--out FILE]\n"
        "                                    the migration plan document for reviewers\n"
        "\n"
        "Exit status: 0 valid, 1 the plan has errors, 2 usage error.\n");
}

namespace {

void printSummary(const Plan &plan, QTextStream &out)
{
    const auto &m = plan.migration;
    out << "Plan " << m.name << " (format version " << plan.version << ") is valid.\n";
    out << "  owner:      " << m.owner << "\n";
    out << "  risk level: " << m.riskLevel << "\n";
    if (m.windowStart.isValid())
        out << "  window:     " << m.windowStart.toString(Qt::ISODate) << " .. "
            << m.windowEnd.toString(Qt::ISODate) << "\n";
    QStringList strategies;
    for (Strategy s : plan.strategies)
        strategies << Plan::strategyName(s);
    out << "  strategy:   " << strategies.join(QStringLiteral(" + ")) << "\n";
    auto conn = [](const ConnectionSettings &c) {
        return QStringLiteral("%1 %2@%3:%4/%5")
            .arg(ConnectionSettings::engineName(c.engine), c.user, c.host)
            .arg(c.effectivePort())
            .arg(c.database);
    };
    out << "  source:     " << conn(plan.source) << "\n";
    out << "  target:     " << conn(plan.target) << "\n";
    out << "  control:    "
        << (plan.controlStore.kind == ControlStoreSettings::Kind::Sqlite
                ? QStringLiteral("sqlite %1").arg(plan.controlStorePath())
                : QStringLiteral("postgresql %1").arg(plan.controlStore.location))
        << "\n";
    out << "  tables:     ";
    QStringList tables;
    for (const TableSpec &t : plan.tables)
        tables << t.name;
    out << tables.join(QStringLiteral(", ")) << "\n";
    out << "  phases:\n";
    for (int i = 0; i < plan.phases.size(); ++i) {
        const PhaseSpec &p = plan.phases.at(i);
        out << "    " << (i + 1) << ". " << p.title << " [" << p.id << "]";
        if (p.week > 0)
            out << " week " << p.week;
        if (!p.ramp.isEmpty()) {
            QStringList steps;
            for (int s : p.ramp.steps)
                steps << QString::number(s);
            out << ", ramp " << p.ramp.flag << " " << steps.join(QStringLiteral("→")) << "%";
        }
        out << ", " << p.gates.size() << (p.gates.size() == 1 ? " gate" : " gates") << "\n";
    }
    if (!plan.risks.isEmpty())
        out << "  risks:      " << plan.risks.size() << " in the register\n";
}

int check(const QString &path, QTextStream &out, QTextStream &err)
{
    const PlanLoadResult r = PlanLoader::loadFile(path);
    if (!r.ok()) {
        err << r.errorText() << "\n"
            << r.errors.size() << (r.errors.size() == 1 ? " error" : " errors") << " in "
            << path << "\n";
        return Problem;
    }
    printSummary(*r.plan, out);
    return Ok;
}

int format(const QString &path, bool inPlace, QTextStream &out, QTextStream &err)
{
    const PlanLoadResult r = PlanLoader::loadFile(path);
    if (!r.ok()) {
        err << r.errorText() << "\n";
        return Problem;
    }
    if (!inPlace) {
        out << QString::fromUtf8(PlanWriter::toYaml(*r.plan));
        return Ok;
    }
    QString error;
    if (!PlanWriter::saveFile(*r.plan, path, &error)) {
        err << error << "\n";
        return Failure;
    }
    out << "rewrote " << path << "\n";
    return Ok;
}

} // namespace

int runPlanCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.isEmpty() || args.first() == QLatin1String("--help") ||
        args.first() == QLatin1String("-h")) {
        (args.isEmpty() ? err : out) << planCommandHelp();
        return args.isEmpty() ? Usage : Ok;
    }
    const QString sub = args.first();
    const QStringList rest = args.mid(1);
    if (sub == QLatin1String("check")) {
        if (rest.size() != 1 || rest.first().startsWith(QLatin1Char('-'))) {
            err << "switchyard-cli plan check: expected one plan file\n" << planCommandHelp();
            return Usage;
        }
        return check(rest.first(), out, err);
    }
    if (sub == QLatin1String("format")) {
        QStringList files;
        bool inPlace = false;
        for (const QString &a : rest) {
            if (a == QLatin1String("--in-place")) {
                inPlace = true;
            } else if (a.startsWith(QLatin1Char('-'))) {
                err << "switchyard-cli plan format: unknown option '" << a << "'\n";
                return Usage;
            } else {
                files << a;
            }
        }
        if (files.size() != 1) {
            err << "switchyard-cli plan format: expected one plan file\n" << planCommandHelp();
            return Usage;
        }
        return format(files.first(), inPlace, out, err);
    }
    if (sub == QLatin1String("doc"))
        return runPlanDocCommand(rest, out, err);
    err << "switchyard-cli plan: unknown subcommand '" << sub << "'\n" << planCommandHelp();
    return Usage;
}

} // namespace switchyard::cli
