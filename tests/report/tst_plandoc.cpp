// switchyard-cli plan doc: the migration plan document holds every phase
// (title, id, gates, rollback) and every risk (with its mitigation and owner)
// of the sample plan, in Markdown and in the PDF's text; measured against the
// sandbox, the current state shows the table's exact row count.

#include "ReportFixture.h"
#include "report/PlanDocument.h"
#include "plan/PlanLoader.h"

#include <QTemporaryDir>

using namespace switchyard::core;

namespace {

using switchyard::test::CliRun;

CliRun cli(const QStringList &args)
{
    return switchyard::test::runCli(args);
}

QStringList expectedTexts(const Plan &plan)
{
    QStringList texts;
    for (const PhaseSpec &p : plan.phases) {
        texts << p.title << p.id;
        for (const GateSpec &g : p.gates)
            texts << g.describe();
        if (!p.rollback.note.isEmpty())
            texts << p.rollback.note.simplified();
    }
    for (const Risk &r : plan.risks)
        texts << r.risk << r.mitigation << r.owner;
    texts << plan.migration.name << plan.migration.owner.section(QLatin1Char('<'), 0, 0).trimmed()
          << QStringLiteral("Risk register") << QStringLiteral("Timeline") << QStringLiteral("Current state")
          << QStringLiteral("Target state") << QStringLiteral("Overview");
    return texts;
}

} // namespace

class TestPlanDoc : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void markdownAndPdfHoldEveryPhaseAndRisk()
    {
        const QString planPath = switchyard::test::samplePlan(QStringLiteral("users-dual-write.yaml"));
        const PlanLoadResult loaded = PlanLoader::loadFile(planPath);
        QVERIFY(loaded.ok());
        const QStringList texts = expectedTexts(*loaded.plan);
        QCOMPARE(loaded.plan->phases.size(), 5);
        QCOMPARE(loaded.plan->risks.size(), 3);

        CliRun r = cli({QStringLiteral("plan"), QStringLiteral("doc"), planPath, QStringLiteral("--no-measure")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.output()));
        const QString md = r.output().simplified();
        for (const QString &t : texts)
            QVERIFY2(md.contains(t), qPrintable(t));
        QVERIFY(md.contains(QLatin1String("Not measured")));

        QTemporaryDir dir;
        const QString pdf = dir.filePath(QStringLiteral("plan.pdf"));
        r = cli({QStringLiteral("plan"), QStringLiteral("doc"), planPath, QStringLiteral("--format"), QStringLiteral("pdf"),
                 QStringLiteral("--out"), pdf, QStringLiteral("--no-measure")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.output()));
        const QString text = switchyard::test::pdfText(pdf);
        for (const QString &t : texts)
            QVERIFY2(text.contains(t.simplified()), qPrintable(t));
        QVERIFY(text.contains(QLatin1String("page 1 of")));
    }

    void brokenPlanIsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.yaml"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("version: 1\nmigration: {name: x}\nphases: 12\n");
        f.close();
        QCOMPARE(cli({QStringLiteral("plan"), QStringLiteral("doc"), path}).exitCode, 1);
        QCOMPARE(cli({QStringLiteral("plan"), QStringLiteral("doc"), path, QStringLiteral("--format"), QStringLiteral("pdf")}).exitCode, 2);
    }

    void currentStateIsMeasured()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        switchyard::test::ReportFixture f(sb, QStringLiteral("tst_plandoc"));
        const switchyard::test::ReportRun run = f.makeRun();
        const PlanMeasurements m = PlanDocument::measure(run.plan, 1);
        QVERIFY2(m.sourceError.isEmpty(), qPrintable(m.sourceError));
        QCOMPARE(m.tables.size(), 1);
        QCOMPARE(m.tables.first().rows, qint64(switchyard::test::ReportFixture::kRows));
        QVERIFY(m.tables.first().rowsExact);
        QVERIFY(m.tables.first().bytes > 0);
        QVERIFY(m.writesPerSecond >= 0);
        QVERIFY(m.readsPerSecond >= 0);
        QVERIFY(!m.targetVersion.isEmpty());
        const QString md = PlanDocument::markdown(run.plan, run.planSha256, m);
        QVERIFY(md.contains(QStringLiteral("| t | %1 |").arg(switchyard::test::ReportFixture::kRows)));
        QVERIFY(md.contains(QLatin1String("writes")));
    }
};

QTEST_MAIN(TestPlanDoc)
#include "tst_plandoc.moc"
