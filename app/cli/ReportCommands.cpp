#include "cli/ReportCommands.h"

#include "cli/CliApp.h"
#include "cli/CliCommon.h"
#include "report/ReportExporter.h"
#include "report/ReportSigner.h"
#include "store/ControlStore.h"

#include <QFileInfo>
#include <QGuiApplication>

#include <cstdlib>
#include <cstring>

namespace switchyard::cli {

using namespace switchyard::core;

QString reportCommandHelp()
{
    return QStringLiteral(
        "Usage:\n"
        "  switchyard-cli report PLAN --out report.pdf [--json report.json] [--run ID]\n"
        "                 [--signer NAME --role ROLE --statement TEXT [--exceptions]]\n"
        "                 [--key PATH] [--no-measure]\n"
        "  switchyard-cli report verify report.pdf [--sig report.pdf.sig] [--pubkey KEY.pem]\n"
        "\n"
        "Writes the validation report of the plan's run — verdict (PASS only when every\n"
        "table is fully checked with nothing open, else NOT READY with the reasons),\n"
        "per-table counts, validation coverage, mismatches, gates, phase history,\n"
        "charts and the verified audit trail — as an A4 PDF plus report.json with the\n"
        "same evidence. Every figure comes from the control store or the servers.\n"
        "\n"
        "With --signer, the PDF records the sign-off (name, role, statement, time,\n"
        "key fingerprint) and its bytes are signed with your Ed25519 key\n"
        "(report.pdf.sig); the key is created on first use at\n"
        "  $XDG_CONFIG_HOME/switchyard/signing-key.pem (0600), public half beside it.\n"
        "A NOT READY report can be signed only with --exceptions (\"signed with\n"
        "exceptions\"), never as PASS. Without --signer the PDF is an unsigned draft.\n"
        "\n"
        "  --run ID       the run to report (default: the run of this plan version,\n"
        "                 else the plan's newest run)\n"
        "  --key PATH     signing key to use or create instead of the default\n"
        "  --no-measure   do not connect to the servers (no versions, no live counts)\n"
        "\n"
        "verify checks report.pdf against report.pdf.sig and fails on any change to\n"
        "either; with --pubkey (the signer's signing-key.pub.pem) it also fails when\n"
        "the report was signed with any other key.\n"
        "\n"
        "Exit status: report: 0 written and PASS, 1 written but NOT READY (or a\n"
        "sign-off refused: nothing written), 2 usage, 3 store or file error;\n"
        "verify: 0 valid, 1 invalid, 2 usage, 3 a file could not be read.\n");
}

std::unique_ptr<QCoreApplication> createApplication(int &argc, char *argv[])
{
    const bool report = argc >= 2 && std::strcmp(argv[1], "report") == 0 &&
                        !(argc >= 3 && (std::strcmp(argv[2], "verify") == 0 || std::strcmp(argv[2], "--help") == 0));
    const bool planDoc = argc >= 3 && std::strcmp(argv[1], "plan") == 0 && std::strcmp(argv[2], "doc") == 0;
    if (!report && !planDoc)
        return std::make_unique<QCoreApplication>(argc, argv);
    // Text layout and charts need QtGui but no display: render offscreen.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    return std::make_unique<QGuiApplication>(argc, argv);
}

namespace {

int verify(const QStringList &args, QTextStream &out, QTextStream &err)
{
    Options o(args, {QStringLiteral("sig"), QStringLiteral("pubkey")}, {});
    if (!o.ok() || o.positional().size() != 1) {
        err << "switchyard-cli report verify: " << (o.ok() ? QStringLiteral("expected one PDF file") : o.error())
            << "\n";
        return Usage;
    }
    const QString pdf = o.positional().first();
    const QString sig = o.has(QStringLiteral("sig")) ? o.value(QStringLiteral("sig")) : pdf + QStringLiteral(".sig");
    for (const QString &f : {pdf, sig}) {
        if (!QFileInfo(f).isReadable()) {
            err << "switchyard-cli report verify: cannot read " << f << "\n";
            return Failure;
        }
    }
    std::optional<QByteArray> pinned;
    if (o.has(QStringLiteral("pubkey"))) {
        QString error;
        pinned = ReportSigner::readPublicKey(o.value(QStringLiteral("pubkey")), &error);
        if (!pinned) {
            err << "switchyard-cli report verify: " << error << "\n";
            return Failure;
        }
    }
    const ReportVerification v = ReportSigner::verifyFile(pdf, sig, pinned);
    if (!v.ok) {
        err << "INVALID: " << pdf << ": " << v.message << "\n";
        return Problem;
    }
    out << "OK: " << pdf << ": " << v.message << "\n";
    return Ok;
}

std::optional<qint64> pickRun(ControlStore &store, const Plan &plan, const QString &sha, const Options &o,
                              QTextStream &err)
{
    if (o.has(QStringLiteral("run"))) {
        bool ok = false;
        const qint64 id = o.value(QStringLiteral("run")).toLongLong(&ok);
        if (!ok || !store.runs().run(id)) {
            err << "switchyard-cli report: no run '" << o.value(QStringLiteral("run")) << "' in "
                << store.location().describe() << "\n";
            return std::nullopt;
        }
        return id;
    }
    const auto run = ReportData::runFor(store, plan, sha);
    if (!run)
        err << "switchyard-cli report: " << store.location().describe() << " holds no run of plan '"
            << plan.migration.name << "' — nothing to report yet (run backfill and validate first)\n";
    return run;
}

int exportReport(const QStringList &args, QTextStream &out, QTextStream &err)
{
    Options o(args,
              {QStringLiteral("out"), QStringLiteral("json"), QStringLiteral("run"), QStringLiteral("signer"),
               QStringLiteral("role"), QStringLiteral("statement"), QStringLiteral("key")},
              {QStringLiteral("exceptions"), QStringLiteral("no-measure")});
    if (!o.ok() || o.positional().size() != 1 || !o.has(QStringLiteral("out"))) {
        err << "switchyard-cli report: "
            << (!o.ok() ? o.error() : QStringLiteral("expected one plan file and --out FILE.pdf")) << "\n"
            << reportCommandHelp();
        return Usage;
    }
    const bool signing = o.has(QStringLiteral("signer"));
    if (!signing && (o.has(QStringLiteral("role")) || o.has(QStringLiteral("statement")) ||
                     o.has(QStringLiteral("exceptions")))) {
        err << "switchyard-cli report: --role, --statement and --exceptions go with --signer\n";
        return Usage;
    }
    if (signing && (!o.has(QStringLiteral("role")) || !o.has(QStringLiteral("statement")))) {
        err << "switchyard-cli report: a sign-off needs --signer, --role and --statement\n";
        return Usage;
    }
    const QString planPath = o.positional().first();
    const auto plan = loadPlan(planPath, err);
    if (!plan)
        return Problem;
    const QString sha = planSha256(planPath);
    try {
        ControlStore store = ControlStore::open(*plan);
        const auto run = pickRun(store, *plan, sha, o, err);
        if (!run)
            return Failure;
        ReportData::Options gatherOptions;
        gatherOptions.measureServers = !o.has(QStringLiteral("no-measure"));
        const ReportData data = ReportData::gather(*plan, sha, store, *run, gatherOptions);

        ReportExportRequest req;
        req.pdfPath = o.value(QStringLiteral("out"));
        req.jsonPath = o.value(QStringLiteral("json"));
        req.keyPath = o.value(QStringLiteral("key"));
        if (signing) {
            req.signOff.signer = o.value(QStringLiteral("signer"));
            req.signOff.role = o.value(QStringLiteral("role"));
            req.signOff.statement = o.value(QStringLiteral("statement"));
            req.signOff.withExceptions = o.has(QStringLiteral("exceptions"));
        }
        const ReportExportResult r = ReportExporter::exportReport(data, req, &store);
        if (r.refused) {
            err << "switchyard-cli report: " << r.error << "\n";
            return Problem;
        }
        if (!r.ok) {
            err << "switchyard-cli report: " << r.error << "\n";
            return Failure;
        }
        out << "Verdict: " << r.verdict.label() << " (run " << data.runId << " of " << data.migrationName << ")\n";
        for (const QString &reason : r.verdict.reasons)
            out << "  - " << reason << "\n";
        for (const QString &w : r.verdict.warnings)
            out << "  note: " << w << "\n";
        out << "wrote " << r.pdfPath << " (SHA-256 " << r.pdfSha256 << ")\n";
        if (signing) {
            out << "wrote " << r.sigPath << " — signed " << (req.signOff.withExceptions ? "with exceptions" : "as PASS")
                << " by " << req.signOff.signer << "\n";
            out << "signing key " << r.fingerprint << (r.keyCreated ? " (created now) " : " ") << r.keyPath << "\n";
            out << "public key for verifiers: " << r.publicKeyPath << "\n";
        } else {
            out << "unsigned draft (add --signer, --role and --statement to sign)\n";
        }
        out << "wrote " << r.jsonPath << "\n";
        return r.verdict.pass ? Ok : Problem;
    } catch (const std::exception &e) {
        err << "switchyard-cli report: " << e.what() << "\n";
        return Failure;
    }
}

} // namespace

int runReportCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.isEmpty() || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h")) {
        (args.isEmpty() ? err : out) << reportCommandHelp();
        return args.isEmpty() ? Usage : Ok;
    }
    if (args.first() == QLatin1String("verify"))
        return verify(args.mid(1), out, err);
    return exportReport(args, out, err);
}

} // namespace switchyard::cli
