// JobRunner against the sandbox servers: a backfill started through the
// runner completes with an exact copy and one job record; pause holds it and
// resume finishes it; a new throttle changes the rate of the running job; a
// cancel written by another ControlStore is seen within about a second; a
// live lease keeps a second runner away while an expired one lets it take
// over from the checkpoint with no gap and no duplicate; a validation runs
// through the runner and tells a clean table from a broken one; reverse sync
// runs until stopped, is handed back to the queue by a stopping worker and
// taken up by the next; a repair-queue drain completes.

#include "BackfillFixture.h"
#include "StoreTestEnv.h"
#include "engine/ChangeCapture.h"
#include "engine/JobQueue.h"
#include "engine/JobRunner.h"
#include "flags/FlagPublisher.h"
#include "flags/FlagReader.h"
#include "flags/FlagTables.h"
#include "store/ControlStore.h"
#include "validate/ValidationCheckpoint.h"

#include <QElapsedTimer>

#include <mutex>

using namespace switchyard::core;
using switchyard::test::BackfillFixture;

namespace {

void fillNumbers(MySqlConnection &c, const QString &table, int n)
{
    c.exec(QStringLiteral("CREATE TABLE %1 (id INT NOT NULL PRIMARY KEY, v VARCHAR(40) NOT NULL,"
                          " amount DECIMAL(10,2) NOT NULL)")
               .arg(quoteMySqlIdentifier(table)));
    c.exec(QStringLiteral("INSERT INTO %1 SELECT seq, CONCAT('value ', seq), seq / 4 FROM seq_1_to_%2")
               .arg(quoteMySqlIdentifier(table))
               .arg(n));
}

qint64 runOf(const Plan &plan)
{
    ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
    return cs.runs().ensureRun(plan.migration.name, QStringLiteral("test"), QStringLiteral("0"));
}

JobRunner::Options options(const QString &worker, int batchRows = 200)
{
    JobRunner::Options o;
    o.workerId = worker;
    o.operatorName = QStringLiteral("tester");
    o.backfill.batchRows = batchRows;
    return o;
}

std::optional<JobRunner::Finished> finishedJob(const JobRunner &r, qint64 id)
{
    for (const JobRunner::Finished &f : r.finished())
        if (f.jobId == id)
            return f;
    return std::nullopt;
}

qint64 checkpointRows(const Plan &plan, qint64 jobId)
{
    ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
    const auto cp = cs.jobs().loadCheckpoint(jobId);
    return cp ? cp->rowsDone : 0;
}

JobRecord record(const Plan &plan, qint64 jobId)
{
    ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
    return cs.jobs().job(jobId).value_or(JobRecord{});
}

// Rows copied per second over `ms`, from the checkpoint in the store.
double observedRate(const Plan &plan, qint64 jobId, int ms)
{
    const qint64 a = checkpointRows(plan, jobId);
    QElapsedTimer t;
    t.start();
    QTest::qWait(ms);
    const qint64 b = checkpointRows(plan, jobId);
    return double(b - a) * 1000.0 / double(t.elapsed());
}

} // namespace

class TestJobRunner : public QObject
{
    Q_OBJECT

private:
    switchyard::test::StoreTestEnv m_env;
    QString m_pgError;

private Q_SLOTS:
    void initTestCase()
    {
        if (!m_env.initPostgres(&m_pgError))
            m_pgError = QStringLiteral("could not create the PostgreSQL test database: ") + m_pgError;
    }
    void cleanupTestCase() { m_env.cleanupPostgres(); }

