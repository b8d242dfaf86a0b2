// The control store against both back ends: a SQLite file (always) and the
// sandbox's PostgreSQL (skipped without a sandbox unless
// SWITCHYARD_REQUIRE_SANDBOX=1). Every test starts from an empty store.

#include "StoreTestEnv.h"
#include "TestSupport.h"

#include "store/ControlStore.h"

#include <QFileInfo>
#include <QProcess>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <sys/stat.h>

using namespace switchyard::core;
using switchyard::test::RawSql;


// A fresh store location for the current data row ("sqlite" / "postgresql").
#define STORE_LOCATION(loc)                                                                  \
    QFETCH(QString, backend);                                                                \
    if (backend == QLatin1String("postgresql")) {                                            \
        SWITCHYARD_NEED_SANDBOX(sb);                                                         \
        Q_UNUSED(sb);                                                                        \
        QVERIFY2(m_env.hasPostgres(), qPrintable(m_pgError));                                \
    }                                                                                        \
    const ControlStoreLocation loc = m_env.freshLocation(backend)

// Unexpected store errors fail the test with the store's own message.
#define STORE_TRY try {
#define STORE_CATCH                                                                          \
    }                                                                                        \
    catch (const StoreException &e)                                                          \
    {                                                                                        \
        QFAIL(qPrintable(QStringLiteral("unexpected StoreException: ") + e.error().toString())); \
    }

namespace {

void addBackends()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

// Runs `body(i)` on n threads that start together; returns the errors.
QStringList runThreads(int n, const std::function<void(int)> &body)
{
    std::atomic<int> ready{0};
    std::mutex mutex;
    QStringList errors;
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
        threads.emplace_back([&, i] {
            ++ready;
            while (ready.load() < n)
                std::this_thread::yield();
            try {
                body(i);
            } catch (const std::exception &e) {
                std::lock_guard<std::mutex> lock(mutex);
                errors << QString::fromUtf8(e.what());
            }
        });
    }
    for (auto &t : threads)
        t.join();
    return errors;
}

int modeOf(const QString &path)
{
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

AuditEntry auditEntry(qint64 run, const QString &action, const QString &reason = {})
{
    AuditEntry e;
    e.runId = run;
    e.operatorName = QStringLiteral("ann");
    e.action = action;
    e.target = QStringLiteral("test");
    e.reason = reason;
    return e;
}

MismatchRecord mismatchAt(qint64 run, const QString &table, int key, MismatchKind kind, const QStringList &columns)
{
    MismatchRecord m;
    m.runId = run;
    m.tableName = table;
    m.keyJson = QStringLiteral("[%1]").arg(key);
    m.kind = kind;
    m.differingColumns = columns;
    m.sourceRowJson = QStringLiteral("{\"id\":%1}").arg(key);
    m.targetRowJson = QStringLiteral("{\"id\":%1,\"x\":1}").arg(key);
    return m;
}

} // namespace

class TestControlStore : public QObject
{
    Q_OBJECT

private:
    switchyard::test::StoreTestEnv m_env;
    QString m_pgError;

private slots:
    void initTestCase()
    {
        if (!m_env.initPostgres(&m_pgError))
            m_pgError = QStringLiteral("could not create the PostgreSQL test database: ") + m_pgError;
    }

    void cleanupTestCase() { m_env.cleanupPostgres(); }

