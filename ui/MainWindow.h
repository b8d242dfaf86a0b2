#pragma once
// MainWindow: the cockpit's frame. It assembles the panels — the phase
// timeline in the middle; docks for the plan overview, connection status,
// jobs, risks, charts, mismatches and audit log — owns the menus, shortcuts
// and window layout, routes plan loading through PlanOpener, and wires the
// panels to the EngineController (engine, job runner and server probe on
// worker threads) and TransitionFlow (gate and rollback dialogs). It holds
// no migration logic: each panel renders plain values.
//
// Promises: the GUI thread never blocks on a plan file or a database (loads
// run on the thread pool, the engine on its own threads, stale results are
// dropped); a plan that fails to load never replaces the plan on screen;
// each dock has an objectName and the window layout (docks, sizes, toolbar)
// and recent plans persist in the user settings (Settings.h, test mode
// aware). Shortcuts: Ctrl+O open, F5 reload, Ctrl+Q quit, Ctrl+Shift+A
// advance, Ctrl+Shift+R roll back, Ctrl+, connections, Ctrl+1…7 docks,
// F1 documentation. GUI thread only.

#include "plan/Plan.h"

#include <QMainWindow>
#include <QPointer>

#include <optional>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QMimeData;
class QStackedWidget;

namespace switchyard::ui {

class AuditPanel;
class ChartsPanel;
class ConnectionStatusPanel;
class EmptyStateWidget;
class EngineController;
class JobsPanel;
class MismatchPanel;
class TransitionFlow;
class PhaseTimelineView;
class PlanErrorDialog;
class PlanOpener;
class PlanOverviewPanel;
class PlanRisksPanel;
class RecentPlans;
struct PlanLoadOutcome;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Starts loading `path` in the background; the result arrives as
    /// planShown() or planFailed() (after the error dialog has opened).
    void openPlan(const QString &path);

    bool hasPlan() const { return m_plan.has_value(); }
    /// The plan on screen, or nullptr.
    const core::Plan *plan() const { return m_plan ? &*m_plan : nullptr; }
    /// The file of the plan on screen (absolute), empty without a plan.
    QString planPath() const { return m_planPath; }

    PlanOverviewPanel *overviewPanel() const { return m_overview; }
    PlanRisksPanel *risksPanel() const { return m_risks; }
    PhaseTimelineView *timelineView() const { return m_timeline; }
    PlanOpener *planOpener() const { return m_opener; }
    EngineController *engine() const { return m_engine; }
    TransitionFlow *transitions() const { return m_transitions; }
    ConnectionStatusPanel *connectionPanel() const { return m_connections; }
    JobsPanel *jobsPanel() const { return m_jobs; }
    ChartsPanel *chartsPanel() const { return m_charts; }
    MismatchPanel *mismatchPanel() const { return m_mismatches; }
    AuditPanel *auditPanel() const { return m_audit; }
    RecentPlans *recentPlans() const { return m_recent; }
    QMenu *recentMenu() const { return m_recentMenu; }
    /// The error dialog currently open, if any.
    PlanErrorDialog *errorDialog() const;

    /// The first local .yaml/.yml file among dropped URLs, empty if none.
    static QString planPathFromMimeData(const QMimeData *mime);

public slots:
    void showOpenDialog();
    /// Loads the last requested plan file again (F5).
    void reloadPlan();
    void showAbout();
    void showDocumentation();
    void showConnectionSettings();
    void showReportExport();

signals:
    void planShown(const QString &path);
    void planFailed(const QString &path);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createPanels();
    QDockWidget *addDock(QWidget *panel, const QString &title, const QString &objectName, Qt::DockWidgetArea area);
    void connectEngine();
    void showRunOpened(qint64 runId);
    void createActions();
    void createMenus();
    void restoreLayout();
    void saveLayout() const;

    void showPlan(const core::Plan &plan, const QString &path);
    void showLoadFailure(const PlanLoadOutcome &outcome);
    void rebuildRecentMenu();
    void updateTitle();

    std::optional<core::Plan> m_plan;
    QString m_planPath;
    QString m_requestedPath; // the last file asked for, loaded or not (Reload uses it)

    PlanOpener *m_opener = nullptr;
    RecentPlans *m_recent = nullptr;

    QStackedWidget *m_central = nullptr;
    EmptyStateWidget *m_emptyState = nullptr;
    PhaseTimelineView *m_timeline = nullptr;
    PlanOverviewPanel *m_overview = nullptr;
    QDockWidget *m_overviewDock = nullptr;
    PlanRisksPanel *m_risks = nullptr;
    QDockWidget *m_risksDock = nullptr;
    QLabel *m_pathLabel = nullptr;
    QLabel *m_connectionLabel = nullptr;
    EngineController *m_engine = nullptr;
    TransitionFlow *m_transitions = nullptr;
    ConnectionStatusPanel *m_connections = nullptr;
    JobsPanel *m_jobs = nullptr;
    ChartsPanel *m_charts = nullptr;
    MismatchPanel *m_mismatches = nullptr;
    AuditPanel *m_audit = nullptr;
    QList<QDockWidget *> m_docks;
    QPointer<PlanErrorDialog> m_errorDialog;

    QAction *m_openAction = nullptr;
    QAction *m_reloadAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_advanceAction = nullptr;
    QAction *m_rollbackAction = nullptr;
    QAction *m_connectionsAction = nullptr;
    QAction *m_checkServersAction = nullptr;
    QAction *m_reportAction = nullptr;
    QMenu *m_recentMenu = nullptr;
};

} // namespace switchyard::ui
