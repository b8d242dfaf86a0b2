#include "EngineController.h"

#include "common/DbError.h"
#include "engine/JobRunner.h"
#include "engine/PhaseEngine.h"
#include "store/RunRepository.h"
#include "store/StoreError.h"

#include <QFile>
#include <QPointer>

#include <mutex>

namespace switchyard::ui {

namespace {

QString defaultOperator()
{
    QString name = qEnvironmentVariable("USER");
    if (name.isEmpty())
        name = qEnvironmentVariable("USERNAME");
    return name.isEmpty() ? QStringLiteral("operator") : name;
}

QString errorText(const std::exception &e)
{
    if (auto *store = dynamic_cast<const core::StoreException *>(&e))
        return store->error().toString();
    if (auto *db = dynamic_cast<const core::DbException *>(&e))
        return db->error().toString();
    return QString::fromUtf8(e.what());
}

} // namespace

/// What lives on the worker threads. `engine` is touched only on the engine
/// thread, `probe` only on the I/O thread; `runner` is thread-safe and set
/// once (under the mutex) when the engine has opened the run.
struct EngineController::Workers
{
    std::unique_ptr<core::PhaseEngine> engine;
    std::unique_ptr<core::ServerProbe> probe;
    std::mutex mutex;
    std::shared_ptr<core::JobRunner> runner;
    std::atomic<bool> stopWaiting{false};
    // Set on the GUI thread before any task runs, read on the workers.
    core::Plan plan;
    core::ControlStoreLocation store;
    QString operatorName;
    bool claimQueued = true;

