// The control store's validation summaries (ValidationRepository, migration
// 2) on both back ends: a store made by a build that only knew version 1 is
// upgraded in place; a summary is written, re-written by a resumed job (one
// row per job), read back field by field, and the newest summary per table
// is what the report and gates get.

#include "StoreTestEnv.h"
#include "TestSupport.h"
#include "store/ControlStore.h"

#include <QtTest>

using namespace switchyard::core;
using namespace switchyard::test;

#define STORE_LOCATION(loc)                                                                  \
    QFETCH(QString, backend);                                                                \
    if (backend == QLatin1String("postgresql")) {                                            \
        SWITCHYARD_NEED_SANDBOX(sb);                                                         \
        Q_UNUSED(sb);                                                                        \
        QVERIFY2(m_env.hasPostgres(), qPrintable(m_pgError));                                \
    }                                                                                        \
    const ControlStoreLocation loc = m_env.freshLocation(backend)

namespace {

ValidationSummary summary(qint64 run, qint64 job, const QString &table, const QString &mode, const QString &verdict)
{
    ValidationSummary s;
    s.runId = run;
    s.jobId = job;
    s.tableName = table;
    s.mode = mode;
    s.state = QStringLiteral("completed");
    s.verdict = verdict;
    s.sourceRows = 1000;
    s.targetRows = 999;
    s.rowsChecked = 1000;
    s.chunksChecked = 10;
    s.chunksTotal = 10;
    s.uncheckedCount = 1;
    s.uncheckedReasons = {QStringLiteral("range ([100], [200]]: lock wait timeout")};
    s.sampleSize = mode == QLatin1String("sample") ? 3000 : 0;
    s.confidence = mode == QLatin1String("sample") ? 0.9502 : 0;
    s.mismatchesFound = 3;
    s.open = 1;
    s.inFlight = 1;
    s.resolved = 2;
    s.repaired = 4;
    s.accepted = 5;
    s.statement = QStringLiteral("every row compared");
    s.startedAt = QDateTime(QDate(2026, 5, 1), QTime(12, 0, 0), Qt::UTC);
    s.finishedAt = QDateTime(QDate(2026, 5, 1), QTime(12, 5, 0), Qt::UTC);
    return s;
}

qint64 newJob(ControlStore &store, qint64 run, const QString &table)
{
    NewJob j;
    j.runId = run;
    j.kind = JobSpec::Kind::Validate;
    j.tableName = table;
    return store.jobs().createJob(j).id;
}

} // namespace

class TestValidationSummary : public QObject
{
    Q_OBJECT

private:
    StoreTestEnv m_env;
    QString m_pgError;

private Q_SLOTS:
    void initTestCase()
    {
        if (!m_env.initPostgres(&m_pgError))
            m_pgError = QStringLiteral("could not create the PostgreSQL test database: ") + m_pgError;
    }
    void cleanupTestCase() { m_env.cleanupPostgres(); }

    void upgradesAVersion1Store_data() { addBackends(); }
    void upgradesAVersion1Store()
    {
        STORE_LOCATION(loc);
        { ControlStore::open(loc); }
        {
            // Back to what a version-1 build left behind.
            RawSql raw(loc);
            QVERIFY2(raw.exec(QStringLiteral("DROP TABLE validation_summaries")), qPrintable(raw.lastError()));
            QVERIFY2(raw.exec(QStringLiteral("DELETE FROM schema_migrations WHERE version >= 2")),
                     qPrintable(raw.lastError()));
            QVERIFY(raw.exec(QStringLiteral("SELECT 1 FROM runs")));
            QVERIFY(!raw.exec(QStringLiteral("SELECT 1 FROM validation_summaries")));
        }
        ControlStore store = ControlStore::open(loc);
        QCOMPARE(store.schemaVersion(), ControlStore::latestSchemaVersion());
        QVERIFY(ControlStore::latestSchemaVersion() >= 2);
        const qint64 run = store.runs().ensureRun(QStringLiteral("m"), QStringLiteral("p"), QStringLiteral("0"));
        const qint64 job = newJob(store, run, QStringLiteral("users"));
        QCOMPARE(store.validations().saveSummary(summary(run, job, QStringLiteral("users"), QStringLiteral("full"),
                                                         QStringLiteral("pass")))
                     .jobId,
                 job);
    }

