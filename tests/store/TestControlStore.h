#pragma once
// The control store's integration test, on both back ends: a SQLite file
// (always) and the sandbox's PostgreSQL (skipped without a sandbox unless
// SWITCHYARD_REQUIRE_SANDBOX=1). Every test starts from an empty store.
//
// The cases live in two files: tst_controlstore.cpp (schema, runs and phase
// state, jobs, checkpoints, mismatches, rejects, metrics) and
// tst_controlstore_robustness.cpp (audit chain, concurrency, durability after
// kill -9, threads, errors, reconnects).

#include "StoreTestEnv.h"
#include "TestSupport.h"

#include <QObject>
#include <QtTest>

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

class TestControlStore : public QObject
{
    Q_OBJECT

private:
    switchyard::test::StoreTestEnv m_env;
    QString m_pgError;

private slots:
    void initTestCase();
    void cleanupTestCase();
    void opensThePlansStore();
    void openCreatesSchema_data();
    void openCreatesSchema();
    void migrationsAreIdempotent_data();
    void migrationsAreIdempotent();
    void refusesNewerSchema_data();
    void refusesNewerSchema();
    void checkpointsUpsertAndReload_data();
    void checkpointsUpsertAndReload();
    void transactionIsAllOrNothing_data();
    void transactionIsAllOrNothing();
    void jobLifecycle_data();
    void jobLifecycle();
    void phaseStateRefusesStaleUpdates_data();
    void phaseStateRefusesStaleUpdates();
    void mismatchUpsertDedupes_data();
    void mismatchUpsertDedupes();
    void mismatchPagingAndFilters_data();
    void mismatchPagingAndFilters();
    void rejectsKeepRawBytes_data();
    void rejectsKeepRawBytes();
    void samplesAppendQueryPrune_data();
    void samplesAppendQueryPrune();
    void auditChainUnderConcurrentAppends_data();
    void auditChainUnderConcurrentAppends();
    void auditTamperingIsDetected_data();
    void auditTamperingIsDetected();
    void durableAfterKill_data();
    void durableAfterKill();
    void connectionBelongsToItsThread_data();
    void connectionBelongsToItsThread();
    void waitsForAnotherWriter_data();
    void waitsForAnotherWriter();
    void keepsNativeErrorCodes_data();
    void keepsNativeErrorCodes();
    void reconnectsAfterConnectionLoss();
    void reportsClearErrors();
};
