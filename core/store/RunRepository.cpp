#include "RunRepository.h"

#include "AuditLog.h"
#include "StoreConnection.h"

#include <QCryptographicHash>

namespace switchyard::core {

namespace {

QString runColumns(const SqlDialect &d)
{
    return QStringLiteral("id, plan_name, plan_path, plan_sha256, %1").arg(d.timestampOut(QStringLiteral("created_at")));
}

RunRecord readRun(const QSqlQuery &q)
{
    RunRecord r;
    r.id = q.value(0).toLongLong();
    r.planName = q.value(1).toString();
    r.planPath = q.value(2).toString();
    r.planSha256 = q.value(3).toString();
    r.createdAt = SqlDialect::parseIsoUtc(q.value(4));
    return r;
}

QString historyColumns(const SqlDialect &d)
{
    return QStringLiteral("id, run_id, from_phase, from_status, to_phase, to_status, ramp_step, operator, "
                          "reason, override, evidence, %1")
        .arg(d.timestampOut(QStringLiteral("at")));
}

PhaseTransition readTransition(const QSqlQuery &q)
{
    PhaseTransition t;
    t.id = q.value(0).toLongLong();
    t.runId = q.value(1).toLongLong();
    t.fromPhase = q.value(2).toInt();
    t.fromStatus = phaseStatusFromName(q.value(3).toString()).value_or(PhaseStatus::Pending);
    t.toPhase = q.value(4).toInt();
    t.toStatus = phaseStatusFromName(q.value(5).toString()).value_or(PhaseStatus::Pending);
    t.rampStep = q.value(6).toInt();
    t.operatorName = q.value(7).toString();
    t.reason = q.value(8).toString();
    t.overridden = q.value(9).toBool();
    t.evidenceJson = q.value(10).toString();
    t.at = SqlDialect::parseIsoUtc(q.value(11));
    return t;
}

QString signOffColumns(const SqlDialect &d)
{
    return QStringLiteral("id, run_id, signer, role, statement, verdict, report_sha256, signature, %1")
        .arg(d.timestampOut(QStringLiteral("at")));
}

SignOff readSignOff(const QSqlQuery &q)
{
    SignOff s;
    s.id = q.value(0).toLongLong();
    s.runId = q.value(1).toLongLong();
    s.signer = q.value(2).toString();
    s.role = q.value(3).toString();
    s.statement = q.value(4).toString();
    s.verdict = q.value(5).toString();
    s.reportSha256 = q.value(6).toString();
    s.signature = q.value(7).toString();
    s.at = SqlDialect::parseIsoUtc(q.value(8));
    return s;
}

} // namespace

RunRepository::RunRepository(StoreConnection &connection)
    : m_c(connection)
{
}

QString RunRepository::sha256Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

qint64 RunRepository::ensureRun(const QString &planName, const QString &planPath, const QString &planSha256)
{
    return m_c.write(QStringLiteral("record the run of plan %1").arg(planName), [&] {
        const QVariant now = SqlDialect::timestampValue(SqlDialect::nowUtc());
        QSqlQuery ins = m_c.prepare(QStringLiteral(
            "INSERT INTO runs (plan_name, plan_path, plan_sha256, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (plan_name, plan_sha256) DO NOTHING"));
        ins.addBindValue(SqlDialect::text(planName));
        ins.addBindValue(SqlDialect::text(planPath));
        ins.addBindValue(SqlDialect::text(planSha256));
        ins.addBindValue(now);
        m_c.exec(ins);

        QSqlQuery sel = m_c.prepare(QStringLiteral("SELECT id FROM runs WHERE plan_name = ? AND plan_sha256 = ?"));
        sel.addBindValue(SqlDialect::text(planName));
        sel.addBindValue(SqlDialect::text(planSha256));
        m_c.exec(sel);
        if (!sel.next())
            m_c.fail(StoreError::Kind::Query, QStringLiteral("the run row vanished after it was written"), {});
        const qint64 runId = sel.value(0).toLongLong();

        QSqlQuery state = m_c.prepare(QStringLiteral(
            "INSERT INTO phase_state (run_id, phase_index, ramp_step, status, entered_at, updated_at,"
            " updated_by, version) VALUES (?, 0, 0, 'pending', ?, ?, '', 1) ON CONFLICT (run_id) DO NOTHING"));
        state.addBindValue(runId);
        state.addBindValue(now);
        state.addBindValue(now);
        m_c.exec(state);
        return runId;
    });
}

std::optional<RunRecord> RunRepository::run(qint64 runId)
{
    return m_c.read(QStringLiteral("read run %1").arg(runId), [&]() -> std::optional<RunRecord> {
        QSqlQuery q = m_c.prepare(QStringLiteral("SELECT %1 FROM runs WHERE id = ?").arg(runColumns(m_c.dialect())));
        q.addBindValue(runId);
        m_c.exec(q);
        if (!q.next())
            return std::nullopt;
        return readRun(q);
    });
}

QList<RunRecord> RunRepository::runs()
{
    return m_c.read(QStringLiteral("list runs"), [&] {
        QSqlQuery q = m_c.prepare(QStringLiteral("SELECT %1 FROM runs ORDER BY id").arg(runColumns(m_c.dialect())));
        m_c.exec(q);
        QList<RunRecord> list;
        while (q.next())
            list.append(readRun(q));
        return list;
    });
}

std::optional<RunRecord> RunRepository::latestRun(const QString &planName)
{
    return m_c.read(QStringLiteral("find the latest run of plan %1").arg(planName), [&]() -> std::optional<RunRecord> {
        QSqlQuery q = m_c.prepare(QStringLiteral("SELECT %1 FROM runs WHERE plan_name = ? ORDER BY id DESC LIMIT 1")
                                      .arg(runColumns(m_c.dialect())));
        q.addBindValue(SqlDialect::text(planName));
        m_c.exec(q);
        if (!q.next())
            return std::nullopt;
        return readRun(q);
    });
}

std::optional<PhaseState> RunRepository::readPhaseState(qint64 runId)
{
    const SqlDialect &d = m_c.dialect();
    QSqlQuery q = m_c.prepare(QStringLiteral("SELECT phase_index, ramp_step, status, %1, updated_by, %2, version"
                                             " FROM phase_state WHERE run_id = ?")
                                  .arg(d.timestampOut(QStringLiteral("entered_at")),
                                       d.timestampOut(QStringLiteral("updated_at"))));
    q.addBindValue(runId);
    m_c.exec(q);
    if (!q.next())
        return std::nullopt;
    PhaseState s;
    s.phaseIndex = q.value(0).toInt();
    s.rampStep = q.value(1).toInt();
    s.status = phaseStatusFromName(q.value(2).toString()).value_or(PhaseStatus::Pending);
    s.enteredAt = SqlDialect::parseIsoUtc(q.value(3));
    s.updatedBy = q.value(4).toString();
    s.updatedAt = SqlDialect::parseIsoUtc(q.value(5));
    s.version = q.value(6).toLongLong();
    return s;
}

PhaseState RunRepository::phaseState(qint64 runId)
{
    return m_c.read(QStringLiteral("read the phase state of run %1").arg(runId), [&] {
        const std::optional<PhaseState> s = readPhaseState(runId);
        if (!s)
            m_c.fail(StoreError::Kind::Usage, QStringLiteral("there is no run %1 in the control store").arg(runId), {});
        return *s;
    });
}

PhaseUpdateResult RunRepository::applyPhaseUpdate(qint64 runId, qint64 expectedVersion, const PhaseState &newState)
{
    const QDateTime now = SqlDialect::nowUtc();
    QSqlQuery q = m_c.prepare(QStringLiteral(
        "UPDATE phase_state SET phase_index = ?, ramp_step = ?, status = ?, entered_at = ?, updated_at = ?,"
        " updated_by = ?, version = version + 1 WHERE run_id = ? AND version = ?"));
    q.addBindValue(newState.phaseIndex);
    q.addBindValue(newState.rampStep);
    q.addBindValue(storeName(newState.status));
    q.addBindValue(SqlDialect::timestampValue(newState.enteredAt.isValid() ? newState.enteredAt : now));
    q.addBindValue(SqlDialect::timestampValue(now));
    q.addBindValue(SqlDialect::text(newState.updatedBy));
    q.addBindValue(runId);
    q.addBindValue(expectedVersion);
    m_c.exec(q);
    const bool applied = q.numRowsAffected() == 1;
    q.finish();

    const std::optional<PhaseState> current = readPhaseState(runId);
    if (!current)
        m_c.fail(StoreError::Kind::Usage, QStringLiteral("there is no run %1 in the control store").arg(runId), {});
    return {applied, *current};
}

PhaseUpdateResult RunRepository::updatePhaseState(qint64 runId, qint64 expectedVersion, const PhaseState &newState)
{
    return m_c.write(QStringLiteral("update the phase state of run %1").arg(runId),
                     [&] { return applyPhaseUpdate(runId, expectedVersion, newState); });
}

PhaseUpdateResult RunRepository::transitionPhase(qint64 runId, qint64 expectedVersion, const PhaseState &newState,
                                                 const PhaseTransition &transition,
                                                 const std::optional<AuditEntry> &audit)
{
    return m_c.write(QStringLiteral("record a phase transition of run %1").arg(runId), [&] {
        PhaseUpdateResult result = applyPhaseUpdate(runId, expectedVersion, newState);
        if (!result.applied)
            return result;
        QSqlQuery h = m_c.prepare(QStringLiteral(
            "INSERT INTO phase_history (run_id, from_phase, from_status, to_phase, to_status, ramp_step,"
            " operator, reason, override, evidence, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        h.addBindValue(runId);
        h.addBindValue(transition.fromPhase);
        h.addBindValue(storeName(transition.fromStatus));
        h.addBindValue(transition.toPhase);
        h.addBindValue(storeName(transition.toStatus));
        h.addBindValue(transition.rampStep);
        h.addBindValue(SqlDialect::text(transition.operatorName));
        h.addBindValue(SqlDialect::text(transition.reason));
        h.addBindValue(transition.overridden);
        h.addBindValue(transition.evidenceJson.isEmpty() ? QStringLiteral("{}") : transition.evidenceJson);
        h.addBindValue(SqlDialect::timestampValue(result.current.updatedAt));
        m_c.exec(h);
        if (audit) {
            AuditEntry entry = *audit;
            entry.runId = runId;
            AuditLog::appendInTransaction(m_c, entry);
        }
        return result;
    });
}

QList<PhaseTransition> RunRepository::phaseHistory(qint64 runId)
{
    return m_c.read(QStringLiteral("read the phase history of run %1").arg(runId), [&] {
        QSqlQuery q = m_c.prepare(QStringLiteral("SELECT %1 FROM phase_history WHERE run_id = ? ORDER BY id")
                                      .arg(historyColumns(m_c.dialect())));
        q.addBindValue(runId);
        m_c.exec(q);
        QList<PhaseTransition> list;
        while (q.next())
            list.append(readTransition(q));
        return list;
    });
}

SignOff RunRepository::addSignOff(const SignOff &signOff)
{
    return m_c.write(QStringLiteral("record the sign-off of %1 on run %2").arg(signOff.signer).arg(signOff.runId), [&] {
        SignOff s = signOff;
        s.at = SqlDialect::nowUtc();
        QSqlQuery q = m_c.prepare(QStringLiteral(
            "INSERT INTO signoffs (run_id, signer, role, statement, verdict, report_sha256, signature, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
        q.addBindValue(s.runId);
        q.addBindValue(SqlDialect::text(s.signer));
        q.addBindValue(SqlDialect::text(s.role));
        q.addBindValue(SqlDialect::text(s.statement));
        q.addBindValue(SqlDialect::text(s.verdict));
        q.addBindValue(SqlDialect::text(s.reportSha256));
        q.addBindValue(SqlDialect::text(s.signature));
        q.addBindValue(SqlDialect::timestampValue(s.at));
        m_c.exec(q);
        if (q.next())
            s.id = q.value(0).toLongLong();
        return s;
    });
}

QList<SignOff> RunRepository::signOffs(qint64 runId)
{
    return m_c.read(QStringLiteral("read the sign-offs of run %1").arg(runId), [&] {
        QSqlQuery q = m_c.prepare(QStringLiteral("SELECT %1 FROM signoffs WHERE run_id = ? ORDER BY id")
                                      .arg(signOffColumns(m_c.dialect())));
        q.addBindValue(runId);
        m_c.exec(q);
        QList<SignOff> list;
        while (q.next())
            list.append(readSignOff(q));
        return list;
    });
}

} // namespace switchyard::core
