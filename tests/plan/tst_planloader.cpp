// PlanLoader: every sample plan loads, and every validation rule reports the
// right line and column.
//
// Error cases are written as whole YAML texts with the marker "@@" at the spot
// where the error must be reported; the test removes the marker, loads the
// text and compares the error's line:column with the marker's position.

#include "TestSupport.h"
#include "plan/PlanLoader.h"

#include <QDir>

using namespace switchyard::core;

namespace {

// A small valid plan the error cases start from.
const char *const kBase = R"(version: 1
migration:
  name: demo
  owner: me
source:
  engine: mariadb
  host: 127.0.0.1
  user: u
  database: d
target:
  engine: postgresql
  host: 127.0.0.1
  user: u
  database: d
tables:
  - name: users
strategy: dual_write
phases:
  - id: write-both
    title: Write both
    flags: {write_target: on}
)";

struct Marked
{
    QByteArray text;
    int line = 0;
    int column = 0;
};

Marked unmark(QByteArray text)
{
    Marked m;
    const int at = int(text.indexOf("@@"));
    if (at < 0)
        return {text, 0, 0};
    m.line = int(text.left(at).count('\n')) + 1;
    m.column = at - (at > 0 ? int(text.lastIndexOf('\n', at - 1)) : -1);
    text.remove(at, 2);
    m.text = text;
    return m;
}

QByteArray base()
{
    return QByteArray(kBase);
}

QByteArray replaced(const char *from, const char *to)
{
    QByteArray b = base();
    Q_ASSERT(b.contains(from));
    b.replace(from, to);
    return b;
}

} // namespace

