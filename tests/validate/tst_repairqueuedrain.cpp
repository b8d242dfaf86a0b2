// RepairQueueDrain against the sandbox (issue 6: "a failed secondary write
// ends in the repair queue and, once repaired, validation is clean"): the
// client library's secondary writes fail on purpose, the queue holds their
// keys in the ValidationKey form, a full validation finds the damage, the
// drain repairs it (upserts and deletes, stale and duplicate entries
// included), the queue ends empty and a full validation passes. Also: the
// drain is idempotent (a repair repeated after a "crash" before the mark is
// harmless), entries it cannot repair stay pending and end `failed`, and
// `switchyard-cli repair PLAN --queue` does the same from the command line.

#include "ClientFixture.h"
#include "client/TableClient.h"
#include "store/ControlStore.h"
#include "target/PgConnection.h"
#include "validate/RepairQueueDrain.h"
#include "validate/ValidationJob.h"

#include <QProcess>

using namespace switchyard::core;
using namespace switchyard::client;
using switchyard::test::ClientFixture;

namespace {

qint64 count(PgConnection &pg, const QString &sql)
{
    return pg.query(sql).rows.value(0).value(0).value_or("0").toLongLong();
}

qint64 runId(const Plan &plan)
{
    ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
    return cs.runs().ensureRun(plan.migration.name, QStringLiteral("t"), QStringLiteral("0"));
}

ValidationJob::Result validateFull(const Plan &plan)
{
    ValidationJob::Options o;
    o.mode = ValidationJob::Mode::Full;
    o.recheckDelay = std::chrono::milliseconds(20);
    ValidationJob job(plan, QStringLiteral("users"), ControlStoreLocation::fromPlan(plan), runId(plan), o);
    return job.run();
}

RepairQueueDrain::Result drain(const Plan &plan, int maxAttempts = 5)
{
    RepairQueueDrain::Options o;
    o.maxAttempts = maxAttempts;
    o.operatorName = QStringLiteral("tests");
    RepairQueueDrain d(plan, ControlStoreLocation::fromPlan(plan), runId(plan), o);
    return d.run();
}

ClientOptions options(const ClientFixture &f, const QSet<QString> &failing)
{
    ClientOptions o;
    o.localRepairFile = f.tempPath(QStringLiteral("repair.jsonl"));
    o.firstFlagsWaitMs = 5000;
    o.secondaryFault = [failing](const QString &entity) { return failing.contains(entity); };
    return o;
}

// Failed secondary writes of every shape: an insert (upsert), an update of a
// row the target has (stale value there), a row updated again after its
// first failure (two entries, the first stale), a delete (the target keeps a
// row the source lost) and an insert then delete (two entries, no row on
// either side at the end).
void damage(ClientFixture &f)
{
    f.publish({QStringLiteral("write_target=on")});
    {
        TableClient ok(f.plan(), QStringLiteral("users"), options(f, {}));
        for (int n = 1; n <= 10; ++n)
            QCOMPARE(ok.insert(ClientFixture::user(n)).secondary, SecondaryOutcome::Written);
    }
    TableClient client(f.plan(), QStringLiteral("users"), options(f, {QStringLiteral("3"), QStringLiteral("4"),
                                                                      QStringLiteral("7"), QStringLiteral("11"),
                                                                      QStringLiteral("12")}));
    const auto key = [](int id) { return QVariantList{QVariant::fromValue(qulonglong(id))}; };
    QCOMPARE(client.update(key(3), {{QStringLiteral("name"), QStringLiteral("Renamed 3")}}).secondary,
             SecondaryOutcome::QueuedInTarget);
    QCOMPARE(client.update(key(4), {{QStringLiteral("balance"), QStringLiteral("1.00")}}).secondary,
             SecondaryOutcome::QueuedInTarget);
    QCOMPARE(client.update(key(4), {{QStringLiteral("balance"), QStringLiteral("2.00")}}).secondary,
             SecondaryOutcome::QueuedInTarget);
    QCOMPARE(client.remove(key(7)).secondary, SecondaryOutcome::QueuedInTarget);
    QCOMPARE(client.insert(ClientFixture::user(11)).secondary, SecondaryOutcome::QueuedInTarget);
    const WriteResult w = client.insert(ClientFixture::user(12));
    QCOMPARE(w.secondary, SecondaryOutcome::QueuedInTarget);
    QCOMPARE(client.remove(w.key).secondary, SecondaryOutcome::QueuedInTarget);
}

} // namespace