    void summariesRoundTrip_data() { addBackends(); }
    void summariesRoundTrip()
    {
        STORE_LOCATION(loc);
        ControlStore store = ControlStore::open(loc);
        const qint64 run = store.runs().ensureRun(QStringLiteral("m"), QStringLiteral("p"), QStringLiteral("0"));
        const qint64 usersFull = newJob(store, run, QStringLiteral("users"));
        const qint64 usersSample = newJob(store, run, QStringLiteral("users"));
        const qint64 orders = newJob(store, run, QStringLiteral("orders"));

        const ValidationSummary want =
            summary(run, usersSample, QStringLiteral("users"), QStringLiteral("sample"), QStringLiteral("unchecked"));
        const ValidationSummary stored = store.validations().saveSummary(want);
        QVERIFY(stored.id > 0);
        const auto got = store.validations().summaryForJob(usersSample);
        QVERIFY(got.has_value());
        QCOMPARE(got->id, stored.id);
        QCOMPARE(got->runId, run);
        QCOMPARE(got->tableName, want.tableName);
        QCOMPARE(got->mode, want.mode);
        QCOMPARE(got->state, want.state);
        QCOMPARE(got->verdict, want.verdict);
        QCOMPARE(got->sourceRows, want.sourceRows);
        QCOMPARE(got->targetRows, want.targetRows);
        QCOMPARE(got->rowsChecked, want.rowsChecked);
        QCOMPARE(got->chunksChecked, want.chunksChecked);
        QCOMPARE(got->chunksTotal, want.chunksTotal);
        QCOMPARE(got->uncheckedCount, want.uncheckedCount);
        QCOMPARE(got->uncheckedReasons, want.uncheckedReasons);
        QCOMPARE(got->sampleSize, want.sampleSize);
        QCOMPARE(got->confidence, want.confidence);
        QCOMPARE(got->mismatchesFound, want.mismatchesFound);
        QCOMPARE(got->open, want.open);
        QCOMPARE(got->inFlight, want.inFlight);
        QCOMPARE(got->resolved, want.resolved);
        QCOMPARE(got->repaired, want.repaired);
        QCOMPARE(got->accepted, want.accepted);
        QCOMPARE(got->statement, want.statement);
        QCOMPARE(got->startedAt, want.startedAt);
        QCOMPARE(got->finishedAt, want.finishedAt);
        QVERIFY(!store.validations().summaryForJob(orders).has_value());

        // A resumed job replaces its row; it does not add one.
        ValidationSummary resumed = want;
        resumed.verdict = QStringLiteral("pass");
        resumed.uncheckedCount = 0;
        resumed.uncheckedReasons.clear();
        resumed.finishedAt = want.finishedAt.addSecs(60);
        QCOMPARE(store.validations().saveSummary(resumed).id, stored.id);
        QCOMPARE(store.validations().summaries(run).size(), 1);
        QCOMPARE(store.validations().summaryForJob(usersSample)->verdict, QStringLiteral("pass"));

        // The newest per table (and per table of one mode).
        ValidationSummary full = summary(run, usersFull, QStringLiteral("users"), QStringLiteral("full"),
                                         QStringLiteral("fail"));
        full.finishedAt = want.finishedAt.addSecs(3600);
        store.validations().saveSummary(full);
        store.validations().saveSummary(
            summary(run, orders, QStringLiteral("orders"), QStringLiteral("checksum"), QStringLiteral("pass")));
        const QList<ValidationSummary> latest = store.validations().latestSummaries(run);
        QCOMPARE(latest.size(), 2);
        QCOMPARE(latest.at(0).tableName, QStringLiteral("orders"));
        QCOMPARE(latest.at(1).jobId, usersFull);
        QCOMPARE(latest.at(1).verdict, QStringLiteral("fail"));
        const QList<ValidationSummary> samples = store.validations().latestSummaries(run, QStringLiteral("sample"));
        QCOMPARE(samples.size(), 1);
        QCOMPARE(samples.at(0).jobId, usersSample);
        QCOMPARE(store.validations().summaries(run, QStringLiteral("users")).size(), 2);
        QCOMPARE(store.validations().summaries(run + 1).size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestValidationSummary)
#include "tst_validationsummary.moc"
