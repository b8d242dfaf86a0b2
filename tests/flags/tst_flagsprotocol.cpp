// Publishing and reading switchyard.flags against the sandbox: the round
// trip, the version bump, NOTIFY received by a listener, a no-op publish,
// history, features added and removed, and a row this build cannot read.

#include "ClientFixture.h"
#include "flags/FlagPublisher.h"
#include "flags/FlagReader.h"
#include "target/PgConnection.h"

using namespace switchyard::core;
using switchyard::test::ClientFixture;

class TestFlagsProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void publishReadRoundTrip()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_flags_protocol"));
        FlagReader reader(f.target());
        const FlagSnapshot empty = reader.read();
        QVERIFY(!empty.published);
        QCOMPARE(empty.flags, FlagSet());

        // A listener on its own connection, as an application has.
        PgConnection listenerConn;
        listenerConn.open(f.plan().target);
        FlagReader listener(listenerConn);
        listener.listen();

        FlagSet flags;
        flags.writeTarget = true;
        flags.readFrom = FlagSet::Side::Target;
        flags.readPercent = 10;
        flags.features.insert(QStringLiteral("feature.new_checkout"), 25);
        const FlagPublisher::Result r1 =
            FlagPublisher(f.target()).publish(flags, QStringLiteral("dana"), QStringLiteral("step 1"));
        QCOMPARE(r1.version, 1);
        QCOMPARE(r1.changed.size(), 8); // 7 built-ins + 1 feature, all new

        qint64 notified = 0;
        QVERIFY(listener.waitForNotification(5000, &notified));
        QCOMPARE(notified, 1);

        const FlagSnapshot s1 = reader.read();
        QVERIFY(s1.published);
        QCOMPARE(s1.version, 1);
        QCOMPARE(s1.flags, flags);
        QVERIFY(s1.problems.isEmpty());
        for (const FlagRow &row : s1.rows) {
            QCOMPARE(row.version, 1);
            QCOMPARE(row.changedBy, QStringLiteral("dana"));
        }

        // Same flags again: nothing written, version kept, no notification.
        const FlagPublisher::Result same =
            FlagPublisher(f.target()).publish(flags, QStringLiteral("dana"), QStringLiteral("again"));
        QCOMPARE(same.version, 1);
        QVERIFY(same.changed.isEmpty());
        QVERIFY(!listener.waitForNotification(300));

        // One change: version 2, only that row carries version 2; the
        // feature no longer in the set is removed.
        flags.readPercent = 50;
        flags.features.clear();
        const FlagPublisher::Result r2 =
            FlagPublisher(f.target()).publish(flags, QStringLiteral("sam"), QStringLiteral("step 2"));
        QCOMPARE(r2.version, 2);
        QCOMPARE(r2.changed, (QStringList{QStringLiteral("read_percent"), QStringLiteral("feature.new_checkout")}));
        QVERIFY(listener.waitForNotification(5000, &notified));
        QCOMPARE(notified, 2);
        const FlagSnapshot s2 = reader.read();
        QCOMPARE(s2.version, 2);
        QCOMPARE(s2.flags, flags);
        for (const FlagRow &row : s2.rows)
            QCOMPARE(row.version, row.name == QLatin1String("read_percent") ? 2 : 1);

        const QList<FlagHistoryRow> history = reader.history(100);
        QCOMPARE(history.size(), 10);
        QCOMPARE(history.first().version, 2);
        bool sawRemoval = false;
        for (const FlagHistoryRow &h : history) {
            if (h.name == QLatin1String("feature.new_checkout") && h.version == 2) {
                QCOMPARE(h.oldJson, QStringLiteral("25"));
                QVERIFY(h.newJson.isEmpty());
                sawRemoval = true;
            }
        }
        QVERIFY(sawRemoval);
    }

    void unknownRowsAreSkippedNotFatal()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_flags_unknown"));
        f.publish({QStringLiteral("write_target=on")});
        // A flag from a newer Switchyard, and a value of the wrong type.
        f.target().exec(QStringLiteral(
            "INSERT INTO switchyard.flags VALUES ('read_quorum', '3', 1, 'x', now(), 'x'); "
            "UPDATE switchyard.flags SET value = '\"lots\"' WHERE name = 'read_percent'"));
        const FlagSnapshot s = FlagReader(f.target()).read();
        QCOMPARE(s.problems.size(), 2);
        QVERIFY(s.flags.writeTarget); // the rest still applies
        QCOMPARE(s.flags.readPercent, 0);
    }
};

QTEST_GUILESS_MAIN(TestFlagsProtocol)
#include "tst_flagsprotocol.moc"
