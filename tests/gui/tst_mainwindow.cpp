// MainWindow, offscreen: opening plans (good, broken, missing, empty,
// binary), what stays on screen when a load fails, recent plans, drag and
// drop, the About box, and settings isolation.

#include "GuiTestHelpers.h"
#include "TestSupport.h"

#include "MainWindow.h"
#include "PhaseCard.h"
#include "PhaseTimelineView.h"
#include "PlanErrorDialog.h"
#include "PlanFormat.h"
#include "PlanOverviewPanel.h"
#include "RecentPlans.h"
#include "Settings.h"

#include "plan/PlanLoader.h"

#include <switchyard/Version.h>

#include <QAction>
#include <QDropEvent>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTreeWidget>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>

using namespace switchyard;
using switchyard::test::samplePlan;
using switchyard::test::whenModalShown;

namespace {

constexpr int kLoadTimeoutMs = 15000;

QString dualWritePlan()
{
    return samplePlan(QStringLiteral("users-dual-write.yaml"));
}

// The dual-write sample with its comment and blank lines dropped and an
// unknown key inserted, so the plan has a known error at line 3, column 3.
QByteArray brokenPlanText()
{
    QFile sample(dualWritePlan());
    if (!sample.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> kept;
    for (const QByteArray &line : sample.readAll().split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (!trimmed.isEmpty() && !trimmed.startsWith('#'))
            kept << line;
    }
    // kept[0] = "version: 1", kept[1] = "migration:"
    kept.insert(2, QByteArrayLiteral("  colour: blue"));
    return kept.join('\n') + '\n';
}

struct DialogSnapshot
{
    QString filePath;
    QStringList errors;
    QString excerpt;
};

std::function<void(ui::PlanErrorDialog *)> snapshotInto(DialogSnapshot *snapshot,
                                                        const QString &screenshot = {})
{
    return [snapshot, screenshot](ui::PlanErrorDialog *dialog) {
        if (!screenshot.isEmpty())
            test::saveScreenshot(dialog, screenshot);
        snapshot->filePath = dialog->filePath();
        for (int i = 0; i < dialog->errorCount(); ++i)
            snapshot->errors << dialog->errorText(i);
        snapshot->excerpt = dialog->excerpt();
    };
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void startsEmptyWithAWayToOpenAPlan();
    void showsEveryPhaseOfTheSampleInOrder_data();
    void showsEveryPhaseOfTheSampleInOrder();
    void overviewShowsPlanWithoutSecrets();
    void brokenPlanListsErrorsAndKeepsPlanOnScreen();
    void failedReloadKeepsPlanOnScreen();
    void unreadableFilesShowAnError_data();
    void unreadableFilesShowAnError();
    void missingFileWithoutPlanKeepsEmptyState();
    void recentPlansListIsUpdated();
    void recentPlansKeepsEight();
    void droppingAYamlFileOpensIt();
    void currentPhaseIsHighlighted();
    void followsADarkPalette();
    void aboutShowsTheVersion();
    void layoutIsSavedToTestSettings();

private:
    std::unique_ptr<ui::MainWindow> openWindow(const QString &planPath = {});
    QTemporaryDir m_tmp;
};

void TestMainWindow::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    // Opening a plan opens its run in the plan's control store; the sample
    // plans keep theirs under $XDG_DATA_HOME or ~, which must not be the user's.
    qputenv("XDG_DATA_HOME", QFile::encodeName(m_tmp.filePath(QStringLiteral("data"))));
    QDir().mkpath(m_tmp.filePath(QStringLiteral("home")));
    qputenv("HOME", QFile::encodeName(m_tmp.filePath(QStringLiteral("home"))));
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY2(QFile::exists(dualWritePlan()), qPrintable(dualWritePlan()));
    // The settings must be the test-mode file, never the user's.
    QVERIFY(!ui::testSettingsFile().isEmpty());
    QCOMPARE(ui::openSettings()->fileName(), ui::testSettingsFile());
}

void TestMainWindow::init()
{
    QFile::remove(ui::testSettingsFile());
}

void TestMainWindow::cleanup()
{
    // No dialog may outlive its test.
    QTRY_VERIFY(!QApplication::activeModalWidget());
}

std::unique_ptr<ui::MainWindow> TestMainWindow::openWindow(const QString &planPath)
{
    auto window = std::make_unique<ui::MainWindow>();
    window->resize(1400, 900);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return {};
    if (!planPath.isEmpty()) {
        QSignalSpy shown(window.get(), &ui::MainWindow::planShown);
        window->openPlan(planPath);
        if (!shown.wait(kLoadTimeoutMs))
            return {};
    }
    return window;
}

void TestMainWindow::startsEmptyWithAWayToOpenAPlan()
{
    auto window = openWindow();
    QVERIFY(window);
    QVERIFY(!window->hasPlan());
    QCOMPARE(window->windowTitle(), QStringLiteral("Switchyard"));
    auto *button = window->findChild<QPushButton *>(QStringLiteral("openPlanButton"));
    QVERIFY(button);
    QVERIFY(button->isVisible());
    auto *hint = window->findChild<QLabel *>(QStringLiteral("emptyStateHint"));
    QVERIFY(hint && hint->isVisible());
    QVERIFY(hint->text().contains(QStringLiteral("Ctrl+O")));
    QCOMPARE(window->timelineView()->phaseCount(), 0);
    auto *reload = window->findChild<QAction *>(QStringLiteral("reloadAction"));
    QVERIFY(reload && !reload->isEnabled());
    // No plan, no report to export.
    auto *report = window->findChild<QAction *>(QStringLiteral("reportAction"));
    QVERIFY(report && !report->isEnabled());
    // The icon is compiled in (the empty state and the window use it).
    QVERIFY(!QIcon(QStringLiteral(":/icons/switchyard.svg")).pixmap(64, 64).isNull());
    test::saveScreenshot(window.get(), QStringLiteral("mainwindow-empty"));
}

void TestMainWindow::showsEveryPhaseOfTheSampleInOrder_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::newRow("dual write") << QStringLiteral("users-dual-write.yaml");
    QTest::newRow("flag ramp") << QStringLiteral("checkout-flag-ramp.yaml");
    QTest::newRow("blue/green") << QStringLiteral("orders-blue-green.yaml");
}

