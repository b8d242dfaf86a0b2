// The control store's integration test, part 2 (see TestControlStore.h):
// the audit chain under concurrent appends and tampering, durability after
// kill -9, thread ownership, waiting for other writers, native error codes,
// reconnecting, and clear errors.

#include "TestControlStore.h"

#include "store/ControlStore.h"

#include <QElapsedTimer>
#include <QProcess>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace switchyard::core;
using namespace switchyard::test;

void TestControlStore::auditChainUnderConcurrentAppends_data()
{
    addBackends();
}

void TestControlStore::auditChainUnderConcurrentAppends()
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

void TestControlStore::auditTamperingIsDetected_data()
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

void TestControlStore::auditTamperingIsDetected()
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

void TestControlStore::durableAfterKill_data()
{
    addBackends();
}

void TestControlStore::durableAfterKill()
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

void TestControlStore::connectionBelongsToItsThread_data()
{
    addBackends();
}

void TestControlStore::connectionBelongsToItsThread()
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

void TestControlStore::waitsForAnotherWriter_data()
{
    addBackends();
}

void TestControlStore::waitsForAnotherWriter()
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

void TestControlStore::keepsNativeErrorCodes_data()
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<QString>("code");
    QTest::newRow("sqlite") << QStringLiteral("sqlite") << QStringLiteral("787"); // SQLITE_CONSTRAINT_FOREIGNKEY
    QTest::newRow("postgresql") << QStringLiteral("postgresql") << QStringLiteral("23503"); // foreign_key_violation
}

void TestControlStore::keepsNativeErrorCodes()
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

void TestControlStore::reconnectsAfterConnectionLoss()
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

void TestControlStore::reportsClearErrors()
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
