// The rollback drill of issue #7, at core level against the sandbox, with the
// application (Switchyard::Client) writing all along:
//   write both → backfill → reads from the target → capture installed,
//   ReverseSyncJob started → write_source off (PostgreSQL the only writer,
//   a few seconds of workload) → rollback: wait for reverse lag 0, publish
//   write_source on, wait 1.5 s (applications on the old flags), wait for
//   lag 0 again, stop the job, remove capture.
// Then every write made while PostgreSQL was the only writer is in MySQL,
// the two sides are equal row for row, and ValidationJob (full) is clean.

#include "../flags/ClientFixture.h"
#include "backfill/BackfillJob.h"
#include "client/TableClient.h"
#include "engine/ChangeCapture.h"
#include "engine/ReverseSyncJob.h"
#include "store/ControlStore.h"
#include "validate/ValidationJob.h"

#include <QElapsedTimer>
#include <QRandomGenerator>

#include <atomic>
#include <mutex>
#include <thread>

using namespace switchyard::core;
using namespace switchyard::client;
using switchyard::test::ClientFixture;

namespace {

// What the application did, as it saw it.
struct Ledger
{
    std::mutex mutex;
    QList<qint64> live;          // keys it may update or delete
    QSet<qint64> insertedOnTarget; // rows created while PostgreSQL was the only writer
    QSet<qint64> deleted;
    qint64 targetOnlyWrites = 0;   // writes whose primary was the target
    qint64 writes = 0;
    QStringList errors;
};

void application(TableClient &client, Ledger &ledger, const std::atomic_bool &stop, int seed)
{
    QRandomGenerator rng{quint32(seed)};
    int n = 100000;
    while (!stop) {
        const int dice = int(rng.bounded(10));
        try {
            if (dice < 4) {
                const WriteResult w = client.insert(ClientFixture::user(++n));
                std::lock_guard lock(ledger.mutex);
                const qint64 id = w.key.value(0).toLongLong();
                ledger.live << id;
                if (w.primary == Side::Target) {
                    ledger.insertedOnTarget.insert(id);
                    ++ledger.targetOnlyWrites;
                }
                ++ledger.writes;
            } else {
                qint64 id = 0;
                {
                    std::lock_guard lock(ledger.mutex);
                    if (ledger.live.isEmpty())
                        continue;
                    id = ledger.live.at(int(rng.bounded(int(ledger.live.size()))));
                }
                const WriteResult w =
                    dice < 9 ? client.update({id}, {{QStringLiteral("name"), QStringLiteral("N %1").arg(rng.generate())},
                                                    {QStringLiteral("score"), rng.generateDouble()},
                                                    {QStringLiteral("is_admin"), bool(rng.bounded(2))}})
                             : client.remove({id});
                std::lock_guard lock(ledger.mutex);
                if (dice == 9) {
                    ledger.live.removeAll(id);
                    ledger.deleted.insert(id);
                }
                if (w.primary == Side::Target)
                    ++ledger.targetOnlyWrites;
                ++ledger.writes;
            }
        } catch (const std::exception &e) {
            std::lock_guard lock(ledger.mutex);
            ledger.errors << QString::fromUtf8(e.what());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

qint64 runIdOf(const Plan &plan)
{
    ControlStore store = ControlStore::open(ControlStoreLocation::fromPlan(plan));
    return store.runs().ensureRun(plan.migration.name, plan.filePath, QStringLiteral("0").repeated(64));
}

// Waits for reverse lag 0; returns the seconds it took, -1 on timeout.
double waitForZeroLag(ChangeCapture &capture, const QStringList &tables, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        if (capture.lag(tables).pendingChanges == 0)
            return double(t.elapsed()) / 1000.0;
        QThread::msleep(50);
    }
    return -1;
}

// Waits until every change captured before the call is applied (the
// application may keep writing meanwhile); seconds, -1 on timeout.
double waitForCaughtUp(ChangeCapture &capture, const QStringList &tables, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    const qint64 head = capture.headChangeId(tables);
    while (t.elapsed() < timeoutMs) {
        if (capture.pendingThrough(head, tables) == 0)
            return double(t.elapsed()) / 1000.0;
        QThread::msleep(50);
    }
    return -1;
}

} // namespace

class TestReverseDrill : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rollbackAfterStopWritingSourceLosesNothing()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_reverse_drill"));
        const QString users = QStringLiteral("users");
        const Plan &plan = f.plan();
        const qint64 runId = runIdOf(plan);
        const ControlStoreLocation store = ControlStoreLocation::fromPlan(plan);

        // The application's existing data on the source.
        f.source().exec(QStringLiteral(
            "INSERT INTO users (email, name, status, is_admin, balance, score, prefs, created_at) "
            "WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 500) "
            "SELECT CONCAT('seed', n, '@x'), CONCAT('Seed ', n), 'active', n % 2, n * 1.5, n / 7, "
            "JSON_OBJECT('n', n), '2024-01-01 00:00:00' FROM seq"));

        // Write both, backfill, reads from the target.
        f.publish({QStringLiteral("write_target=on")});
        ClientOptions co;
        co.localRepairFile = f.tempPath(QStringLiteral("repair.jsonl"));
        co.firstFlagsWaitMs = 5000;
        co.flagPollMs = 250;
        TableClient client(plan, users, co);
        Ledger ledger;
        {
            const QueryResult ids = f.source().query(QStringLiteral("SELECT id FROM users"));
            for (int i = 0; i < ids.rowCount(); ++i)
                ledger.live << ids.text(i, 0).toLongLong();
        }
        std::atomic_bool stop{false};
        std::thread app([&] { application(client, ledger, stop, 7); });
        BackfillJob backfill(plan, users, store, runId, BackfillJob::Options());
        const BackfillJob::Result b = backfill.run();
        QVERIFY2(b.state == BackfillState::Completed, qPrintable(b.error));
        f.publish({QStringLiteral("read_from=target"), QStringLiteral("read_percent=100")});

        // Stop writing the source: capture first, then the job, then the flag.
        ChangeCapture capture(plan, f.target());
        capture.install({users});
        ReverseSyncJob::Options ro;
        ro.pollInterval = std::chrono::milliseconds(100);
        ReverseSyncJob job(plan, {users}, store, runId, ro);
        std::atomic<qint64> maxLag{0};
        ReverseSyncJob::Result jobResult;
        std::thread reverse([&] {
            jobResult = job.run([&](const ReverseSyncProgress &p) {
                maxLag = std::max<qint64>(maxLag, p.lag.pendingChanges);
            });
        });
        // PostgreSQL is about to hand out ids: its identity must start past
        // every id MySQL may still hand out until the flag reaches every
        // application (a flag poll), hence the headroom.
        f.target().exec(QStringLiteral("SELECT setval(pg_get_serial_sequence('public.users', 'id'), "
                                       "(SELECT max(id) FROM users) + 100000)"));
        f.publish({QStringLiteral("write_source=off")});
        QTest::qWait(4000); // PostgreSQL is the only writer
        const qint64 targetOnly = [&] { std::lock_guard l(ledger.mutex); return ledger.targetOnlyWrites; }();
        QVERIFY2(targetOnly > 50, qPrintable(QString::number(targetOnly)));
        const qint64 lagAtRollback = capture.lag({users}).pendingChanges;

        // Rollback, the application still writing.
        QElapsedTimer rollback;
        rollback.start();
        const double firstWait = waitForCaughtUp(capture, {users}, 20000);
        QVERIFY(firstWait >= 0);
        f.publish({QStringLiteral("write_source=on")});
        QTest::qWait(1500);
        const double secondWait = waitForCaughtUp(capture, {users}, 20000);
        QVERIFY(secondWait >= 0);
        const qint64 rollbackMs = rollback.elapsed();
        QTest::qWait(500); // the application keeps writing both sides
        stop = true;
        app.join();
        // Whatever the last writes left in the log (grace period), then stop.
        const double finalWait = waitForZeroLag(capture, {users}, 20000);
        QVERIFY(finalWait >= 0);
        job.cancel();
        reverse.join();
        QCOMPARE(jobResult.state, ReverseSyncState::Cancelled);
        capture.remove({users});
        QVERIFY(!capture.isInstalled(users));

        QVERIFY2(ledger.errors.isEmpty(), qPrintable(ledger.errors.join(QLatin1Char('\n'))));
        // Every row created while PostgreSQL was the only writer is in MySQL
        // (unless the application deleted it later).
        qint64 checked = 0;
        for (qint64 id : std::as_const(ledger.insertedOnTarget)) {
            if (ledger.deleted.contains(id))
                continue;
            const QString found = f.source().query(QStringLiteral("SELECT count(*) FROM users WHERE id = %1").arg(id)).scalar();
            QVERIFY2(found == QLatin1String("1"), qPrintable(QStringLiteral("row %1 missing in MySQL").arg(id)));
            ++checked;
        }
        QVERIFY(checked > 10);
        // Both sides equal, row for row, and validation agrees both ways.
        const QStringList diff = f.differences(plan, users);
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
        ValidationJob::Options vo;
        vo.mode = JobSpec::ValidateMode::Full;
        const ValidationJob::Result v = ValidationJob(plan, users, store, runId, vo).run();
        QVERIFY2(v.verdict == ValidationVerdict::Pass, qPrintable(v.statement));

        qInfo("drill: %lld writes in all, %lld in the 4 s PostgreSQL was the only writer (%lld rows "
              "created there), %lld changes applied to MySQL, reverse "
              "lag at rollback %lld, max seen %lld changes; rollback waited %.2f s + 1.5 s + %.2f s (%lld ms "
              "in all), then %.2f s for lag 0 once the application stopped",
              ledger.writes, targetOnly, qint64(ledger.insertedOnTarget.size()), jobResult.changesApplied,
              lagAtRollback, qint64(maxLag), firstWait, secondWait, rollbackMs, finalWait);
    }
};

QTEST_GUILESS_MAIN(TestReverseDrill)
#include "tst_reversedrill.moc"
