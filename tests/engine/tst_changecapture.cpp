// ChangeCapture against the sandbox: install and remove are idempotent;
// inserts, updates, deletes and key changes on the target are logged by key
// while write_source is off (and within the grace period after it is turned
// on), not after; nothing is logged after remove; the lag figures; and an
// install that cannot get the table lock gives up within its bound instead
// of queueing the application's writes behind it.

#include "../flags/ClientFixture.h"
#include "engine/ChangeCapture.h"
#include "target/PgConnection.h"

#include <QElapsedTimer>

#include <pqxx/pqxx>

using namespace switchyard::core;
using switchyard::test::ClientFixture;

namespace {

qint64 scalar(PgConnection &pg, const QString &sql)
{
    return pg.query(sql).scalar().toLongLong();
}

QStringList logEntries(PgConnection &pg)
{
    QStringList out;
    const QueryResult r = pg.query(QStringLiteral("SELECT op, key::text FROM switchyard.change_log ORDER BY id"));
    for (int i = 0; i < r.rowCount(); ++i)
        out << r.text(i, 0) + QLatin1Char(' ') + r.text(i, 1);
    return out;
}

void insertUser(PgConnection &pg, int id)
{
    pg.exec(QStringLiteral("INSERT INTO users (id, email, name, created_at) VALUES (%1, 'u%1@x', 'U', now())").arg(id));
}

} // namespace

