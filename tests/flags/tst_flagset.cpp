// FlagSet: names and values validated as the plan loader does, text and JSON
// forms round trip, and a plan phase's flags apply in order.

#include "flags/FlagSet.h"

#include <QtTest>

using namespace switchyard::core;

class TestFlagSet : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsAreSourceOnly()
    {
        const FlagSet f;
        QVERIFY(f.writeSource);
        QVERIFY(!f.writeTarget);
        QCOMPARE(f.readFrom, FlagSet::Side::Source);
        QCOMPARE(f.readPercent, 0);
        QVERIFY(!f.shadowRead);
        QCOMPARE(f.names().size(), 7);
    }

    void setFromText_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error"); // substring; empty: accepted
        QTest::addColumn<QString>("json");
        QTest::newRow("bool on") << "write_target" << "on" << "" << "true";
        QTest::newRow("bool false") << "shadow_read" << "false" << "" << "false";
        QTest::newRow("bool bad") << "write_target" << "maybe" << "true/false" << "";
        QTest::newRow("percent") << "read_percent" << "10" << "" << "10";
        QTest::newRow("percent 101") << "read_percent" << "101" << "0 to 100" << "";
        QTest::newRow("percent fraction") << "shadow_sample_percent" << "2.5" << "0 to 100" << "";
        QTest::newRow("percent negative") << "read_percent" << "-1" << "0 to 100" << "";
        QTest::newRow("choice") << "read_from" << "target" << "" << "\"target\"";
        QTest::newRow("choice bad") << "read_from" << "both" << "expects one of: source, target" << "";
        QTest::newRow("color") << "active_side" << "green" << "" << "\"green\"";
        QTest::newRow("feature") << "feature.new_checkout" << "25" << "" << "25";
        QTest::newRow("feature bad name") << "feature.New" << "25" << "unknown flag" << "";
        QTest::newRow("unknown") << "read_percentage" << "5" << "unknown flag 'read_percentage'" << "";
    }

    void setFromText()
    {
        QFETCH(QString, name);
        QFETCH(QString, text);
        QFETCH(QString, error);
        QFETCH(QString, json);
        FlagSet f;
        const FlagSet before = f;
        const QString e = f.setFromText(name, text);
        if (error.isEmpty()) {
            QVERIFY2(e.isEmpty(), qPrintable(e));
            QCOMPARE(f.jsonValue(name), json);
            FlagSet g;
            QCOMPARE(g.setFromJson(name, json), QString());
            QCOMPARE(g, f);
        } else {
            QVERIFY2(e.contains(error), qPrintable(e));
            QCOMPARE(f, before); // unchanged on error
        }
    }

    void jsonOfWrongTypeIsRefused()
    {
        FlagSet f;
        QVERIFY(!f.setFromJson(QStringLiteral("write_target"), QStringLiteral("1")).isEmpty());
        QVERIFY(!f.setFromJson(QStringLiteral("read_percent"), QStringLiteral("true")).isEmpty());
        QVERIFY(!f.setFromJson(QStringLiteral("read_from"), QStringLiteral("3")).isEmpty());
        QVERIFY(!f.setFromJson(QStringLiteral("read_percent"), QStringLiteral("{")).isEmpty());
        QCOMPARE(f, FlagSet());
    }

    void applyPhaseFlags()
    {
        FlagSet f;
        const QList<FlagSetting> phase{{QStringLiteral("write_target"), true, {}},
                                       {QStringLiteral("read_from"), QStringLiteral("target"), {}},
                                       {QStringLiteral("read_percent"), 10, {}}};
        QCOMPARE(f.apply(phase), QString());
        QVERIFY(f.writeTarget);
        QCOMPARE(f.readFrom, FlagSet::Side::Target);
        QCOMPARE(f.readPercent, 10);
        // One bad setting: nothing applies.
        FlagSet g;
        const QList<FlagSetting> bad{{QStringLiteral("write_target"), true, {}},
                                     {QStringLiteral("read_percent"), 300, {}}};
        QVERIFY(!g.apply(bad).isEmpty());
        QCOMPARE(g, FlagSet());
    }
};

QTEST_GUILESS_MAIN(TestFlagSet)
#include "tst_flagset.moc"
