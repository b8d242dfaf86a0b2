// The cockpit end to end, offscreen, against the sandbox: the sample
// dual-write plan (pointed at a fresh MariaDB / PostgreSQL database pair and
// a SQLite control store) opened in the MainWindow, with the real engine and
// job runner on their worker threads.
//   - the timeline shows the plan's phases, none current while the run is
//     pending, then phase 1 current once "Start" went through the gate
//     dialog (typed name, reason, ticked checklist);
//   - a click on "Roll back…" reaches the engine through the rollback
//     dialog: the run is pending again and the audit log holds the
//     phase.rollback entry with the operator and the reason;
//   - the throttle slider of a running backfill (started from the jobs
//     panel) changes the job's limit while it runs, and Cancel stops it.
// Set SWITCHYARD_SCREENSHOT_DIR to save the window and the dialogs.

#include "BackfillFixture.h"
#include "GuiTestHelpers.h"

#include "EngineController.h"
#include "GateConfirmationDialog.h"
#include "JobsPanel.h"
#include "MainWindow.h"
#include "PhaseCard.h"
#include "PhaseTimelineView.h"
#include "RollbackDialog.h"
#include "Settings.h"
#include "TransitionFlow.h"
#include "TransitionWidgets.h"

#include "plan/PlanLoader.h"
#include "plan/PlanWriter.h"
#include "store/ControlStore.h"

#include <QCheckBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace switchyard;
using test::BackfillFixture;

namespace {
constexpr int kRows = 100000;
constexpr int kTimeoutMs = 30000;
} // namespace

class TestCockpit : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<BackfillFixture> m_fixture;
    QTemporaryDir m_dir;
    core::Plan m_plan;
    QString m_planPath;
    std::unique_ptr<ui::MainWindow> m_window;
    QList<core::JobProgress> m_progress;

    ui::PhaseTimelineView *timeline() const { return m_window->timelineView(); }

    void fillForm(ui::ConfirmationForm *form, const QString &op, const QString &reason)
    {
        form->operatorEdit()->setText(op);
        form->reasonEdit()->setPlainText(reason);
        form->phraseEdit()->setText(m_plan.migration.name);
    }

    std::optional<core::JobProgress> latest(qint64 jobId) const
    {
        for (int i = m_progress.size() - 1; i >= 0; --i)
            if (m_progress[i].jobId == jobId)
                return m_progress[i];
        return std::nullopt;
    }

