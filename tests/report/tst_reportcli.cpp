// switchyard-cli report / report verify on a real run: a signed PASS report
// (PDF + .sig + JSON, sign-off in the store and the audit log) that verifies,
// and fails verification after one changed byte or against another key; an
// open mismatch makes the report NOT READY on page one, refuses a PASS
// signature, and allows only "signed with exceptions".

#include "ReportFixture.h"
#include "report/ReportSigner.h"
#include "store/ControlStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <sys/stat.h>

using namespace switchyard::core;
using switchyard::test::ReportFixture;
using switchyard::test::ReportRun;

namespace {

using switchyard::test::CliRun;

CliRun cli(const QStringList &args, const QString &configHome)
{
    switchyard::test::CliOptions o;
    o.env = {{QStringLiteral("XDG_CONFIG_HOME"), configHome}};
    o.mergeChannels = true;
    return switchyard::test::runCli(args, o);
}

QStringList signArgs(const ReportRun &run, const QString &out)
{
    return {QStringLiteral("report"), run.planPath, QStringLiteral("--out"), out,
            QStringLiteral("--signer"), QStringLiteral("Dana Reyes"), QStringLiteral("--role"), QStringLiteral("Lead DBA"),
            QStringLiteral("--statement"), QStringLiteral("Counts and checksums match; approved for the read switch.")};
}

} // namespace

class TestReportCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(!switchyard::test::cliPath().isEmpty()); }

    void signedPassReportVerifies()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ReportFixture f(sb, QStringLiteral("tst_report_cli"));
        const ReportRun run = f.makeRun();
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("config"));
        const QString pdf = dir.filePath(QStringLiteral("report.pdf"));

        CliRun r = cli(signArgs(run, pdf), config);
        QVERIFY2(r.exitCode == 0, qPrintable(r.output()));
        QVERIFY2(r.output().contains(QLatin1String("Verdict: PASS")), qPrintable(r.output()));
        const QString key = config + QStringLiteral("/switchyard/signing-key.pem");
        const QString pub = config + QStringLiteral("/switchyard/signing-key.pub.pem");
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(key).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0600));
        QVERIFY(r.output().contains(QLatin1String("(created now)")));
        QVERIFY(QFile::exists(pdf + QStringLiteral(".sig")));
        const QString jsonPath = dir.filePath(QStringLiteral("report.json"));
        QVERIFY(QFile::exists(jsonPath));

        QString error;
        const QString fingerprint = ReportSigner::fingerprintOf(*ReportSigner::readPublicKey(pub, &error));
        const QString page1 = switchyard::test::pdfText(pdf, 1, 1);
        for (const QString &s : {QStringLiteral("Verdict: PASS"), QStringLiteral("Dana Reyes"), QStringLiteral("Lead DBA"),
                                 QStringLiteral("Counts and checksums match; approved for the read switch."), fingerprint})
            QVERIFY2(page1.contains(s), qPrintable(s));

        // report.json: the same evidence, tied to the PDF by its hash.
        QFile jf(jsonPath);
        QVERIFY(jf.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(jf.readAll()).object();
        const QString pdfSha = switchyard::test::sha256OfFile(pdf);
        QCOMPARE(json.value(QStringLiteral("pdfSha256")).toString(), pdfSha);
        QCOMPARE(json.value(QStringLiteral("verdict")).toObject().value(QStringLiteral("result")).toString(), QStringLiteral("PASS"));
        QCOMPARE(json.value(QStringLiteral("signOff")).toObject().value(QStringLiteral("keyFingerprint")).toString(), fingerprint);
        QCOMPARE(json.value(QStringLiteral("tables")).toArray().first().toObject().value(QStringLiteral("rowsNow"))
                     .toObject().value(QStringLiteral("target")).toInteger(), ReportFixture::kRows);

        // The store remembers who signed what.
        {
            ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(run.plan));
            const QList<SignOff> offs = cs.runs().signOffs(run.runId);
            QCOMPARE(offs.size(), 1);
            QCOMPARE(offs.first().reportSha256, pdfSha);
            QCOMPARE(offs.first().verdict, QStringLiteral("approved"));
            QCOMPARE(cs.audit().head(run.runId)->action, QStringLiteral("report.sign"));
            QVERIFY(cs.audit().verifyAudit(run.runId).ok);
        }

        // Verification: valid, pinned to the signer's key.
        r = cli({QStringLiteral("report"), QStringLiteral("verify"), pdf}, config);
        QVERIFY2(r.exitCode == 0, qPrintable(r.output()));
        r = cli({QStringLiteral("report"), QStringLiteral("verify"), pdf, QStringLiteral("--pubkey"), pub}, config);
        QVERIFY2(r.exitCode == 0 && r.output().contains(QLatin1String("the key you named")), qPrintable(r.output()));

        // Another key: not the signer's.
        const ReportSigner other = ReportSigner::loadOrCreate(dir.filePath(QStringLiteral("other.pem")));
        r = cli({QStringLiteral("report"), QStringLiteral("verify"), pdf, QStringLiteral("--pubkey"), other.publicKeyPath()}, config);
        QVERIFY2(r.exitCode == 1 && r.output().contains(QLatin1String("another key")), qPrintable(r.output()));

        // One changed byte.
        QFile file(pdf);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QByteArray bytes = file.readAll();
        const int at = int(bytes.size() / 2);
        bytes[at] = char(bytes.at(at) ^ 0x01);
        QVERIFY(file.seek(0));
        file.write(bytes);
        file.close();
        r = cli({QStringLiteral("report"), QStringLiteral("verify"), pdf, QStringLiteral("--pubkey"), pub}, config);
        QVERIFY2(r.exitCode == 1 && r.output().contains(QLatin1String("changed after signing")), qPrintable(r.output()));
        r = cli({QStringLiteral("report"), QStringLiteral("verify"), pdf}, config);
        QCOMPARE(r.exitCode, 1);

        // The key is reused: the second report has the same fingerprint.
        r = cli(signArgs(run, dir.filePath(QStringLiteral("again.pdf"))), config);
        QVERIFY2(r.exitCode == 0 && !r.output().contains(QLatin1String("(created now)")) && r.output().contains(fingerprint),
                 qPrintable(r.output()));
    }

    void openMismatchOnlySignedWithExceptions()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ReportFixture f(sb, QStringLiteral("tst_report_cli_open"));
        const ReportRun run = f.makeRun();
        f.makeOpenMismatch(run);
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("config"));
        const QString pdf = dir.filePath(QStringLiteral("report.pdf"));

        CliRun r = cli(signArgs(run, pdf), config);
        QVERIFY2(r.exitCode == 1 && r.output().contains(QLatin1String("never as PASS")), qPrintable(r.output()));
        QVERIFY(!QFile::exists(pdf));

        r = cli(signArgs(run, pdf) << QStringLiteral("--exceptions"), config);
        QVERIFY2(r.exitCode == 1, qPrintable(r.output())); // written, but NOT READY
        QVERIFY2(r.output().contains(QLatin1String("Verdict: NOT READY")), qPrintable(r.output()));
        const QString page1 = switchyard::test::pdfText(pdf, 1, 1);
        QVERIFY2(page1.contains(QLatin1String("Verdict: NOT READY")), qPrintable(page1));
        QVERIFY(page1.contains(QLatin1String("Table t: 1 open mismatch")));
        QVERIFY(page1.contains(QLatin1String("SIGNED WITH EXCEPTIONS")));
        r = cli({QStringLiteral("report"), QStringLiteral("verify"), pdf}, config);
        QVERIFY2(r.exitCode == 0, qPrintable(r.output()));
        ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(run.plan));
        QCOMPARE(cs.runs().signOffs(run.runId).first().verdict, QStringLiteral("approved_with_exceptions"));

        // An unsigned draft is possible too, and says so.
        r = cli({QStringLiteral("report"), run.planPath, QStringLiteral("--out"), dir.filePath(QStringLiteral("draft.pdf"))}, config);
        QCOMPARE(r.exitCode, 1);
        QVERIFY(switchyard::test::pdfText(dir.filePath(QStringLiteral("draft.pdf")), 1, 1).contains(QLatin1String("UNSIGNED DRAFT")));
    }

    void usageErrors()
    {
        QTemporaryDir dir;
        QCOMPARE(cli({QStringLiteral("report")}, dir.path()).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("report"), QStringLiteral("plan.yaml")}, dir.path()).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("report"), QStringLiteral("plan.yaml"), QStringLiteral("--out"), QStringLiteral("x.pdf"),
                      QStringLiteral("--signer"), QStringLiteral("a")}, dir.path()).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("report"), QStringLiteral("verify"), dir.filePath(QStringLiteral("missing.pdf"))}, dir.path()).exitCode, 3);
    }
};

QTEST_GUILESS_MAIN(TestReportCli)
#include "tst_reportcli.moc"
