#include "MainWindow.h"

#include "ConnectionSettingsDialog.h"
#include "ConnectionStatusPanel.h"
#include "EmptyStateWidget.h"
#include "EngineController.h"
#include "JobsPanel.h"
#include "TransitionFlow.h"
#include "report/ReportExportDialog.h"
#include "panels/AuditPanel.h"
#include "panels/ChartsPanel.h"
#include "panels/MismatchPanel.h"
#include "PhaseTimelineView.h"
#include "PlanErrorDialog.h"
#include "PlanOpener.h"
#include "PlanOverviewPanel.h"
#include "PlanRisksPanel.h"
#include "RecentPlans.h"
#include "Settings.h"

#include <switchyard/Version.h>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QUrl>

namespace switchyard::ui {

namespace {
const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kStateKey = QStringLiteral("mainWindow/state");
const QString kLastDirKey = QStringLiteral("lastPlanDirectory");
const QString kAppTitle = QStringLiteral("Switchyard");
constexpr int kStatusMessageMs = 8000;

enum CentralPage { EmptyPage, TimelinePage };
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_opener(new PlanOpener(this))
    , m_recent(new RecentPlans(this))
    , m_engine(new EngineController(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    createPanels();
    createActions();
    createMenus();

    connect(m_opener, &PlanOpener::loadStarted, this, [this](const QString &path) {
        statusBar()->showMessage(QStringLiteral("Loading %1\u2026").arg(QFileInfo(path).fileName()));
    });
    connect(m_opener, &PlanOpener::planLoaded, this, &MainWindow::showPlan);
    connect(m_opener, &PlanOpener::loadFailed, this, &MainWindow::showLoadFailure);
    connect(m_recent, &RecentPlans::changed, this, &MainWindow::rebuildRecentMenu);

    connectEngine();
    rebuildRecentMenu();
    updateTitle();
    restoreLayout();
}

MainWindow::~MainWindow() = default;

PlanErrorDialog *MainWindow::errorDialog() const
{
    return m_errorDialog.data();
}

void MainWindow::createPanels()
{
    m_central = new QStackedWidget(this);
    m_emptyState = new EmptyStateWidget(m_central);
    m_timeline = new PhaseTimelineView(m_central);
    m_central->addWidget(m_emptyState);
    m_central->addWidget(m_timeline);
    m_central->setCurrentIndex(EmptyPage);
    setCentralWidget(m_central);
    connect(m_emptyState, &EmptyStateWidget::openRequested, this, &MainWindow::showOpenDialog);
    connect(m_emptyState, &EmptyStateWidget::recentPlanRequested, this, &MainWindow::openPlan);

    m_overview = new PlanOverviewPanel;
    m_overviewDock = addDock(m_overview, QStringLiteral("Plan"), QStringLiteral("overviewDock"), Qt::LeftDockWidgetArea);
    m_overviewDock->setMinimumWidth(300);
    m_connections = new ConnectionStatusPanel;
    addDock(m_connections, QStringLiteral("Connections"), QStringLiteral("connectionsDock"), Qt::LeftDockWidgetArea);
    m_charts = new ChartsPanel;
    addDock(m_charts, QStringLiteral("Charts"), QStringLiteral("chartsDock"), Qt::RightDockWidgetArea);
    m_jobs = new JobsPanel;
    QDockWidget *jobsDock = addDock(m_jobs, QStringLiteral("Jobs"), QStringLiteral("jobsDock"), Qt::BottomDockWidgetArea);
    m_mismatches = new MismatchPanel;
    QDockWidget *mismatchDock = addDock(m_mismatches, QStringLiteral("Mismatches"), QStringLiteral("mismatchesDock"),
                                        Qt::BottomDockWidgetArea);
    m_audit = new AuditPanel;
    QDockWidget *auditDock = addDock(m_audit, QStringLiteral("Audit Log"), QStringLiteral("auditDock"),
                                     Qt::BottomDockWidgetArea);
    m_risks = new PlanRisksPanel;
    m_risksDock = addDock(m_risks, QStringLiteral("Risks"), QStringLiteral("risksDock"), Qt::BottomDockWidgetArea);
    // The live panels ask for a lot of room; a small screen (or a user's
    // resize) may give them less: they scroll or squeeze rather than force
    // the window wider than the desktop.
    for (QWidget *panel : std::initializer_list<QWidget *>{m_connections, m_charts, m_jobs, m_mismatches, m_audit}) {
        panel->setMinimumWidth(220);
        panel->setMinimumHeight(120);
    }
    tabifyDockWidget(jobsDock, mismatchDock);
    tabifyDockWidget(mismatchDock, auditDock);
    tabifyDockWidget(auditDock, m_risksDock);
    jobsDock->raise();
    // The overview runs the full height; the bottom docks sit under the timeline.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);

    m_transitions = new TransitionFlow(m_engine, this);
    connect(m_timeline, &PhaseTimelineView::advanceRequested, m_transitions, &TransitionFlow::advance);
    connect(m_timeline, &PhaseTimelineView::rollbackRequested, m_transitions, &TransitionFlow::rollback);

    m_connectionLabel = new QLabel(statusBar());
    m_connectionLabel->setObjectName(QStringLiteral("connectionSummary"));
    m_connectionLabel->setContentsMargins(4, 0, 4, 0);
    statusBar()->addPermanentWidget(m_connectionLabel);
    m_pathLabel = new QLabel(statusBar());
    m_pathLabel->setObjectName(QStringLiteral("planPath"));
    m_pathLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pathLabel->setContentsMargins(4, 0, 4, 0);
    statusBar()->addPermanentWidget(m_pathLabel);
}

QDockWidget *MainWindow::addDock(QWidget *panel, const QString &title, const QString &objectName,
                                 Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(objectName); // saveState()/restoreState() key
    dock->setWidget(panel);
    addDockWidget(area, dock);
    m_docks << dock;
    return dock;
}

void MainWindow::connectEngine()
{
    EngineController *engine = m_engine;
    connect(engine, &EngineController::opened, this, &MainWindow::showRunOpened);
    connect(engine, &EngineController::snapshotChanged, this, [this](const core::EngineSnapshot &snapshot) {
        m_timeline->setSnapshot(snapshot);
        m_jobs->setJobs(snapshot.jobs);
        const bool idle = !m_transitions->isBusy();
        m_advanceAction->setEnabled(idle && snapshot.canAdvance);
        m_rollbackAction->setEnabled(idle && snapshot.canRollback);
        m_advanceAction->setText(snapshot.state.status == core::PhaseStatus::Pending ? QStringLiteral("&Start\u2026")
                                                                                    : QStringLiteral("&Advance\u2026"));
    });
    connect(engine, &EngineController::jobProgressed, m_jobs, &JobsPanel::updateProgress);
    connect(engine, &EngineController::serversProbed, this, [this](const QList<core::ServerStatus> &statuses) {
        m_connections->setStatuses(statuses);
        m_connectionLabel->setText(m_connections->summary());
    });
    connect(engine, &EngineController::engineError, this, [this](const QString &what, const QString &error) {
        statusBar()->showMessage(QStringLiteral("Could not %1: %2").arg(what, error), kStatusMessageMs);
    });
    connect(engine, &EngineController::jobActionDone, this, [this](const QString &what, qint64) {
        statusBar()->showMessage(QStringLiteral("Done: %1").arg(what), kStatusMessageMs);
    });
    connect(engine, &EngineController::jobActionRefused, this, [this](const QString &what, const QString &refusal) {
        statusBar()->showMessage(QStringLiteral("Could not %1: %2").arg(what, refusal), kStatusMessageMs);
    });
    connect(m_jobs, &JobsPanel::startBackfillRequested, engine, &EngineController::startBackfill);
    connect(m_jobs, &JobsPanel::startValidationRequested, engine, &EngineController::startValidation);
    connect(m_jobs, &JobsPanel::pauseRequested, engine, &EngineController::pauseJob);
    connect(m_jobs, &JobsPanel::resumeRequested, engine, &EngineController::resumeJob);
    connect(m_jobs, &JobsPanel::cancelRequested, engine, &EngineController::cancelJob);
    connect(m_jobs, &JobsPanel::throttleRequested, engine, &EngineController::setMaxRowsPerSecond);
    connect(m_connections, &ConnectionStatusPanel::refreshRequested, engine, &EngineController::probe);
    connect(m_connections, &ConnectionStatusPanel::settingsRequested, this, &MainWindow::showConnectionSettings);
    connect(m_transitions, &TransitionFlow::busyChanged, this, [this](bool busy) {
        m_timeline->setBusy(busy);
        if (busy) {
            m_advanceAction->setEnabled(false);
            m_rollbackAction->setEnabled(false);
        } else {
            m_engine->refresh();
        }
    });
    connect(m_transitions, &TransitionFlow::finished, this,
            [this](const core::TransitionOutcome &, const QString &summary) {
                statusBar()->showMessage(summary, kStatusMessageMs);
            });
}

void MainWindow::showRunOpened(qint64 runId)
{
    if (!m_plan)
        return;
    const core::ControlStoreLocation store = core::ControlStoreLocation::fromPlan(*m_plan);
    m_charts->setSource(*m_plan, store, runId);
    m_mismatches->setOperatorName(m_transitions->operatorName());
    m_mismatches->setSource(*m_plan, store, runId);
    m_audit->setSource(*m_plan, store, runId);
    statusBar()->showMessage(QStringLiteral("Run %1 of %2 open").arg(runId).arg(m_plan->migration.name), kStatusMessageMs);
}

void MainWindow::showConnectionSettings()
{
    if (!m_plan)
        return;
    auto *dialog = new ConnectionSettingsDialog(*m_plan, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // Saved (or reset) settings apply by loading the plan again.
    connect(dialog, &QDialog::finished, this, [this](int) { reloadPlan(); });
    dialog->open();
}

void MainWindow::showReportExport()
{
    if (!m_plan)
        return;
    // Gathers the evidence and renders on its own worker threads.
    auto *dialog = new ReportExportDialog(*m_plan, m_planPath, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showDocumentation()
{
    // The docs next to the binary in a build tree, then the installed copy.
    const QString appDir = QCoreApplication::applicationDirPath();
    for (const QString &candidate : {appDir + QStringLiteral("/../../docs"), appDir + QStringLiteral("/../docs"),
                                     QStringLiteral("/usr/share/doc/switchyard")}) {
        if (QFileInfo::exists(candidate)) {
            QDesktopServices::openUrl(QUrl::fromLocalFile(QDir(candidate).absolutePath()));
            return;
        }
    }
    QDesktopServices::openUrl(QUrl(QStringLiteral("https://github.com/switchyard/switchyard#readme")));
}

void MainWindow::createActions()
{
    m_openAction = new QAction(QIcon::fromTheme(QStringLiteral("document-open"),
                                                style()->standardIcon(QStyle::SP_DialogOpenButton)),
                               QStringLiteral("&Open\u2026"), this);
    m_openAction->setObjectName(QStringLiteral("openAction"));
    m_openAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
    m_openAction->setStatusTip(QStringLiteral("Open a migration plan (YAML)"));
    connect(m_openAction, &QAction::triggered, this, &MainWindow::showOpenDialog);

    m_reloadAction = new QAction(QIcon::fromTheme(QStringLiteral("view-refresh"),
                                                  style()->standardIcon(QStyle::SP_BrowserReload)),
                                 QStringLiteral("&Reload"), this);
    m_reloadAction->setObjectName(QStringLiteral("reloadAction"));
    m_reloadAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_reloadAction->setStatusTip(QStringLiteral("Load the plan file again"));
    m_reloadAction->setEnabled(false);
    connect(m_reloadAction, &QAction::triggered, this, &MainWindow::reloadPlan);

    m_quitAction = new QAction(QIcon::fromTheme(QStringLiteral("application-exit")),
                               QStringLiteral("&Quit"), this);
    m_quitAction->setObjectName(QStringLiteral("quitAction"));
    m_quitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_advanceAction = new QAction(QStringLiteral("&Advance\u2026"), this);
    m_advanceAction->setObjectName(QStringLiteral("advanceAction"));
    m_advanceAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    m_advanceAction->setStatusTip(QStringLiteral("Move to the next ramp step or phase; shows the gates first"));
    m_advanceAction->setEnabled(false);
    connect(m_advanceAction, &QAction::triggered, m_transitions, &TransitionFlow::advance);

    m_rollbackAction = new QAction(QStringLiteral("&Roll Back\u2026"), this);
    m_rollbackAction->setObjectName(QStringLiteral("rollbackAction"));
    m_rollbackAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_rollbackAction->setStatusTip(QStringLiteral("Go back one ramp step or phase; shows what will be reverted first"));
    m_rollbackAction->setEnabled(false);
    connect(m_rollbackAction, &QAction::triggered, m_transitions, &TransitionFlow::rollback);

    m_connectionsAction = new QAction(QStringLiteral("&Connections\u2026"), this);
    m_connectionsAction->setObjectName(QStringLiteral("connectionsAction"));
    m_connectionsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_connectionsAction->setEnabled(false);
    connect(m_connectionsAction, &QAction::triggered, this, &MainWindow::showConnectionSettings);

    m_reportAction = new QAction(QIcon::fromTheme(QStringLiteral("document-export")),
                                 QStringLiteral("&Export Validation Report\u2026"), this);
    m_reportAction->setObjectName(QStringLiteral("reportAction"));
    m_reportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_reportAction->setStatusTip(QStringLiteral("Sign off and export the validation report (PDF, signature, JSON)"));
    m_reportAction->setEnabled(false);
    connect(m_reportAction, &QAction::triggered, this, &MainWindow::showReportExport);

    m_checkServersAction = new QAction(QStringLiteral("Check &Servers Now"), this);
    m_checkServersAction->setObjectName(QStringLiteral("checkServersAction"));
    m_checkServersAction->setEnabled(false);
    connect(m_checkServersAction, &QAction::triggered, m_engine, &EngineController::probe);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    file->addAction(m_openAction);
    m_recentMenu = file->addMenu(QStringLiteral("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    file->addAction(m_reloadAction);
    file->addSeparator();
    file->addAction(m_reportAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    auto *toolBar = addToolBar(QStringLiteral("Main"));
    toolBar->setObjectName(QStringLiteral("mainToolBar"));
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar->setMovable(false);
    toolBar->addAction(m_openAction);
    toolBar->addAction(m_reloadAction);

    toolBar->addSeparator();
    toolBar->addAction(m_advanceAction);
    toolBar->addAction(m_rollbackAction);

    QMenu *migration = menuBar()->addMenu(QStringLiteral("&Migration"));
    migration->addAction(m_advanceAction);
    migration->addAction(m_rollbackAction);
    migration->addSeparator();
    migration->addAction(m_connectionsAction);
    migration->addAction(m_checkServersAction);

    QMenu *view = menuBar()->addMenu(QStringLiteral("&View"));
    // Ctrl+1 and Ctrl+2 stay the plan overview and the risks, as before.
    const QList<QPair<QString, QString>> docks = {
        {QStringLiteral("overviewDock"), QStringLiteral("&Plan Overview")},
        {QStringLiteral("risksDock"), QStringLiteral("&Risks")},
        {QStringLiteral("connectionsDock"), QStringLiteral("&Connections")},
        {QStringLiteral("jobsDock"), QStringLiteral("&Jobs")},
        {QStringLiteral("chartsDock"), QStringLiteral("C&harts")},
        {QStringLiteral("mismatchesDock"), QStringLiteral("&Mismatches")},
        {QStringLiteral("auditDock"), QStringLiteral("&Audit Log")}};
    for (int i = 0; i < docks.size(); ++i) {
        auto *dock = findChild<QDockWidget *>(docks[i].first);
        QAction *toggle = dock->toggleViewAction();
        toggle->setText(docks[i].second);
        toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        view->addAction(toggle);
    }
    view->addSeparator();
    QAction *toggleToolBar = toolBar->toggleViewAction();
    toggleToolBar->setText(QStringLiteral("&Toolbar"));
    view->addAction(toggleToolBar);

    QMenu *help = menuBar()->addMenu(QStringLiteral("&Help"));
    QAction *docs = help->addAction(QStringLiteral("&Documentation"), this, &MainWindow::showDocumentation);
    docs->setObjectName(QStringLiteral("documentationAction"));
    docs->setShortcut(QKeySequence(Qt::Key_F1));
    QAction *about = help->addAction(QStringLiteral("&About Switchyard"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setMenuRole(QAction::AboutRole);
    QAction *aboutQt = help->addAction(QStringLiteral("About &Qt"), qApp, &QApplication::aboutQt);
    aboutQt->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::restoreLayout()
{
    const auto settings = openSettings();
    const QByteArray geometry = settings->value(kGeometryKey).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry))
        resize(1280, 820);
    if (restoreState(settings->value(kStateKey).toByteArray()))
        return;
    // First start: the timeline gets most of the room, the charts a column.
    auto dock = [this](const char *name) { return findChild<QDockWidget *>(QLatin1String(name)); };
    resizeDocks({dock("overviewDock"), dock("chartsDock")}, {300, 360}, Qt::Horizontal);
    resizeDocks({dock("overviewDock"), dock("connectionsDock")}, {480, 170}, Qt::Vertical);
    resizeDocks({dock("jobsDock")}, {250}, Qt::Vertical);
}

void MainWindow::saveLayout() const
{
    const auto settings = openSettings();
    settings->setValue(kGeometryKey, saveGeometry());
    settings->setValue(kStateKey, saveState());
}

void MainWindow::openPlan(const QString &path)
{
    if (path.isEmpty())
        return;
    m_requestedPath = QFileInfo(path).absoluteFilePath();
    m_reloadAction->setEnabled(true);
    m_opener->open(m_requestedPath);
}

void MainWindow::showOpenDialog()
{
    const auto settings = openSettings();
    QString dir = settings->value(kLastDirKey).toString();
    if (dir.isEmpty() && !m_planPath.isEmpty())
        dir = QFileInfo(m_planPath).absolutePath();
    const QString path = QFileDialog::getOpenFileName(
        this, QStringLiteral("Open Migration Plan"), dir,
        QStringLiteral("Migration plans (*.yaml *.yml);;All files (*)"));
    if (path.isEmpty())
        return;
    settings->setValue(kLastDirKey, QFileInfo(path).absolutePath());
    openPlan(path);
}

void MainWindow::reloadPlan()
{
    openPlan(m_requestedPath);
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, QStringLiteral("About Switchyard"),
        QStringLiteral("<h3>Switchyard %1</h3>"
                       "<p>A cockpit for zero-downtime migrations from MySQL/MariaDB to "
                       "PostgreSQL: plans as phases, gates you can see, a rollback for "
                       "every step.</p>"
                       "<p>Built with Qt %2, running on Qt %3.</p>")
            .arg(QStringLiteral(SWITCHYARD_VERSION), QStringLiteral(QT_VERSION_STR),
                 QString::fromLatin1(qVersion())));
}

void MainWindow::showPlan(const core::Plan &loaded, const QString &path)
{
    bool overridden = false;
    const core::Plan plan = ConnectionOverrides::apply(loaded, &overridden);
    m_charts->clearSource();
    m_mismatches->clearSource();
    m_audit->clearSource();
    m_plan = plan;
    m_planPath = path;
    m_overview->setPlan(plan);
    m_timeline->setPlan(plan);
    m_risks->setPlan(plan);
    m_connections->setPlan(plan);
    m_jobs->setPlan(plan);
    m_connectionsAction->setEnabled(true);
    m_reportAction->setEnabled(true);
    m_checkServersAction->setEnabled(true);
    m_engine->open(plan);
    m_central->setCurrentIndex(TimelinePage);
    m_pathLabel->setText(QDir::toNativeSeparators(path));
    m_pathLabel->setToolTip(QDir::toNativeSeparators(path));
    setWindowFilePath(path);
    updateTitle();
    m_recent->add(path);
    const auto count = [](qsizetype n, const char *one, const char *many) {
        return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
    };
    statusBar()->showMessage(QStringLiteral("Loaded %1: %2, %3")
                                 .arg(QFileInfo(path).fileName(),
                                      count(plan.phases.size(), "phase", "phases"),
                                      count(plan.tables.size(), "table", "tables"))
                                 + (overridden ? QStringLiteral(" (connections from your settings)") : QString()),
                             kStatusMessageMs);
    emit planShown(path);
}

void MainWindow::showLoadFailure(const PlanLoadOutcome &outcome)
{
    // The plan on screen (if any) stays: nothing of it is touched here.
    const int count = outcome.result.errors.size();
    statusBar()->showMessage(QStringLiteral("Could not load %1: %2")
                                 .arg(QFileInfo(outcome.path).fileName(),
                                      count == 1 ? QStringLiteral("1 error")
                                                 : QStringLiteral("%1 errors").arg(count)),
                             kStatusMessageMs);
    if (m_errorDialog)
        m_errorDialog->close();
    auto *dialog = new PlanErrorDialog(outcome, hasPlan(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_errorDialog = dialog;
    dialog->open();
    emit planFailed(outcome.path);
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList paths = m_recent->paths();
    for (int i = 0; i < paths.size(); ++i) {
        const QString &path = paths[i];
        // "&1 plan.yaml" gives keyboard access; the full path is in the tip.
        QAction *action = m_recentMenu->addAction(
            QStringLiteral("&%1  %2").arg(i + 1).arg(QFileInfo(path).fileName()));
        action->setData(path);
        action->setToolTip(path);
        action->setStatusTip(path);
        connect(action, &QAction::triggered, this, [this, path] { openPlan(path); });
    }
    if (paths.isEmpty()) {
        m_recentMenu->addAction(QStringLiteral("No recent plans"))->setEnabled(false);
    } else {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(QStringLiteral("&Clear List"), m_recent, &RecentPlans::clear);
    }
    m_recentMenu->setToolTipsVisible(true);
    m_emptyState->setRecentPlans(paths);
}

void MainWindow::updateTitle()
{
    if (!m_plan) {
        setWindowTitle(kAppTitle);
        m_pathLabel->setText(QStringLiteral("No plan open"));
        return;
    }
    const QString name = m_plan->migration.name.isEmpty() ? QFileInfo(m_planPath).fileName()
                                                          : m_plan->migration.name;
    setWindowTitle(name + QStringLiteral(" \u2014 ") + kAppTitle);
}

QString MainWindow::planPathFromMimeData(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls())
        return {};
    for (const QUrl &url : mime->urls()) {
        if (!url.isLocalFile())
            continue;
        const QString path = url.toLocalFile();
        const QString suffix = QFileInfo(path).suffix().toLower();
        if (suffix == QLatin1String("yaml") || suffix == QLatin1String("yml"))
            return path;
    }
    return {};
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    // Running jobs go back to the queue with their checkpoints.
    m_engine->close();
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!planPathFromMimeData(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dragMoveEvent(QDragMoveEvent *event)
{
    if (!planPathFromMimeData(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QString path = planPathFromMimeData(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    openPlan(path);
}

} // namespace switchyard::ui
