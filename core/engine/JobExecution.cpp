#include "engine/JobExecution.h"

#include "engine/JobQueue.h"
#include "source/MySqlConnection.h"
#include "source/MySqlStatement.h"
#include "store/ControlStore.h"

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
        else if (m_setup.record.kind == JobSpec::Kind::ReverseSync)
            out.error = QStringLiteral("reverse_sync jobs need core/engine/ReverseSyncJob, which this build of "
                                       "Switchyard does not have yet; run reverse sync outside Switchyard");
        else
            out.error = QStringLiteral("repair jobs need core/validate/RepairQueueDrain, which this build of "
                                       "Switchyard does not have yet; repair mismatches with: switchyard-cli repair PLAN");
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

} // namespace switchyard::core