void TestMainWindow::showsEveryPhaseOfTheSampleInOrder()
{
    QFETCH(QString, fileName);
    const QString planFile = samplePlan(fileName);
    const core::PlanLoadResult expected = core::PlanLoader::loadFile(planFile);
    QVERIFY2(expected.ok(), qPrintable(expected.errorText()));
    const core::Plan &plan = *expected.plan;
    QVERIFY(plan.phases.size() >= 2);

    auto window = openWindow(planFile);
    QVERIFY(window);
    QVERIFY(window->hasPlan());
    QCOMPARE(window->planPath(), QFileInfo(planFile).absoluteFilePath());
    QCOMPARE(window->windowTitle(),
             plan.migration.name + QStringLiteral(" \u2014 Switchyard"));

    // Every phase, found the way a screen reader would: by object and
    // accessible name, and laid out left to right in plan order.
    const QList<ui::PhaseCard *> all = window->findChildren<ui::PhaseCard *>();
    QCOMPARE(all.size(), plan.phases.size());
    int previousX = -1;
    for (int i = 0; i < plan.phases.size(); ++i) {
        const core::PhaseSpec &phase = plan.phases[i];
        auto *card = window->findChild<ui::PhaseCard *>(QStringLiteral("phase:") + phase.id);
        QVERIFY2(card, qPrintable(phase.id));
        QVERIFY(card->isVisible());
        QCOMPARE(card->accessibleName(), phase.title);
        QCOMPARE(card->number(), i + 1);
        const int x = card->mapTo(window.get(), QPoint(0, 0)).x();
        QVERIFY2(x > previousX, qPrintable(QStringLiteral("phase %1 is not right of phase %2")
                                               .arg(i + 1).arg(i)));
        previousX = x;

        // The gates to leave the phase are on the card, one per line.
        const auto *gates = card->findChild<QLabel *>(QStringLiteral("gates"));
        QVERIFY(gates);
        for (const core::GateSpec &gate : phase.gates)
            QVERIFY2(gates->text().contains(gate.describe().toHtmlEscaped()),
                     qPrintable(gate.describe()));
        QVERIFY(card->toolTip().contains(phase.title.toHtmlEscaped()));
    }
    // The timeline's own list agrees with the plan too.
    QCOMPARE(window->timelineView()->phaseCount(), plan.phases.size());
    for (int i = 0; i < plan.phases.size(); ++i)
        QCOMPARE(window->timelineView()->card(i)->title(), plan.phases[i].title);

    const auto *path = window->findChild<QLabel *>(QStringLiteral("planPath"));
    QVERIFY(path);
    QVERIFY(path->text().endsWith(fileName));
    QVERIFY(!window->findChild<QWidget *>(QStringLiteral("emptyState"))->isVisible());

    test::saveScreenshot(window.get(), QStringLiteral("mainwindow-") + QFileInfo(fileName).baseName());
}