    std::shared_ptr<core::JobRunner> jobRunner()
    {
        std::lock_guard<std::mutex> lock(mutex);
        return runner;
    }
};

EngineController::EngineController(QObject *parent)
    : EngineController(Options(), parent)
{
}

EngineController::EngineController(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    if (m_options.operatorName.isEmpty())
        m_options.operatorName = defaultOperator();
    qRegisterMetaType<core::EngineSnapshot>();
    qRegisterMetaType<core::TransitionRequest>();
    qRegisterMetaType<core::TransitionOutcome>();
    qRegisterMetaType<core::Confirmation>();
    qRegisterMetaType<core::JobProgress>();
    for (QThreadPool *pool : {&m_enginePool, &m_ioPool}) {
        pool->setMaxThreadCount(1);
        pool->setExpiryTimeout(-1); // one thread for the pool's life: its connections stay on it
    }
    m_snapshotTimer.setInterval(m_options.snapshotIntervalMs);
    connect(&m_snapshotTimer, &QTimer::timeout, this, &EngineController::refresh);
    m_probeTimer.setInterval(m_options.probeIntervalMs);
    connect(&m_probeTimer, &QTimer::timeout, this, &EngineController::probe);
}

EngineController::~EngineController()
{
    close();
}

template <typename Fn>
void EngineController::runOn(QThreadPool &pool, const QString &what, Fn &&fn)
{
    if (!m_workers)
        return;
    const quint64 generation = m_generation;
    const std::shared_ptr<Workers> workers = m_workers;
    pool.start([this, what, generation, workers, fn = std::forward<Fn>(fn)]() mutable {
        QString error;
        try {
            fn(*workers, generation);
            return;
        } catch (const std::exception &e) {
            error = errorText(e);
        } catch (...) {
            error = QStringLiteral("unknown error");
        }
        QMetaObject::invokeMethod(this, [this, generation, what, error] {
            if (generation == m_generation)
                emit engineError(what, error);
        }, Qt::QueuedConnection);
    });
}

template <typename Fn>
void EngineController::onEngine(const QString &what, Fn &&fn)
{
    runOn(m_enginePool, what, std::forward<Fn>(fn));
}

template <typename Fn>
void EngineController::onIo(const QString &what, Fn &&fn)
{
    runOn(m_ioPool, what, std::forward<Fn>(fn));
}

void EngineController::open(const core::Plan &plan)
{
    close();
    m_plan = plan;
    m_workers = std::make_shared<Workers>();
    const core::ControlStoreLocation store = core::ControlStoreLocation::fromPlan(plan);
    const QString operatorName = m_options.operatorName;
    const bool claimQueued = m_options.claimQueuedJobs;

    m_workers->plan = plan;
    m_workers->store = store;
    m_workers->operatorName = operatorName;
    m_workers->claimQueued = claimQueued;
    onEngine(QStringLiteral("open the run"), [this](Workers &w, quint64 generation) { openRun(w, generation); });
    // The probe needs no run: start it at once.
    onIo(QStringLiteral("check the servers"), [plan, store](Workers &w, quint64) {
        w.probe = std::make_unique<core::ServerProbe>(plan, store);
    });
    probe();
    m_snapshotTimer.start();
    m_probeTimer.start();
}

void EngineController::openRun(Workers &w, quint64 generation)
{
    const core::Plan &plan = w.plan;
    QFile file(plan.filePath);
    if (!file.open(QIODevice::ReadOnly)) {
        throw std::runtime_error(QStringLiteral("cannot read the plan file %1 (%2): open it again")
                                     .arg(plan.filePath, file.errorString())
                                     .toStdString());
    }
    const QString sha = core::RunRepository::sha256Hex(file.readAll());
    core::PhaseEngine::Options engineOptions;
    Workers *workers = &w;
    engineOptions.cancelled = [workers] { return workers->stopWaiting.load(); };
    engineOptions.progress = [this, generation](const QString &message) {
        QMetaObject::invokeMethod(this, [this, generation, message] {
            if (generation == m_generation)
                emit transitionProgress(message);
        }, Qt::QueuedConnection);
    };
    auto engine = std::make_unique<core::PhaseEngine>(plan, sha, w.store, engineOptions);
    const qint64 runId = engine->runId();
    const core::EngineSnapshot snapshot = engine->snapshot();
    w.engine = std::move(engine); // only once it works: a failed open is tried again by refresh()

    if (!w.jobRunner()) {
        core::JobRunner::Options runnerOptions;
        runnerOptions.operatorName = w.operatorName;
        runnerOptions.claimQueued = w.claimQueued;
        auto runner = std::make_shared<core::JobRunner>(plan, runId, w.store, runnerOptions);
        runner->setProgressCallback([this, generation](const core::JobProgress &progress) {
            QMetaObject::invokeMethod(this, [this, generation, progress] {
                if (generation == m_generation)
                    emit jobProgressed(progress);
            }, Qt::QueuedConnection);
        });
        runner->start();
        std::lock_guard<std::mutex> lock(w.mutex);
        w.runner = runner;
    }
    QMetaObject::invokeMethod(this, [this, generation, runId, snapshot] {
        if (generation != m_generation)
            return;
        m_runId = runId;
        m_snapshot = snapshot;
        emit opened(runId);
        emit snapshotChanged(snapshot);
    }, Qt::QueuedConnection);
}

void EngineController::close()
{
    m_snapshotTimer.stop();
    m_probeTimer.stop();
    ++m_generation;
    if (m_workers) {
        std::shared_ptr<Workers> workers = m_workers;
        workers->stopWaiting = true;
        if (auto runner = workers->jobRunner())
            runner->stop();
        // Each object is destroyed on the thread that used its connections.
        m_enginePool.start([workers] { workers->engine.reset(); });
        m_ioPool.start([workers] { workers->probe.reset(); });
        m_enginePool.waitForDone();
        m_ioPool.waitForDone();
        // The engine's open may have set the runner after stop() above.
        if (auto runner = workers->jobRunner())
            runner->stop();
        std::lock_guard<std::mutex> lock(workers->mutex);
        workers->runner.reset();
    }
    m_workers.reset();
    m_plan.reset();
    m_snapshot.reset();
    m_runId = 0;
    m_snapshotPending = m_probePending = m_confirming = false;
}

void EngineController::refresh()
{
    if (!m_workers || m_snapshotPending || m_confirming)
        return;
    m_snapshotPending = true;
    onEngine(QStringLiteral("read the run's state"), [this](Workers &w, quint64 generation) {
        std::optional<core::EngineSnapshot> snapshot;
        QString error;
        try {
            if (!w.engine)
                openRun(w, generation); // the servers or the store were not there at open(); try again
            else
                snapshot = w.engine->snapshot();
        } catch (const std::exception &e) {
            error = errorText(e);
        }
        QMetaObject::invokeMethod(this, [this, generation, snapshot, error] {
            if (generation != m_generation)
                return;
            m_snapshotPending = false;
            if (!error.isEmpty())
                emit engineError(QStringLiteral("read the run's state"), error);
            if (snapshot) {
                m_snapshot = snapshot;
                emit snapshotChanged(*snapshot);
            }
        }, Qt::QueuedConnection);
    });
}

void EngineController::probe()
{
    if (!m_workers || m_probePending)
        return;
    m_probePending = true;
    onIo(QStringLiteral("check the servers"), [this](Workers &w, quint64 generation) {
        QList<core::ServerStatus> statuses;
        if (w.probe)
            statuses = w.probe->probeAll();
        QMetaObject::invokeMethod(this, [this, generation, statuses] {
            if (generation != m_generation)
                return;
            m_probePending = false;
            if (!statuses.isEmpty())
                emit serversProbed(statuses);
        }, Qt::QueuedConnection);
    });
}

void EngineController::requestAdvance()
{
    onEngine(QStringLiteral("prepare the advance"), [this](Workers &w, quint64 generation) {
        if (!w.engine)
            return;
        const core::TransitionRequest request = w.engine->requestAdvance();
        QMetaObject::invokeMethod(this, [this, generation, request] {
            if (generation == m_generation)
                emit transitionRequested(request);
        }, Qt::QueuedConnection);
    });
}

void EngineController::requestRollback()
{
    onEngine(QStringLiteral("prepare the rollback"), [this](Workers &w, quint64 generation) {
        if (!w.engine)
            return;
        const core::TransitionRequest request = w.engine->requestRollback();
        QMetaObject::invokeMethod(this, [this, generation, request] {
            if (generation == m_generation)
                emit transitionRequested(request);
        }, Qt::QueuedConnection);
    });
}

void EngineController::confirm(const core::TransitionRequest &request, const core::Confirmation &confirmation)
{
    if (!m_workers)
        return;
    m_confirming = true;
    m_workers->stopWaiting = false;
    const QString what = request.kind == core::TransitionKind::Rollback ? QStringLiteral("roll back")
                                                                         : QStringLiteral("advance");
    onEngine(what, [this, request, confirmation, what](Workers &w, quint64 generation) {
        core::TransitionOutcome outcome;
        QString error;
        std::optional<core::EngineSnapshot> snapshot;
        try {
            if (!w.engine)
                throw std::runtime_error("the engine is not open");
            outcome = w.engine->confirm(request, confirmation);
        } catch (const std::exception &e) {
            // The state change may have been recorded before a target failure
            // (PhaseEngine.h): show it as a refusal with the error, and the new state below.
            error = errorText(e);
            outcome.applied = false;
            outcome.refusal = QStringLiteral("%1 failed: %2").arg(what, error);
        }
        try {
            if (w.engine)
                snapshot = w.engine->snapshot();
        } catch (const std::exception &) {
            // The next periodic snapshot reports it.
        }
        QMetaObject::invokeMethod(this, [this, generation, outcome, snapshot, error, what] {
            if (generation != m_generation)
                return;
            m_confirming = false;
            if (!error.isEmpty())
                emit engineError(what, error);
            if (snapshot) {
                m_snapshot = snapshot;
                emit snapshotChanged(*snapshot);
            }
            emit transitionFinished(outcome);
        }, Qt::QueuedConnection);
    });
}

void EngineController::stopWaiting()
{
    if (m_workers)
        m_workers->stopWaiting = true;
}

void EngineController::runnerCall(const QString &what, std::function<bool(core::JobRunner &, QString *)> call)
{
    onIo(what, [this, what, call](Workers &w, quint64 generation) {
        const std::shared_ptr<core::JobRunner> runner = w.jobRunner();
        QString refusal;
        bool done = false;
        if (!runner)
            refusal = QStringLiteral("the run is still opening; try again in a moment");
        else
            done = call(*runner, &refusal);
        QMetaObject::invokeMethod(this, [this, generation, what, done, refusal] {
            if (generation != m_generation)
                return;
            if (done)
                emit jobActionDone(what, 0);
            else
                emit jobActionRefused(what, refusal);
        }, Qt::QueuedConnection);
    });
}

void EngineController::startBackfill(const QString &table)
{
    const QString what = QStringLiteral("start the backfill of %1").arg(table);
    onIo(what, [this, table, what](Workers &w, quint64 generation) {
        const std::shared_ptr<core::JobRunner> runner = w.jobRunner();
        qint64 jobId = 0;
        QString refusal;
        if (!runner) {
            refusal = QStringLiteral("the run is still opening; try again in a moment");
        } else {
            try {
                jobId = runner->startJob(core::JobSpec::Kind::Backfill, table);
            } catch (const std::exception &e) {
                refusal = errorText(e);
            }
        }
        QMetaObject::invokeMethod(this, [this, generation, what, jobId, refusal] {
            if (generation != m_generation)
                return;
            if (jobId > 0)
                emit jobActionDone(what, jobId);
            else
                emit jobActionRefused(what, refusal);
            refresh();
        }, Qt::QueuedConnection);
    });
}

void EngineController::startValidation(const QString &table, core::JobSpec::ValidateMode mode)
{
    const QString what = QStringLiteral("start the %1 validation of %2").arg(core::JobSpec::modeName(mode), table);
    onIo(what, [this, table, mode, what](Workers &w, quint64 generation) {
        const std::shared_ptr<core::JobRunner> runner = w.jobRunner();
        qint64 jobId = 0;
        QString refusal;
        if (!runner) {
            refusal = QStringLiteral("the run is still opening; try again in a moment");
        } else {
            try {
                jobId = runner->startJob(core::JobSpec::Kind::Validate, table, mode);
            } catch (const std::exception &e) {
                refusal = errorText(e);
            }
        }
        QMetaObject::invokeMethod(this, [this, generation, what, jobId, refusal] {
            if (generation != m_generation)
                return;
            if (jobId > 0)
                emit jobActionDone(what, jobId);
            else
                emit jobActionRefused(what, refusal);
            refresh();
        }, Qt::QueuedConnection);
    });
}

void EngineController::pauseJob(qint64 jobId)
{
    runnerCall(QStringLiteral("pause job %1").arg(jobId),
               [jobId](core::JobRunner &r, QString *refusal) { return r.pause(jobId, refusal); });
}

void EngineController::resumeJob(qint64 jobId)
{
    runnerCall(QStringLiteral("resume job %1").arg(jobId),
               [jobId](core::JobRunner &r, QString *refusal) { return r.resume(jobId, refusal); });
}

void EngineController::cancelJob(qint64 jobId)
{
    runnerCall(QStringLiteral("cancel job %1").arg(jobId),
               [jobId](core::JobRunner &r, QString *refusal) { return r.cancel(jobId, refusal); });
}

void EngineController::setMaxRowsPerSecond(qint64 jobId, double rowsPerSecond)
{
    runnerCall(QStringLiteral("throttle job %1 to %2 rows/s").arg(jobId).arg(rowsPerSecond),
               [jobId, rowsPerSecond](core::JobRunner &r, QString *refusal) {
                   return r.setMaxRowsPerSecond(jobId, rowsPerSecond, refusal);
               });
}

} // namespace switchyard::ui
