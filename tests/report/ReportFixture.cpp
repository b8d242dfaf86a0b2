#include "ReportFixture.h"

#include "backfill/BackfillJob.h"
#include "engine/EngineTypes.h"
#include "store/ControlStore.h"
#include "validate/ValidationJob.h"

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>

namespace switchyard::test {

using namespace switchyard::core;

QString sha256OfFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex());
}

QString pdfText(const QString &pdfPath, int first, int last)
{
    // -raw: text in the order it was drawn, so a table cell's wrapped lines
    // stay together.
    QStringList args{QStringLiteral("-raw"), QStringLiteral("-f"), QString::number(first)};
    if (last > 0)
        args << QStringLiteral("-l") << QString::number(last);
    args << pdfPath << QStringLiteral("-");
    QProcess p;
    p.start(QStringLiteral("pdftotext"), args);
    if (!p.waitForFinished(30000) || p.exitCode() != 0)
        return {};
    QString text = QString::fromUtf8(p.readAllStandardOutput());
    text.replace(QChar(0xFB01), QStringLiteral("fi"))
        .replace(QChar(0xFB02), QStringLiteral("fl"))
        .replace(QChar(0xFB00), QStringLiteral("ff"))
        .replace(QChar(0xFB03), QStringLiteral("ffi"))
        .replace(QChar(0xFB04), QStringLiteral("ffl"));
    return text.simplified();
}

ReportFixture::ReportFixture(const Sandbox &sb, const QString &name) : m_db(sb, name) {}

ReportRun ReportFixture::makeRun()
{
    m_db.source().exec(QStringLiteral(
        "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, name VARCHAR(40), amount DECIMAL(10,2), created DATETIME)"));
    m_db.source().exec(QStringLiteral("INSERT INTO t SELECT seq, CONCAT('user ', seq), seq * 1.25,"
                                      " TIMESTAMPADD(MINUTE, seq, '2026-01-01') FROM seq_1_to_%1")
                           .arg(kRows));
    ReportRun r;
    r.plan = m_db.plan({BackfillFixture::table(QStringLiteral("t"))});
    PhaseSpec read;
    read.id = QStringLiteral("read-from-target");
    read.title = QStringLiteral("Read from PostgreSQL");
    read.flags << FlagSetting{QStringLiteral("read_from"), QStringLiteral("target"), {}};
    r.plan.phases << read;
    r.plan.phases[0].gates << GateSpec{};
    r.plan.phases[0].gates[0].kind = GateSpec::Kind::ValidationClean;
    m_db.applySchema(r.plan);
    r.planPath = m_db.writePlanFile(r.plan);
    r.plan.filePath = r.planPath;
    r.planSha256 = sha256OfFile(r.planPath);

    ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(r.plan));
    r.runId = cs.runs().ensureRun(r.plan.migration.name, r.planPath, r.planSha256);
    BackfillJob::Options bo;
    bo.finish = false;
    BackfillJob backfill(r.plan, QStringLiteral("t"), ControlStoreLocation::fromPlan(r.plan), r.runId, bo);
    if (backfill.run().state != BackfillState::Completed)
        qFatal("backfill of the report fixture failed");
    validate(r);

    // The engine's move out of the backfill phase, with the gates it showed.
    GateResult g;
    g.index = 0;
    g.kind = GateSpec::Kind::ValidationClean;
    g.name = QStringLiteral("validation clean for every table");
    g.passed = true;
    g.measured = QStringLiteral("0 open, 0 unchecked");
    g.threshold = QStringLiteral("0 open");
    g.measuredAt = QDateTime::currentDateTimeUtc();
    GateResult manual;
    manual.index = 1;
    manual.kind = GateSpec::Kind::Manual;
    manual.name = QStringLiteral("confirmed: application team ready");
    manual.passed = true;
    manual.manual = true;
    manual.measured = QStringLiteral("ticked by ann");
    const PhaseState from = cs.runs().phaseState(r.runId);
    PhaseState to = from;
    to.phaseIndex = 1;
    to.status = PhaseStatus::Active;
    to.updatedBy = QStringLiteral("ann");
    PhaseTransition t;
    t.fromPhase = 0;
    t.fromStatus = from.status;
    t.toPhase = 1;
    t.toStatus = PhaseStatus::Active;
    t.operatorName = QStringLiteral("ann");
    t.reason = QStringLiteral("backfill validated clean");
    t.evidenceJson = gateResultsToJson({g, manual});
    AuditEntry audit;
    audit.runId = r.runId;
    audit.operatorName = QStringLiteral("ann");
    audit.action = QStringLiteral("phase.confirm");
    audit.target = QStringLiteral("phase:read-from-target");
    audit.reason = t.reason;
    if (!cs.runs().transitionPhase(r.runId, from.version, to, t, audit).applied)
        qFatal("the fixture's phase transition was refused");
    return r;
}

void ReportFixture::validate(const ReportRun &run)
{
    ValidationJob::Options o;
    o.mode = ValidationJob::Mode::Checksum;
    o.chunkRows = 50;
    o.leafRows = 8;
    o.recheckDelay = std::chrono::milliseconds(30);
    ValidationJob job(run.plan, QStringLiteral("t"), ControlStoreLocation::fromPlan(run.plan), run.runId, o);
    const ValidationJob::Result r = job.run();
    if (r.state != ValidationState::Completed)
        qFatal("validation of the report fixture did not complete: %s", qPrintable(r.error));
}

void ReportFixture::makeOpenMismatch(const ReportRun &run)
{
    m_db.target().exec(QStringLiteral("UPDATE t SET name = 'changed on the target' WHERE id = 7"));
    validate(run);
}

} // namespace switchyard::test
