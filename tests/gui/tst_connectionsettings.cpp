// ConnectionSettingsDialog and ConnectionOverrides: edits are kept per plan
// in the user's (test-mode) settings and applied when the plan is opened,
// never in the plan file and never with a password; the dialog says where
// the drivers look for passwords; "Test" probes the edited settings off the
// GUI thread (against the sandbox when there is one: a good port reachable,
// a wrong one not).

#include "TestSupport.h"

#include "ConnectionSettingsDialog.h"
#include "Settings.h"

#include "plan/PlanLoader.h"

#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QtTest>

using namespace switchyard;

class TestConnectionSettings : public QObject
{
    Q_OBJECT

    core::Plan samplePlan()
    {
        const core::PlanLoadResult r = core::PlanLoader::loadFile(test::samplePlan(QStringLiteral("users-dual-write.yaml")));
        return r.plan.value_or(core::Plan{});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QFile::remove(ui::testSettingsFile());
    }

    void overridesRoundTripWithoutPasswords()
    {
        const core::Plan plan = samplePlan();
        QVERIFY(!plan.migration.name.isEmpty());
        bool applied = true;
        core::Plan same = ui::ConnectionOverrides::apply(plan, &applied);
        QVERIFY(!applied);
        QCOMPARE(same.source.host, plan.source.host);

        core::ConnectionSettings source = plan.source;
        source.host = QStringLiteral("db-tunnel.local");
        source.port = 13306;
        core::ConnectionSettings target = plan.target;
        target.user = QStringLiteral("dba");
        target.schema = QStringLiteral("shop");
        ui::ConnectionOverrides::save(plan.migration.name, source, target);
        QVERIFY(ui::ConnectionOverrides::exists(plan.migration.name));
        const core::Plan changed = ui::ConnectionOverrides::apply(plan, &applied);
        QVERIFY(applied);
        QCOMPARE(changed.source.host, QStringLiteral("db-tunnel.local"));
        QCOMPARE(changed.source.port, 13306);
        QCOMPARE(changed.target.user, QStringLiteral("dba"));
        QCOMPARE(changed.target.schema, QStringLiteral("shop"));
        QCOMPARE(changed.target.engine, core::ConnectionSettings::Engine::PostgreSQL);
        // Another plan is not affected.
        core::Plan other = plan;
        other.migration.name = QStringLiteral("orders-to-postgres");
        QCOMPARE(ui::ConnectionOverrides::apply(other).source.host, plan.source.host);

        QFile ini(ui::testSettingsFile());
        QVERIFY(ini.open(QIODevice::ReadOnly));
        QVERIFY(!ini.readAll().toLower().contains("password"));

        ui::ConnectionOverrides::clear(plan.migration.name);
        QVERIFY(!ui::ConnectionOverrides::exists(plan.migration.name));
        QCOMPARE(ui::ConnectionOverrides::apply(plan).source.host, plan.source.host);
    }

    void dialogEditsAndExplainsPasswords()
    {
        const core::Plan plan = samplePlan();
        ui::ConnectionSettingsDialog dialog(plan);
        auto *host = dialog.findChild<QLineEdit *>(QStringLiteral("source.host"));
        auto *port = dialog.findChild<QSpinBox *>(QStringLiteral("target.port"));
        QVERIFY(host && port);
        QCOMPARE(host->text(), plan.source.host);
        host->setText(QStringLiteral("  10.0.0.5 "));
        port->setValue(6432);
        QCOMPARE(dialog.source().host, QStringLiteral("10.0.0.5"));
        QCOMPARE(dialog.target().port, 6432);
        QCOMPARE(dialog.source().database, plan.source.database);
        const QString sourceHelp = dialog.findChild<QLabel *>(QStringLiteral("source.password"))->text();
        const QString targetHelp = dialog.findChild<QLabel *>(QStringLiteral("target.password"))->text();
        QVERIFY2(sourceHelp.contains(QStringLiteral("~/.my.cnf")), qPrintable(sourceHelp));
        QVERIFY2(targetHelp.contains(QStringLiteral("~/.pgpass")), qPrintable(targetHelp));
        QVERIFY(sourceHelp.contains(QStringLiteral("No keychain")));
        QVERIFY(dialog.findChildren<QLineEdit *>().size() >= 8); // and none of them is a password field
        for (QLineEdit *edit : dialog.findChildren<QLineEdit *>())
            QVERIFY(edit->echoMode() == QLineEdit::Normal);
    }

    void testProbesTheEditedSettings()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        core::Plan plan = samplePlan();
        plan.source = test::mysqlSettings(sb, QStringLiteral("mysql"));
        plan.target = test::pgSettings(sb, QStringLiteral("postgres"));
        ui::ConnectionSettingsDialog dialog(plan);
        QSignalSpy finished(&dialog, &ui::ConnectionSettingsDialog::testFinished);
        dialog.test();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        auto statuses = finished.takeFirst().first().value<QList<core::ServerStatus>>();
        QCOMPARE(statuses.size(), 2);
        QVERIFY2(statuses[0].reachable, qPrintable(statuses[0].error));
        QVERIFY2(statuses[1].reachable, qPrintable(statuses[1].error));
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("source.testResult"))->text().contains(QStringLiteral("reachable")));

        dialog.findChild<QSpinBox *>(QStringLiteral("target.port"))->setValue(1); // nothing listens there
        dialog.test();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        statuses = finished.takeFirst().first().value<QList<core::ServerStatus>>();
        QVERIFY(statuses[0].reachable);
        QVERIFY(!statuses[1].reachable);
        QVERIFY(!dialog.findChild<QLabel *>(QStringLiteral("target.testResult"))->text().contains(QStringLiteral("reachable,")));
    }
};

QTEST_MAIN(TestConnectionSettings)
#include "tst_connectionsettings.moc"
