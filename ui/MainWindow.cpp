#include "MainWindow.h"

#include "EmptyStateWidget.h"
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
    m_overviewDock = new QDockWidget(QStringLiteral("Plan"), this);
    m_overviewDock->setObjectName(QStringLiteral("overviewDock"));
    m_overviewDock->setAllowedAreas(Qt::LeftDockWidgetArea | Qt::RightDockWidgetArea);
    m_overviewDock->setWidget(m_overview);
    m_overviewDock->setMinimumWidth(300);
    addDockWidget(Qt::LeftDockWidgetArea, m_overviewDock);

    m_risks = new PlanRisksPanel;
    m_risksDock = new QDockWidget(QStringLiteral("Risks"), this);
    m_risksDock->setObjectName(QStringLiteral("risksDock"));
    m_risksDock->setWidget(m_risks);
    addDockWidget(Qt::BottomDockWidgetArea, m_risksDock);
    // The overview runs the full height; the risks sit under the timeline.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    resizeDocks({m_overviewDock}, {380}, Qt::Horizontal);
    resizeDocks({m_risksDock}, {220}, Qt::Vertical);

    m_pathLabel = new QLabel(statusBar());
    m_pathLabel->setObjectName(QStringLiteral("planPath"));
    m_pathLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pathLabel->setContentsMargins(4, 0, 4, 0);
    statusBar()->addPermanentWidget(m_pathLabel);
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
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    file->addAction(m_openAction);
    m_recentMenu = file->addMenu(QStringLiteral("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    file->addAction(m_reloadAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    auto *toolBar = addToolBar(QStringLiteral("Main"));
    toolBar->setObjectName(QStringLiteral("mainToolBar"));
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar->setMovable(false);
    toolBar->addAction(m_openAction);
    toolBar->addAction(m_reloadAction);

    QMenu *view = menuBar()->addMenu(QStringLiteral("&View"));
    QAction *toggleOverview = m_overviewDock->toggleViewAction();
    toggleOverview->setText(QStringLiteral("&Plan Overview"));
    toggleOverview->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    view->addAction(toggleOverview);
    QAction *toggleRisks = m_risksDock->toggleViewAction();
    toggleRisks->setText(QStringLiteral("&Risks"));
    toggleRisks->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    view->addAction(toggleRisks);
    QAction *toggleToolBar = toolBar->toggleViewAction();
    toggleToolBar->setText(QStringLiteral("&Toolbar"));
    view->addAction(toggleToolBar);

    QMenu *help = menuBar()->addMenu(QStringLiteral("&Help"));
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
    restoreState(settings->value(kStateKey).toByteArray());
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

void MainWindow::showPlan(const core::Plan &plan, const QString &path)
{
    m_plan = plan;
    m_planPath = path;
    m_overview->setPlan(plan);
    m_timeline->setPlan(plan);
    m_risks->setPlan(plan);
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
                                      count(plan.tables.size(), "table", "tables")),
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
