// Switchyard::Client against the sandbox: a flag change seen within a second,
// the last known flags kept while the flags cannot be read, dual writes that
// arrive on both sides, failed secondary writes in the repair queue (and in
// the local file while the target is down, moved over when it is back),
// shadow mismatches recorded with a rate, and reads routed by percentage.

#include "ClientFixture.h"
#include "client/TableAccess.h"
#include "client/TableClient.h"
#include "flags/Bucketing.h"
#include "source/MySqlConnection.h"
#include "target/PgConnection.h"

#include <QElapsedTimer>
#include <QFile>

using namespace switchyard::core;
using namespace switchyard::client;
using switchyard::test::ClientFixture;

namespace {

ClientOptions fastOptions(const ClientFixture &f)
{
    ClientOptions o;
    o.localRepairFile = f.tempPath(QStringLiteral("repair.jsonl"));
    o.firstFlagsWaitMs = 5000;
    return o;
}

qint64 count(PgConnection &pg, const QString &sql)
{
    return pg.query(sql).rows.value(0).value(0).value_or("0").toLongLong();
}

} // namespace

class TestTableClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void flagChangeSeenWithinOneSecond()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_client_flags"));
        f.publish({QStringLiteral("write_target=off")});
        TableClient client(f.plan(), QStringLiteral("users"), fastOptions(f));
        QVERIFY(client.stats().flagsEverRead);
        QVERIFY(!client.flags().writeTarget);

        for (int round = 0; round < 3; ++round) {
            const bool on = round % 2 == 0;
            // Within one second of the publish's commit (the protocol's bound).
            const qint64 v = f.publish({on ? QStringLiteral("write_target=on") : QStringLiteral("write_target=off")});
            QTRY_VERIFY_WITH_TIMEOUT(client.flags().writeTarget == on, 1000);
            QVERIFY(client.waitForFlagsVersion(v, 1000));
        }
    }

    void lastKnownFlagsKeptWhenUnreadable()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_client_keep"));
        const qint64 v = f.publish({QStringLiteral("write_target=on"), QStringLiteral("read_from=target"),
                                    QStringLiteral("read_percent=100")});
        TableClient client(f.plan(), QStringLiteral("users"), fastOptions(f));
        QVERIFY(client.waitForFlagsVersion(v, 2000));
        QVERIFY(client.flags().writeTarget);

        // The flags table disappears: not a reason to fall back to the defaults.
        f.target().exec(QStringLiteral("ALTER TABLE switchyard.flags RENAME TO flags_away"));
        QTRY_VERIFY_WITH_TIMEOUT(!client.stats().flagsError.isEmpty(), 3000);
        QTest::qWait(600); // a few more polls
        QVERIFY(client.flags().writeTarget);
        QCOMPARE(client.flags().readPercent, 100);
        QCOMPARE(client.stats().flagsVersion, v);

        // Back: reads resume and the error clears.
        // (The client may have recreated an empty flags table meanwhile: an
        // empty table is no reason to fall back either.)
        f.target().exec(QStringLiteral("DROP TABLE IF EXISTS switchyard.flags; "
                                       "ALTER TABLE switchyard.flags_away RENAME TO flags"));
        QTRY_VERIFY_WITH_TIMEOUT(client.stats().flagsError.isEmpty(), 3000);
        QVERIFY(client.flags().writeTarget);
    }

    void dualWriteArrivesOnBothSides()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_client_dual"));
        f.publish({QStringLiteral("write_target=on")});
        TableClient client(f.plan(), QStringLiteral("users"), fastOptions(f));
        QVERIFY(client.flags().writeTarget);

        QList<QVariantList> keys;
        for (int n = 1; n <= 20; ++n) {
            const WriteResult w = client.insert(ClientFixture::user(n));
            QCOMPARE(w.primary, Side::Source);
            QCOMPARE(w.secondary, SecondaryOutcome::Written);
            keys << w.key;
        }
        QCOMPARE(keys.first().first().toULongLong(), 1ULL); // AUTO_INCREMENT id came back
        QCOMPARE(client.update(keys.at(3), {{QStringLiteral("status"), QStringLiteral("suspended")},
                                            {QStringLiteral("score"), QVariant()}})
                     .secondary,
                 SecondaryOutcome::Written);
        QCOMPARE(client.remove(keys.at(5)).secondary, SecondaryOutcome::Written);

        const QStringList diff = f.differences(f.plan(), QStringLiteral("users"));
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
        QCOMPARE(f.targetCount(QStringLiteral("users")), 19);
        const auto row = client.table().readTarget(f.target(), keys.at(3));
        QVERIFY(row);
        QCOMPARE(row->value(QStringLiteral("status")), std::optional<QByteArray>("suspended"));
        QCOMPARE(row->value(QStringLiteral("score")), std::optional<QByteArray>());

        // With write_target off the target is left alone.
        const qint64 v = f.publish({QStringLiteral("write_target=off")});
        QVERIFY(client.waitForFlagsVersion(v, 2000));
        QCOMPARE(client.insert(ClientFixture::user(100)).secondary, SecondaryOutcome::NotWritten);
        QCOMPARE(f.targetCount(QStringLiteral("users")), 19);
        // The oracle sees that one: the check can fail.
        QCOMPARE(f.differences(f.plan(), QStringLiteral("users")).size(), 2);
    }

    void failedSecondaryWriteIsQueued()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_client_repair"));
        f.publish({QStringLiteral("write_target=on")});
        ClientOptions o = fastOptions(f);
        o.secondaryFault = [](const QString &entity) { return entity == QLatin1String("2"); };
        TableClient client(f.plan(), QStringLiteral("users"), o);
        QCOMPARE(client.insert(ClientFixture::user(1)).secondary, SecondaryOutcome::Written);
        const WriteResult w = client.insert(ClientFixture::user(2));
        QCOMPARE(w.entityId, QStringLiteral("2"));
        QCOMPARE(w.secondary, SecondaryOutcome::QueuedInTarget);
        QVERIFY(w.secondaryError.contains(QStringLiteral("injected")));
        QCOMPARE(client.remove(w.key).secondary, SecondaryOutcome::QueuedInTarget);

        const auto q = f.target().query(QStringLiteral(
            "SELECT table_name, key_json->>0, entity_id, operation, status, origin "
            "FROM switchyard.repair_queue ORDER BY id"));
        QCOMPARE(q.rows.size(), 2);
        QCOMPARE(q.rows.at(0).at(0), std::optional<QByteArray>("users"));
        QCOMPARE(q.rows.at(0).at(1), std::optional<QByteArray>("2"));
        QCOMPARE(q.rows.at(0).at(3), std::optional<QByteArray>("upsert"));
        QCOMPARE(q.rows.at(0).at(4), std::optional<QByteArray>("pending"));
        QCOMPARE(q.rows.at(0).at(5), std::optional<QByteArray>("direct"));
        QCOMPARE(q.rows.at(1).at(3), std::optional<QByteArray>("delete"));
        QCOMPARE(count(f.target(), QStringLiteral("SELECT count(*) FROM users WHERE id = 2")), 0);
    }

    void targetDownQueuesLocallyThenMovesOver()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_client_down"));
        f.publish({QStringLiteral("write_target=on"), QStringLiteral("read_from=target"),
                   QStringLiteral("read_percent=100")});
        ClientOptions o = fastOptions(f);
        o.targetRetryMs = 200;
        TableClient client(f.plan(), QStringLiteral("users"), o);
        const WriteResult first = client.insert(ClientFixture::user(1));
        QCOMPARE(first.secondary, SecondaryOutcome::Written);
        QCOMPARE(client.read(first.key).servedBy, Side::Target);

        // The target refuses connections and drops the ones it has.
        PgConnection admin;
        ConnectionSettings adminSettings = f.plan().target;
        adminSettings.database = sb.pg.database;
        admin.open(adminSettings);
        admin.exec(QStringLiteral("ALTER DATABASE tst_client_down ALLOW_CONNECTIONS false"));
        f.target().close();
        admin.exec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = 'tst_client_down' AND pid <> pg_backend_pid()"));
        // Reads routed to the target are served by the source, which is
        // still written and so has every row.
        const ReadResult fallback = client.read(first.key);
        QCOMPARE(fallback.servedBy, Side::Source);
        QVERIFY(fallback.found);
        const WriteResult w = client.insert(ClientFixture::user(2));
        QCOMPARE(w.secondary, SecondaryOutcome::QueuedLocally);
        QFile file(client.localRepairFile());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("\"entity_id\":\"2\""));
        file.close();
        // The flags stay as they were while the target is down.
        QTest::qWait(500);
        QVERIFY(client.flags().writeTarget);

        admin.exec(QStringLiteral("ALTER DATABASE tst_client_down ALLOW_CONNECTIONS true"));
        QTest::qWait(300); // past targetRetryMs
        QCOMPARE(client.insert(ClientFixture::user(3)).secondary, SecondaryOutcome::Written);
        QCOMPARE(QFileInfo(client.localRepairFile()).size(), 0);
        f.target().open(f.plan().target);
        QCOMPARE(count(f.target(), QStringLiteral("SELECT count(*) FROM switchyard.repair_queue "
                                                  "WHERE entity_id = '2' AND origin = 'local_file'")),
                 1);
    }

    void applicationUserWithoutDdlRights()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_client_noddl"));
        f.publish({QStringLiteral("write_target=on"), QStringLiteral("shadow_read=on"),
                   QStringLiteral("shadow_sample_percent=100")});
        // A least-privilege application role: DML on its table and on the
        // switchyard tables, no CREATE anywhere.
        const QString role = QStringLiteral("tst_flags_app");
        // (A role left by an earlier run that failed half-way is removed first.)
        f.target().exec(QStringLiteral("DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '%1') "
                                       "THEN EXECUTE 'DROP OWNED BY %1'; END IF; END $$").arg(role));
        f.target().exec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(role));
        f.target().exec(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD 'app-secret'").arg(role));
        f.target().exec(QStringLiteral(
            "REVOKE CREATE ON DATABASE tst_client_noddl FROM PUBLIC; REVOKE CREATE ON SCHEMA public FROM PUBLIC; "
            "GRANT USAGE ON SCHEMA switchyard, public TO %1; "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA switchyard, public TO %1; "
            "GRANT USAGE ON ALL SEQUENCES IN SCHEMA switchyard, public TO %1").arg(role));
        Plan plan = f.plan();
        plan.target.user = role;
        qputenv("SWITCHYARD_TARGET_PASSWORD", "app-secret");
        {
            ClientOptions o = fastOptions(f);
            o.secondaryFault = [](const QString &entity) { return entity == QLatin1String("2"); };
            TableClient client(plan, QStringLiteral("users"), o);
            QVERIFY(client.flags().writeTarget);
            QCOMPARE(client.insert(ClientFixture::user(1)).secondary, SecondaryOutcome::Written);
            QCOMPARE(client.insert(ClientFixture::user(2)).secondary, SecondaryOutcome::QueuedInTarget);
            QVERIFY(client.read({QVariant::fromValue(qulonglong(1))}).shadowed);
            QVERIFY(client.waitForShadowIdle(10000));
            QCOMPARE(client.stats().shadowCompared, 1);
            QCOMPARE(client.stats().shadowErrors, 0);
        }
        qunsetenv("SWITCHYARD_TARGET_PASSWORD");
        QCOMPARE(count(f.target(), QStringLiteral("SELECT count(*) FROM switchyard.repair_queue")), 1);
        f.target().exec(QStringLiteral("DROP OWNED BY %1; DROP ROLE %1").arg(role));
    }

    void shadowMismatchIsRecorded()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_client_shadow"));
        f.publish({QStringLiteral("write_target=on")});
        TableClient client(f.plan(), QStringLiteral("users"), fastOptions(f));
        QList<QVariantList> keys;
        for (int n = 1; n <= 30; ++n)
            keys << client.insert(ClientFixture::user(n)).key;
        const qint64 v = f.publish({QStringLiteral("shadow_read=on"), QStringLiteral("shadow_sample_percent=100")});
        QVERIFY(client.waitForFlagsVersion(v, 2000));
        // Drift behind the client's back on the target.
        f.target().exec(QStringLiteral("UPDATE users SET name = 'corrupted' WHERE id = 7"));
        for (const QVariantList &k : std::as_const(keys))
            QVERIFY(client.read(k).shadowed);
        QVERIFY(client.waitForShadowIdle(10000));
        QCOMPARE(client.stats().shadowCompared, 30);
        QCOMPARE(client.stats().shadowMismatched, 1);

        const auto m = f.target().query(QStringLiteral(
            "SELECT key_json->>0, columns::text, source_row->>'name', target_row->>'name' "
            "FROM switchyard.shadow_mismatches"));
        QCOMPARE(m.rows.size(), 1);
        QCOMPARE(m.rows.at(0).at(0), std::optional<QByteArray>("7"));
        QCOMPARE(m.rows.at(0).at(1), std::optional<QByteArray>("{name}"));
        QCOMPARE(m.rows.at(0).at(2), std::optional<QByteArray>("User 7 🚂"));
        QCOMPARE(m.rows.at(0).at(3), std::optional<QByteArray>("corrupted"));
        QCOMPARE(count(f.target(), QStringLiteral("SELECT sum(comparisons) FROM switchyard.shadow_stats")), 30);
        QCOMPARE(count(f.target(), QStringLiteral("SELECT sum(mismatches) FROM switchyard.shadow_stats")), 1);

        // Sampling: at 0% nothing is shadowed.
        const qint64 v2 = f.publish({QStringLiteral("shadow_sample_percent=0")});
        QVERIFY(client.waitForFlagsVersion(v2, 2000));
        QVERIFY(!client.read(keys.first()).shadowed);
    }

    void readsRoutedByPercentage()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_client_route"));
        f.publish({QStringLiteral("write_target=on")});
        TableClient client(f.plan(), QStringLiteral("users"), fastOptions(f));
        QList<QVariantList> keys;
        for (int n = 1; n <= 60; ++n)
            keys << client.insert(ClientFixture::user(n)).key;
        for (const QVariantList &k : std::as_const(keys))
            QCOMPARE(client.read(k).servedBy, Side::Source); // read_from source

        const qint64 v = f.publish({QStringLiteral("read_from=target"), QStringLiteral("read_percent=30")});
        QVERIFY(client.waitForFlagsVersion(v, 2000));
        int toTarget = 0;
        for (int id = 1; id <= 2000; ++id) {
            const bool expected = inRamp(QStringLiteral("read_percent"), QString::number(id), 30);
            const Side s = client.readSide({QVariant::fromValue(qulonglong(id))});
            QCOMPARE(s == Side::Target, expected);
            toTarget += expected ? 1 : 0;
        }
        QVERIFY2(toTarget > 500 && toTarget < 700, qPrintable(QString::number(toTarget)));
        // Real reads are served where the routing says, with the same row.
        for (const QVariantList &k : std::as_const(keys)) {
            const ReadResult r = client.read(k);
            QVERIFY(r.found);
            QCOMPARE(r.servedBy, client.readSide(k));
            QCOMPARE(r.row.values, client.table().readSource(f.source(), k)->values);
        }
        // write_source off: everything reads from the target whatever the percentage.
        const qint64 v2 = f.publish({QStringLiteral("write_source=off")});
        QVERIFY(client.waitForFlagsVersion(v2, 2000));
        for (const QVariantList &k : std::as_const(keys))
            QCOMPARE(client.readSide(k), Side::Target);
    }
};

QTEST_GUILESS_MAIN(TestTableClient)
#include "tst_tableclient.moc"
