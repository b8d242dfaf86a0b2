#include "engine/JobExecution.h"

#include "engine/JobQueue.h"
#include "source/MySqlConnection.h"
#include "source/MySqlStatement.h"
#include "store/ControlStore.h"

#include <QJsonArray>

namespace switchyard::core {

namespace {

JobState jobStateOf(BackfillState s)
{
    switch (s) {
    case BackfillState::Paused:
        return JobState::Paused;
    case BackfillState::Completed:
        return JobState::Completed;
    case BackfillState::Failed:
        return JobState::Failed;
    case BackfillState::Cancelled:
        return JobState::Cancelled;
    default:
        return JobState::Running;
    }
}

JobState jobStateOf(ValidationState s)
{
    switch (s) {
    case ValidationState::Completed:
        return JobState::Completed;
    case ValidationState::Failed:
        return JobState::Failed;
    case ValidationState::Cancelled:
        return JobState::Cancelled;
    default:
        return JobState::Running;
    }
}

double etaOf(qint64 done, qint64 total, double rate)
{
    if (total < 0 || rate <= 0)
        return -1;
    return double(std::max<qint64>(0, total - done)) / rate;
}

} // namespace

JobExecution::JobExecution(Setup setup, ProgressFn onProgress)
    : m_setup(std::move(setup))
    , m_onProgress(std::move(onProgress))
{
    const JobRecord &r = m_setup.record;
    m_last.jobId = r.id;
    m_last.kind = r.kind;
    m_last.table = r.tableName;
    m_last.state = JobState::Running;
    m_last.detail = QStringLiteral("starting");
    m_last.at = QDateTime::currentDateTimeUtc();
    m_rate = m_setup.maxRowsPerSecond;
    if (r.kind == JobSpec::Kind::Backfill) {
        BackfillJob::Options o = m_setup.backfill;
        o.jobId = r.id;
        o.workerId = m_setup.workerId;
        o.operatorName = m_setup.operatorName;
        o.maxRowsPerSecond = m_setup.maxRowsPerSecond;
        m_last.maxRowsPerSecond = o.maxRowsPerSecond;
        m_backfill = std::make_unique<BackfillJob>(m_setup.plan, r.tableName, m_setup.store, m_setup.runId, o);
    } else if (r.kind == JobSpec::Kind::Validate) {
        ValidationJob::Options o = m_setup.validation;
        o.jobId = r.id;
        o.operatorName = m_setup.operatorName;
        const QString mode = JobQueue::mode(r);
        o.mode = ValidationJob::modeFromName(mode).value_or(JobSpec::ValidateMode::Checksum);
        m_last.mode = JobSpec::modeName(o.mode);
        m_validation = std::make_unique<ValidationJob>(m_setup.plan, r.tableName, m_setup.store, m_setup.runId, o);
    } else if (r.kind == JobSpec::Kind::ReverseSync) {
        ReverseSyncJob::Options o;
        o.jobId = r.id;
        o.workerId = m_setup.workerId;
        o.operatorName = m_setup.operatorName;
        QStringList tables;
        for (const QJsonValue &t : JobQueue::params(r).value(QStringLiteral("tables")).toArray())
            tables << t.toString();
        if (tables.isEmpty() && !r.tableName.isEmpty())
            tables << r.tableName;
        m_reverse = std::make_unique<ReverseSyncJob>(m_setup.plan, tables, m_setup.store, m_setup.runId, o);
    }
    m_sinceEmit.start();
}

JobExecution::~JobExecution()
{
    if (m_thread.joinable()) {
        stop(Stop::Release);
        m_thread.join();
    }
}

void JobExecution::start()
{
    m_thread = std::thread([this] { body(); });
}

void JobExecution::join()
{
    if (m_thread.joinable())
        m_thread.join();
}

void JobExecution::pause()
{
    m_paused = true;
    if (m_backfill)
        m_backfill->pause();
    if (m_validation)
        m_validation->pause();
    if (m_reverse)
        m_reverse->pause();
    {
        std::lock_guard lock(m_mutex);
        if (m_drain)
            m_drain->cancel();
    }
    JobProgress p = progress();
    if (!isTerminal(p.state)) {
        p.state = JobState::Paused;
        p.rowsPerSecond = 0;
        p.etaSeconds = -1;
        publish(p, true);
    }
}

void JobExecution::resume()
{
    m_paused = false;
    if (m_backfill)
        m_backfill->resume();
    if (m_validation)
        m_validation->resume();
    if (m_reverse)
        m_reverse->resume();
    {
        std::lock_guard lock(m_mutex);
        m_resumed.notify_all();
    }
    JobProgress p = progress();
    if (!isTerminal(p.state)) {
        p.state = JobState::Running;
        publish(p, true);
    }
}

void JobExecution::stop(Stop why)
{
    Stop expected = Stop::None;
    m_stop.compare_exchange_strong(expected, why);
    if (m_backfill)
        m_backfill->cancel();
    if (m_validation)
        m_validation->cancel();
    if (m_reverse)
        m_reverse->cancel();
    std::lock_guard lock(m_mutex);
    if (m_drain)
        m_drain->cancel();
    m_resumed.notify_all();
}

bool JobExecution::setMaxRowsPerSecond(double rowsPerSecond)
{
    if (!m_backfill)
        return false;
    m_rate = rowsPerSecond;
    m_backfill->setMaxRowsPerSecond(rowsPerSecond);
    return true;
}

JobExecution::Outcome JobExecution::outcome() const
{
    std::lock_guard lock(m_mutex);
    return m_outcome;
}

JobProgress JobExecution::progress() const
{
    std::lock_guard lock(m_mutex);
    return m_last;
}

void JobExecution::publish(JobProgress p, bool force)
{
    {
        std::lock_guard lock(m_mutex);
        const bool changed = p.state != m_last.state || p.detail != m_last.detail || p.retrying != m_last.retrying;
        // Keep the latest figures either way; send at most ten a second.
        m_last = p;
        if (!force && !changed && m_sinceEmit.isValid() && m_sinceEmit.elapsed() < 100)
            return;
        m_sinceEmit.restart();
    }
    if (m_onProgress)
        m_onProgress(p);
}

void JobExecution::inheritCheckpoint()
{
    ControlStore store = ControlStore::open(m_setup.store);
    const JobRecord &r = m_setup.record;
    if (store.jobs().loadCheckpoint(r.id))
        return;
    const QList<JobRecord> jobs = store.jobs().jobsForRun(m_setup.runId);
    for (auto it = jobs.crbegin(); it != jobs.crend(); ++it) {
        if (it->id >= r.id || it->kind != r.kind || it->tableName != r.tableName)
            continue;
        if (r.kind == JobSpec::Kind::Validate && it->state == JobState::Completed)
            return; // a finished validation is not continued: the new one starts over
        if (const auto cp = store.jobs().loadCheckpoint(it->id)) {
            store.jobs().saveCheckpoint(r.id, *cp);
            AuditEntry e;
            e.runId = m_setup.runId;
            e.operatorName = m_setup.operatorName;
            e.action = QStringLiteral("job.inherit_checkpoint");
            e.target = QStringLiteral("job:%1").arg(r.id);
            e.reason = QStringLiteral("continues from the checkpoint of job %1 (%2 rows done)")
                           .arg(it->id)
                           .arg(cp->rowsDone);
            e.detailsJson = QStringLiteral("{\"job\":%1,\"from_job\":%2}").arg(r.id).arg(it->id);
            store.audit().appendAudit(e);
            return;
        }
    }
}

void JobExecution::countSourceRows()
{
    MySqlConnection c;
    c.open(m_setup.plan.source);
    qint64 estimate = -1;
    {
        MySqlStatement st(c, QStringLiteral("SELECT TABLE_ROWS FROM information_schema.TABLES"
                                            " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"));
        st.bindString(0, m_setup.record.tableName);
        st.execute();
        if (st.fetch()) {
            const MySqlValue v = st.value(0);
            if (v.kind() == MySqlValue::Kind::UInt)
                estimate = qint64(v.toUInt64());
            else if (v.kind() == MySqlValue::Kind::Int)
                estimate = v.toInt64();
        }
        while (st.fetch()) {
        }
    }
    // InnoDB's estimate can be far off on small or freshly loaded tables,
    // where an exact count is cheap anyway.
    if (estimate < m_setup.countBelowRows)
        estimate = c.query(QStringLiteral("SELECT COUNT(*) FROM %1").arg(quoteMySqlIdentifier(m_setup.record.tableName)))
                       .scalar()
                       .toLongLong();
    m_rowsTotal = estimate;
}

void JobExecution::body()
{
    Outcome out;
    try {
        if (m_backfill || m_validation) {
            inheritCheckpoint();
            try {
                countSourceRows();
            } catch (const std::exception &) {
                // No total then: the job still runs and reports its own estimate.
            }
        }
        if (m_backfill)
            out = runBackfill();
        else if (m_validation)
            out = runValidation();
        else if (m_reverse)
            out = runReverseSync();
        else if (m_setup.record.kind == JobSpec::Kind::Repair)
            out = runRepairDrain();
        else
            out.error = QStringLiteral("job %1 is of a kind this build of Switchyard cannot run (%2)")
                            .arg(m_setup.record.id)
                            .arg(storeName(m_setup.record.kind));
    } catch (const std::exception &e) {
        out.state = JobState::Failed;
        out.error = QStringLiteral("job %1 could not start: %2").arg(m_setup.record.id).arg(QString::fromUtf8(e.what()));
    }
    if (out.state == JobState::Cancelled)
        out.stop = m_stop;
    {
        std::lock_guard lock(m_mutex);
        m_outcome = out;
    }
    m_finished = true;
    if (m_onFinished)
        m_onFinished();
}

JobExecution::Outcome JobExecution::runBackfill()
{
    const BackfillJob::Result r = m_backfill->run([this](const BackfillProgress &b) {
        JobProgress p = progress();
        p.state = jobStateOf(b.state);
        p.detail = backfillStateName(b.state);
        p.rowsDone = b.rowsCopied;
        const qint64 counted = m_rowsTotal;
        p.rowsTotal = counted >= 0 ? std::max(counted, b.rowsCopied) : (b.rowsEstimated > 0 ? b.rowsEstimated : -1);
        p.rowsPerSecond = p.state == JobState::Running ? b.rowsPerSecond : 0;
        p.etaSeconds = p.state == JobState::Completed ? 0 : etaOf(p.rowsDone, p.rowsTotal, p.rowsPerSecond);
        p.maxRowsPerSecond = b.maxRowsPerSecond;
        p.lastError = b.lastError;
        p.retrying = b.state == BackfillState::Retrying;
        p.at = QDateTime::fromMSecsSinceEpoch(b.atMs, Qt::UTC);
        publish(p, false);
    });
    Outcome out;
    out.rowsDone = r.rowsCopied;
    out.error = r.error;
    out.state = r.state == BackfillState::Completed   ? JobState::Completed
                : r.state == BackfillState::Cancelled ? JobState::Cancelled
                                                      : JobState::Failed;
    return out;
}

JobExecution::Outcome JobExecution::runValidation()
{
    const ValidationJob::Result r = m_validation->run([this](const ValidationProgress &v) {
        JobProgress p = progress();
        p.state = jobStateOf(v.state);
        if (p.state == JobState::Running && m_paused)
            p.state = JobState::Paused;
        p.detail = validationStateName(v.state);
        p.rowsDone = v.rowsChecked;
        const qint64 counted = m_rowsTotal;
        p.rowsTotal = counted >= 0 ? std::max(counted, v.rowsChecked) : (v.rowsEstimated > 0 ? v.rowsEstimated : -1);
        p.rowsPerSecond = p.state == JobState::Running ? v.rowsPerSecond : 0;
        p.etaSeconds = p.state == JobState::Completed ? 0 : etaOf(p.rowsDone, p.rowsTotal, p.rowsPerSecond);
        p.lastError = v.lastError;
        p.at = QDateTime::fromMSecsSinceEpoch(v.atMs, Qt::UTC);
        publish(p, false);
    });
    Outcome out;
    out.rowsDone = r.rowsChecked;
    out.error = r.error;
    out.state = r.state == ValidationState::Completed   ? JobState::Completed
                : r.state == ValidationState::Cancelled ? JobState::Cancelled
                                                        : JobState::Failed;
    return out;
}

JobExecution::Outcome JobExecution::runReverseSync()
{
    const ReverseSyncJob::Result r = m_reverse->run([this](const ReverseSyncProgress &v) {
        JobProgress p = progress();
        p.state = v.state == ReverseSyncState::Paused      ? JobState::Paused
                  : v.state == ReverseSyncState::Completed ? JobState::Completed
                  : v.state == ReverseSyncState::Failed    ? JobState::Failed
                  : v.state == ReverseSyncState::Cancelled ? JobState::Cancelled
                                                           : JobState::Running;
        p.detail = reverseSyncStateName(v.state);
        // Changes applied out of those applied plus still pending: the lag.
        p.rowsDone = v.changesApplied;
        p.rowsTotal = v.changesApplied + std::max<qint64>(0, v.lag.pendingChanges);
        p.rowsPerSecond = p.state == JobState::Running ? v.rowsPerSecond : 0;
        p.etaSeconds = etaOf(p.rowsDone, p.rowsTotal, p.rowsPerSecond);
        p.lastError = v.lastError;
        p.retrying = v.state == ReverseSyncState::Retrying;
        p.at = QDateTime::fromMSecsSinceEpoch(v.atMs, Qt::UTC);
        publish(p, false);
    });
    Outcome out;
    out.rowsDone = r.changesApplied;
    out.error = r.error;
    out.state = r.state == ReverseSyncState::Completed   ? JobState::Completed
                : r.state == ReverseSyncState::Cancelled ? JobState::Cancelled
                                                         : JobState::Failed;
    return out;
}

JobExecution::Outcome JobExecution::runRepairDrain()
{
    RepairQueueDrain::Options o;
    o.operatorName = m_setup.operatorName;
    o.follow = JobQueue::params(m_setup.record).value(QStringLiteral("follow")).toBool(true);
    Outcome out;
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_resumed.wait(lock, [this] { return !m_paused || m_stop != Stop::None; });
            if (m_stop != Stop::None) {
                out.state = JobState::Cancelled;
                return out;
            }
            m_drain = std::make_unique<RepairQueueDrain>(m_setup.plan, m_setup.store, m_setup.runId, o);
        }
        const qint64 before = out.rowsDone;
        const RepairQueueDrain::Result r = m_drain->run([&](const RepairQueueDrain::Progress &d) {
            JobProgress p = progress();
            p.state = m_paused ? JobState::Paused : JobState::Running;
            p.detail = QStringLiteral("draining");
            p.rowsDone = before + d.repaired;
            p.rowsTotal = p.rowsDone + d.pending;
            p.rowsPerSecond = d.entriesPerSecond;
            p.etaSeconds = etaOf(p.rowsDone, p.rowsTotal, p.rowsPerSecond);
            p.lastError = d.lastError;
            p.retrying = d.deferred > 0 && !d.lastError.isEmpty();
            p.at = QDateTime::fromMSecsSinceEpoch(d.atMs, Qt::UTC);
            publish(p, false);
        });
        {
            std::lock_guard lock(m_mutex);
            m_drain.reset();
        }
        out.rowsDone = before + r.repaired;
        if (m_stop != Stop::None) {
            out.state = JobState::Cancelled;
            return out;
        }
        if (!r.ok) {
            out.state = JobState::Failed;
            out.error = r.error;
            return out;
        }
        if (!m_paused && (!o.follow || !r.cancelled)) {
            out.state = r.failed > 0 ? JobState::Failed : JobState::Completed;
            if (r.failed > 0)
                out.error = QStringLiteral("%1 repair-queue entr%2 failed after every attempt and need a person "
                                           "(docs/validation.md, \"Repair queue\"): %3")
                                .arg(r.failed)
                                .arg(r.failed == 1 ? QStringLiteral("y") : QStringLiteral("ies"))
                                .arg(r.problems.mid(0, 3).join(QStringLiteral("; ")));
            return out;
        }
        // Paused: wait for resume (or stop) and drain again.
    }
}

} // namespace switchyard::core