class TestPlanLoader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void baseIsValid()
    {
        const PlanLoadResult r = PlanLoader::loadText(base(), QStringLiteral("base.yaml"));
        QVERIFY2(r.ok(), qPrintable(r.errorText()));
        QCOMPARE(r.plan->migration.name, QStringLiteral("demo"));
        QCOMPARE(r.plan->phases.size(), 1);
        QCOMPARE(r.plan->source.effectivePort(), 3306);
        QCOMPARE(r.plan->target.effectivePort(), 5432);
    }

    void samplePlansLoad_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("phases");
        QTest::addColumn<QString>("firstPhase");
        QTest::newRow("dual write") << "users-dual-write.yaml" << 5 << "write-both";
        QTest::newRow("flag ramp") << "checkout-flag-ramp.yaml" << 3 << "deploy-dark";
        QTest::newRow("blue/green") << "orders-blue-green.yaml" << 3 << "prepare-green";
    }
    void samplePlansLoad()
    {
        QFETCH(QString, file);
        QFETCH(int, phases);
        QFETCH(QString, firstPhase);
        const PlanLoadResult r = PlanLoader::loadFile(switchyard::test::samplePlan(file));
        QVERIFY2(r.ok(), qPrintable(r.errorText()));
        QCOMPARE(r.plan->phases.size(), phases);
        QCOMPARE(r.plan->phases.first().id, firstPhase);
        QVERIFY(QDir::isAbsolutePath(r.plan->filePath));
    }

    void dualWriteSampleDetails()
    {
        const PlanLoadResult r =
            PlanLoader::loadFile(switchyard::test::samplePlan(QStringLiteral("users-dual-write.yaml")));
        QVERIFY2(r.ok(), qPrintable(r.errorText()));
        const Plan &p = *r.plan;
        QVERIFY(p.uses(Strategy::DualWrite));
        QCOMPARE(p.source.port, 53306);
        QCOMPARE(p.target.schema, QStringLiteral("public"));
        const PhaseSpec *read = p.phase(QStringLiteral("read-from-target"));
        QVERIFY(read);
        QCOMPARE(read->ramp.flag, QStringLiteral("read_percent"));
        QCOMPARE(read->ramp.steps, (QList<int>{1, 10, 50, 100}));
        QCOMPARE(read->gates.first().kind, GateSpec::Kind::ShadowMismatchRate);
        QCOMPARE(read->gates.first().threshold, 0.001);
        QCOMPARE(read->gates.first().windowMinutes, 30);
        const PhaseSpec *stop = p.phase(QStringLiteral("stop-writing-source"));
        QVERIFY(stop);
        QCOMPARE(stop->rollback.waitForReverseSync, std::optional<bool>(true));
        QCOMPARE(stop->flags.first().name, QStringLiteral("write_source"));
        QCOMPARE(stop->flags.first().value, QVariant(false));
        QCOMPARE(p.types.zeroDates, TypePolicies::ZeroDate::Null);
        QCOMPARE(p.tables.first().batchRows, 5000);
        QCOMPARE(p.risks.size(), 3);
        QCOMPARE(p.timelineStart, QDate(2027, 1, 11));
        // Locations point at the YAML.
        QVERIFY(stop->where.line > 1);
        QCOMPARE(stop->where.column, 5);
        QVERIFY(p.controlStorePath().endsWith(QStringLiteral("switchyard/users-to-postgres.sqlite")));
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("message"); // a part of the expected message

        QTest::newRow("unknown root key") << base() + "@@colour: blue\n" << "unknown key 'colour'";
        QTest::newRow("unknown nested key")
            << replaced("  owner: me\n", "  owner: me\n  @@ownr: x\n") << "unknown key 'ownr'";
        QTest::newRow("duplicate key")
            << replaced("  owner: me\n", "  owner: me\n  @@owner: you\n")
            << "duplicate key 'owner'";
        QTest::newRow("password in source")
            << replaced("  user: u\n  database: d\ntarget", "  user: u\n  @@password: hunter2\n  "
                                                          "database: d\ntarget")
            << "must not contain passwords";
        QTest::newRow("secret in a phase")
            << base() + "    @@api_password: x\n" << "must not contain passwords";
        QTest::newRow("password in control store url")
            << base() + "control_store:\n  postgresql: @@postgresql://sy:s3cret@db/ctl\n"
            << "contains a password";
        QTest::newRow("control store needs one kind")
            << base() + "control_store:\n  @@sqlite: a.db\n  postgresql: host=db\n"
            << "exactly one of";
        QTest::newRow("unsupported version") << replaced("version: 1", "version: @@2")
                                             << "version 2 is not supported";
        QTest::newRow("missing version")
            << "@@" + replaced("version: 1\n", "") << "missing 'version: 1'";
        QTest::newRow("missing section")
            << "@@" + replaced("strategy: dual_write\n", "") << "section 'strategy'";
        QTest::newRow("missing owner")
            << replaced("  name: demo\n  owner: me\n", "  @@name: demo\n")
            << "missing the required key 'owner'";
        QTest::newRow("bad migration name")
            << replaced("name: demo", "name: @@\"users to pg\"") << "migration name";
        QTest::newRow("bad risk level")
            << replaced("  owner: me\n", "  owner: me\n  risk_level: @@extreme\n")
            << "expected one of: low, medium, high, critical";
        QTest::newRow("window backwards")
            << replaced("  owner: me\n",
                        "  owner: me\n  window: {start: 2027-02-01, end: @@2027-01-01}\n")
            << "ends (2027-01-01) before it starts";
        QTest::newRow("bad date")
            << replaced("  owner: me\n", "  owner: me\n  window: {start: @@2027-13-01}\n")
            << "YYYY-MM-DD";
        QTest::newRow("bad source engine") << replaced("engine: mariadb", "engine: @@oracle")
                                           << "expected one of: mariadb, mysql";
        QTest::newRow("bad port")
            << replaced("  host: 127.0.0.1\n  user: u\n  database: d\ntarget",
                        "  host: 127.0.0.1\n  port: @@70000\n  user: u\n  database: d\ntarget")
            << "expected a number from 1 to 65535";
        QTest::newRow("port not a number")
            << replaced("  host: 127.0.0.1\n  user: u\n  database: d\ntarget",
                        "  host: 127.0.0.1\n  port: @@mysql\n  user: u\n  database: d\ntarget")
            << "whole number";
        QTest::newRow("mysql ssl mode on postgres")
            << replaced("engine: postgresql\n", "engine: postgresql\n  ssl_mode: @@required\n")
            << "verify-full";
        QTest::newRow("schema on the source")
            << replaced("engine: mariadb\n", "engine: mariadb\n  schema: @@x\n")
            << "PostgreSQL target only";
        QTest::newRow("duplicate table")
            << replaced("  - name: users\n", "  - name: users\n  - @@name: users\n")
            << "listed twice";
        QTest::newRow("include and exclude")
            << replaced("  - name: users\n",
                        "  - name: users\n    include: [id, a]\n    exclude: @@[a]\n")
            << "both included and excluded";
        QTest::newRow("key excluded")
            << replaced("  - name: users\n", "  - name: users\n    key: [id]\n    exclude: @@[id]\n")
            << "cannot be excluded";
        QTest::newRow("bad consistency")
            << replaced("  - name: users\n", "  - name: users\n    consistency: @@eventual\n")
            << "locking, snapshot";
        QTest::newRow("override without type")
            << replaced("  - name: users\n",
                        "  - name: users\n    columns:\n      flags: {@@typ: smallint}\n")
            << "unknown key 'typ'";
        QTest::newRow("unknown strategy") << replaced("strategy: dual_write", "strategy: @@big_bang")
                                          << "unknown strategy 'big_bang'";
        QTest::newRow("dual write without write_target")
            << replaced("strategy: dual_write", "strategy: @@dual_write")
                   .replace("flags: {write_target: on}", "flags: {write_target: off}")
            << "needs a phase that sets 'write_target: on'";
        QTest::newRow("unknown flag")
            << replaced("flags: {write_target: on}", "flags: {write_target: on, @@wirte_source: on}")
            << "unknown flag 'wirte_source'";
        QTest::newRow("bool flag value")
            << replaced("flags: {write_target: on}", "flags: {write_target: @@maybe}")
            << "true/false";
        QTest::newRow("percent flag range")
            << replaced("flags: {write_target: on}", "flags: {write_target: on, read_percent: @@150}")
            << "from 0 to 100";
        QTest::newRow("choice flag value")
            << replaced("flags: {write_target: on}", "flags: {write_target: on, read_from: @@both}")
            << "source, target";
        QTest::newRow("ramp not rising")
            << base() + "    ramp: {flag: read_percent, steps: [1, 10, @@5]}\n" << "must rise";
        QTest::newRow("ramp on a bool flag")
            << base() + "    ramp: {flag: @@write_source, steps: [1, 10]}\n" << "percentage flag";
        QTest::newRow("ramped flag also set")
            << replaced("flags: {write_target: on}", "flags: {write_target: on, @@read_percent: 5}") +
                   "    ramp: {flag: read_percent, steps: [10, 50]}\n"
            << "set it through 'ramp' only";
        QTest::newRow("bad phase id") << replaced("id: write-both", "id: @@Write_Both")
                                      << "phase id 'Write_Both'";
        QTest::newRow("duplicate phase id")
            << base() + "  - @@id: write-both\n    title: Again\n" << "used twice";
        QTest::newRow("week backwards")
            << replaced("    title: Write both\n", "    title: Write both\n    week: 3\n") +
                   "  - @@id: next\n    title: Next\n    week: 2\n"
            << "before the previous phase";
        QTest::newRow("unknown job type")
            << base() + "    jobs:\n      - {type: @@migrate}\n" << "backfill, validate";
        QTest::newRow("mode on a backfill")
            << base() + "    jobs:\n      - {type: backfill, mode: @@full}\n"
            << "validate jobs only";
        QTest::newRow("job on an unknown table")
            << base() + "    jobs:\n      - @@{type: backfill, tables: [ghosts]}\n"
            << "table 'ghosts' is not in the plan";
        QTest::newRow("soak without minutes")
            << base() + "    gates:\n      - @@type: soak\n" << "missing the required key 'minutes'";
        QTest::newRow("parameter of another gate")
            << base() + "    gates:\n      - type: manual\n        text: ok\n        @@minutes: 5\n"
            << "'minutes' does not apply to a manual gate";
        QTest::newRow("rate above one")
            << base() + "    gates:\n      - type: shadow_mismatch_rate\n        below: @@5\n"
                        "        window_minutes: 10\n"
            << "from 0 to 1";
        QTest::newRow("gate on an unknown table")
            << base() + "    gates:\n      - @@type: backfill_complete\n        tables: [ghosts]\n"
            << "table 'ghosts' is not in the plan";
        QTest::newRow("bad rollback flag")
            << base() + "    rollback:\n      flags: {@@reads: source}\n" << "unknown flag 'reads'";
        QTest::newRow("bad risk")
            << base() + "risks:\n  - risk: r\n    mitigation: m\n    impact: @@huge\n"
            << "low, medium, high";
        QTest::newRow("phases not a list") << replaced(
                                                  "phases:\n  - id: write-both\n    title: Write "
                                                  "both\n    flags: {write_target: on}\n",
                                                  "phases: @@write-both\n")
                                           << "must be a list";
        QTest::newRow("yaml syntax") << base() + "tables: [a, b\n@@" << "YAML syntax error";
        QTest::newRow("empty") << QByteArray("@@") << "the plan is empty";
        QTest::newRow("not a mapping") << QByteArray("@@- a\n- b\n") << "must be a mapping";
        QTest::newRow("nul byte") << QByteArray("version: 1\nmig@@\0ration:", 22) << "NUL byte";
    }
    void errors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, message);
        const Marked m = unmark(yaml);
        QVERIFY2(m.line > 0, "test case has no @@ marker");
        const PlanLoadResult r = PlanLoader::loadText(m.text, QStringLiteral("plan.yaml"));
        QVERIFY2(!r.ok(), "the broken plan was accepted");
        QVERIFY(!r.plan.has_value());
        bool found = false;
        for (const PlanError &e : r.errors) {
            if (e.message.contains(message)) {
                found = true;
                QCOMPARE(e.where.file, QStringLiteral("plan.yaml"));
                QCOMPARE(QStringLiteral("%1:%2").arg(e.where.line).arg(e.where.column),
                         QStringLiteral("%1:%2").arg(m.line).arg(m.column));
                QVERIFY(e.toString().startsWith(
                    QStringLiteral("plan.yaml:%1:%2: error: ").arg(m.line).arg(m.column)));
            }
        }
        QVERIFY2(found, qPrintable(QStringLiteral("expected an error containing '%1', got:\n%2")
                                       .arg(message, r.errorText())));
    }

    void collectsEveryError()
    {
        QByteArray yaml = replaced("engine: mariadb", "engine: oracle");
        yaml.replace("name: demo", "name: \"two words\"");
        yaml += "colour: blue\n";
        const PlanLoadResult r = PlanLoader::loadText(yaml, QStringLiteral("p.yaml"));
        QCOMPARE(r.errors.size(), 3);
        // In file order.
        QVERIFY(r.errors.at(0).where.line < r.errors.at(1).where.line);
        QVERIFY(r.errors.at(1).where.line < r.errors.at(2).where.line);
    }

    void missingFile()
    {
        const PlanLoadResult r = PlanLoader::loadFile(QStringLiteral("/nonexistent/plan.yaml"));
        QVERIFY(!r.ok());
        QCOMPARE(r.errors.size(), 1);
        QVERIFY(r.errors.first().toString().startsWith(QStringLiteral("/nonexistent/plan.yaml")));
        QVERIFY(r.errors.first().message.contains(QStringLiteral("no such file")));
    }

    void directoryIsNotAPlan()
    {
        const PlanLoadResult r = PlanLoader::loadFile(QDir::tempPath());
        QVERIFY(!r.ok());
        QVERIFY(r.errors.first().message.contains(QStringLiteral("cannot read")));
    }

    void controlStorePaths()
    {
        PlanLoadResult r = PlanLoader::loadText(
            base() + "control_store:\n  sqlite: state/ctl.sqlite\n", QStringLiteral("/srv/plans/p.yaml"));
        QVERIFY2(r.ok(), qPrintable(r.errorText()));
        QCOMPARE(r.plan->controlStorePath(), QStringLiteral("/srv/plans/state/ctl.sqlite"));
        r = PlanLoader::loadText(base() + "control_store:\n  sqlite: ~/ctl.sqlite\n",
                                 QStringLiteral("/srv/plans/p.yaml"));
        QVERIFY2(r.ok(), qPrintable(r.errorText()));
        QCOMPARE(r.plan->controlStorePath(), QDir::home().filePath(QStringLiteral("ctl.sqlite")));
        r = PlanLoader::loadText(base() + "control_store:\n  postgresql: host=db dbname=ctl\n",
                                 QStringLiteral("p.yaml"));
        QVERIFY2(r.ok(), qPrintable(r.errorText()));
        QCOMPARE(r.plan->controlStore.kind, ControlStoreSettings::Kind::PostgreSQL);
        QVERIFY(r.plan->controlStorePath().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPlanLoader)
#include "tst_planloader.moc"
