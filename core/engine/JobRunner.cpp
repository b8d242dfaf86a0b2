#include "engine/JobRunner.h"

#include "engine/JobQueue.h"
#include "store/ControlStore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSysInfo>

#include <stdexcept>

namespace switchyard::core {

namespace {

bool isStale(const JobRecord &j, const QDateTime &staleBefore)
{
    const QDateTime last = j.heartbeatAt.isValid() ? j.heartbeatAt : j.updatedAt;
    return !last.isValid() || last < staleBefore;
}

} // namespace

QString JobRunner::defaultWorkerId()
{
    return QStringLiteral("%1:%2:%3")
        .arg(QSysInfo::machineHostName())
        .arg(QCoreApplication::applicationPid())
        .arg(QRandomGenerator::global()->generate() & 0xffffff, 6, 16, QLatin1Char('0'));
}

JobRunner::JobRunner(const Plan &plan, qint64 runId, const ControlStoreLocation &store, Options options)
    : m_plan(plan)
    , m_runId(runId)
    , m_store(store)
    , m_options(std::move(options))
{
    if (m_options.workerId.isEmpty())
        m_options.workerId = defaultWorkerId();
    m_options.maxParallel = std::max(1, m_options.maxParallel);
    // A lease must survive a late heartbeat or two.
    m_options.heartbeat = std::min(m_options.heartbeat, m_options.lease / 3);
}

JobRunner::~JobRunner()
{
    stop();
}

void JobRunner::setProgressCallback(ProgressFn fn)
{
    std::lock_guard lock(m_mutex);
    m_onProgress = std::move(fn);
}

void JobRunner::start()
{
    std::lock_guard lock(m_mutex);
    if (m_started || m_stopping)
        return;
    m_started = true;
    m_control = std::thread([this] { loop(); });
}

void JobRunner::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_control.joinable())
        m_control.join();
}

void JobRunner::report(const JobProgress &p)
{
    // m_onProgress is only set before start(): no lock needed to read it.
    if (m_onProgress)
        m_onProgress(p);
}

qint64 JobRunner::startJob(JobSpec::Kind kind, const QString &table, std::optional<JobSpec::ValidateMode> mode)
{
    ControlStore store = ControlStore::open(m_store);
    JobQueue queue(store, m_plan, m_runId, m_options.operatorName);
    queue.setLease(m_options.lease);
    const JobQueue::Outcome o = queue.enqueue(kind, table, mode);
    if (!o.applied)
        throw std::runtime_error(o.refusal.toStdString());
    {
        std::lock_guard lock(m_mutex);
        m_wanted.append(o.job.id);
        m_idle = false;
    }
    start();
    m_wake.notify_all();
    return o.job.id;
}

bool JobRunner::request(qint64 jobId, const std::function<JobQueue::Outcome(JobQueue &)> &ask,
                        const std::function<void(JobExecution &)> &apply, QString *refusal)
{
    QString why;
    bool ok = false;
    try {
        ControlStore store = ControlStore::open(m_store);
        JobQueue queue(store, m_plan, m_runId, m_options.operatorName);
        queue.setLease(m_options.lease);
        const JobQueue::Outcome o = ask(queue);
        ok = o.applied;
        why = o.refusal;
    } catch (const std::exception &e) {
        why = QString::fromUtf8(e.what());
    }
    if (ok) {
        std::shared_ptr<JobExecution> job;
        {
            std::lock_guard lock(m_mutex);
            if (const auto it = m_jobs.find(jobId); it != m_jobs.end())
                job = it->second;
        }
        if (job && !job->finished())
            apply(*job);
    }
    if (refusal)
        *refusal = why;
    return ok;
}

bool JobRunner::pause(qint64 jobId, QString *refusal)
{
    return request(
        jobId,
        [jobId](JobQueue &q) { return q.pause(jobId); },
        [](JobExecution &j) { j.pause(); }, refusal);
}

bool JobRunner::resume(qint64 jobId, QString *refusal)
{
    return request(
        jobId,
        [jobId](JobQueue &q) { return q.resume(jobId); },
        [](JobExecution &j) { j.resume(); }, refusal);
}

bool JobRunner::cancel(qint64 jobId, QString *refusal)
{
    return request(
        jobId,
        [jobId](JobQueue &q) { return q.cancel(jobId); },
        [](JobExecution &j) { j.stop(JobExecution::Stop::Cancel); }, refusal);
}

bool JobRunner::setMaxRowsPerSecond(qint64 jobId, double rowsPerSecond, QString *refusal)
{
    return request(
        jobId,
        [jobId, rowsPerSecond](JobQueue &q) { return q.throttle(jobId, rowsPerSecond); },
        [rowsPerSecond](JobExecution &j) { j.setMaxRowsPerSecond(rowsPerSecond); }, refusal);
}

QList<JobProgress> JobRunner::progress() const
{
    QList<JobProgress> list;
    std::lock_guard lock(m_mutex);
    for (const auto &[id, job] : m_jobs)
        list.append(job->progress());
    return list;
}