private Q_SLOTS:
    void initTestCase()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        QStandardPaths::setTestModeEnabled(true);
        QFile::remove(ui::testSettingsFile());
        QVERIFY(m_dir.isValid());
        m_fixture = std::make_unique<BackfillFixture>(sb, QStringLiteral("tst_cockpit"));
        m_fixture->source().exec(QStringLiteral(
            "CREATE TABLE users (id INT NOT NULL PRIMARY KEY, email VARCHAR(80) NOT NULL, name VARCHAR(80))"));
        m_fixture->source().exec(QStringLiteral(
            "INSERT INTO users SELECT seq, CONCAT('user', seq, '@example.com'), CONCAT('User ', seq) "
            "FROM seq_1_to_%1").arg(kRows));

        const core::PlanLoadResult loaded = core::PlanLoader::loadFile(test::samplePlan(QStringLiteral("users-dual-write.yaml")));
        QVERIFY(loaded.plan);
        m_plan = *loaded.plan;
        const core::Plan local = m_fixture->plan({BackfillFixture::table(QStringLiteral("users"))});
        m_plan.source = local.source;
        m_plan.target = local.target;
        m_plan.controlStore = local.controlStore;
        // Slow enough to still be running when the test moves the slider.
        m_plan.tables[0].batchRows = 200;
        m_plan.tables[0].maxRowsPerSecond = 1000;
        m_fixture->applySchema(m_plan);
        m_planPath = m_dir.filePath(QStringLiteral("users-dual-write.yaml"));
        QString error;
        QVERIFY2(core::PlanWriter::saveFile(m_plan, m_planPath, &error), qPrintable(error));
        m_plan.filePath = m_planPath;

        m_window = std::make_unique<ui::MainWindow>();
        m_window->resize(1700, 1000);
        m_window->show();
        connect(m_window->engine(), &ui::EngineController::jobProgressed, this,
                [this](const core::JobProgress &p) { m_progress << p; });
        QSignalSpy shown(m_window.get(), &ui::MainWindow::planShown);
        m_window->openPlan(m_planPath);
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(timeline()->hasSnapshot(), kTimeoutMs);
    }

    void cleanupTestCase()
    {
        if (m_window)
            m_window->close(); // stops the runner
        m_window.reset();
        m_fixture.reset();
    }

    void timelineShowsPhasesAndTheCurrentOne()
    {
        QCOMPARE(timeline()->phaseCount(), m_plan.phases.size());
        for (int i = 0; i < m_plan.phases.size(); ++i)
            QCOMPARE(timeline()->card(i)->objectName(), QStringLiteral("phase:") + m_plan.phases[i].id);
        // A new run is pending: no phase in force, only Start is possible.
        QCOMPARE(timeline()->currentPhase(), -1);
        QVERIFY(timeline()->runSummary().contains(QStringLiteral("not started")));
        QVERIFY(timeline()->advanceButton()->isEnabled());
        QVERIFY(!timeline()->rollbackButton()->isEnabled());

        QTest::mouseClick(timeline()->advanceButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->transitions()->gateDialog(), kTimeoutMs);
        ui::GateConfirmationDialog *dialog = m_window->transitions()->gateDialog();
        QVERIFY(!timeline()->advanceButton()->isEnabled()); // busy while the dialog is open
        QVERIFY(!dialog->okButton()->isEnabled());
        fillForm(dialog->form(), QStringLiteral("dana"), QStringLiteral("dual-write release deployed"));
        for (QCheckBox *box : dialog->manualBoxes())
            box->setChecked(true);
        QVERIFY2(dialog->okButton()->isEnabled(), qPrintable(dialog->blockers().join(QLatin1Char('\n'))));
        test::saveScreenshot(dialog, QStringLiteral("start-dialog"));
        QTest::mouseClick(dialog->okButton(), Qt::LeftButton);

        QTRY_COMPARE_WITH_TIMEOUT(timeline()->currentPhase(), 0, kTimeoutMs);
        ui::PhaseCard *first = timeline()->card(0);
        QVERIFY(first->isCurrent());
        QVERIFY(!timeline()->card(1)->isCurrent());
        QTRY_VERIFY_WITH_TIMEOUT(first->statusText().contains(QStringLiteral("active")), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(first->gateMarks().size(), m_plan.phases[0].gates.size(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(timeline()->rollbackButton()->isEnabled(), kTimeoutMs);
        QCOMPARE(timeline()->advanceButton()->text(), QStringLiteral("Advance\u2026"));
        QVERIFY(timeline()->runSummary().contains(m_plan.phases[0].title));

        // The gate dialog of the next move, with its failing soak gate, for the docs.
        QTest::mouseClick(timeline()->advanceButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->transitions()->gateDialog(), kTimeoutMs);
        dialog = m_window->transitions()->gateDialog();
        QVERIFY(!dialog->request().gatesPass);
        fillForm(dialog->form(), QStringLiteral("dana"), QStringLiteral("leaving dual write"));
        QVERIFY(!dialog->okButton()->isEnabled()); // the soak gate fails and allows no override
        test::saveScreenshot(dialog, QStringLiteral("gate-dialog"));
        dialog->reject();
        QTRY_VERIFY_WITH_TIMEOUT(timeline()->advanceButton()->isEnabled(), kTimeoutMs);
        QCOMPARE(timeline()->currentPhase(), 0);
    }

    void rollbackReachesTheEngineAndIsAudited()
    {
        QVERIFY(timeline()->rollbackButton()->isEnabled());
        QTest::mouseClick(timeline()->rollbackButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->transitions()->rollbackDialog(), kTimeoutMs);
        ui::RollbackDialog *dialog = m_window->transitions()->rollbackDialog();
        QVERIFY(!dialog->rollbackButton()->isEnabled());
        const QString reason = QStringLiteral("tst_cockpit: dual-write release pulled");
        fillForm(dialog->form(), QStringLiteral("erin"), reason);
        QVERIFY(dialog->rollbackButton()->isEnabled());
        test::saveScreenshot(dialog, QStringLiteral("rollback-dialog"));
        QTest::mouseClick(dialog->rollbackButton(), Qt::LeftButton);

        QTRY_COMPARE_WITH_TIMEOUT(timeline()->currentPhase(), -1, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->transitions()->rollbackDialog(), kTimeoutMs);

        core::ControlStore store = core::ControlStore::open(core::ControlStoreLocation::fromPlan(m_plan));
        const qint64 runId = m_window->engine()->runId();
        QVERIFY(runId > 0);
        bool found = false;
        for (const core::AuditEntry &entry : store.audit().entries(runId)) {
            if (entry.action == QLatin1String("phase.rollback") && entry.operatorName == QLatin1String("erin")
                && entry.reason == reason)
                found = true;
        }
        QVERIFY2(found, "no phase.rollback audit entry by erin with the reason");
        QVERIFY(store.audit().verifyAudit(runId).ok);
        QCOMPARE(store.runs().phaseState(runId).status, core::PhaseStatus::Pending);
    }

    void throttleSliderChangesTheRunningJob()
    {
        // Start the run again, this time straight through the controller (no dialog).
        ui::EngineController *engine = m_window->engine();
        QSignalSpy requested(engine, &ui::EngineController::transitionRequested);
        QSignalSpy finished(engine, &ui::EngineController::transitionFinished);
        engine->requestAdvance();
        QTRY_COMPARE_WITH_TIMEOUT(requested.count(), 1, kTimeoutMs);
        const auto request = requested.first().first().value<core::TransitionRequest>();
        QCOMPARE(request.kind, core::TransitionKind::Start);
        engine->confirm(request, {QStringLiteral("dana"), m_plan.migration.name, QStringLiteral("second start"), false,
                                  request.manualItems});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        QVERIFY2(finished.first().first().value<core::TransitionOutcome>().applied,
                 qPrintable(finished.first().first().value<core::TransitionOutcome>().refusal));
        QTRY_COMPARE_WITH_TIMEOUT(timeline()->currentPhase(), 0, kTimeoutMs);

        ui::JobsPanel *jobs = m_window->jobsPanel();
        QPushButton *backfill = jobs->backfillButton(QStringLiteral("users"));
        QVERIFY(backfill);
        m_progress.clear();
        QTest::mouseClick(backfill, Qt::LeftButton);
        qint64 jobId = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const core::JobProgress &p : m_progress)
                    if (p.kind == core::JobSpec::Kind::Backfill && p.state == core::JobState::Running && p.rowsDone > 0)
                        jobId = p.jobId;
                return jobId > 0;
            }(),
            kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(jobs->throttleSlider(jobId), kTimeoutMs);
        QCOMPARE(latest(jobId)->maxRowsPerSecond, 1000.0); // the plan's limit

        QSlider *slider = jobs->throttleSlider(jobId);
        const int position = ui::JobsPanel::sliderValueForThrottle(5000);
        const double expected = ui::JobsPanel::throttleForSliderValue(position);
        slider->setValue(position);
        QTRY_VERIFY_WITH_TIMEOUT(latest(jobId) && latest(jobId)->maxRowsPerSecond == expected, kTimeoutMs);
        QCOMPARE(latest(jobId)->state, core::JobState::Running);
        QTRY_VERIFY_WITH_TIMEOUT(latest(jobId)->rowsPerSecond > 1500, kTimeoutMs); // faster than the old limit
        if (!qEnvironmentVariableIsEmpty("SWITCHYARD_SCREENSHOT_DIR")) {
            // Give the charts room for the picture, then a few seconds of samples.
            if (auto *charts = m_window->findChild<QDockWidget *>(QStringLiteral("chartsDock")))
                m_window->resizeDocks({charts}, {600}, Qt::Horizontal);
            QTest::qWait(4000);
            test::saveScreenshot(m_window.get(), QStringLiteral("cockpit"));
        }

        // Unlimited, then cancel from the panel.
        slider->setValue(0);
        QTRY_VERIFY_WITH_TIMEOUT(latest(jobId)->maxRowsPerSecond == 0.0, kTimeoutMs);
        QPushButton *cancel = jobs->cancelButton(jobId);
        QVERIFY(cancel && cancel->isEnabled());
        QTest::mouseClick(cancel, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(latest(jobId)->state == core::JobState::Cancelled
                                     || latest(jobId)->state == core::JobState::Completed,
                                 kTimeoutMs);
    }
};

QTEST_MAIN(TestCockpit)
#include "tst_cockpit.moc"