    void openCreatesSchema_data() { addBackends(); }
    void openCreatesSchema()
    {
        STORE_LOCATION(loc);
        STORE_TRY
        ControlStore store = ControlStore::open(loc);
        QCOMPARE(store.schemaVersion(), ControlStore::latestSchemaVersion());
        RawSql raw(loc);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM schema_migrations")).toInt(),
                 ControlStore::latestSchemaVersion());
        if (backend == QLatin1String("sqlite")) {
            const QString file = loc.sqlitePath;
            QCOMPARE(modeOf(file), 0600);
            QCOMPARE(modeOf(QFileInfo(file).absolutePath()), 0700); // .../store-N/nested
            QCOMPARE(modeOf(QFileInfo(QFileInfo(file).absolutePath()).absolutePath()), 0700); // .../store-N
            QCOMPARE(raw.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
        } else {
            QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM information_schema.tables"
                                               " WHERE table_schema = 'switchyard' AND table_name = 'audit_log'"))
                         .toInt(),
                     1);
        }
        STORE_CATCH
    }

    void migrationsAreIdempotent_data() { addBackends(); }
    void migrationsAreIdempotent()
    {
        STORE_LOCATION(loc);
        STORE_TRY
        // Four threads open the same empty store at the same moment.
        const QStringList errors = runThreads(4, [&](int) {
            ControlStore s = ControlStore::open(loc);
            if (s.schemaVersion() != ControlStore::latestSchemaVersion())
                throw std::runtime_error("wrong schema version");
        });
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        ControlStore again = ControlStore::open(loc);
        ControlStore third = ControlStore::open(loc);
        QCOMPARE(third.schemaVersion(), ControlStore::latestSchemaVersion());
        RawSql raw(loc);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM schema_migrations")).toInt(),
                 ControlStore::latestSchemaVersion());
        STORE_CATCH
    }

    void refusesNewerSchema_data() { addBackends(); }
    void refusesNewerSchema()
    {
        STORE_LOCATION(loc);
        STORE_TRY { ControlStore::open(loc); }
        STORE_CATCH
        const int newer = ControlStore::latestSchemaVersion() + 5;
        {
            RawSql raw(loc);
            QVERIFY2(raw.exec(QStringLiteral("INSERT INTO schema_migrations (version, description, applied_at,"
                                             " applied_by) VALUES (%1, 'from the future', '2030-01-01T00:00:00.000Z',"
                                             " 'Switchyard 9')")
                                  .arg(newer)),
                     qPrintable(raw.lastError()));
        }
        try {
            ControlStore::open(loc);
            QFAIL("a store with a newer schema was opened");
        } catch (const StoreException &e) {
            QCOMPARE(e.error().kind, StoreError::Kind::SchemaTooNew);
            QVERIFY2(e.error().message.contains(QString::number(newer)), qPrintable(e.error().message));
            QVERIFY(!e.error().isRetryable());
        }
    }

    void checkpointsUpsertAndReload_data() { addBackends(); }
    void checkpointsUpsertAndReload()
    {
        STORE_LOCATION(loc);
        STORE_TRY
        ControlStore store = ControlStore::open(loc);
        const qint64 run = store.runs().ensureRun(QStringLiteral("m"), QStringLiteral("/p.yaml"), QStringLiteral("h1"));
        const JobRecord job = store.jobs().createJob({run, JobSpec::Kind::Backfill, QStringLiteral("users")});
        QVERIFY(!store.jobs().loadCheckpoint(job.id));

        store.jobs().saveCheckpoint(job.id, {QStringLiteral("[\"eu\",1017]"), 5000, 5, {}});
        store.jobs().saveCheckpoint(job.id, {QStringLiteral("[\"eu\",2034]"), 10000, 10, {}});
        ControlStore reopened = ControlStore::open(loc);
        const std::optional<Checkpoint> cp = reopened.jobs().loadCheckpoint(job.id);
        QVERIFY(cp);
        QCOMPARE(cp->lastKeyJson, QStringLiteral("[\"eu\",2034]"));
        QCOMPARE(cp->rowsDone, 10000);
        QCOMPARE(cp->batchesDone, 10);
        QVERIFY(cp->updatedAt.isValid());
        RawSql raw(loc);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM checkpoints")).toInt(), 1);
        STORE_CATCH
    }

    void jobLifecycle_data() { addBackends(); }
    void jobLifecycle()
    {
        STORE_LOCATION(loc);
        STORE_TRY
        ControlStore store = ControlStore::open(loc);
        JobRepository &jobs = store.jobs();
        const qint64 run = store.runs().ensureRun(QStringLiteral("m"), QStringLiteral("/p.yaml"), QStringLiteral("h1"));
        const JobRecord a = jobs.createJob({run, JobSpec::Kind::Validate, QStringLiteral("users"), QStringLiteral("{\"mode\":\"full\"}")});
        QCOMPARE(a.state, JobState::Queued);
        QCOMPARE(a.paramsJson, QStringLiteral("{\"mode\":\"full\"}"));
        QVERIFY(!a.startedAt.isValid());

        QVERIFY(jobs.setJobState(a.id, {JobState::Running, {}, false, QStringLiteral("w1"), QStringLiteral("host1"),
                                        {JobState::Queued, JobState::Paused}}));
        // A second worker cannot claim it any more.
        QVERIFY(!jobs.setJobState(a.id, {JobState::Running, {}, false, QStringLiteral("w2"), QStringLiteral("host2"),
                                         {JobState::Queued, JobState::Paused}}));
        jobs.heartbeat(a.id, QStringLiteral("w1"), QStringLiteral("host1"));
        QVERIFY(jobs.setJobState(a.id, {JobState::Failed, QStringLiteral("40001 serialization failure"), true, {}, {}, {}}));
        const JobRecord failed = *jobs.job(a.id);
        QCOMPARE(failed.state, JobState::Failed);
        QCOMPARE(failed.attempts, 1);
        QCOMPARE(failed.workerId, QStringLiteral("w1"));
        QCOMPARE(failed.workerHost, QStringLiteral("host1"));
        QVERIFY(failed.startedAt.isValid());
        QVERIFY(failed.finishedAt.isValid());
        QVERIFY(failed.heartbeatAt.isValid());
        QCOMPARE(failed.lastError, QStringLiteral("40001 serialization failure"));
        QVERIFY(failed.lastErrorRetryable);

        QVERIFY(jobs.setJobState(a.id, {JobState::Running, {}, false, {}, {}, {}}));
        QCOMPARE(jobs.job(a.id)->attempts, 2);
        QVERIFY(!jobs.job(a.id)->finishedAt.isValid());

        const JobRecord b = jobs.createJob({run, JobSpec::Kind::Validate, QStringLiteral("users")});
        jobs.createJob({run, JobSpec::Kind::Backfill, QStringLiteral("users")});
        QCOMPARE(jobs.jobsForRun(run).size(), 3);
        QCOMPARE(jobs.jobsForRun(run).first().id, a.id);
        QCOMPARE(jobs.latestJob(run, JobSpec::Kind::Validate, QStringLiteral("users"))->id, b.id);
        QVERIFY(!jobs.latestJob(run, JobSpec::Kind::Repair, QStringLiteral("users")));

        try {
            jobs.setJobState(a.id + 1000, {JobState::Cancelled, {}, false, {}, {}, {}});
            QFAIL("an unknown job was accepted");
        } catch (const StoreException &e) {
            QCOMPARE(e.error().kind, StoreError::Kind::Usage);
        }
        STORE_CATCH
    }

    void phaseStateRefusesStaleUpdates_data() { addBackends(); }
    void phaseStateRefusesStaleUpdates()
    {
        STORE_LOCATION(loc);
        STORE_TRY
        ControlStore store = ControlStore::open(loc);
        RunRepository &runs = store.runs();
        const qint64 run = runs.ensureRun(QStringLiteral("m"), QStringLiteral("/p.yaml"), QStringLiteral("h1"));
        QCOMPARE(runs.ensureRun(QStringLiteral("m"), QStringLiteral("/elsewhere.yaml"), QStringLiteral("h1")), run);
        QVERIFY(runs.ensureRun(QStringLiteral("m"), QStringLiteral("/p.yaml"), QStringLiteral("h2")) != run);
        QCOMPARE(runs.run(run)->planPath, QStringLiteral("/p.yaml"));

        const PhaseState initial = runs.phaseState(run);
        QCOMPARE(initial.version, 1);
        QCOMPARE(initial.status, PhaseStatus::Pending);

        PhaseState ann = initial;
        ann.status = PhaseStatus::Active;
        ann.updatedBy = QStringLiteral("ann");
        const PhaseUpdateResult first = runs.updatePhaseState(run, initial.version, ann);
        QVERIFY(first.applied);
        QCOMPARE(first.current.version, 2);
        QCOMPARE(first.current.status, PhaseStatus::Active);

        // Bob decided on the state he read before Ann's change.
        PhaseState bob = initial;
        bob.status = PhaseStatus::RolledBack;
        bob.updatedBy = QStringLiteral("bob");
        PhaseTransition t;
        t.fromPhase = 0;
        t.toPhase = 0;
        t.toStatus = PhaseStatus::RolledBack;
        t.operatorName = QStringLiteral("bob");
        const PhaseUpdateResult stale =
            runs.transitionPhase(run, initial.version, bob, t, auditEntry(run, QStringLiteral("phase.rollback")));
        QVERIFY(!stale.applied);
        QCOMPARE(stale.current.version, 2);
        QCOMPARE(stale.current.updatedBy, QStringLiteral("ann"));
        QVERIFY(runs.phaseHistory(run).isEmpty());
        QVERIFY(!store.audit().head(run));

        // With the version he now sees, his transition goes through, with
        // history and audit in the same transaction.
        t.reason = QStringLiteral("lag too high");
        t.evidenceJson = QStringLiteral("{\"lag\":42}");
        const PhaseUpdateResult ok =
            runs.transitionPhase(run, stale.current.version, bob, t, auditEntry(run, QStringLiteral("phase.rollback")));
        QVERIFY(ok.applied);
        QCOMPARE(ok.current.version, 3);
        QCOMPARE(runs.phaseHistory(run).size(), 1);
        QCOMPARE(runs.phaseHistory(run).first().reason, QStringLiteral("lag too high"));
        QCOMPARE(runs.phaseHistory(run).first().evidenceJson, QStringLiteral("{\"lag\":42}"));
        QCOMPARE(store.audit().head(run)->action, QStringLiteral("phase.rollback"));

        // Two connections race on the same version: exactly one wins.
        std::atomic<int> applied{0};
        const QStringList errors = runThreads(4, [&](int i) {
            ControlStore mine = ControlStore::open(loc);
            PhaseState s = ok.current;
            s.phaseIndex = 1;
            s.updatedBy = QStringLiteral("op%1").arg(i);
            if (mine.runs().updatePhaseState(run, ok.current.version, s).applied)
                ++applied;
        });
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QCOMPARE(applied.load(), 1);
        QCOMPARE(runs.phaseState(run).version, 4);

        SignOff so;
        so.runId = run;
        so.signer = QStringLiteral("Ann Example");
        so.role = QStringLiteral("DBA");
        so.verdict = QStringLiteral("approved");
        so.reportSha256 = QString(64, QLatin1Char('a'));
        QVERIFY(runs.addSignOff(so).id > 0);
        QCOMPARE(runs.signOffs(run).size(), 1);
        STORE_CATCH
    }

    void mismatchUpsertDedupes_data() { addBackends(); }
    void mismatchUpsertDedupes()
    {
        STORE_LOCATION(loc);
        STORE_TRY
        ControlStore store = ControlStore::open(loc);
        MismatchRepository &mm = store.mismatches();
        const qint64 run = store.runs().ensureRun(QStringLiteral("m"), QStringLiteral("/p.yaml"), QStringLiteral("h1"));
        const MismatchRecord first =
            mm.upsertMismatch(mismatchAt(run, QStringLiteral("users"), 7, MismatchKind::Different, {QStringLiteral("email")}));
        MismatchRecord again = mismatchAt(run, QStringLiteral("users"), 7, MismatchKind::Different,
                                          {QStringLiteral("email"), QStringLiteral("name")});
        const MismatchRecord second = mm.upsertMismatch(again);
        QCOMPARE(second.id, first.id);
        QCOMPARE(second.timesSeen, 2);
        QCOMPARE(second.differingColumns, QStringList({QStringLiteral("email"), QStringLiteral("name")}));
        QCOMPARE(second.firstSeen, first.firstSeen);
        QCOMPARE(mm.countMismatches(run), 1);

        mm.setMismatchStatus(first.id, MismatchStatus::Accepted, QStringLiteral("trailing spaces, harmless"),
                             QStringLiteral("ann"), auditEntry(0, QStringLiteral("mismatch.accept")));
        const MismatchRecord third = mm.upsertMismatch(again);
        QCOMPARE(third.status, MismatchStatus::Accepted);
        QCOMPARE(third.reason, QStringLiteral("trailing spaces, harmless"));
        QCOMPARE(third.acceptedBy, QStringLiteral("ann"));
        QVERIFY(third.acceptedAt.isValid());
        QCOMPARE(store.audit().head(run)->action, QStringLiteral("mismatch.accept"));

        QVERIFY(mm.upsertMismatch(mismatchAt(run, QStringLiteral("users"), 8, MismatchKind::MissingInTarget, {})).id
                != first.id);
        QVERIFY(mm.upsertMismatch(mismatchAt(run, QStringLiteral("orders"), 7, MismatchKind::Different, {})).id
                != first.id);
        QCOMPARE(mm.countMismatches(run), 3);
        STORE_CATCH
    }

    void mismatchPagingAndFilters_data() { addBackends(); }
    void mismatchPagingAndFilters()
    {
        STORE_LOCATION(loc);
        STORE_TRY
        ControlStore store = ControlStore::open(loc);
        MismatchRepository &mm = store.mismatches();
        const qint64 run = store.runs().ensureRun(QStringLiteral("m"), QStringLiteral("/p.yaml"), QStringLiteral("h1"));
        const qint64 otherRun = store.runs().ensureRun(QStringLiteral("m"), QStringLiteral("/p.yaml"), QStringLiteral("h2"));
        // 25 in users (every 5th missing in target, the rest differing in
        // email or email2), 5 in orders, 3 in another run.
        for (int i = 1; i <= 25; ++i) {
            const MismatchKind kind = i % 5 == 0 ? MismatchKind::MissingInTarget : MismatchKind::Different;
            const QStringList cols = kind == MismatchKind::MissingInTarget
                                         ? QStringList()
                                         : QStringList{i % 2 ? QStringLiteral("email") : QStringLiteral("email2")};
            mm.upsertMismatch(mismatchAt(run, QStringLiteral("users"), i, kind, cols));
        }
        for (int i = 1; i <= 5; ++i)
            mm.upsertMismatch(mismatchAt(run, QStringLiteral("orders"), i, MismatchKind::MissingInSource, {}));
        for (int i = 1; i <= 3; ++i)
            mm.upsertMismatch(mismatchAt(otherRun, QStringLiteral("users"), i, MismatchKind::Different, {}));
        const qint64 firstId = mm.mismatches(run, {}, 0, 1).first().id;
        mm.setMismatchStatus(firstId, MismatchStatus::Repaired, QStringLiteral("copied from source"));

        QCOMPARE(mm.countMismatches(run), 30);
        QCOMPARE(mm.countMismatches(run, {QStringLiteral("users"), {}, {}, {}}), 25);
        QCOMPARE(mm.countMismatches(run, {{}, MismatchKind::MissingInTarget, {}, {}}), 5);
        QCOMPARE(mm.countMismatches(run, {{}, MismatchKind::MissingInSource, {}, {}}), 5);
        QCOMPARE(mm.countMismatches(run, {{}, {}, MismatchStatus::Repaired, {}}), 1);
        QCOMPARE(mm.countMismatches(run, {{}, {}, MismatchStatus::Open, {}}), 29);
        // "email" must not match "email2".
        QCOMPARE(mm.countMismatches(run, {{}, {}, {}, QStringLiteral("email")}), 10);
        QCOMPARE(mm.countMismatches(run, {{}, {}, {}, QStringLiteral("email2")}), 10);
        QCOMPARE(mm.countMismatches(run, {QStringLiteral("users"), MismatchKind::Different, MismatchStatus::Open,
                                          QStringLiteral("email")}),
                 9);

        const MismatchFilter users{QStringLiteral("users"), {}, {}, {}};
        QList<qint64> seen;
        for (int offset = 0; offset < 30; offset += 10) {
            const QList<MismatchRecord> page = mm.mismatches(run, users, offset, 10);
            QCOMPARE(page.size(), offset < 20 ? 10 : 5);
            for (const MismatchRecord &r : page) {
                QCOMPARE(r.tableName, QStringLiteral("users"));
                QVERIFY(seen.isEmpty() || r.id > seen.last());
                seen << r.id;
            }
        }
        QCOMPARE(seen.size(), 25);
        QVERIFY(mm.mismatches(run, users, 25, 10).isEmpty());
        STORE_CATCH
    }

    void rejectsKeepRawBytes_data() { addBackends(); }
    void rejectsKeepRawBytes()
    {
        STORE_LOCATION(loc);
        STORE_TRY
        ControlStore store = ControlStore::open(loc);
        const qint64 run = store.runs().ensureRun(QStringLiteral("m"), QStringLiteral("/p.yaml"), QStringLiteral("h1"));
        QList<RejectRecord> list;
        for (int i = 0; i < 250; ++i) { // more than one multi-row insert
            RejectRecord r;
            r.runId = run;
            r.tableName = i < 200 ? QStringLiteral("users") : QStringLiteral("orders");
            r.keyJson = QStringLiteral("[%1]").arg(i);
            r.column = QStringLiteral("born");
            r.reason = QStringLiteral("zero date under policy reject");
            r.rawValue = i == 1 ? QByteArray() : QByteArray("0000-00-00\0\xff", 12);
            list << r;
        }
        QCOMPARE(store.mismatches().addRejects(list), 250);
        QCOMPARE(store.mismatches().countRejects(run), 250);
        QCOMPARE(store.mismatches().countRejects(run, QStringLiteral("orders")), 50);
        const QList<RejectRecord> page = store.mismatches().rejects(run, QStringLiteral("users"), 0, 3);
        QCOMPARE(page.size(), 3);
        QCOMPARE(page[0].rawValue, QByteArray("0000-00-00\0\xff", 12));
        QVERIFY(page[1].rawValue.isNull());
        QVERIFY(page[2].at.isValid());
        STORE_CATCH
    }

    void samplesAppendQueryPrune_data() { addBackends(); }
    void samplesAppendQueryPrune()
    {
        STORE_LOCATION(loc);
        STORE_TRY
        ControlStore store = ControlStore::open(loc);
        MetricRepository &metrics = store.metrics();
        metrics.setAutomaticRetentionInterval(0);
        const qint64 run = store.runs().ensureRun(QStringLiteral("m"), QStringLiteral("/p.yaml"), QStringLiteral("h1"));
        const qint64 now = QDateTime::currentMSecsSinceEpoch() / 60000 * 60000;
        const qint64 day = 24LL * 3600 * 1000;
        const QString rows = QStringLiteral("backfill.rows_per_second:users");
        QList<MetricSample> batch;
        for (int i = 0; i < 600; ++i) // the last 10 minutes, one per second
            batch << MetricSample{run, rows, now - 600000 + i * 1000, double(i), 0};
        for (int m = 0; m < 3; ++m) // two days ago: 3 minutes, 6 samples each
            for (int s = 0; s < 6; ++s)
                batch << MetricSample{run, rows, now - 2 * day + m * 60000 + s * 10000, double(m * 100 + s), 0};
        batch << MetricSample{run, rows, now - 40 * day, 1.0, 0};                      // past retention
        batch << MetricSample{run, QStringLiteral("lag_ms:users"), now, qQNaN(), 0};   // skipped
        batch << MetricSample{run, QStringLiteral("lag_ms:users"), now, 0.1 + 0.2, 0}; // exact double
        QCOMPARE(metrics.appendSamples(batch), 620);
        QCOMPARE(metrics.seriesNames(run), QStringList({QStringLiteral("backfill.rows_per_second:users"),
                                                        QStringLiteral("lag_ms:users")}));
        QCOMPARE(metrics.samples(run, QStringLiteral("lag_ms:users"), now, now).first().value, 0.1 + 0.2);

        const QList<MetricSample> recent = metrics.samples(run, rows, now - 600000, now);
        QCOMPARE(recent.size(), 600);
        QCOMPARE(recent.first().value, 0.0);
        QVERIFY(recent.last().tsMs > recent.first().tsMs);

        metrics.applyRetention(now);
        const QList<MetricSample> old = metrics.samples(run, rows, now - 3 * day, now - day);
        QCOMPARE(old.size(), 3);
        for (int m = 0; m < 3; ++m) {
            QCOMPARE(old[m].tsMs, now - 2 * day + m * 60000);
            QCOMPARE(old[m].value, m * 100 + 2.5); // mean of m*100 + 0..5
            QCOMPARE(old[m].resolutionMs, 60000);
        }
        QVERIFY(metrics.samples(run, rows, 0, now - 31 * day).isEmpty());
        QCOMPARE(metrics.samples(run, rows, now - 600000, now).size(), 600);
        metrics.applyRetention(now); // idempotent
        QCOMPARE(metrics.samples(run, rows, now - 3 * day, now - day).size(), 3);

        QCOMPARE(metrics.pruneSamples(now - 300000), 3 + 300);
        QCOMPARE(metrics.samples(run, rows, 0, now).size(), 300);
        STORE_CATCH
    }

    void auditChainUnderConcurrentAppends_data() { addBackends(); }
    void auditChainUnderConcurrentAppends()
    {
        STORE_LOCATION(loc);
        STORE_TRY
        ControlStore store = ControlStore::open(loc);
        const qint64 run = store.runs().ensureRun(QStringLiteral("m"), QStringLiteral("/p.yaml"), QStringLiteral("h1"));
        std::vector<ControlStore> clones;
        for (int i = 0; i < 4; ++i)
            clones.push_back(store.clone()); // opened lazily on their threads
        const QStringList errors = runThreads(4, [&](int i) {
            for (int n = 0; n < 200; ++n)
                clones[size_t(i)].audit().appendAudit(
                    auditEntry(run, QStringLiteral("t%1").arg(i), QStringLiteral("append %1").arg(n)));
        });
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        const AuditVerification v = store.audit().verifyAudit(run);
        QVERIFY2(v.ok, qPrintable(v.problem));
        QCOMPARE(v.entriesChecked, 800);
        QCOMPARE(store.audit().head(run)->seq, 800);
        QCOMPARE(store.audit().verifyAudit().entriesChecked, 800);
        RawSql raw(loc);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(DISTINCT prev_hash) FROM audit_log")).toInt(), 800);
        STORE_CATCH
    }

    void auditTamperingIsDetected_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QString>("tamper");
        QTest::addColumn<qint64>("badSeq");
        for (const char *backend : {"sqlite", "postgresql"}) {
            auto row = [&](const char *what, qint64 seq) {
                QTest::addRow("%s/%s", backend, what) << QString::fromLatin1(backend) << QString::fromLatin1(what) << seq;
            };
            row("edit reason", 7);
            row("edit and rehash", 8);
            row("delete", 12);
            row("delete first", 1);
            row("swap", 5);
        }
    }

    void auditTamperingIsDetected()
    {
        STORE_LOCATION(loc);
        QFETCH(QString, tamper);
        QFETCH(qint64, badSeq);
        STORE_TRY
        ControlStore store = ControlStore::open(loc);
        const qint64 run = store.runs().ensureRun(QStringLiteral("m"), QStringLiteral("/p.yaml"), QStringLiteral("h1"));
        const qint64 other = store.runs().ensureRun(QStringLiteral("m"), QStringLiteral("/p.yaml"), QStringLiteral("h2"));
        for (int n = 1; n <= 20; ++n) {
            store.audit().appendAudit(auditEntry(run, QStringLiteral("a"), QStringLiteral("reason %1").arg(n)));
            store.audit().appendAudit(auditEntry(other, QStringLiteral("b")));
        }
        QVERIFY(store.audit().verifyAudit().ok);

        RawSql raw(loc);
        // The guards stop accidental edits; tampering starts by removing them.
        QVERIFY(!raw.exec(QStringLiteral("UPDATE audit_log SET reason = 'x' WHERE seq = 7")));
        QVERIFY2(raw.disableAuditGuards(), qPrintable(raw.lastError()));
        const QString where = QStringLiteral(" WHERE run_id = %1 AND seq = ").arg(run);
        bool done = false;
        if (tamper == QLatin1String("edit reason")) {
            done = raw.exec(QStringLiteral("UPDATE audit_log SET reason = 'nothing to see'") + where + QLatin1Char('7'));
        } else if (tamper == QLatin1String("edit and rehash")) {
            AuditEntry e = store.audit().entries(run, 7, 1).first();
            e.reason = QStringLiteral("nothing to see");
            done = raw.exec(QStringLiteral("UPDATE audit_log SET reason = '%1', hash = '%2'")
                                .arg(e.reason, AuditLog::entryHash(e))
                            + where + QLatin1Char('7'));
        } else if (tamper == QLatin1String("delete")) {
            done = raw.exec(QStringLiteral("DELETE FROM audit_log") + where + QStringLiteral("12"));
        } else if (tamper == QLatin1String("delete first")) {
            done = raw.exec(QStringLiteral("DELETE FROM audit_log") + where + QStringLiteral("1"));
        } else if (tamper == QLatin1String("swap")) {
            done = raw.exec(QStringLiteral("UPDATE audit_log SET seq = -1") + where + QStringLiteral("5"))
                   && raw.exec(QStringLiteral("UPDATE audit_log SET seq = 5") + where + QStringLiteral("6"))
                   && raw.exec(QStringLiteral("UPDATE audit_log SET seq = 6") + where + QStringLiteral("-1"));
        }
        QVERIFY2(done, qPrintable(raw.lastError()));

        const AuditVerification bad = store.audit().verifyAudit(run);
        QVERIFY(!bad.ok);
        QCOMPARE(bad.runId, run);
        QCOMPARE(bad.firstBadSeq, badSeq);
        QCOMPARE(bad.entriesChecked, badSeq - 1);
        QVERIFY(!bad.problem.isEmpty());
        const AuditVerification all = store.audit().verifyAudit();
        QVERIFY(!all.ok);
        QCOMPARE(all.firstBadSeq, badSeq);
        QVERIFY(store.audit().verifyAudit(other).ok); // the other run's chain is intact
        STORE_CATCH
    }

    void durableAfterKill_data() { addBackends(); }
    void durableAfterKill()
    {
        STORE_LOCATION(loc);
        STORE_TRY { ControlStore::open(loc); } // the schema exists before the child starts
        STORE_CATCH
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(),
                    {QStringLiteral("--durability-child"), backend,
                     backend == QLatin1String("sqlite") ? loc.sqlitePath : loc.pgConnInfo});
        QVERIFY(child.waitForStarted());
        qint64 job = 0;
        qint64 run = 0;
        qint64 committed = 0;
        QByteArray pending;
        QElapsedTimer clock;
        clock.start();
        while (committed < 30 && clock.elapsed() < 60000 && child.state() == QProcess::Running) {
            child.waitForReadyRead(1000);
            pending += child.readAllStandardOutput();
            qsizetype nl;
            while ((nl = pending.indexOf('\n')) >= 0) {
                const QList<QByteArray> words = pending.left(nl).split(' ');
                pending.remove(0, nl + 1);
                if (words.size() == 4 && words[0] == "job") {
                    job = words[1].toLongLong();
                    run = words[3].toLongLong();
                } else if (words.size() == 2 && words[0] == "committed") {
                    committed = words[1].toLongLong();
                }
            }
        }
        child.kill(); // SIGKILL: no destructor, no atexit, no flush
        QVERIFY(child.waitForFinished(10000));
        QVERIFY2(committed >= 30, "the child did not report 30 commits");
        QVERIFY(job > 0);

        STORE_TRY
        ControlStore store = ControlStore::open(loc);
        const std::optional<Checkpoint> cp = store.jobs().loadCheckpoint(job);
        QVERIFY(cp);
        QVERIFY2(cp->batchesDone >= committed, qPrintable(QStringLiteral("reported %1, found %2").arg(committed).arg(cp->batchesDone)));
        QCOMPARE(cp->rowsDone, cp->batchesDone * 1000);
        const AuditVerification v = store.audit().verifyAudit(run);
        QVERIFY2(v.ok, qPrintable(v.problem));
        QVERIFY(v.entriesChecked >= committed);
        STORE_CATCH
    }

    void connectionBelongsToItsThread_data() { addBackends(); }
    void connectionBelongsToItsThread()
    {
        STORE_LOCATION(loc);
        STORE_TRY
        ControlStore store = ControlStore::open(loc);
        ControlStore clone = store.clone();
        QString kindSeen;
        qint64 runOnThread = 0;
        std::thread([&] {
            try {
                store.runs().runs();
            } catch (const StoreException &e) {
                kindSeen = e.error().kind == StoreError::Kind::Usage ? QStringLiteral("usage") : e.error().toString();
            }
            runOnThread = clone.runs().ensureRun(QStringLiteral("m"), {}, QStringLiteral("h"));
            clone.close();
        }).join();
        QCOMPARE(kindSeen, QStringLiteral("usage"));
        QCOMPARE(store.runs().ensureRun(QStringLiteral("m"), {}, QStringLiteral("h")), runOnThread);
        STORE_CATCH
    }

    void waitsForAnotherWriter_data() { addBackends(); }
    void waitsForAnotherWriter()
    {
        STORE_LOCATION(loc);
        STORE_TRY
        ControlStore store = ControlStore::open(loc);
        const qint64 run = store.runs().ensureRun(QStringLiteral("m"), {}, QStringLiteral("h"));
        RawSql raw(loc);
        // Another process holds the write lock (SQLite) or the chain lock
        // (PostgreSQL) for a moment; the append waits instead of failing.
        QVERIFY(raw.exec(backend == QLatin1String("sqlite") ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN")));
        if (backend != QLatin1String("sqlite"))
            QVERIFY(raw.exec(QStringLiteral("SELECT id FROM runs WHERE id = %1 FOR NO KEY UPDATE").arg(run)));
        std::thread releaser([&raw] {
            std::this_thread::sleep_for(std::chrono::milliseconds(700));
            raw.exec(QStringLiteral("COMMIT"));
        });
        QElapsedTimer clock;
        clock.start();
        const AuditEntry e = store.audit().appendAudit(auditEntry(run, QStringLiteral("after wait")));
        const qint64 waited = clock.elapsed();
        releaser.join();
        QCOMPARE(e.seq, qint64(1));
        QVERIFY2(waited >= 500, qPrintable(QStringLiteral("did not wait: %1 ms").arg(waited)));
        STORE_CATCH
    }

    void keepsNativeErrorCodes_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QString>("code");
        QTest::newRow("sqlite") << QStringLiteral("sqlite") << QStringLiteral("787"); // SQLITE_CONSTRAINT_FOREIGNKEY
        QTest::newRow("postgresql") << QStringLiteral("postgresql") << QStringLiteral("23503"); // foreign_key_violation
    }
    void keepsNativeErrorCodes()
    {
        STORE_LOCATION(loc);
        QFETCH(QString, code);
        ControlStore store = ControlStore::open(loc);
        try {
            store.jobs().createJob({4242, JobSpec::Kind::Backfill, QStringLiteral("users")});
            QFAIL("a job for a run that does not exist was created");
        } catch (const StoreException &e) {
            QCOMPARE(e.error().nativeCode, code);
            QCOMPARE(e.error().kind, StoreError::Kind::Constraint);
            QVERIFY(!e.error().isRetryable());
            QVERIFY2(e.error().context.contains(QLatin1String("create a backfill job for run 4242")),
                     qPrintable(e.error().context));
        }
        // The failed transaction left the connection usable.
        STORE_TRY
        QVERIFY(store.runs().ensureRun(QStringLiteral("m"), {}, QStringLiteral("h")) > 0);
        STORE_CATCH
    }

    void reconnectsAfterConnectionLoss()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        Q_UNUSED(sb);
        QVERIFY2(m_env.hasPostgres(), qPrintable(m_pgError));
        const ControlStoreLocation loc = m_env.freshLocation(QStringLiteral("postgresql"));
        STORE_TRY
        ControlStore store = ControlStore::open(loc);
        const qint64 run = store.runs().ensureRun(QStringLiteral("m"), {}, QStringLiteral("h"));
        {
            RawSql raw(loc);
            QCOMPARE(raw.scalar(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                               " WHERE application_name = 'switchyard-store'"
                                               " AND datname = current_database()"))
                         .toInt(),
                     1);
        }
        try {
            store.runs().phaseState(run);
            QFAIL("a query on a terminated connection succeeded");
        } catch (const StoreException &e) {
            QVERIFY2(e.error().kind == StoreError::Kind::Connection, qPrintable(e.error().toString()));
            QVERIFY(e.error().isRetryable());
            QVERIFY(e.error().needsReconnect());
        }
        QCOMPARE(store.runs().phaseState(run).version, qint64(1)); // reopened by itself
        STORE_CATCH
    }

    void reportsClearErrors()
    {
        auto expectError = [](const ControlStoreLocation &loc, StoreError::Kind kind, const QString &words) {
            try {
                ControlStore::open(loc);
            } catch (const StoreException &e) {
                return e.error().kind == kind && e.error().toString().contains(words)
                           ? QString()
                           : QStringLiteral("got: ") + e.error().toString();
            }
            return QStringLiteral("no error");
        };
        QString why = expectError(ControlStoreLocation::postgresql(QStringLiteral("host=127.0.0.1 password=hunter2")),
                                  StoreError::Kind::Configuration, QStringLiteral("~/.pgpass"));
        QVERIFY2(why.isEmpty(), qPrintable(why));
        why = expectError(ControlStoreLocation::postgresql(QStringLiteral("host=127.0.0.1 port=1 dbname=x connect_timeout=2")),
                          StoreError::Kind::Connection, QStringLiteral("127.0.0.1"));
        QVERIFY2(why.isEmpty(), qPrintable(why));
        why = expectError(ControlStoreLocation::sqlite(QStringLiteral("/proc/switchyard/control.sqlite")),
                          StoreError::Kind::Io, QStringLiteral("/proc/switchyard"));
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }
};

int main(int argc, char **argv)
{
    if (argc == 4 && qstrcmp(argv[1], "--durability-child") == 0) {
        QCoreApplication app(argc, argv);
        return switchyard::test::durabilityChild(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    }
    QCoreApplication app(argc, argv);
    TestControlStore test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_controlstore.moc"
