// PlanWriter: what it writes, PlanLoader reads back to the same plan, and
// every default is written out.

#include "TestSupport.h"
#include "plan/PlanLoader.h"
#include "plan/PlanWriter.h"

#include <QTemporaryDir>

using namespace switchyard::core;

class TestPlanWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("dual write") << "users-dual-write.yaml";
        QTest::newRow("flag ramp") << "checkout-flag-ramp.yaml";
        QTest::newRow("blue/green") << "orders-blue-green.yaml";
    }
    void roundTrip()
    {
        QFETCH(QString, file);
        const PlanLoadResult original = PlanLoader::loadFile(switchyard::test::samplePlan(file));
        QVERIFY2(original.ok(), qPrintable(original.errorText()));
        const QByteArray yaml = PlanWriter::toYaml(*original.plan);
        const PlanLoadResult again = PlanLoader::loadText(yaml, QStringLiteral("written.yaml"));
        QVERIFY2(again.ok(), qPrintable(again.errorText() + QLatin1Char('\n') +
                                        QString::fromUtf8(yaml)));
        // Writing the re-read plan gives the same bytes: nothing was lost or changed.
        QCOMPARE(QString::fromUtf8(PlanWriter::toYaml(*again.plan)), QString::fromUtf8(yaml));

        const Plan &a = *original.plan;
        const Plan &b = *again.plan;
        QCOMPARE(b.migration.name, a.migration.name);
        QCOMPARE(b.migration.why, a.migration.why);
        QCOMPARE(b.migration.windowStart, a.migration.windowStart);
        QCOMPARE(b.source.port, a.source.port);
        QCOMPARE(b.target.sslMode, a.target.sslMode);
        QCOMPARE(b.controlStore.location, a.controlStore.location);
        QCOMPARE(b.tables.size(), a.tables.size());
        QCOMPARE(b.tables.first().keyColumns, a.tables.first().keyColumns);
        QCOMPARE(b.strategies, a.strategies);
        QCOMPARE(b.phases.size(), a.phases.size());
        for (int i = 0; i < a.phases.size(); ++i) {
            const PhaseSpec &pa = a.phases.at(i);
            const PhaseSpec &pb = b.phases.at(i);
            QCOMPARE(pb.id, pa.id);
            QCOMPARE(pb.title, pa.title);
            QCOMPARE(pb.description, pa.description);
            QCOMPARE(pb.week, pa.week);
            QCOMPARE(pb.ramp.steps, pa.ramp.steps);
            QCOMPARE(pb.flags.size(), pa.flags.size());
            for (int f = 0; f < pa.flags.size(); ++f) {
                QCOMPARE(pb.flags.at(f).name, pa.flags.at(f).name);
                QCOMPARE(pb.flags.at(f).value, pa.flags.at(f).value);
            }
            QCOMPARE(pb.jobs.size(), pa.jobs.size());
            QCOMPARE(pb.gates.size(), pa.gates.size());
            for (int g = 0; g < pa.gates.size(); ++g)
                QCOMPARE(pb.gates.at(g).describe(), pa.gates.at(g).describe());
            QCOMPARE(pb.rollback.waitForReverseSync, pa.rollback.waitForReverseSync);
            QCOMPARE(pb.rollback.note, pa.rollback.note);
        }
        QCOMPARE(b.risks.size(), a.risks.size());
        QCOMPARE(b.timelineStart, a.timelineStart);
    }

    // Names YAML could misread (yes, 1e3, null, a colon) survive the trip as text.
    void awkwardTextSurvives()
    {
        PlanLoadResult r =
            PlanLoader::loadFile(switchyard::test::samplePlan(QStringLiteral("users-dual-write.yaml")));
        QVERIFY(r.ok());
        Plan plan = *r.plan;
        plan.tables.first().name = QStringLiteral("yes");
        plan.tables.first().targetName = QStringLiteral("1e3");
        plan.tables.first().keyColumns = {QStringLiteral("null"), QStringLiteral("a: b")};
        plan.phases.first().jobs.clear();
        plan.phases[1].jobs.clear();
        plan.phases[2].jobs.clear();
        plan.phases[3].jobs.clear();
        plan.migration.why = QStringLiteral("line one\n\"quoted\" — ünïcode 🚂\n");
        const PlanLoadResult again =
            PlanLoader::loadText(PlanWriter::toYaml(plan), QStringLiteral("w.yaml"));
        QVERIFY2(again.ok(), qPrintable(again.errorText()));
        QCOMPARE(again.plan->tables.first().name, QStringLiteral("yes"));
        QCOMPARE(again.plan->tables.first().targetName, QStringLiteral("1e3"));
        QCOMPARE(again.plan->tables.first().keyColumns,
                 (QStringList{QStringLiteral("null"), QStringLiteral("a: b")}));
        QCOMPARE(again.plan->migration.why, plan.migration.why);
    }

    void defaultsWrittenOut()
    {
        const PlanLoadResult r =
            PlanLoader::loadFile(switchyard::test::samplePlan(QStringLiteral("checkout-flag-ramp.yaml")));
        QVERIFY(r.ok());
        const QByteArray yaml = PlanWriter::toYaml(*r.plan);
        QVERIFY(yaml.contains("consistency: locking"));
        QVERIFY(yaml.contains("zero_dates: null") || yaml.contains("zero_dates: \"null\""));
        QVERIFY(yaml.contains("stop_jobs: true"));
    }

    void saveFileIsAtomicAndReportsErrors()
    {
        const PlanLoadResult r =
            PlanLoader::loadFile(switchyard::test::samplePlan(QStringLiteral("orders-blue-green.yaml")));
        QVERIFY(r.ok());
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("saved.yaml"));
        QString error;
        QVERIFY2(PlanWriter::saveFile(*r.plan, path, &error), qPrintable(error));
        QVERIFY(PlanLoader::loadFile(path).ok());
        QVERIFY(!PlanWriter::saveFile(*r.plan, dir.filePath(QStringLiteral("no/such/dir/p.yaml")),
                                      &error));
        QVERIFY(error.contains(QStringLiteral("no/such/dir/p.yaml")));
    }
};

QTEST_GUILESS_MAIN(TestPlanWriter)
#include "tst_planwriter.moc"