    // The lease on both back ends of the control store: a claim is one
    // conditional update, so of three runners racing for four jobs each job
    // is claimed exactly once.
    void competingRunnersNeverClaimAJobTwice_data() { switchyard::test::addBackends(); }
    void competingRunnersNeverClaimAJobTwice()
    {
        QFETCH(QString, backend);
        SWITCHYARD_NEED_SANDBOX(sb);
        if (backend == QLatin1String("postgresql"))
            QVERIFY2(m_env.hasPostgres(), qPrintable(m_pgError));
        const ControlStoreLocation loc = m_env.freshLocation(backend);
        BackfillFixture f(sb, QStringLiteral("tst_jr_race_") + backend);
        QList<TableSpec> tables;
        for (const QString &t : {QStringLiteral("t1"), QStringLiteral("t2"), QStringLiteral("t3"), QStringLiteral("t4")}) {
            fillNumbers(f.source(), t, 800);
            tables << BackfillFixture::table(t);
        }
        const Plan plan = f.plan(tables);
        f.applySchema(plan);
        ControlStore cs = ControlStore::open(loc);
        const qint64 run = cs.runs().ensureRun(plan.migration.name, QStringLiteral("test"), QStringLiteral("0"));
        JobQueue queue(cs, plan, run, QStringLiteral("tester"));

        // The claim itself: taken, refused while the lease is live, taken
        // over once it is not; the loser's lease renewal fails.
        const qint64 probe = queue.enqueue(JobSpec::Kind::Validate, QStringLiteral("t1")).job.id;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(cs.jobs().claimJob(probe, QStringLiteral("x"), QStringLiteral("h"), now.addSecs(-30)));
        QVERIFY(!cs.jobs().claimJob(probe, QStringLiteral("y"), QStringLiteral("h"), now.addSecs(-30)));
        QVERIFY(cs.jobs().renewLease(probe, QStringLiteral("x")));
        QVERIFY(cs.jobs().claimJob(probe, QStringLiteral("y"), QStringLiteral("h"), QDateTime::currentDateTimeUtc().addSecs(1)));
        QVERIFY(!cs.jobs().renewLease(probe, QStringLiteral("x")));
        QVERIFY(cs.jobs().renewLease(probe, QStringLiteral("y")));
        QCOMPARE(cs.jobs().job(probe)->attempts, 2);
        QVERIFY(queue.cancel(probe).applied);
        QVERIFY(!cs.jobs().claimJob(probe, QStringLiteral("z"), QStringLiteral("h"), QDateTime::currentDateTimeUtc().addSecs(1)));

        for (const TableSpec &t : std::as_const(tables))
            QVERIFY(queue.enqueue(JobSpec::Kind::Backfill, t.name).applied);
        std::vector<std::unique_ptr<JobRunner>> runners;
        for (const QString &w : {QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C")}) {
            JobRunner::Options o = options(w);
            o.maxParallel = 1;
            o.poll = std::chrono::milliseconds(100); // race hard
            runners.push_back(std::make_unique<JobRunner>(plan, run, loc, o));
        }
        for (auto &r : runners)
            r->start();
        auto allIdle = [&] {
            for (auto &r : runners)
                if (!r->isIdle())
                    return false;
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(allIdle(), 60000);
        int finished = 0;
        for (auto &r : runners)
            finished += r->finished().size();
        QCOMPARE(finished, 4);
        for (const JobRecord &j : cs.jobs().jobsForRun(run)) {
            if (j.id == probe)
                continue;
            QCOMPARE(j.state, JobState::Completed);
            QCOMPARE(j.attempts, 1);
        }
        int claims = 0;
        for (const AuditEntry &e : cs.audit().entries(run))
            claims += e.action == QLatin1String("job.claim") ? 1 : 0;
        QCOMPARE(claims, 4);
        for (const TableSpec &t : std::as_const(tables)) {
            const QStringList diff = f.differences(plan, t.name);
            QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
        }
        QVERIFY(cs.audit().verifyAudit(run).ok);
    }

    void backfillCompletesWithAnExactCopy()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_jr_copy"));
        fillNumbers(f.source(), QStringLiteral("items"), 5000);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("items"))});
        f.applySchema(plan);
        const qint64 run = runOf(plan);

        std::mutex m;
        QList<JobProgress> samples;
        JobRunner runner(plan, run, ControlStoreLocation::fromPlan(plan), options(QStringLiteral("w1"), 250));
        runner.setProgressCallback([&](const JobProgress &p) {
            std::lock_guard lock(m);
            samples.append(p);
        });
        const qint64 id = runner.startJob(JobSpec::Kind::Backfill, QStringLiteral("items"));
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(runner, id).has_value(), 30000);
        const JobRunner::Finished done = *finishedJob(runner, id);
        QVERIFY2(done.state == JobState::Completed, qPrintable(done.error));
        QCOMPARE(done.rowsDone, qint64(5000));
        const QStringList diff = f.differences(plan, QStringLiteral("items"));
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));

        // One record, completed, claimed once by this worker.
        ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
        const QList<JobRecord> jobs = cs.jobs().jobsForRun(run);
        QCOMPARE(jobs.size(), 1);
        QCOMPARE(jobs.first().state, JobState::Completed);
        QCOMPARE(jobs.first().workerId, QStringLiteral("w1"));
        QCOMPARE(jobs.first().attempts, 1);
        QCOMPARE(cs.jobs().loadCheckpoint(id)->rowsDone, qint64(5000));

        // Progress: an exact total (COUNT for a small table), the final sample.
        std::lock_guard lock(m);
        QVERIFY(!samples.isEmpty());
        QCOMPARE(samples.last().state, JobState::Completed);
        QCOMPARE(samples.last().rowsDone, qint64(5000));
        QCOMPARE(samples.last().rowsTotal, qint64(5000));
        QCOMPARE(samples.last().etaSeconds, 0.0);
        // The audit log says who asked for it and who ran it.
        QStringList actions;
        for (const AuditEntry &e : cs.audit().entries(run))
            actions << e.action;
        QVERIFY2(actions.contains(QStringLiteral("job.enqueue")) && actions.contains(QStringLiteral("job.claim")) &&
                     actions.contains(QStringLiteral("backfill.complete")),
                 qPrintable(actions.join(QLatin1Char(' '))));
        // A second backfill of the same table while none is unfinished is
        // allowed; while one is, it is refused.
        JobQueue q(cs, plan, run, QStringLiteral("tester"));
        const auto again = q.enqueue(JobSpec::Kind::Backfill, QStringLiteral("items"));
        QVERIFY(again.applied);
        const auto twice = q.enqueue(JobSpec::Kind::Backfill, QStringLiteral("items"));
        QVERIFY(!twice.applied);
        QVERIFY2(twice.refusal.contains(QStringLiteral("already queued")), qPrintable(twice.refusal));
        QVERIFY(!q.enqueue(JobSpec::Kind::Backfill, QStringLiteral("nope")).applied);
        // Paused while queued, then resumed with no worker holding it: back
        // to the queue, for whichever worker comes first.
        QCOMPARE(q.pause(again.job.id).job.state, JobState::Paused);
        const auto back = q.resume(again.job.id);
        QVERIFY2(back.applied, qPrintable(back.refusal));
        QCOMPARE(back.job.state, JobState::Queued);
        QVERIFY(!q.resume(again.job.id).applied); // not paused any more
        QVERIFY(!q.throttle(again.job.id, -5).applied);
        QVERIFY(q.throttle(again.job.id, 250).applied);
        QCOMPARE(JobQueue::maxRowsPerSecond(*cs.jobs().job(again.job.id)).value_or(0), 250.0);
    }

    void progressSamplesAreThrottled()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_jr_rate"));
        fillNumbers(f.source(), QStringLiteral("items"), 20000);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("items"))});
        f.applySchema(plan);
        std::mutex m;
        QList<JobProgress> samples;
        // Tiny batches: far more batches per second than samples allowed.
        JobRunner runner(plan, runOf(plan), ControlStoreLocation::fromPlan(plan), options(QStringLiteral("w1"), 20));
        runner.setProgressCallback([&](const JobProgress &p) {
            std::lock_guard lock(m);
            samples.append(p);
        });
        const qint64 id = runner.startJob(JobSpec::Kind::Backfill, QStringLiteral("items"));
        // Still ~200 batches a second, but the copy outlasts the 2 s window
        // even on a quiet machine (unthrottled it finished first, and the
        // cancel below was refused).
        QVERIFY(runner.setMaxRowsPerSecond(id, 4000));
        QTest::qWait(2000);
        QVERIFY(runner.cancel(id));
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(runner, id).has_value(), 10000);
        std::lock_guard lock(m);
        int running = 0;
        qint64 first = 0, last = 0;
        for (const JobProgress &p : std::as_const(samples)) {
            if (p.state != JobState::Running || p.detail != QLatin1String("running"))
                continue;
            ++running;
            const qint64 ms = p.at.toMSecsSinceEpoch();
            first = first ? std::min(first, ms) : ms;
            last = std::max(last, ms);
        }
        QVERIFY2(running >= 5, qPrintable(QString::number(running)));
        const double perSecond = running / std::max(0.5, (last - first) / 1000.0);
        QVERIFY2(perSecond <= 12, qPrintable(QStringLiteral("%1 samples/s").arg(perSecond)));
        QVERIFY(checkpointRows(plan, id) > 40); // many batches really ran
        QCOMPARE(finishedJob(runner, id)->state, JobState::Cancelled);
    }

    void pauseHoldsAndResumeFinishes()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_jr_pause"));
        fillNumbers(f.source(), QStringLiteral("items"), 6000);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("items"))});
        f.applySchema(plan);
        JobRunner runner(plan, runOf(plan), ControlStoreLocation::fromPlan(plan), options(QStringLiteral("w1")));
        const qint64 id = runner.startJob(JobSpec::Kind::Backfill, QStringLiteral("items"));
        QVERIFY(runner.setMaxRowsPerSecond(id, 2000));
        QTRY_VERIFY_WITH_TIMEOUT(checkpointRows(plan, id) >= 1000, 20000);
        QString why;
        QVERIFY2(runner.pause(id, &why), qPrintable(why));
        QCOMPARE(record(plan, id).state, JobState::Paused);
        QTest::qWait(500); // the batch in flight ends
        const qint64 held = checkpointRows(plan, id);
        QTest::qWait(1500);
        QCOMPARE(checkpointRows(plan, id), held);
        QVERIFY(held < 6000);
        QCOMPARE(runner.progress().value(0).state, JobState::Paused);
        // Pausing twice is refused with the reason.
        QVERIFY(!runner.pause(id, &why));
        QVERIFY2(why.contains(QStringLiteral("paused")), qPrintable(why));

        QVERIFY2(runner.resume(id, &why), qPrintable(why));
        QCOMPARE(record(plan, id).state, JobState::Running);
        QVERIFY(runner.setMaxRowsPerSecond(id, 0));
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(runner, id).has_value(), 30000);
        QCOMPARE(finishedJob(runner, id)->state, JobState::Completed);
        const QStringList diff = f.differences(plan, QStringLiteral("items"));
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
        // Resumed in place by the same worker, not released and re-claimed.
        QCOMPARE(record(plan, id).workerId, QStringLiteral("w1"));
        ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
        int claims = 0;
        for (const AuditEntry &e : cs.audit().entries(record(plan, id).runId))
            claims += e.action == QLatin1String("job.claim") ? 1 : 0;
        QCOMPARE(claims, 1);
    }

    void throttleChangesTheRateOfARunningJob()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_jr_throttle"));
        fillNumbers(f.source(), QStringLiteral("items"), 40000);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("items"))});
        f.applySchema(plan);
        const qint64 run = runOf(plan);
        JobRunner runner(plan, run, ControlStoreLocation::fromPlan(plan), options(QStringLiteral("w1"), 100));
        const qint64 id = runner.startJob(JobSpec::Kind::Backfill, QStringLiteral("items"));
        QVERIFY(runner.setMaxRowsPerSecond(id, 500));
        QTest::qWait(700);
        const double slow = observedRate(plan, id, 2500);
        QVERIFY(runner.setMaxRowsPerSecond(id, 5000));
        QTest::qWait(700);
        const double fast = observedRate(plan, id, 2500);
        qInfo("observed %.0f rows/s at 500, %.0f rows/s at 5000", slow, fast);
        QVERIFY2(slow > 200 && slow < 800, qPrintable(QString::number(slow)));
        QVERIFY2(fast > 2 * slow && fast > 1500, qPrintable(QString::number(fast)));
        // The throttle lives in the job's params, for workers elsewhere.
        QCOMPARE(JobQueue::maxRowsPerSecond(record(plan, id)).value_or(-1), 5000.0);
        QCOMPARE(runner.progress().value(0).maxRowsPerSecond, 5000.0);
        QVERIFY(runner.cancel(id));
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(runner, id).has_value(), 10000);
    }

    void cancelFromAnotherStoreIsSeenWithinASecond()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_jr_cancel"));
        fillNumbers(f.source(), QStringLiteral("items"), 20000);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("items"))});
        f.applySchema(plan);
        const qint64 run = runOf(plan);
        JobRunner runner(plan, run, ControlStoreLocation::fromPlan(plan), options(QStringLiteral("w1")));
        runner.start();
        // Enqueued by "another process": the runner claims it from the queue.
        ControlStore other = ControlStore::open(ControlStoreLocation::fromPlan(plan));
        JobQueue queue(other, plan, run, QStringLiteral("ann"));
        const auto enq = queue.enqueue(JobSpec::Kind::Backfill, QStringLiteral("items"), std::nullopt,
                                       {{QStringLiteral("maxRowsPerSecond"), 1500}});
        QVERIFY2(enq.applied, qPrintable(enq.refusal));
        const qint64 id = enq.job.id;
        QTRY_VERIFY_WITH_TIMEOUT(checkpointRows(plan, id) >= 600, 20000);
        QCOMPARE(runner.progress().value(0).maxRowsPerSecond, 1500.0);

        // A pause and a resume written elsewhere reach the job too.
        QVERIFY(queue.pause(id).applied);
        QTRY_COMPARE_WITH_TIMEOUT(runner.progress().value(0).state, JobState::Paused, 1500);
        const auto resumed = queue.resume(id);
        QVERIFY(resumed.applied);
        QCOMPARE(resumed.job.state, JobState::Running); // the worker is alive: resumed in place
        QTRY_COMPARE_WITH_TIMEOUT(runner.progress().value(0).state, JobState::Running, 1500);

        QElapsedTimer t;
        t.start();
        QVERIFY(queue.cancel(id).applied);
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(runner, id).has_value(), 3000);
        qInfo("cancel seen and the job stopped after %lld ms", t.elapsed());
        QVERIFY2(t.elapsed() < 1200, qPrintable(QString::number(t.elapsed())));
        const qint64 at = checkpointRows(plan, id);
        QTest::qWait(700);
        QCOMPARE(checkpointRows(plan, id), at);
        QVERIFY(at > 0 && at < 20000);
        QCOMPARE(record(plan, id).state, JobState::Cancelled);
        QCOMPARE(finishedJob(runner, id)->state, JobState::Cancelled);

        // A new backfill of the table continues from the cancelled one's checkpoint.
        const qint64 next = runner.startJob(JobSpec::Kind::Backfill, QStringLiteral("items"));
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(runner, next).has_value(), 30000);
        QCOMPARE(finishedJob(runner, next)->state, JobState::Completed);
        QCOMPARE(checkpointRows(plan, next), qint64(20000));
        const QStringList diff = f.differences(plan, QStringLiteral("items"));
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
    }

    void liveLeaseIsRespectedAndAnExpiredOneTakenOver()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_jr_lease"));
        fillNumbers(f.source(), QStringLiteral("items"), 8000);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("items"))});
        f.applySchema(plan);
        const qint64 run = runOf(plan);
        const ControlStoreLocation loc = ControlStoreLocation::fromPlan(plan);
        ControlStore cs = ControlStore::open(loc);
        JobQueue queue(cs, plan, run, QStringLiteral("tester"));
        const qint64 id = queue.enqueue(JobSpec::Kind::Backfill, QStringLiteral("items")).job.id;

        // A worker that dies mid-copy: it claimed the job, copied part of the
        // table (checkpoint saved), then stopped heartbeating without a word.
        QVERIFY(cs.jobs().claimJob(id, QStringLiteral("dead"), QStringLiteral("gone"),
                                   QDateTime::currentDateTimeUtc()));
        {
            BackfillJob::Options o;
            o.jobId = id;
            o.batchRows = 250;
            o.workerId = QStringLiteral("dead");
            BackfillJob partial(plan, QStringLiteral("items"), loc, run, o);
            partial.setHook([&](BackfillJob::Hook h, const KeyCursor &, qint64 n) {
                if (h == BackfillJob::Hook::AfterCheckpoint && n == 8)
                    partial.cancel();
            });
            QCOMPARE(partial.run().state, BackfillState::Cancelled);
        }
        QCOMPARE(checkpointRows(plan, id), qint64(2000));
        QCOMPARE(record(plan, id).state, JobState::Running);
        QVERIFY(cs.jobs().renewLease(id, QStringLiteral("dead")));

        JobRunner::Options o = options(QStringLiteral("w2"), 250);
        o.lease = std::chrono::milliseconds(2500);
        JobRunner runner(plan, run, loc, o);
        runner.start();
        QTest::qWait(1200);
        // The lease is still live: the job is not taken.
        QCOMPARE(record(plan, id).workerId, QStringLiteral("dead"));
        QVERIFY(runner.progress().isEmpty());
        QVERIFY(!runner.isIdle());

        // Expired: taken over, resumed from the checkpoint, finished.
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(runner, id).has_value(), 30000);
        QCOMPARE(finishedJob(runner, id)->state, JobState::Completed);
        const JobRecord j = record(plan, id);
        QCOMPARE(j.workerId, QStringLiteral("w2"));
        QCOMPARE(j.attempts, 2);
        QCOMPARE(checkpointRows(plan, id), qint64(8000)); // 2000 + 6000: nothing copied twice
        const QStringList diff = f.differences(plan, QStringLiteral("items"));
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
        bool tookOver = false;
        for (const AuditEntry &e : cs.audit().entries(run))
            tookOver = tookOver || (e.action == QLatin1String("job.claim") && e.reason.contains(QStringLiteral("lease expired")));
        QVERIFY(tookOver);
        QTRY_VERIFY_WITH_TIMEOUT(runner.isIdle(), 3000);
    }

    void liveRunnerKeepsItsJobAndReleasesItOnStop()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_jr_release"));
        fillNumbers(f.source(), QStringLiteral("items"), 12000);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("items"))});
        f.applySchema(plan);
        const qint64 run = runOf(plan);
        const ControlStoreLocation loc = ControlStoreLocation::fromPlan(plan);
        JobRunner::Options oa = options(QStringLiteral("A"));
        oa.lease = std::chrono::milliseconds(1500);
        JobRunner::Options ob = options(QStringLiteral("B"));
        ob.lease = std::chrono::milliseconds(1500);
        auto a = std::make_unique<JobRunner>(plan, run, loc, oa);
        JobRunner b(plan, run, loc, ob);
        const qint64 id = a->startJob(JobSpec::Kind::Backfill, QStringLiteral("items"));
        QVERIFY(a->setMaxRowsPerSecond(id, 1500));
        QTRY_VERIFY_WITH_TIMEOUT(checkpointRows(plan, id) > 0, 20000);
        b.start();
        // Longer than the lease: A's heartbeats keep B away.
        QTest::qWait(3000);
        QVERIFY(b.progress().isEmpty());
        QCOMPARE(record(plan, id).workerId, QStringLiteral("A"));
        QCOMPARE(record(plan, id).attempts, 1);

        // A stops (Ctrl-C of a worker): the job goes back to the queue with
        // its checkpoint, and B picks it up from there.
        a->stop();
        QCOMPARE(a->finished().value(0).state, JobState::Queued);
        const qint64 at = checkpointRows(plan, id);
        QVERIFY(at > 0 && at < 12000);
        a.reset();
        QVERIFY(b.setMaxRowsPerSecond(id, 0));
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(b, id).has_value(), 30000);
        QCOMPARE(finishedJob(b, id)->state, JobState::Completed);
        QCOMPARE(record(plan, id).workerId, QStringLiteral("B"));
        QCOMPARE(checkpointRows(plan, id), qint64(12000));
        const QStringList diff = f.differences(plan, QStringLiteral("items"));
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
    }

    void validationRunsThroughTheRunner()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_jr_validate"));
        fillNumbers(f.source(), QStringLiteral("items"), 3000);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("items"))});
        f.applySchema(plan);
        const qint64 run = runOf(plan);
        JobRunner runner(plan, run, ControlStoreLocation::fromPlan(plan), options(QStringLiteral("w1")));
        const qint64 copy = runner.startJob(JobSpec::Kind::Backfill, QStringLiteral("items"));
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(runner, copy).has_value(), 30000);

        auto verdict = [&](qint64 id) {
            ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
            const auto cp = cs.jobs().loadCheckpoint(id);
            return cp ? ValidationCheckpoint::fromJson(cp->lastKeyJson).value_or(ValidationCheckpoint{}).verdict
                      : QString();
        };
        const qint64 clean = runner.startJob(JobSpec::Kind::Validate, QStringLiteral("items"),
                                             JobSpec::ValidateMode::Checksum);
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(runner, clean).has_value(), 30000);
        QCOMPARE(finishedJob(runner, clean)->state, JobState::Completed);
        QCOMPARE(verdict(clean), QStringLiteral("pass"));
        QCOMPARE(JobQueue::mode(record(plan, clean)), QStringLiteral("checksum"));

        // Broken target: the same path finds it.
        f.target().exec(QStringLiteral("UPDATE items SET v = 'drift' WHERE id = 1717"));
        const qint64 broken = runner.startJob(JobSpec::Kind::Validate, QStringLiteral("items"),
                                              JobSpec::ValidateMode::Full);
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(runner, broken).has_value(), 30000);
        QCOMPARE(finishedJob(runner, broken)->state, JobState::Completed);
        QCOMPARE(verdict(broken), QStringLiteral("fail"));
        QCOMPARE(finishedJob(runner, broken)->rowsDone, qint64(3000));

        ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
        int validateJobs = 0;
        for (const JobRecord &j : cs.jobs().jobsForRun(run))
            validateJobs += j.kind == JobSpec::Kind::Validate ? 1 : 0;
        QCOMPARE(validateJobs, 2); // the runner's records, no duplicates made by the job
    }

    void reverseSyncRunsUntilStoppedAndIsReleased()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_jr_reverse"));
        fillNumbers(f.source(), QStringLiteral("items"), 500);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("items"))});
        f.applySchema(plan);
        const qint64 run = runOf(plan);
        const ControlStoreLocation loc = ControlStoreLocation::fromPlan(plan);
        auto runner = std::make_unique<JobRunner>(plan, run, loc, options(QStringLiteral("w1")));
        const qint64 copy = runner->startJob(JobSpec::Kind::Backfill, QStringLiteral("items"));
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(*runner, copy).has_value(), 30000);

        // Without change capture the job fails, with the job's own reason.
        const qint64 early = runner->startJob(JobSpec::Kind::ReverseSync, QStringLiteral("items"));
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(*runner, early).has_value(), 15000);
        QCOMPARE(record(plan, early).state, JobState::Failed);
        QVERIFY2(record(plan, early).lastError.contains(QStringLiteral("change capture is not installed")),
                 qPrintable(record(plan, early).lastError));

        ChangeCapture(plan, f.target()).install({QStringLiteral("items")});
        // PostgreSQL is now the only side the application writes: what the
        // capture records.
        FlagSet flags = FlagReader(f.target()).read().flags;
        QVERIFY(flags.setFromText(QStringLiteral("write_target"), QStringLiteral("on")).isEmpty());
        QVERIFY(flags.setFromText(QStringLiteral("write_source"), QStringLiteral("off")).isEmpty());
        FlagPublisher(f.target()).publish(flags, QStringLiteral("tester"), QStringLiteral("test"));
        const qint64 id = runner->startJob(JobSpec::Kind::ReverseSync, QStringLiteral("items"));
        f.target().exec(QStringLiteral("UPDATE items SET v = 'written on the target' WHERE id = 42"));
        QTRY_COMPARE_WITH_TIMEOUT(f.source().query(QStringLiteral("SELECT v FROM items WHERE id = 42")).scalar(),
                                  QStringLiteral("written on the target"), 15000);
        QCOMPARE(runner->progress().value(0).state, JobState::Running);
        QTRY_VERIFY_WITH_TIMEOUT(runner->progress().value(0).rowsDone >= 1, 3000);

        // A worker stopping hands the job back to the queue, not cancelled.
        runner.reset();
        QCOMPARE(record(plan, id).state, JobState::Queued);
        // The next runner picks it up and keeps applying.
        JobRunner next(plan, run, loc, options(QStringLiteral("w2")));
        next.start();
        QTRY_COMPARE_WITH_TIMEOUT(record(plan, id).workerId, QStringLiteral("w2"), 5000);
        f.target().exec(QStringLiteral("DELETE FROM items WHERE id = 43"));
        QTRY_COMPARE_WITH_TIMEOUT(f.source().query(QStringLiteral("SELECT COUNT(*) FROM items WHERE id = 43")).scalar(),
                                  QStringLiteral("0"), 15000);
        QVERIFY(next.cancel(id));
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(next, id).has_value(), 5000);
        QCOMPARE(record(plan, id).state, JobState::Cancelled);
    }

    void repairDrainRepairsTheQueuedKeys()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_jr_repair"));
        fillNumbers(f.source(), QStringLiteral("items"), 50);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("items"))});
        f.applySchema(plan);
        const qint64 run = runOf(plan);
        JobRunner runner(plan, run, ControlStoreLocation::fromPlan(plan), options(QStringLiteral("w1")));
        const qint64 copy = runner.startJob(JobSpec::Kind::Backfill, QStringLiteral("items"));
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(runner, copy).has_value(), 30000);

        // A secondary write that failed: the target row is stale, the client
        // library queued the key.
        ensureTargetTables(f.target());
        f.target().exec(QStringLiteral("UPDATE items SET v = 'stale' WHERE id = 3"));
        f.target().exec(QStringLiteral("INSERT INTO switchyard.repair_queue (table_name, key_json, entity_id,"
                                       " operation, error, failed_at) VALUES ('items', '[3]', '3', 'upsert',"
                                       " 'simulated: target unreachable', now())"));
        QVERIFY(!f.differences(plan, QStringLiteral("items")).isEmpty());

        ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
        JobQueue queue(cs, plan, run, QStringLiteral("tester"));
        const auto enq = queue.enqueue(JobSpec::Kind::Repair, {}, std::nullopt, {{QStringLiteral("follow"), false}});
        QVERIFY2(enq.applied, qPrintable(enq.refusal));
        QTRY_VERIFY_WITH_TIMEOUT(finishedJob(runner, enq.job.id).has_value(), 15000);
        const JobRunner::Finished done = *finishedJob(runner, enq.job.id);
        QVERIFY2(done.state == JobState::Completed, qPrintable(done.error));
        QCOMPARE(done.rowsDone, qint64(1));
        const QStringList diff = f.differences(plan, QStringLiteral("items"));
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
        QTRY_VERIFY_WITH_TIMEOUT(runner.isIdle(), 3000);
    }
};

QTEST_GUILESS_MAIN(TestJobRunner)
#include "tst_jobrunner.moc"
