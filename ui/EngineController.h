#pragma once
// EngineController: the cockpit's one door to the engine. It runs the
// PhaseEngine, the JobRunner and the ServerProbe of the open plan off the
// GUI thread and hands their reports back as plain values in signals.
//
//   controller->open(plan);                 // engine + runner start on workers
//   connect(controller, &EngineController::snapshotChanged, timeline, …);
//   controller->requestAdvance();           // → transitionRequested(request)
//   controller->confirm(request, decision); // → transitionFinished(outcome)
//
// Threads. Two single-thread pools whose threads never expire:
// - the engine thread owns the PhaseEngine (snapshot every second and on
//   demand, requests, confirmations; a confirmation that waits for the
//   reverse sync blocks only this thread and reports what it waits for
//   through transitionProgress());
// - the I/O thread owns the ServerProbe (every 5 s and on demand) and makes
//   the JobRunner calls (start, pause, resume, cancel, throttle), so a
//   throttle change is applied while a confirmation is waiting.
// The JobRunner runs each job on its own thread; its progress reaches the
// GUI thread as jobProgressed() (at most ten samples a second per job).
// The GUI thread never touches a database: every call here returns at once.
//
// Errors. No exception leaves a worker: a store or database failure becomes
// engineError() (what was being done, and the error) and the controller
// keeps going (the next snapshot tries again; an engine that could not be
// opened — store or target not there yet — is opened by a later refresh). Opening a plan again (or
// close()) drops every result still in flight for the previous one
// (generation counter). Refusals are not errors: they arrive as values
// (TransitionOutcome::refusal, jobActionRefused()).
//
// Lifetime. close() (and the destructor) stop the runner — running jobs go
// back to the queue with their checkpoints — and destroy the engine and the
// probe on their own threads; it blocks for at most one batch of each job.

#include "engine/EngineTypes.h"
#include "engine/JobProgress.h"
#include "engine/ServerProbe.h"
#include "plan/Plan.h"

#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <memory>
#include <optional>

namespace switchyard::core {
class JobRunner;
}

namespace switchyard::ui {

class EngineController : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int snapshotIntervalMs = 1000;
        int probeIntervalMs = 5000;
        /// Who the runner writes as in the audit log for job actions.
        QString operatorName;
        /// Runs the plan's queued jobs here (false: only jobs started from this cockpit).
        bool claimQueuedJobs = true;
    };

    explicit EngineController(QObject *parent = nullptr);
    EngineController(const Options &options, QObject *parent = nullptr);
    ~EngineController() override;

    /// Starts an engine, a job runner and a probe for `plan` (its filePath
    /// names the file whose SHA-256 identifies the run). Replaces any open plan.
    void open(const core::Plan &plan);
    void close();
    bool isOpen() const { return m_plan.has_value(); }
    /// 0 until opened() arrived.
    qint64 runId() const { return m_runId; }
    const core::Plan *plan() const { return m_plan ? &*m_plan : nullptr; }
    /// The newest snapshot received, if any.
    const std::optional<core::EngineSnapshot> &lastSnapshot() const { return m_snapshot; }
    /// True while a confirmation is being carried out.
    bool isConfirming() const { return m_confirming; }
    QString operatorName() const { return m_options.operatorName; }

public slots:
    void refresh();
    void probe();
    void requestAdvance();
    void requestRollback();
    void confirm(const core::TransitionRequest &request, const core::Confirmation &confirmation);
    /// Abandons a confirmation that is waiting (for the reverse sync): it is refused, nothing changes.
    void stopWaiting();

    void startBackfill(const QString &table);
    void startValidation(const QString &table, core::JobSpec::ValidateMode mode);
    void pauseJob(qint64 jobId);
    void resumeJob(qint64 jobId);
    void cancelJob(qint64 jobId);
    /// 0 = unlimited. Applied to the running job at once.
    void setMaxRowsPerSecond(qint64 jobId, double rowsPerSecond);

signals:
    void opened(qint64 runId);
    void openFailed(const QString &error);
    void snapshotChanged(const switchyard::core::EngineSnapshot &snapshot);
    void transitionRequested(const switchyard::core::TransitionRequest &request);
    void transitionProgress(const QString &message);
    void transitionFinished(const switchyard::core::TransitionOutcome &outcome);
    void jobProgressed(const switchyard::core::JobProgress &progress);
    /// A job action done (`what`, e.g. "pause job 12"); the job id for a start.
    void jobActionDone(const QString &what, qint64 jobId);
    void jobActionRefused(const QString &what, const QString &refusal);
    void serversProbed(const QList<switchyard::core::ServerStatus> &statuses);
    /// A failure while doing `what`; the controller keeps going.
    void engineError(const QString &what, const QString &error);

private:
    struct Workers;
    /// On the engine thread: the engine for the plan, then the runner; throws.
    void openRun(Workers &workers, quint64 generation);
    /// Runs fn(workers, generation) on `pool`; an exception becomes
    /// engineError(what, …) unless the plan changed meanwhile.
    template <typename Fn> void runOn(QThreadPool &pool, const QString &what, Fn &&fn);
    template <typename Fn> void onEngine(const QString &what, Fn &&fn);
    template <typename Fn> void onIo(const QString &what, Fn &&fn);
    void runnerCall(const QString &what, std::function<bool(core::JobRunner &, QString *)> call);

    Options m_options;
    std::optional<core::Plan> m_plan;
    quint64 m_generation = 0;
    qint64 m_runId = 0;
    std::optional<core::EngineSnapshot> m_snapshot;
    bool m_snapshotPending = false;
    bool m_probePending = false;
    bool m_confirming = false;
    QThreadPool m_enginePool;
    QThreadPool m_ioPool;
    std::shared_ptr<Workers> m_workers;
    QTimer m_snapshotTimer;
    QTimer m_probeTimer;
};

} // namespace switchyard::ui

Q_DECLARE_METATYPE(switchyard::core::EngineSnapshot)
Q_DECLARE_METATYPE(switchyard::core::TransitionRequest)
Q_DECLARE_METATYPE(switchyard::core::TransitionOutcome)
Q_DECLARE_METATYPE(switchyard::core::Confirmation)
