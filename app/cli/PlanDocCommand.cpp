#include "cli/PlanDocCommand.h"

#include "cli/CliApp.h"
#include "cli/CliCommon.h"
#include "report/PlanDocument.h"

#include <QFileInfo>
#include <QSaveFile>

namespace switchyard::cli {

using namespace switchyard::core;

QString planDocCommandHelp()
{
    return QStringLiteral(
        "Usage: switchyard-cli plan doc PLAN [--format md|pdf] [--out FILE]\n"
        "                                [--sample-seconds N] [--no-measure]\n"
        "\n"
        "Renders the plan as a migration plan document: overview (what, why, when,\n"
        "owner, risk level), current state measured on the source (sizes, row counts,\n"
        "statement rates), target state, every phase with its flags, jobs, gates and\n"
        "rollback, the timeline and the risk register.\n"
        "\n"
        "  --format md|pdf     Markdown (default) or an A4 PDF\n"
        "  --out FILE          where to write (default: Markdown to standard output;\n"
        "                      PDF needs --out)\n"
        "  --sample-seconds N  how long to sample the source's statement rates (default 2)\n"
        "  --no-measure        do not connect to the servers\n"
        "\n"
        "Exit status: 0 written, 1 the plan has errors, 2 usage, 3 the file could not be\n"
        "written.\n");
}

int runPlanDocCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    Options o(args, {QStringLiteral("format"), QStringLiteral("out"), QStringLiteral("sample-seconds")},
              {QStringLiteral("no-measure"), QStringLiteral("help")});
    if (o.has(QStringLiteral("help"))) {
        out << planDocCommandHelp();
        return Ok;
    }
    const QString format = o.has(QStringLiteral("format")) ? o.value(QStringLiteral("format")) : QStringLiteral("md");
    const auto seconds = o.number(QStringLiteral("sample-seconds"));
    if (!o.ok() || o.positional().size() != 1 || (format != QLatin1String("md") && format != QLatin1String("pdf")) ||
        (format == QLatin1String("pdf") && !o.has(QStringLiteral("out")))) {
        err << "switchyard-cli plan doc: "
            << (!o.ok() ? o.error()
                        : format == QLatin1String("pdf") && o.positional().size() == 1
                            ? QStringLiteral("--format pdf needs --out FILE.pdf")
                            : QStringLiteral("expected one plan file and --format md or pdf"))
            << "\n"
            << planDocCommandHelp();
        return Usage;
    }
    const QString planPath = o.positional().first();
    const auto plan = loadPlan(planPath, err);
    if (!plan)
        return Problem;
    PlanMeasurements m;
    if (!o.has(QStringLiteral("no-measure")))
        m = PlanDocument::measure(*plan, int(seconds.value_or(2)));
    const QString sha = planSha256(planPath);
    const QByteArray bytes = format == QLatin1String("pdf") ? PlanDocument::pdf(*plan, sha, m)
                                                            : PlanDocument::markdown(*plan, sha, m).toUtf8();
    if (!o.has(QStringLiteral("out"))) {
        out << QString::fromUtf8(bytes);
        return Ok;
    }
    const QString path = o.value(QStringLiteral("out"));
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        err << "switchyard-cli plan doc: cannot write " << path << ": " << f.errorString() << "\n";
        return Failure;
    }
    out << "wrote " << QFileInfo(path).absoluteFilePath() << "\n";
    if (!m.sourceError.isEmpty())
        out << "note: current state not measured: " << m.sourceError << "\n";
    return Ok;
}

} // namespace switchyard::cli