QList<JobRunner::Finished> JobRunner::finished() const
{
    std::lock_guard lock(m_mutex);
    return m_finished;
}

bool JobRunner::isIdle() const
{
    std::lock_guard lock(m_mutex);
    return m_idle;
}

QString JobRunner::lastError() const
{
    std::lock_guard lock(m_mutex);
    return m_lastError;
}

void JobRunner::loop()
{
    std::optional<ControlStore> store;
    QElapsedTimer sinceBeat;
    for (;;) {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping)
                break;
        }
        const bool beat = !sinceBeat.isValid() || sinceBeat.elapsed() >= m_options.heartbeat.count();
        if (beat)
            sinceBeat.restart();
        try {
            if (!store)
                store.emplace(ControlStore::open(m_store));
            tick(*store, beat);
            std::lock_guard lock(m_mutex);
            m_lastError.clear();
        } catch (const std::exception &e) {
            // Reopen the store at the next tick (a server restart, a lost
            // connection); jobs keep running meanwhile and their leases are
            // renewed as soon as the store answers again.
            store.reset();
            std::lock_guard lock(m_mutex);
            m_lastError = QStringLiteral("worker %1: %2").arg(m_options.workerId, QString::fromUtf8(e.what()));
            m_idle = false;
        }
        std::unique_lock lock(m_mutex);
        m_wake.wait_for(lock, m_options.poll, [this] { return m_stopping || m_kick || !m_wanted.isEmpty(); });
        m_kick = false;
    }

    // Stopping: every job here ends within a batch; running ones go back
    // to the queue (reap() writes that), checkpoints kept.
    std::map<qint64, std::shared_ptr<JobExecution>> jobs;
    {
        std::lock_guard lock(m_mutex);
        jobs = m_jobs;
    }
    for (auto &[id, job] : jobs)
        job->stop(JobExecution::Stop::Release);
    for (auto &[id, job] : jobs)
        job->join();
    for (int attempt = 0; attempt < 3; ++attempt) {
        try {
            if (!store)
                store.emplace(ControlStore::open(m_store));
            reap(*store);
            break;
        } catch (const std::exception &e) {
            std::lock_guard lock(m_mutex);
            m_lastError = QStringLiteral("worker %1 could not release its jobs: %2")
                              .arg(m_options.workerId, QString::fromUtf8(e.what()));
        }
    }
}

void JobRunner::reap(ControlStore &store)
{
    std::map<qint64, std::shared_ptr<JobExecution>> done;
    {
        std::lock_guard lock(m_mutex);
        for (const auto &[id, job] : m_jobs)
            if (job->finished())
                done.emplace(id, job);
    }
    for (auto &[id, job] : done) {
        job->join();
        const JobExecution::Outcome o = job->outcome();
        const QList<JobState> live{JobState::Running, JobState::Paused};
        JobState written = o.state;
        switch (o.state) {
        case JobState::Completed:
            store.jobs().setJobState(id, {JobState::Completed, {}, false, {}, {}, live});
            break;
        case JobState::Failed:
            store.jobs().setJobState(id, {JobState::Failed, o.error, false, {}, {}, live});
            break;
        default:
            if (o.stop == JobExecution::Stop::Release) {
                // Back to the queue; a paused job stays paused (and resumes
                // wherever a worker picks it up after `jobs resume`).
                const QList<JobState> from{JobState::Running};
                const JobState back = job->isPaused() ? JobState::Paused : JobState::Queued;
                if (store.jobs().setJobState(id, {back, {}, false, {}, {}, from})) {
                    AuditEntry e;
                    e.runId = m_runId;
                    e.operatorName = m_options.operatorName;
                    e.action = QStringLiteral("job.release");
                    e.target = QStringLiteral("job:%1").arg(id);
                    e.reason = QStringLiteral("worker %1 stopped; back in the queue, checkpoint kept")
                                   .arg(m_options.workerId);
                    e.detailsJson = QStringLiteral("{\"job\":%1}").arg(id);
                    store.audit().appendAudit(e);
                }
            } else if (o.stop == JobExecution::Stop::None) {
                store.jobs().setJobState(id, {JobState::Cancelled, {}, false, {}, {}, live});
            }
            // Cancel: the store says cancelled already; LeaseLost: not ours.
            if (const auto now = store.jobs().job(id))
                written = now->state;
            break;
        }
        JobProgress p = job->progress();
        p.state = written;
        p.rowsPerSecond = 0;
        p.etaSeconds = written == JobState::Completed ? 0 : -1;
        if (o.state == JobState::Failed)
            p.lastError = o.error;
        p.at = QDateTime::currentDateTimeUtc();
        // The last sample first, so whoever reads finished() sees no later one.
        report(p);
        Finished f{id, job->record().kind, job->record().tableName, written, o.error, o.rowsDone};
        std::lock_guard lock(m_mutex);
        m_jobs.erase(id);
        m_finished.append(f);
    }
}

