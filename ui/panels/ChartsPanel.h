#pragma once
// ChartsPanel: the run's live charts, read from the control store so history
// survives restarts of the cockpit:
//   - backfill throughput     (rows/s, "backfill.rows_per_second:<table>")
//   - validation throughput   (rows/s, "validate.rows_per_second:<table>")
//   - open mismatches         ("mismatches.open:<table>")
//   - shadow-read mismatch rate (% per minute, from switchyard.shadow_stats
//     on the target, core/flags/ShadowStatsReader)
//   - reverse-sync lag        (seconds, left axis; pending changes, right
//     axis: "reverse_sync.lag_seconds", "reverse_sync.lag_changes")
// one line per table, on a time axis, over the last 15 minutes, the last
// hour, or everything the store keeps (a selector above the charts).
//
// Integration surface (all the main window needs):
//   auto *charts = new ChartsPanel;               // GUI thread
//   charts->setSource(plan, storeLocation, runId); // when a plan opens
//   charts->clearSource();                         // when it closes
// From then on it refreshes once a second, incrementally: each refresh asks
// the store only for samples newer than the newest one shown. All reads run
// on the panel's StoreReader thread; the GUI thread only appends points.
// A chart without samples says so ("no samples yet — start a backfill").
// Charts are drawn without OpenGL (it crashes on offscreen platforms).

#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QHash>
#include <QList>
#include <QPointF>
#include <QWidget>

#include <memory>

class QChartView;
class QComboBox;
class QLabel;
class QLineSeries;
class QStackedWidget;
class QTimer;

namespace switchyard::ui {

class StoreReader;

class ChartsPanel : public QWidget
{
    Q_OBJECT
public:
    enum class Window { Last15Minutes, LastHour, All };
    enum Family { BackfillThroughput, ValidationThroughput, OpenMismatches, ShadowMismatchRate,
                  ReverseSyncLag, FamilyCount };

    explicit ChartsPanel(QWidget *parent = nullptr);
    ~ChartsPanel() override;

    void setSource(const core::Plan &plan, const core::ControlStoreLocation &store, qint64 runId);
    void clearSource();
    /// The run shown (0 when no source is set).
    qint64 runId() const;

    Window window() const { return m_window; }
    void setWindow(Window window);
    /// Refresh period in ms (default 1000); for tests and the benchmark.
    void setRefreshInterval(int ms);
    /// Ask for new samples now (still asynchronous; refreshed() follows).
    void refreshNow();

    // For tests and screenshots.
    QChartView *chartView(Family family) const;
    /// The line of a store series ("backfill.rows_per_second:users"), or null.
    QLineSeries *series(const QString &seriesName) const;
    /// True while `family` shows its empty-state message.
    bool isEmpty(Family family) const;
    QString emptyText(Family family) const;
    QString statusText() const;

signals:
    /// A refresh's samples were applied (or its error shown).
    void refreshed();

private:
    struct Update;
    void applyUpdate(const Update &update);
    void rebuildAxes(Family family);
    qint64 windowStartMs(qint64 nowMs) const;
    void resetData();

    std::unique_ptr<StoreReader> m_reader;
    QComboBox *m_windowBox = nullptr;
    QLabel *m_status = nullptr;
    QTimer *m_timer = nullptr;
    struct Chart
    {
        QStackedWidget *stack = nullptr;
        QLabel *empty = nullptr;
        QChartView *view = nullptr;
    };
    Chart m_charts[FamilyCount];
    // Store series name → its line and the points currently in the window.
    struct Line
    {
        Family family = BackfillThroughput;
        QLineSeries *series = nullptr;
        QList<QPointF> points;
    };
    QHash<QString, Line> m_lines;
    QHash<QString, qint64> m_lastTs; // newest sample shown, per store series
    Window m_window = Window::Last15Minutes;
    quint64 m_generation = 0;
    bool m_inFlight = false;
    qint64 m_nextShadowMs = 0;
};

} // namespace switchyard::ui
