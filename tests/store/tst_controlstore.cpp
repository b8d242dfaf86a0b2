// The control store's integration test, part 1 (see TestControlStore.h):
// schema and migrations, runs and phase state, jobs and checkpoints,
// mismatches and rejects, metric samples.

#include "TestControlStore.h"

#include "store/ControlStore.h"

#include <QFileInfo>
#include <QTemporaryDir>

#include <atomic>

using namespace switchyard::core;
using namespace switchyard::test;

void TestControlStore::initTestCase()
{
    if (!m_env.initPostgres(&m_pgError))
        m_pgError = QStringLiteral("could not create the PostgreSQL test database: ") + m_pgError;
}

void TestControlStore::cleanupTestCase()
{
    m_env.cleanupPostgres();
}

// A plan's relative SQLite path is resolved against the plan's folder
// (Plan::controlStorePath()), and open(plan) creates the file there.
void TestControlStore::opensThePlansStore()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Plan plan;
    plan.filePath = dir.filePath(QStringLiteral("plan.yaml"));
    plan.migration.name = QStringLiteral("users-to-postgres");
    plan.controlStore.kind = ControlStoreSettings::Kind::Sqlite;
    plan.controlStore.location = QStringLiteral("stores/ctl.sqlite");
    STORE_TRY
    ControlStore store = ControlStore::open(plan);
    QCOMPARE(store.location().sqlitePath, dir.filePath(QStringLiteral("stores/ctl.sqlite")));
    QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("stores/ctl.sqlite"))));
    QCOMPARE(store.backend(), StoreError::Backend::Sqlite);
    QVERIFY(store.location().describe().contains(QLatin1String("stores/ctl.sqlite")));
    STORE_CATCH
}

void TestControlStore::openCreatesSchema_data()
{
    addBackends();
}

void TestControlStore::openCreatesSchema()
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

void TestControlStore::migrationsAreIdempotent_data()
{
    addBackends();
}

void TestControlStore::migrationsAreIdempotent()
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

void TestControlStore::refusesNewerSchema_data()
{
    addBackends();
}

void TestControlStore::refusesNewerSchema()
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

void TestControlStore::checkpointsUpsertAndReload_data()
{
    addBackends();
}

void TestControlStore::checkpointsUpsertAndReload()
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

void TestControlStore::transactionIsAllOrNothing_data()
{
    addBackends();
}

// A batch's rejects and its checkpoint go in together or not at all.
void TestControlStore::transactionIsAllOrNothing()
{
    STORE_LOCATION(loc);
    STORE_TRY
    ControlStore store = ControlStore::open(loc);
    const qint64 run = store.runs().ensureRun(QStringLiteral("m"), QStringLiteral("/p.yaml"), QStringLiteral("h1"));
    const JobRecord job = store.jobs().createJob({run, JobSpec::Kind::Backfill, QStringLiteral("users")});
    RejectRecord reject;
    reject.runId = run;
    reject.tableName = QStringLiteral("users");
    reject.keyJson = QStringLiteral("[42]");
    reject.column = QStringLiteral("flag");
    reject.reason = QStringLiteral("not a boolean");
    reject.rawValue = QByteArray("2");
    bool threw = false;
    try {
        store.transaction(QStringLiteral("failing batch"), [&] {
            store.mismatches().addRejects({reject});
            store.jobs().saveCheckpoint(job.id, {QStringLiteral("[100]"), 100, 1, {}});
            throw std::runtime_error("the process dies here");
        });
    } catch (const std::runtime_error &) {
        threw = true;
    }
    QVERIFY(threw);
    QCOMPARE(store.mismatches().countRejects(run), 0);
    QVERIFY(!store.jobs().loadCheckpoint(job.id));

    store.transaction(QStringLiteral("batch"), [&] {
        store.mismatches().addRejects({reject});
        store.jobs().saveCheckpoint(job.id, {QStringLiteral("[100]"), 100, 1, {}});
    });
    ControlStore reopened = ControlStore::open(loc);
    QCOMPARE(reopened.mismatches().countRejects(run), 1);
    QCOMPARE(reopened.jobs().loadCheckpoint(job.id)->rowsDone, 100);
    STORE_CATCH
}

void TestControlStore::jobLifecycle_data()
{
    addBackends();
}

void TestControlStore::jobLifecycle()
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

void TestControlStore::phaseStateRefusesStaleUpdates_data()
{
    addBackends();
}

void TestControlStore::phaseStateRefusesStaleUpdates()
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

void TestControlStore::mismatchUpsertDedupes_data()
{
    addBackends();
}

void TestControlStore::mismatchUpsertDedupes()
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

void TestControlStore::mismatchPagingAndFilters_data()
{
    addBackends();
}

void TestControlStore::mismatchPagingAndFilters()
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

void TestControlStore::rejectsKeepRawBytes_data()
{
    addBackends();
}

void TestControlStore::rejectsKeepRawBytes()
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

void TestControlStore::samplesAppendQueryPrune_data()
{
    addBackends();
}

void TestControlStore::samplesAppendQueryPrune()
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

int main(int argc, char **argv)
{
    if (argc == 4 && qstrcmp(argv[1], "--durability-child") == 0) {
        QCoreApplication app(argc, argv);
        return durabilityChild(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    }
    QCoreApplication app(argc, argv);
    TestControlStore test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
