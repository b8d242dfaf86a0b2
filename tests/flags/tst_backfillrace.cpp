// The races between a backfill and a dual-writing application, forced with
// the backfill's hooks (issue 6): the application updates and deletes rows
// the backfill has just read, and inserts ahead of its cursor, through
// Switchyard::Client exactly as an application would. In every interleaving
// the newer write must win, a deleted row must stay deleted, and at the end
// both sides must hold exactly the same rows, and `validate --mode full`
// must pass. A failed secondary write ends in the repair queue and, once the
// queue is drained, validation is clean.

#include "ClientFixture.h"
#include "backfill/BackfillJob.h"
#include "client/TableClient.h"
#include "store/ControlStore.h"

#include <QElapsedTimer>
#include <QtConcurrent>

using namespace switchyard::core;
using namespace switchyard::client;
using switchyard::test::ClientFixture;

namespace {

// Rows `from`..`to` written straight into the source, as the application
// did before dual writes began.
void seed(MySqlConnection &source, int from, int to)
{
    source.exec(QStringLiteral(
                    "INSERT INTO users (id, email, name, status, balance, created_at) "
                    "SELECT seq, CONCAT('seed', seq, '@example.com'), CONCAT('Seed ', seq), 'active', "
                    "seq, '2024-01-01 00:00:00' FROM seq_%1_to_%2")
                    .arg(from)
                    .arg(to));
}

// Waits until `n` application writes on `users` are running on the source
// (they cannot finish while the backfill holds the rows they touch, so
// running here means waiting for the backfill's locks).
bool waitForBlockedWrites(const Plan &plan, int n)
{
    MySqlConnection probe;
    probe.open(plan.source);
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 15000) {
        const int running =
            probe.query(QStringLiteral("SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                                       "WHERE INFO LIKE 'UPDATE `users`%' OR INFO LIKE 'DELETE FROM `users`%'"))
                .scalar()
                .toInt();
        if (running >= n)
            return true;
        QThread::msleep(20);
    }
    return false;
}

BackfillJob::Result runBackfill(const Plan &plan, BackfillJob::HookFn hook)
{
    const ControlStoreLocation store = ControlStoreLocation::fromPlan(plan);
    ControlStore cs = ControlStore::open(store);
    const qint64 run = cs.runs().ensureRun(plan.migration.name, QStringLiteral("t"), QStringLiteral("0"));
    BackfillJob::Options o;
    o.batchRows = 100;
    BackfillJob job(plan, QStringLiteral("users"), store, run, o);
    job.setHook(std::move(hook));
    return job.run();
}

} // namespace

class TestBackfillRace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void applicationWritesRacingTheBackfill()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_bf_dualrace"));
        seed(f.source(), 1, 600);
        f.publish({QStringLiteral("write_target=on"), QStringLiteral("write_source=on")});
        const Plan plan = f.plan();

        // Each application thread has its own client, as the library asks.
        auto appWrite = [&plan](std::function<void(TableClient &)> write) {
            return QtConcurrent::run([&plan, write] {
                TableClient client(plan, QStringLiteral("users"));
                write(client);
            });
        };
        QFuture<void> updated, deleted, inserted;
        bool lockedUpdate = false;
        bool lockedDelete = false;
        qint64 insertedId = 0;

        const BackfillJob::Result r = runBackfill(plan, [&](BackfillJob::Hook h, const KeyCursor &, qint64 batch) {
            if (h == BackfillJob::Hook::AfterSourceRead && batch == 1 && !inserted.isValid()) {
                // Ahead of the cursor: not locked, dual-written at once; the
                // backfill meets it later and must keep the application's row.
                inserted = appWrite([&insertedId](TableClient &c) {
                    insertedId = c.insert(ClientFixture::user(9001)).key.first().toLongLong();
                });
                inserted.waitForFinished();
            }
            if (h == BackfillJob::Hook::AfterSourceRead && batch == 2 && !updated.isValid()) {
                // Rows 101–200 are read and share-locked: the application's
                // update and delete must wait for the copy, then win.
                updated = appWrite([](TableClient &c) {
                    c.update({150}, {{QStringLiteral("name"), QStringLiteral("renamed by the app")},
                                     {QStringLiteral("balance"), QStringLiteral("4242.00")}});
                });
                deleted = appWrite([](TableClient &c) { c.remove({160}); });
                lockedUpdate = lockedDelete = waitForBlockedWrites(plan, 2);
                QThread::msleep(200); // still blocked a moment later: they really wait
            }
        });
        QVERIFY2(r.state == BackfillState::Completed, qPrintable(r.error));
        updated.waitForFinished();
        deleted.waitForFinished();
        QVERIFY2(lockedUpdate && lockedDelete, "the application's writes never waited for the backfill's locks");
        QVERIFY(insertedId > 600);