void JobRunner::launch(const JobRecord &record)
{
    JobExecution::Setup setup;
    setup.plan = m_plan;
    setup.store = m_store;
    setup.runId = m_runId;
    setup.record = record;
    setup.workerId = m_options.workerId;
    setup.operatorName = m_options.operatorName;
    const TableSpec *table = m_plan.table(record.tableName);
    setup.maxRowsPerSecond = JobQueue::maxRowsPerSecond(record).value_or(table ? table->maxRowsPerSecond : 0);
    setup.backfill = m_options.backfill;
    setup.validation = m_options.validation;
    setup.countBelowRows = m_options.countBelowRows;
    auto job = std::make_shared<JobExecution>(std::move(setup), [this](const JobProgress &p) { report(p); });
    job->setOnFinished([this] {
        {
            std::lock_guard lock(m_mutex);
            m_kick = true;
        }
        m_wake.notify_all();
    });
    {
        std::lock_guard lock(m_mutex);
        m_jobs.emplace(record.id, job);
    }
    job->start();
}

void JobRunner::tick(ControlStore &store, bool heartbeatDue)
{
    reap(store);
    const QList<JobRecord> records = store.jobs().jobsForRun(m_runId);
    std::map<qint64, std::shared_ptr<JobExecution>> jobs;
    QList<qint64> wanted;
    {
        std::lock_guard lock(m_mutex);
        jobs = m_jobs;
        wanted = m_wanted;
    }

    // Requests others made through the store, and the leases.
    for (auto &[id, job] : jobs) {
        if (job->finished())
            continue;
        const auto rec = std::find_if(records.cbegin(), records.cend(), [id = id](const JobRecord &r) { return r.id == id; });
        if (rec == records.cend() || (rec->state != JobState::Cancelled && rec->workerId != m_options.workerId)) {
            job->stop(JobExecution::Stop::LeaseLost);
            continue;
        }
        switch (rec->state) {
        case JobState::Cancelled:
            job->stop(JobExecution::Stop::Cancel);
            continue;
        case JobState::Completed:
        case JobState::Failed:
        case JobState::Queued:
            // Finished or requeued behind our back: someone else owns it now.
            job->stop(JobExecution::Stop::LeaseLost);
            continue;
        case JobState::Paused:
            if (!job->isPaused())
                job->pause();
            break;
        case JobState::Running:
            if (job->isPaused())
                job->resume();
            break;
        }
        if (const auto rate = JobQueue::maxRowsPerSecond(*rec); rate && *rate != job->maxRowsPerSecond())
            job->setMaxRowsPerSecond(*rate);
        if (heartbeatDue && !store.jobs().renewLease(id, m_options.workerId))
            job->stop(JobExecution::Stop::LeaseLost);
    }

    // Claims: jobs started here first, then the queue (oldest first) and
    // running jobs whose worker stopped heartbeating.
    int running = 0;
    for (const auto &[id, job] : jobs)
        running += job->finished() ? 0 : 1;
    const QDateTime staleBefore = QDateTime::currentDateTimeUtc().addMSecs(-m_options.lease.count());
    const QString host = QSysInfo::machineHostName();
    auto claim = [&](const JobRecord &r) {
        if (jobs.count(r.id) || !store.jobs().claimJob(r.id, m_options.workerId, host, staleBefore))
            return false;
        const auto claimed = store.jobs().job(r.id);
        if (!claimed)
            return false;
        AuditEntry e;
        e.runId = m_runId;
        e.operatorName = m_options.operatorName;
        e.action = QStringLiteral("job.claim");
        e.target = QStringLiteral("job:%1").arg(r.id);
        e.reason = r.state == JobState::Running
                       ? QStringLiteral("worker %1 took over from %2, whose lease expired")
                             .arg(m_options.workerId, r.workerId)
                       : QStringLiteral("worker %1 started it").arg(m_options.workerId);
        e.detailsJson = QStringLiteral("{\"job\":%1,\"attempt\":%2}").arg(r.id).arg(claimed->attempts);
        store.audit().appendAudit(e);
        launch(*claimed);
        ++running;
        return true;
    };
    for (const qint64 id : std::as_const(wanted)) {
        const auto rec = std::find_if(records.cbegin(), records.cend(), [id](const JobRecord &r) { return r.id == id; });
        if (rec != records.cend())
            claim(*rec);
        std::lock_guard lock(m_mutex);
        m_wanted.removeAll(id);
    }
    if (m_options.claimQueued) {
        for (const JobRecord &r : records) {
            if (running >= m_options.maxParallel)
                break;
            if (r.state == JobState::Queued || (r.state == JobState::Running && isStale(r, staleBefore)))
                claim(r);
        }
    }

    bool busy = false;
    if (m_options.claimQueued) {
        for (const JobRecord &r : records)
            busy = busy || r.state == JobState::Queued || r.state == JobState::Running;
    }
    std::lock_guard lock(m_mutex);
    m_idle = m_jobs.empty() && m_wanted.isEmpty() && !busy;
}

} // namespace switchyard::core