class TestChangeCapture : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void installAndRemoveAreIdempotent()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_capture_idem"));
        ChangeCapture capture(f.plan(), f.target());
        const QStringList users{QStringLiteral("users")};
        QVERIFY(!capture.isInstalled(QStringLiteral("users")));
        capture.install(users);
        capture.install(users); // again: replaces, never a second trigger
        QVERIFY(capture.isInstalled(QStringLiteral("users")));
        QCOMPARE(scalar(f.target(), QStringLiteral("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.users'::regclass "
                                                   "AND tgname = 'switchyard_capture'")),
                 1);
        const QString fn = capture.functionName(QStringLiteral("users"));
        QVERIFY(fn.startsWith(QLatin1String("capture_users_")));
        QCOMPARE(scalar(f.target(), QStringLiteral("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                                                   "WHERE n.nspname = 'switchyard' AND p.proname = '%1'").arg(fn)),
                 1);
        const QList<CaptureStatus> st = capture.status(users);
        QCOMPARE(st.size(), 1);
        QVERIFY(st.first().installed);
        QCOMPARE(st.first().targetTable, QStringLiteral("\"public\".\"users\""));

        capture.remove(users);
        capture.remove(users);
        QVERIFY(!capture.isInstalled(QStringLiteral("users")));
        QCOMPARE(scalar(f.target(), QStringLiteral("SELECT count(*) FROM pg_proc WHERE proname = '%1'").arg(fn)), 0);
        // Nothing captured, nothing pending: the log tables are gone too.
        QVERIFY(f.target().query(QStringLiteral("SELECT to_regclass('switchyard.change_log')")).text(0, 0).isNull());
        QCOMPARE(capture.lag().pendingChanges, 0);
    }

    void capturesEveryKindOfChangeByKey()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_capture_ops"));
        f.publish({QStringLiteral("write_target=on"), QStringLiteral("write_source=off")});
        ChangeCapture capture(f.plan(), f.target());
        capture.install({QStringLiteral("users")});

        insertUser(f.target(), 10);
        f.target().exec(QStringLiteral("UPDATE users SET name = 'V' WHERE id = 10"));
        f.target().exec(QStringLiteral("UPDATE users SET id = 11 WHERE id = 10")); // key change
        insertUser(f.target(), 12);
        f.target().exec(QStringLiteral("DELETE FROM users WHERE id = 12"));
        // A statement touching no row logs nothing.
        f.target().exec(QStringLiteral("UPDATE users SET name = 'W' WHERE id = 999"));
        QCOMPARE(logEntries(f.target()),
                 (QStringList{"I [10]", "U [10]", "U [11]", "K [10]", "I [12]", "D [12]"}));

        // A rolled-back transaction leaves nothing behind.
        f.target().run(QStringLiteral("rolled back insert"), [&] {
            pqxx::work tx(f.target().connection());
            tx.exec("INSERT INTO users (id, email, name, created_at) VALUES (13, 'r@x', 'R', now())");
            tx.abort();
        });
        QCOMPARE(logEntries(f.target()).size(), 6);

        // The lag: 6 pending, the oldest at least as old as we waited.
        QTest::qWait(300);
        const ReverseLag lag = capture.lag({QStringLiteral("users")});
        QCOMPARE(lag.pendingChanges, 6);
        QVERIFY2(lag.oldestPendingSeconds >= 0.3, qPrintable(QString::number(lag.oldestPendingSeconds)));
        QCOMPARE(lag.lastAppliedChangeId, 0);
        QVERIFY(lag.measuredAt.isValid());
        // What the job records after applying is what lag() reports.
        f.target().exec(QStringLiteral("DELETE FROM switchyard.change_log"));
        f.target().exec(QStringLiteral("INSERT INTO switchyard.change_log_applied (table_schema, table_name, last_change_id, "
                                       "changes_applied, applied_at) VALUES ('public', 'users', 6, 6, now())"));
        const ReverseLag after = capture.lag();
        QCOMPARE(after.pendingChanges, 0);
        QCOMPARE(after.oldestPendingSeconds, 0.0);
        QCOMPARE(after.lastAppliedChangeId, 6);
        QCOMPARE(capture.status({QStringLiteral("users")}).first().changesApplied, 6);

        // After remove: the table is written, nothing is logged (one pending
        // change keeps the log, and is kept).
        insertUser(f.target(), 19);
        capture.remove({QStringLiteral("users")});
        QCOMPARE(capture.lag().pendingChanges, 1);
        insertUser(f.target(), 20);
        f.target().exec(QStringLiteral("UPDATE users SET name = 'X' WHERE id = 20"));
        f.target().exec(QStringLiteral("DELETE FROM users WHERE id = 19"));
        QCOMPARE(logEntries(f.target()), QStringList{"I [19]"});
    }

    void echoGuardFollowsWriteSource()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_capture_echo"));
        ChangeCapture capture(f.plan(), f.target());
        capture.install({QStringLiteral("users")});

        // write_source on, changed just now: applications may still write the
        // target first (grace period) → logged.
        f.publish({QStringLiteral("write_target=on"), QStringLiteral("write_source=off")});
        f.publish({QStringLiteral("write_source=on")});
        insertUser(f.target(), 1);
        QCOMPARE(scalar(f.target(), QStringLiteral("SELECT count(*) FROM switchyard.change_log")), 1);

        // Never published (no row): the default, on → not logged.
        f.target().exec(QStringLiteral("DELETE FROM switchyard.flags WHERE name = 'write_source'"));
        f.target().exec(QStringLiteral("UPDATE users SET name = 'Z' WHERE id = 1"));
        QCOMPARE(scalar(f.target(), QStringLiteral("SELECT count(*) FROM switchyard.change_log")), 1);
        f.publish({QStringLiteral("write_source=on")});

        // On for longer than the grace period: the target row is the
        // application's copy of a source write → not logged.
        f.target().exec(QStringLiteral("UPDATE switchyard.flags SET changed_at = now() - interval '1 minute' "
                                       "WHERE name = 'write_source'"));
        insertUser(f.target(), 2);
        f.target().exec(QStringLiteral("UPDATE users SET name = 'Y' WHERE id = 1"));
        QCOMPARE(scalar(f.target(), QStringLiteral("SELECT count(*) FROM switchyard.change_log")), 1);

        // Off again → logged.
        f.publish({QStringLiteral("write_source=off")});
        f.target().exec(QStringLiteral("DELETE FROM users WHERE id = 2"));
        QCOMPARE(logEntries(f.target()), (QStringList{"I [1]", "D [2]"}));
    }

    void installGivesUpWhenTheTableStaysLocked()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_capture_lock"));
        PgConnection app;
        app.open(f.plan().target);
        ChangeCapture::Options o;
        o.lockTimeoutMs = 200;
        o.maxAttempts = 2;
        ChangeCapture capture(f.plan(), f.target(), o);
        QElapsedTimer timer;
        {
            // An application transaction that wrote a row and stays open.
            pqxx::work tx(app.connection());
            tx.exec("INSERT INTO users (id, email, name, created_at) VALUES (1, 'a@x', 'A', now())");
            timer.start();
            bool refused = false;
            try {
                capture.install({QStringLiteral("users")});
            } catch (const DbException &e) {
                refused = e.error().sqlState == QLatin1String("55P03");
                QVERIFY2(refused, e.what());
            }
            QVERIFY(refused);
            QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
            tx.commit();
        }
        QVERIFY(!capture.isInstalled(QStringLiteral("users")));
        // Released: the same install goes through.
        capture.install({QStringLiteral("users")});
        QVERIFY(capture.isInstalled(QStringLiteral("users")));
    }

    void unknownTableIsRefused()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_capture_unknown"));
        ChangeCapture capture(f.plan(), f.target());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, capture.install({QStringLiteral("nope")}));
    }
};

QTEST_GUILESS_MAIN(TestChangeCapture)
#include "tst_changecapture.moc"