void TestMainWindow::overviewShowsPlanWithoutSecrets()
{
    const core::PlanLoadResult expected = core::PlanLoader::loadFile(dualWritePlan());
    QVERIFY(expected.ok());
    const core::Plan &plan = *expected.plan;
    auto window = openWindow(dualWritePlan());
    QVERIFY(window);
    ui::PlanOverviewPanel *overview = window->overviewPanel();
    QVERIFY(overview->isVisible());
    QCOMPARE(overview->findChild<QLabel *>(QStringLiteral("migrationName"))->text(),
             plan.migration.name);
    QCOMPARE(overview->fieldText(QStringLiteral("owner")), plan.migration.owner);
    QVERIFY(overview->fieldText(QStringLiteral("risk")).contains(plan.migration.riskLevel));
    QVERIFY(overview->fieldText(QStringLiteral("source"))
                .contains(plan.source.host + QLatin1Char(':') + QString::number(plan.source.effectivePort())));
    QVERIFY(overview->fieldText(QStringLiteral("target")).contains(plan.target.database));
    QVERIFY(!overview->fieldText(QStringLiteral("controlStore")).isEmpty());
    QCOMPARE(overview->tablesView()->topLevelItemCount(), plan.tables.size());
    QCOMPARE(overview->tablesView()->topLevelItem(0)->text(0), plan.tables[0].name);
    QCOMPARE(overview->tablesView()->topLevelItem(0)->text(1), plan.tables[0].keyColumns.join(QStringLiteral(", ")));
    for (const QLabel *label : overview->findChildren<QLabel *>())
        QVERIFY2(!label->text().contains(QStringLiteral("password"), Qt::CaseInsensitive),
                 qPrintable(label->text()));
}

void TestMainWindow::brokenPlanListsErrorsAndKeepsPlanOnScreen()
{
    const QString brokenPath = m_tmp.filePath(QStringLiteral("broken.yaml"));
    QVERIFY(test::writeFile(brokenPath, brokenPlanText()));
    // Precondition: the loader itself reports the error we planted.
    const core::PlanLoadResult expected = core::PlanLoader::loadFile(brokenPath);
    QVERIFY(!expected.ok());
    bool planted = false;
    for (const core::PlanError &e : expected.errors)
        planted = planted || (e.where.line == 3 && e.where.column == 3);
    QVERIFY2(planted, qPrintable(expected.errorText()));

    auto window = openWindow(dualWritePlan());
    QVERIFY(window);
    const QString title = window->windowTitle();
    const QString shownPath = window->planPath();
    const int phases = window->timelineView()->phaseCount();

    DialogSnapshot snapshot;
    auto done = whenModalShown<ui::PlanErrorDialog>(
        snapshotInto(&snapshot, QStringLiteral("plan-error-dialog")));
    QSignalSpy failed(window.get(), &ui::MainWindow::planFailed);
    QSignalSpy shown(window.get(), &ui::MainWindow::planShown);
    window->openPlan(brokenPath);
    QVERIFY(failed.wait(kLoadTimeoutMs));
    QTRY_VERIFY_WITH_TIMEOUT(*done, kLoadTimeoutMs);

    QCOMPARE(snapshot.filePath, QFileInfo(brokenPath).absoluteFilePath());
    QCOMPARE(snapshot.errors.size(), expected.errors.size());
    for (int i = 0; i < expected.errors.size(); ++i)
        QCOMPARE(snapshot.errors[i], ui::format::errorLine(expected.errors[i]));
    QVERIFY2(snapshot.errors.filter(QStringLiteral("line 3, column 3")).size() == 1,
             qPrintable(snapshot.errors.join(QLatin1Char('\n'))));
    // The first error's line is shown with a caret under its column.
    QVERIFY2(snapshot.excerpt.contains(QStringLiteral("colour: blue")), qPrintable(snapshot.excerpt));

    // Nothing of the earlier plan was lost.
    QCOMPARE(shown.count(), 0);
    QVERIFY(window->hasPlan());
    QCOMPARE(window->planPath(), shownPath);
    QCOMPARE(window->windowTitle(), title);
    QCOMPARE(window->timelineView()->phaseCount(), phases);
    QVERIFY(window->timelineView()->isVisible());
    // A plan that failed is not a recent plan.
    QVERIFY(!window->recentPlans()->paths().contains(QFileInfo(brokenPath).absoluteFilePath()));
}