class TestRepairQueueDrain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void canonicalKeyForms_data()
    {
        QTest::addColumn<QString>("queued");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("array") << "[42]" << "[42]";
        QTest::newRow("composite") << "[7, \"eu\"]" << "[7, \"eu\"]";
        QTest::newRow("legacy object") << "{\"id\": \"42\"}" << "[\"42\"]";
        QTest::newRow("legacy number") << "{\"id\": 42}" << "[\"42\"]";
        QTest::newRow("legacy composite") << "{\"a\": \"1\", \"b\": \"2\"}" << "";
        QTest::newRow("garbage") << "\"42\"" << "";
    }
    void canonicalKeyForms()
    {
        QFETCH(QString, queued);
        QFETCH(QString, canonical);
        QCOMPARE(RepairQueueDrain::canonicalKeyJson(queued), canonical);
        if (!canonical.isEmpty()) // what MismatchRepair reads
            QVERIFY(ValidationKey::fromJson(canonical).has_value());
    }

    void noQueueYetIsNothingToDo()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_rq_none"));
        f.target().exec(QStringLiteral("DROP TABLE IF EXISTS switchyard.repair_queue"));
        QCOMPARE(RepairQueueDrain::pending(f.target()), qint64(0));
        const RepairQueueDrain::Result r = drain(f.plan());
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.repaired, qint64(0));
        QCOMPARE(r.pending, qint64(0));
    }

    void failedSecondaryWritesRepairedThenValidationIsClean()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_rq_drain"));
        damage(f);
        // The client wrote the key as validation records it.
        const auto keys = f.target().query(QStringLiteral(
            "SELECT string_agg(key_json::text, ' ' ORDER BY id) FROM switchyard.repair_queue"));
        QCOMPARE(keys.rows.value(0).value(0), std::optional<QByteArray>("[3] [4] [4] [7] [11] [12] [12]"));
        QCOMPARE(RepairQueueDrain::pending(f.target()), qint64(7));

        // Validation sees the damage the failed writes left (the check can fail).
        const ValidationJob::Result before = validateFull(f.plan());
        QCOMPARE(verdictName(before.verdict), QStringLiteral("fail"));
        QCOMPARE(before.open, qint64(4)); // 3 and 4 differ, 7 extra, 11 missing

        const RepairQueueDrain::Result r = drain(f.plan());
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY2(r.problems.isEmpty(), qPrintable(r.problems.join(QLatin1Char('\n'))));
        QCOMPARE(r.repaired, qint64(7));
        QCOMPARE(r.pending, qint64(0));
        QCOMPARE(RepairQueueDrain::pending(f.target()), qint64(0));
        QCOMPARE(count(f.target(), QStringLiteral("SELECT count(*) FROM switchyard.repair_queue "
                                                  "WHERE status = 'repaired' AND repaired_at IS NOT NULL")),
                 7);
        QVERIFY(f.differences(f.plan(), QStringLiteral("users")).isEmpty());
        const ValidationJob::Result after = validateFull(f.plan());
        QCOMPARE(verdictName(after.verdict), QStringLiteral("pass"));
        QCOMPARE(after.open, qint64(0));

        // Idempotent: nothing left to do, nothing done.
        const RepairQueueDrain::Result again = drain(f.plan());
        QVERIFY(again.ok);
        QCOMPARE(again.repaired, qint64(0));
        // One audit entry for the pass that repaired something.
        ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(f.plan()));
        int drains = 0;
        for (const AuditEntry &e : cs.audit().entries(runId(f.plan())))
            drains += e.action == QLatin1String("repair_queue.drain") ? 1 : 0;
        QCOMPARE(drains, 1);
    }

    void crashBeforeTheMarkIsHarmlessAndBadEntriesEndFailed()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_rq_crash"));
        damage(f);
        QVERIFY(drain(f.plan()).ok);
        // As if a drain had committed its target write and died before marking:
        // the entries are pending again, the target already right.
        f.target().exec(QStringLiteral("UPDATE switchyard.repair_queue SET status = 'pending', repaired_at = NULL"));
        // An entry in the form clients wrote before the unification, one for a
        // table the plan does not have, and one whose key is not a key.
        f.target().exec(QStringLiteral(
            "INSERT INTO switchyard.repair_queue (table_name, key_json, entity_id, operation, error, failed_at) "
            "VALUES ('users', '{\"id\": \"5\"}', '5', 'upsert', 'e', now()), "
            "('orders', '[1]', '1', 'upsert', 'e', now()), ('users', '\"x\"', 'x', 'upsert', 'e', now())"));
        const RepairQueueDrain::Result first = drain(f.plan(), 2);
        QVERIFY(first.ok);
        QCOMPARE(first.repaired, qint64(8));
        QCOMPARE(int(first.problems.size()), 2);
        QCOMPARE(first.failed, qint64(1));   // the bad key, at once
        QCOMPARE(first.deferred, qint64(1)); // the unknown table, tried again later
        QCOMPARE(first.pending, qint64(1));
        QVERIFY(first.problems.join(QLatin1Char('\n')).contains(QStringLiteral("not in the plan")));
        const RepairQueueDrain::Result second = drain(f.plan(), 2);
        QCOMPARE(second.failed, qint64(1));
        QCOMPARE(second.pending, qint64(0));
        QCOMPARE(count(f.target(), QStringLiteral("SELECT count(*) FROM switchyard.repair_queue WHERE status = "
                                                  "'failed' AND error LIKE '%repair gave up after 2 attempts%'")),
                 1);
        QVERIFY(f.differences(f.plan(), QStringLiteral("users")).isEmpty());
    }

    void cliDrainsTheQueue()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_rq_cli"));
        damage(f);
        const QString planPath = f.writePlanFile(f.plan());
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(switchyard::test::cliPath(), {QStringLiteral("repair"), planPath, QStringLiteral("--queue")});
        QVERIFY(p.waitForFinished(60000));
        const QString out = QString::fromUtf8(p.readAll());
        QVERIFY2(p.exitCode() == 0, qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("7 queue entries repaired, 0 deferred (still pending), 0 failed; "
                                             "0 pending")),
                 qPrintable(out));
        QVERIFY(f.differences(f.plan(), QStringLiteral("users")).isEmpty());
        // Usage errors are refused.
        p.start(switchyard::test::cliPath(),
                {QStringLiteral("repair"), planPath, QStringLiteral("--queue"), QStringLiteral("--all-open")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
    }
};

QTEST_GUILESS_MAIN(TestRepairQueueDrain)
#include "tst_repairqueuedrain.moc"
