// ReportData, ReportVerdict, ReportRenderer and ReportJson on a real run
// (backfill + checksum validation on the sandbox, a recorded transition):
// every figure in the data equals the control store's, the PDF's text holds
// the sections and those figures, an open mismatch makes the report NOT
// READY on page one, an accepted one is listed with its reason and who, and
// a broken audit chain is never PASS.

#include "ReportFixture.h"
#include "report/ReportData.h"
#include "report/ReportJson.h"
#include "report/ReportRenderer.h"
#include "report/ReportVerdict.h"
#include "store/ControlStore.h"
#include "validate/ValidationCheckpoint.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

using namespace switchyard::core;
using switchyard::test::ReportFixture;
using switchyard::test::ReportRun;

namespace {

ReportData gather(const ReportRun &r)
{
    ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(r.plan));
    return ReportData::gather(r.plan, r.planSha256, cs, r.runId);
}

QString renderToFile(const ReportData &d, const QTemporaryDir &dir, const ReportSignOff &s = {})
{
    const QString path = dir.filePath(QStringLiteral("report.pdf"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(ReportRenderer::renderReport(d, ReportVerdict::decide(d), s));
    return path;
}

} // namespace

class TestReportData : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void gateEvidence_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<int>("gates"); // -1: unreadable
        QTest::addColumn<bool>("firstPassed");
        QTest::newRow("empty") << QString() << 0 << false;
        QTest::newRow("empty array") << QStringLiteral("[]") << 0 << false;
        QTest::newRow("engine array") << QStringLiteral(R"([{"name":"soak","passed":true,"measured":"12 min"}])") << 1 << true;
        QTest::newRow("object with gates") << QStringLiteral(R"({"gates":[{"describe":"x","pass":false},{"name":"y","ok":true}]})") << 2 << false;
        QTest::newRow("not json") << QStringLiteral("gates passed") << -1 << false;
        QTest::newRow("other object") << QStringLiteral(R"({"foo":1})") << -1 << false;
    }

    void gateEvidence()
    {
        QFETCH(QString, json);
        QFETCH(int, gates);
        QFETCH(bool, firstPassed);
        const auto parsed = parseGateEvidence(json);
        if (gates < 0) {
            QVERIFY(!parsed);
            return;
        }
        QVERIFY(parsed);
        QCOMPARE(parsed->size(), gates);
        if (gates > 0)
            QCOMPARE(parsed->first().passed, firstPassed);
    }

    void cleanRunIsPassAndMatchesTheStore()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ReportFixture f(sb, QStringLiteral("tst_report_data"));
        const ReportRun run = f.makeRun();
        const ReportData d = gather(run);

        // The figures, against the store read independently.
        ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(run.plan));
        const auto job = cs.jobs().latestJob(run.runId, JobSpec::Kind::Validate, QStringLiteral("t"));
        QVERIFY(job);
        const auto cp = ValidationCheckpoint::fromJson(cs.jobs().loadCheckpoint(job->id)->lastKeyJson);
        QVERIFY(cp);
        QCOMPARE(d.tables.size(), 1);
        const ReportTable &t = d.tables.first();
        QCOMPARE(t.sourceRowsNow, qint64(ReportFixture::kRows));
        QCOMPARE(t.targetRowsNow, qint64(ReportFixture::kRows));
        QCOMPARE(t.backfillRows, qint64(ReportFixture::kRows));
        QCOMPARE(t.backfillState, QStringLiteral("completed"));
        QCOMPARE(t.mode, QStringLiteral("checksum"));
        QVERIFY(t.validationDone);
        QCOMPARE(t.validationVerdict, QStringLiteral("pass"));
        QCOMPARE(t.chunksChecked, cp->chunks);
        QVERIFY(t.chunksChecked >= 6); // 300 rows, 50-row chunks
        QCOMPARE(t.rowsChecked, cp->rows);
        QCOMPARE(t.chunksUnchecked, 0);
        QCOMPARE(t.open, 0);
        QCOMPARE(d.runId, run.runId);
        QCOMPARE(d.planSha256, run.planSha256);
        QCOMPARE(d.runPlanSha256, run.planSha256);
        QVERIFY(d.source.version.contains(QLatin1String("MariaDB"), Qt::CaseInsensitive));
        QVERIFY(!d.target.version.isEmpty());
        QCOMPARE(d.transitions.size(), 1);
        QCOMPARE(d.transitions.first().gates.size(), 2);
        QCOMPARE(d.transitions.first().gates.first().measured, QStringLiteral("0 open, 0 unchecked"));
        QVERIFY(d.transitions.first().gates.at(1).manual);
        QVERIFY(d.audit.verified);
        QCOMPARE(d.audit.total, cs.audit().head(run.runId)->seq);
        QCOMPARE(d.audit.headHash, cs.audit().head(run.runId)->hash);
        QVERIFY(!d.series.isEmpty());

        const ReportVerdict v = ReportVerdict::decide(d);
        QVERIFY2(v.pass, qPrintable(v.reasons.join(QLatin1Char('\n'))));

        // The PDF says the same.
        QTemporaryDir dir;
        const QString text = switchyard::test::pdfText(renderToFile(d, dir));
        for (const char *s : {"Verdict: PASS", "1. Migration", "Tables at a glance", "2. Validation by table",
                              "3. Gates at each transition", "4. Phase history", "5. Throughput and mismatches over time",
                              "6. Audit trail", "7. About this report", "UNSIGNED DRAFT", "Chain verified",
                              "validation clean for every table", "0 open, 0 unchecked", "backfill validated clean"})
            QVERIFY2(text.contains(QLatin1String(s)), s);
        QVERIFY(text.contains(run.planSha256));
        QVERIFY(text.contains(d.audit.headHash));
        QVERIFY(text.contains(QStringLiteral("source %1, target %1").arg(ReportFixture::kRows)));
        QVERIFY2(text.contains(QStringLiteral("%1 of %1 chunk(s) checked").arg(t.chunksChecked)), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("page 1 of")));
        QVERIFY(switchyard::test::pdfText(dir.filePath(QStringLiteral("report.pdf")), 1, 1).contains(QLatin1String("Verdict: PASS")));

        // And so does the JSON.
        const QJsonObject json = QJsonDocument::fromJson(ReportJson::toJson(d, v, {})).object();
        QCOMPARE(json.value(QStringLiteral("verdict")).toObject().value(QStringLiteral("result")).toString(), QStringLiteral("PASS"));
        const QJsonObject jt = json.value(QStringLiteral("tables")).toArray().first().toObject();
        QCOMPARE(jt.value(QStringLiteral("rowsNow")).toObject().value(QStringLiteral("source")).toInteger(), ReportFixture::kRows);
        QCOMPARE(jt.value(QStringLiteral("validation")).toObject().value(QStringLiteral("chunksChecked")).toInteger(), t.chunksChecked);
        QCOMPARE(json.value(QStringLiteral("audit")).toObject().value(QStringLiteral("headHash")).toString(), d.audit.headHash);
    }

    void openMismatchIsNotReadyOnPageOne()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ReportFixture f(sb, QStringLiteral("tst_report_open"));
        const ReportRun run = f.makeRun();
        f.makeOpenMismatch(run);
        ReportData d = gather(run);
        QCOMPARE(d.tables.first().open, 1);
        QCOMPARE(d.tables.first().found, 1);
        ReportVerdict v = ReportVerdict::decide(d);
        QVERIFY(!v.pass);
        QVERIFY2(v.reasons.join(QLatin1Char('\n')).contains(QLatin1String("Table t: 1 open mismatch")),
                 qPrintable(v.reasons.join(QLatin1Char('\n'))));
        QTemporaryDir dir;
        const QString pdf = renderToFile(d, dir);
        const QString page1 = switchyard::test::pdfText(pdf, 1, 1);
        QVERIFY2(page1.contains(QLatin1String("Verdict: NOT READY")), qPrintable(page1));
        QVERIFY(page1.contains(QLatin1String("Table t: 1 open mismatch")));
        QVERIFY(!switchyard::test::pdfText(pdf).contains(QLatin1String("Verdict: PASS")));
        QCOMPARE(d.tables.first().openList.size(), 1);
        QCOMPARE(d.tables.first().openList.first().keyJson, QStringLiteral("[7]"));
        QVERIFY(switchyard::test::pdfText(pdf).contains(QLatin1String("[7] different open name")));

        // A person accepts it, with a reason: nothing open, PASS, and the
        // acceptance is in the report with its reason and who.
        {
            ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(run.plan));
            MismatchFilter open;
            open.status = MismatchStatus::Open;
            const MismatchRecord m = cs.mismatches().mismatches(run.runId, open, 0, 10).first();
            cs.mismatches().setMismatchStatus(m.id, MismatchStatus::Accepted,
                                              QStringLiteral("test row edited on purpose by QA"), QStringLiteral("sam"));
        }
        d = gather(run);
        v = ReportVerdict::decide(d);
        QVERIFY2(v.pass, qPrintable(v.reasons.join(QLatin1Char('\n'))));
        QCOMPARE(d.tables.first().accepted, 1);
        const QString text = switchyard::test::pdfText(renderToFile(d, dir));
        QVERIFY(text.contains(QLatin1String("Accepted mismatches")));
        QVERIFY(text.contains(QLatin1String("test row edited on purpose by QA")));
        QVERIFY(text.contains(QLatin1String("sam")));
    }

    void brokenAuditChainIsNotReady()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ReportFixture f(sb, QStringLiteral("tst_report_audit"));
        const ReportRun run = f.makeRun();
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
            db.setDatabaseName(run.plan.controlStorePath());
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY2(q.exec(QStringLiteral("DROP TRIGGER audit_log_no_update")), qPrintable(q.lastError().text()));
            QVERIFY(q.exec(QStringLiteral("UPDATE audit_log SET reason = 'edited' WHERE seq = 1")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
        const ReportData d = gather(run);
        QVERIFY(!d.audit.verified);
        const ReportVerdict v = ReportVerdict::decide(d);
        QVERIFY(!v.pass);
        QVERIFY(v.reasons.join(QLatin1Char('\n')).contains(QLatin1String("audit trail does not verify")));
    }

    void neverValidatedIsNotReady()
    {
        ReportData d;
        ReportTable t;
        t.name = QStringLiteral("orders");
        d.tables << t;
        d.audit.verified = true;
        ReportVerdict v = ReportVerdict::decide(d);
        QVERIFY(!v.pass);
        QVERIFY(v.reasons.first().contains(QLatin1String("never validated")));
        // Sampled only: not every row checked, so not PASS either.
        d.tables[0].validationFound = true;
        d.tables[0].validationDone = true;
        d.tables[0].mode = QStringLiteral("sample");
        d.tables[0].validationVerdict = QStringLiteral("pass");
        v = ReportVerdict::decide(d);
        QVERIFY(!v.pass);
        QVERIFY(v.reasons.first().contains(QLatin1String("sample mode only")));
        d.tables[0].mode = QStringLiteral("checksum");
        QVERIFY(ReportVerdict::decide(d).pass);
        d.tables[0].chunksUnchecked = 1;
        QVERIFY(!ReportVerdict::decide(d).pass);
    }

    void signOffRules()
    {
        ReportVerdict notReady;
        notReady.reasons << QStringLiteral("Table t: 1 open mismatch(es)");
        ReportVerdict pass;
        pass.pass = true;
        ReportSignOff s{QStringLiteral("Dana"), QStringLiteral("Lead DBA"), QStringLiteral("ok"), false, {}, {}};
        QVERIFY(s.refusal(pass).isEmpty());
        QVERIFY(s.refusal(notReady).contains(QLatin1String("never as PASS")));
        s.withExceptions = true;
        QVERIFY(s.refusal(notReady).isEmpty());
        QCOMPARE(s.label(), QStringLiteral("SIGNED WITH EXCEPTIONS"));
        s.statement.clear();
        QVERIFY(!s.refusal(notReady).isEmpty());
    }
};

QTEST_MAIN(TestReportData)
#include "tst_reportdata.moc"