void TestMainWindow::failedReloadKeepsPlanOnScreen()
{
    const QString path = m_tmp.filePath(QStringLiteral("reloaded.yaml"));
    QFile::remove(path);
    QVERIFY(QFile::copy(dualWritePlan(), path));
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    auto window = openWindow(path);
    QVERIFY(window);
    const QString title = window->windowTitle();

    QVERIFY(test::writeFile(path, brokenPlanText()));
    DialogSnapshot snapshot;
    auto done = whenModalShown<ui::PlanErrorDialog>(snapshotInto(&snapshot));
    QSignalSpy failed(window.get(), &ui::MainWindow::planFailed);
    auto *reload = window->findChild<QAction *>(QStringLiteral("reloadAction"));
    QVERIFY(reload && reload->isEnabled());
    QCOMPARE(reload->shortcut(), QKeySequence(Qt::Key_F5));
    // With a plan open, File > Export Validation Report is offered.
    auto *report = window->findChild<QAction *>(QStringLiteral("reportAction"));
    QVERIFY(report && report->isEnabled());
    reload->trigger();
    QVERIFY(failed.wait(kLoadTimeoutMs));
    QTRY_VERIFY_WITH_TIMEOUT(*done, kLoadTimeoutMs);
    QVERIFY(!snapshot.errors.filter(QStringLiteral("line 3, column 3")).isEmpty());
    QVERIFY(window->hasPlan());
    QCOMPARE(window->windowTitle(), title);
    QVERIFY(window->findChildren<ui::PhaseCard *>().size() > 0);

    // Fixed file, reload again: it loads.
    QFile::remove(path);
    QVERIFY(QFile::copy(dualWritePlan(), path));
    QSignalSpy shown(window.get(), &ui::MainWindow::planShown);
    reload->trigger();
    QVERIFY(shown.wait(kLoadTimeoutMs));
}

void TestMainWindow::unreadableFilesShowAnError_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("create");

    QByteArray binary;
    for (int i = 0; i < 4096; ++i)
        binary.append(char((i * 151 + 7) % 256));
    QTest::newRow("missing") << QStringLiteral("no/such/dir/missing.yaml") << QByteArray() << false;
    QTest::newRow("empty") << QStringLiteral("empty.yaml") << QByteArray() << true;
    QTest::newRow("binary") << QStringLiteral("binary.yaml") << binary << true;
    QTest::newRow("not a mapping") << QStringLiteral("list.yaml") << QByteArray("- a\n- b\n") << true;
    QTest::newRow("bad yaml") << QStringLiteral("bad.yaml") << QByteArray("version: [1\nmigration: {\n") << true;
}

void TestMainWindow::unreadableFilesShowAnError()
{
    QFETCH(QString, fileName);
    QFETCH(QByteArray, content);
    QFETCH(bool, create);
    const QString path = m_tmp.filePath(fileName);
    if (create)
        QVERIFY(test::writeFile(path, content));

    auto window = openWindow(dualWritePlan());
    QVERIFY(window);
    DialogSnapshot snapshot;
    auto done = whenModalShown<ui::PlanErrorDialog>(snapshotInto(&snapshot));
    QSignalSpy failed(window.get(), &ui::MainWindow::planFailed);
    window->openPlan(path);
    QVERIFY(failed.wait(kLoadTimeoutMs));
    QTRY_VERIFY_WITH_TIMEOUT(*done, kLoadTimeoutMs);
    QCOMPARE(snapshot.filePath, QFileInfo(path).absoluteFilePath());
    QVERIFY(!snapshot.errors.isEmpty());
    for (const QString &error : snapshot.errors)
        QVERIFY(!error.trimmed().isEmpty());
    QVERIFY(window->hasPlan());
    QCOMPARE(window->planPath(), QFileInfo(dualWritePlan()).absoluteFilePath());
}

