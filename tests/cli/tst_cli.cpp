// switchyard-cli as a user runs it: the real binary, real files, exit codes.

#include "TestSupport.h"

#include <QProcess>
#include <QTemporaryDir>

class TestCli : public QObject
{
    Q_OBJECT

    struct Run
    {
        int code = -1;
        QString out;
        QString err;
    };

    static Run cli(const QStringList &args)
    {
        QProcess p;
        p.start(switchyard::test::cliPath(), args);
        if (!p.waitForFinished(30000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(!switchyard::test::cliPath().isEmpty(), "SWITCHYARD_CLI not set"); }

    void version()
    {
        const Run r = cli({QStringLiteral("--version")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith(QStringLiteral("switchyard-cli ")));
    }

    void help()
    {
        const Run r = cli({QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("Usage: switchyard-cli")));
        QVERIFY(r.out.contains(QStringLiteral("plan")));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("nothing") << QStringList{};
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")};
        QTest::newRow("plan without subcommand") << QStringList{QStringLiteral("plan")};
        QTest::newRow("check without file")
            << QStringList{QStringLiteral("plan"), QStringLiteral("check")};
        QTest::newRow("unknown plan subcommand")
            << QStringList{QStringLiteral("plan"), QStringLiteral("explode"), QStringLiteral("x")};
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        const Run r = cli(args);
        QCOMPARE(r.code, 2);
        QVERIFY(!r.err.isEmpty());
    }

    void checkSamplePlans_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("dual write") << "users-dual-write.yaml";
        QTest::newRow("flag ramp") << "checkout-flag-ramp.yaml";
        QTest::newRow("blue/green") << "orders-blue-green.yaml";
    }
    void checkSamplePlans()
    {
        QFETCH(QString, file);
        const Run r = cli({QStringLiteral("plan"), QStringLiteral("check"),
                           switchyard::test::samplePlan(file)});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QStringLiteral("is valid")));
        QVERIFY(r.out.contains(QStringLiteral("phases:")));
    }

    void checkBrokenPlan()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.yaml"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("version: 1\nmigration:\n  name: x\n  ownr: me\n");
        f.close();
        const Run r = cli({QStringLiteral("plan"), QStringLiteral("check"), path});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(path + QStringLiteral(":4:3: error: unknown key 'ownr'")),
                 qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void formatRoundTrips()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.yaml"));
        QVERIFY(QFile::copy(switchyard::test::samplePlan(QStringLiteral("users-dual-write.yaml")), path));
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        Run r = cli({QStringLiteral("plan"), QStringLiteral("format"), path, QStringLiteral("--in-place")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = cli({QStringLiteral("plan"), QStringLiteral("check"), path});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QStringLiteral("users-to-postgres")));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