        // The newer write won, the delete stuck, the insert ahead arrived once.
        QCOMPARE(f.target().query(QStringLiteral("SELECT name FROM users WHERE id = 150")).scalar(),
                 QStringLiteral("renamed by the app"));
        QCOMPARE(f.target().query(QStringLiteral("SELECT count(*) FROM users WHERE id = 160")).scalar(),
                 QStringLiteral("0"));
        QCOMPARE(f.target().query(QStringLiteral("SELECT count(*) FROM users WHERE id = %1").arg(insertedId)).scalar(),
                 QStringLiteral("1"));
        QCOMPARE(f.targetCount(QStringLiteral("users")), 600); // 600 seeded - 1 deleted + 1 inserted
        const QStringList diff = f.differences(plan, QStringLiteral("users"));
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
        // And what a DBA would run: a full validation, which must pass.
        const auto [code, output] = f.validateFullCli(plan, QStringLiteral("users"));
        QVERIFY2(code == 0, qPrintable(output));
    }

    // Secondary writes that fail while the backfill runs (one on a row the
    // backfill already copied, one insert ahead of its cursor) leave the
    // target wrong after the backfill; the repair queue holds both keys, the
    // drain repairs them, and a full validation is then clean.
    void failedSecondaryWritesRepairedAfterTheRace()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_bf_dualrepair"));
        seed(f.source(), 1, 400);
        f.publish({QStringLiteral("write_target=on"), QStringLiteral("write_source=on")});
        const Plan plan = f.plan();
        ClientOptions o;
        o.localRepairFile = f.tempPath(QStringLiteral("repair.jsonl"));
        o.secondaryFault = [](const QString &) { return true; };
        qint64 insertedId = 0;
        bool wrote = false;
        const BackfillJob::Result r = runBackfill(plan, [&](BackfillJob::Hook h, const KeyCursor &, qint64 batch) {
            if (h == BackfillJob::Hook::AfterSourceRead && batch == 3 && !wrote) {
                wrote = true;
                // Batches 1-2 (rows 1-200) are on the target; rows 201-300 are
                // locked by this batch; 9003 is ahead of the cursor.
                QtConcurrent::run([&] {
                    TableClient c(plan, QStringLiteral("users"), o);
                    c.update({50}, {{QStringLiteral("name"), QStringLiteral("changed, secondary failed")}});
                    insertedId = c.insert(ClientFixture::user(9003)).key.first().toLongLong();
                }).waitForFinished();
            }
        });
        QVERIFY2(r.state == BackfillState::Completed, qPrintable(r.error));
        QVERIFY(wrote);
        // The backfill never overwrites (ON CONFLICT DO NOTHING): row 50 is
        // stale on the target; the insert ahead was copied by the backfill.
        QCOMPARE(f.target().query(QStringLiteral("SELECT name FROM users WHERE id = 50")).scalar(),
                 QStringLiteral("Seed 50"));
        QCOMPARE(f.target().query(QStringLiteral("SELECT string_agg(key_json::text, ' ' ORDER BY id) "
                                                 "FROM switchyard.repair_queue WHERE status = 'pending'"))
                     .scalar(),
                 QStringLiteral("[50] [%1]").arg(insertedId));
        const auto [failing, report] = f.validateFullCli(plan, QStringLiteral("users"));
        QVERIFY2(failing == 1 && report.contains(QStringLiteral("FAIL")), qPrintable(report));

        const auto [drained, drainOutput] = f.drainRepairQueueCli(plan);
        QVERIFY2(drained == 0, qPrintable(drainOutput));
        QCOMPARE(f.target().query(QStringLiteral("SELECT name FROM users WHERE id = 50")).scalar(),
                 QStringLiteral("changed, secondary failed"));
        const QStringList diff = f.differences(plan, QStringLiteral("users"));
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
        const auto [code, output] = f.validateFullCli(plan, QStringLiteral("users"));
        QVERIFY2(code == 0, qPrintable(output));
    }
};

QTEST_GUILESS_MAIN(TestBackfillRace)
#include "tst_backfillrace.moc"