void TestMainWindow::missingFileWithoutPlanKeepsEmptyState()
{
    auto window = openWindow();
    QVERIFY(window);
    DialogSnapshot snapshot;
    auto done = whenModalShown<ui::PlanErrorDialog>(snapshotInto(&snapshot));
    QSignalSpy failed(window.get(), &ui::MainWindow::planFailed);
    window->openPlan(m_tmp.filePath(QStringLiteral("missing.yaml")));
    QVERIFY(failed.wait(kLoadTimeoutMs));
    QTRY_VERIFY_WITH_TIMEOUT(*done, kLoadTimeoutMs);
    QVERIFY(!snapshot.errors.isEmpty());
    QVERIFY(!window->hasPlan());
    QCOMPARE(window->windowTitle(), QStringLiteral("Switchyard"));
    QVERIFY(window->findChild<QWidget *>(QStringLiteral("emptyState"))->isVisible());
    QVERIFY(window->recentPlans()->paths().isEmpty());
}

void TestMainWindow::recentPlansListIsUpdated()
{
    auto window = openWindow(dualWritePlan());
    QVERIFY(window);
    const QString expected = QFileInfo(dualWritePlan()).absoluteFilePath();
    QCOMPARE(window->recentPlans()->paths().value(0), expected);

    QMenu *menu = window->recentMenu();
    QVERIFY(menu);
    QStringList inMenu;
    for (QAction *action : menu->actions())
        inMenu << action->data().toString();
    QVERIFY2(inMenu.contains(expected), qPrintable(inMenu.join(QLatin1Char(','))));

    // A second plan goes on top; the first stays, once.
    const QString other = samplePlan(QStringLiteral("orders-blue-green.yaml"));
    QSignalSpy shown(window.get(), &ui::MainWindow::planShown);
    window->openPlan(other);
    QVERIFY(shown.wait(kLoadTimeoutMs));
    QCOMPARE(window->recentPlans()->paths(),
             (QStringList{QFileInfo(other).absoluteFilePath(), expected}));
    window->openPlan(dualWritePlan());
    QVERIFY(shown.wait(kLoadTimeoutMs));
    QCOMPARE(window->recentPlans()->paths(),
             (QStringList{expected, QFileInfo(other).absoluteFilePath()}));

    // The list survives a new window (it lives in the settings).
    window.reset();
    ui::MainWindow second;
    QCOMPARE(second.recentPlans()->paths().value(0), expected);

    // Opening from the menu works.
    QAction *first = nullptr;
    for (QAction *action : second.recentMenu()->actions())
        if (action->data().toString() == expected)
            first = action;
    QVERIFY(first);
    QSignalSpy secondShown(&second, &ui::MainWindow::planShown);
    first->trigger();
    QVERIFY(secondShown.wait(kLoadTimeoutMs));
    QCOMPARE(second.planPath(), expected);
}

void TestMainWindow::recentPlansKeepsEight()
{
    ui::RecentPlans recent;
    for (int i = 0; i < 12; ++i)
        recent.add(m_tmp.filePath(QStringLiteral("plan-%1.yaml").arg(i)));
    const QStringList paths = recent.paths();
    QCOMPARE(paths.size(), ui::RecentPlans::kMaxEntries);
    QCOMPARE(paths.first(), m_tmp.filePath(QStringLiteral("plan-11.yaml")));
    QCOMPARE(paths.last(), m_tmp.filePath(QStringLiteral("plan-4.yaml")));
    recent.clear();
    QVERIFY(recent.paths().isEmpty());
}

