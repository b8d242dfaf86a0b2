#pragma once
// JobsPanel: the run's jobs, table by table, with their controls.
//
// One row per table of the plan with "Backfill" and "Validate" (mode:
// count, sample, checksum, full) buttons; under it one row per job of that
// table (newest first; jobs that span tables, such as the reverse sync,
// under "All tables"): kind and id, state, a progress bar with rows done /
// total, rows/s, ETA, a throttle slider (rows/s, leftmost = unlimited) that
// is applied while the job runs, the last error with its retry state, and
// pause / resume / cancel buttons enabled as the state allows.
//
// A view of plain values: setJobs() takes the job records of an engine
// snapshot (every job of the run, whichever worker runs it) and
// updateProgress() the JobRunner's live samples. The panel never calls the
// engine: it emits requests (startBackfillRequested() …, throttleRequested())
// that the main window routes to the EngineController. Widgets of a job row
// are created once and updated in place, so a slider being dragged or a
// button under the mouse survives the once-a-second refresh; a throttle is
// requested 300 ms after the slider stops moving. GUI thread only.

#include "engine/JobProgress.h"
#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QHash>
#include <QWidget>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;

namespace switchyard::ui {

class JobsPanel : public QWidget
{
    Q_OBJECT
public:
    enum Column { JobColumn, StateColumn, ProgressColumn, RateColumn, EtaColumn, ThrottleColumn,
                  ErrorColumn, ActionsColumn };

    explicit JobsPanel(QWidget *parent = nullptr);
    ~JobsPanel() override;

    void setPlan(const core::Plan &plan);
    void clear();
    /// Every job of the run (from EngineSnapshot::jobs), oldest first.
    void setJobs(const QList<core::JobRecord> &jobs);
    /// A live sample from the job runner (newer than the job's record).
    void updateProgress(const core::JobProgress &progress);

    /// 0 → unlimited; 1..100 → 10 … 100 000 rows/s on a logarithmic scale
    /// (two significant digits).
    static double throttleForSliderValue(int value);
    static int sliderValueForThrottle(double rowsPerSecond);

    QTreeWidget *jobsView() const { return m_view; }
    /// The widgets of a table's row and of a job's row, for tests and screenshots.
    QPushButton *backfillButton(const QString &table) const;
    QPushButton *validateButton(const QString &table) const;
    QComboBox *validateModeBox(const QString &table) const;
    QSlider *throttleSlider(qint64 jobId) const;
    QPushButton *pauseButton(qint64 jobId) const;
    QPushButton *cancelButton(qint64 jobId) const;
    QProgressBar *progressBar(qint64 jobId) const;
    bool hasJob(qint64 jobId) const { return m_jobs.contains(jobId); }

signals:
    void startBackfillRequested(const QString &table);
    void startValidationRequested(const QString &table, core::JobSpec::ValidateMode mode);
    void pauseRequested(qint64 jobId);
    void resumeRequested(qint64 jobId);
    void cancelRequested(qint64 jobId);
    void throttleRequested(qint64 jobId, double rowsPerSecond);

private:
    struct TableRow;
    struct JobRow;

    TableRow *tableRow(const QString &table);
    JobRow *jobRow(const core::JobRecord &record);
    void showRecord(JobRow &row, const core::JobRecord &record);
    void showProgress(JobRow &row, const core::JobProgress &progress);
    void showState(JobRow &row, core::JobState state);
    void showThrottle(JobRow &row, double rowsPerSecond);

    QTreeWidget *m_view = nullptr;
    QLabel *m_empty = nullptr;
    QHash<QString, TableRow *> m_tables;
    QHash<qint64, JobRow *> m_jobs;
};

} // namespace switchyard::ui