void TestMainWindow::droppingAYamlFileOpensIt()
{
    auto window = openWindow();
    QVERIFY(window);

    QMimeData text;
    text.setUrls({QUrl::fromLocalFile(m_tmp.filePath(QStringLiteral("notes.txt")))});
    QVERIFY(ui::MainWindow::planPathFromMimeData(&text).isEmpty());
    QDragEnterEvent refused(QPoint(100, 100), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(window.get(), &refused);
    QVERIFY(!refused.isAccepted());

    QMimeData plan;
    plan.setUrls({QUrl(QStringLiteral("https://example.com/x.yaml")),
                  QUrl::fromLocalFile(dualWritePlan())});
    QDragEnterEvent enter(QPoint(100, 100), Qt::CopyAction, &plan, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(window.get(), &enter);
    QVERIFY(enter.isAccepted());
    QSignalSpy shown(window.get(), &ui::MainWindow::planShown);
    QDropEvent drop(QPointF(100, 100), Qt::CopyAction, &plan, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(window.get(), &drop);
    QVERIFY(shown.wait(kLoadTimeoutMs));
    QCOMPARE(window->planPath(), QFileInfo(dualWritePlan()).absoluteFilePath());
}

void TestMainWindow::currentPhaseIsHighlighted()
{
    auto window = openWindow(dualWritePlan());
    QVERIFY(window);
    ui::PhaseTimelineView *timeline = window->timelineView();
    QCOMPARE(timeline->currentPhase(), -1);
    timeline->setCurrentPhase(1);
    QCOMPARE(timeline->currentPhase(), 1);
    for (int i = 0; i < timeline->phaseCount(); ++i)
        QCOMPARE(timeline->card(i)->isCurrent(), i == 1);
    test::saveScreenshot(window.get(), QStringLiteral("mainwindow-current-phase"));
    timeline->setCurrentPhase(-1);
    for (int i = 0; i < timeline->phaseCount(); ++i)
        QVERIFY(!timeline->card(i)->isCurrent());
    timeline->setCurrentPhase(999); // out of range: nothing current, no crash
    QCOMPARE(timeline->currentPhase(), -1);

    QSignalSpy selected(timeline, &ui::PhaseTimelineView::phaseSelected);
    QTest::mouseClick(timeline->card(2), Qt::LeftButton, {}, QPoint(20, 20));
    QCOMPARE(selected.count(), 1);
    QCOMPARE(selected.first().first().toInt(), 2);
}

void TestMainWindow::followsADarkPalette()
{
    const QPalette original = QApplication::palette();
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x30));
    dark.setColor(QPalette::WindowText, QColor(0xdf, 0xe1, 0xe5));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
    dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
    dark.setColor(QPalette::Text, QColor(0xdf, 0xe1, 0xe5));
    dark.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9d, 0xa3));
    dark.setColor(QPalette::Button, QColor(0x3a, 0x3c, 0x40));
    dark.setColor(QPalette::ButtonText, QColor(0xdf, 0xe1, 0xe5));
    dark.setColor(QPalette::Highlight, QColor(0x35, 0x74, 0xf0));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    dark.setColor(QPalette::Mid, QColor(0x4a, 0x4c, 0x50));
    QApplication::setPalette(dark);
    auto restore = qScopeGuard([&original] { QApplication::setPalette(original); });

    auto window = openWindow(dualWritePlan());
    QVERIFY(window);
    window->timelineView()->setCurrentPhase(2);
    // Text on a card uses the colour that contrasts with the card surface.
    ui::PhaseCard *card = window->timelineView()->card(0);
    QVERIFY(card);
    const auto *title = card->findChild<QLabel *>(QStringLiteral("title"));
    QVERIFY(title);
    const QColor surface = card->palette().color(QPalette::Base);
    const QColor text = title->palette().color(title->foregroundRole());
    QVERIFY2(text.lightness() - surface.lightness() > 120,
             qPrintable(text.name() + QLatin1String(" on ") + surface.name()));
    const auto *id = card->findChild<QLabel *>(QStringLiteral("id"));
    QVERIFY(id->palette().color(id->foregroundRole()).lightness() > surface.lightness() + 60);
    // The rendered card is dark, not the white of a light theme.
    const QImage image = card->grab().toImage();
    QVERIFY(QColor(image.pixel(image.width() / 2, image.height() - 6)).lightness() < 80);
    test::saveScreenshot(window.get(), QStringLiteral("mainwindow-dark"));
}

void TestMainWindow::aboutShowsTheVersion()
{
    auto window = openWindow();
    QVERIFY(window);
    QString text;
    auto done = whenModalShown<QMessageBox>([&text](QMessageBox *box) { text = box->text(); });
    auto *about = window->findChild<QAction *>(QStringLiteral("aboutAction"));
    QVERIFY(about);
    about->trigger(); // QMessageBox::about runs its own loop until the timer closes it
    QTRY_VERIFY_WITH_TIMEOUT(*done, kLoadTimeoutMs);
    QVERIFY2(text.contains(QStringLiteral(SWITCHYARD_VERSION)), qPrintable(text));
}

void TestMainWindow::layoutIsSavedToTestSettings()
{
    {
        auto window = openWindow();
        QVERIFY(window);
        window->resize(1111, 777);
        window->close();
    }
    QVERIFY(QFile::exists(ui::testSettingsFile()));
    ui::MainWindow restored;
    QCOMPARE(restored.size(), QSize(1111, 777));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
