#include "report/ReportVerdict.h"

#include <QLocale>

namespace switchyard::core {

namespace {

QString n(qint64 v)
{
    return QLocale::c().toString(v);
}

void judgeTable(const ReportTable &t, ReportVerdict &v)
{
    const QString who = QStringLiteral("Table %1: ").arg(t.name);
    if (!t.validationFound) {
        v.reasons << who + QStringLiteral("never validated (run a checksum validation)");
    } else if (!t.validationDone) {
        v.reasons << who + QStringLiteral("the newest validation (job %1, %2) did not finish — state %3")
                              .arg(t.validationJobId)
                              .arg(t.mode, t.validationState);
    } else {
        if (t.mode != QLatin1String("checksum") && t.mode != QLatin1String("full"))
            v.reasons << who + QStringLiteral("validated in %1 mode only, which does not check every row "
                                              "(run a checksum or full validation)")
                                  .arg(t.mode);
        if (t.chunksUnchecked > 0)
            v.reasons << who + QStringLiteral("%1 key range(s) could not be checked").arg(t.chunksUnchecked);
        // A failed validation whose every mismatch has since been repaired
        // (re-checked equal) or accepted by a person has nothing open left;
        // any other non-pass verdict stands.
        const bool explained = t.repaired + t.accepted > 0;
        if (t.validationVerdict != QLatin1String("pass") && t.open == 0 && t.inFlight == 0 &&
            t.chunksUnchecked == 0 && !explained)
            v.reasons << who + QStringLiteral("validation verdict is %1").arg(t.validationVerdict);
    }
    if (t.open > 0)
        v.reasons << who + QStringLiteral("%1 open mismatch(es)").arg(n(t.open));
    if (t.inFlight > 0)
        v.reasons << who + QStringLiteral("%1 mismatch(es) still in flight (rows changing)").arg(n(t.inFlight));

    if (!t.countError.isEmpty())
        v.warnings << who + QStringLiteral("row counts at report time not measured (%1)").arg(t.countError);
    else if (t.sourceRowsNow >= 0 && t.targetRowsNow >= 0 && t.sourceRowsNow != t.targetRowsNow)
        v.warnings << who + QStringLiteral("row counts differ at report time: source %1, target %2 "
                                           "(normal for a moment under live writes; re-validate if it persists)")
                                .arg(n(t.sourceRowsNow), n(t.targetRowsNow));
    if (t.rejects > 0)
        v.warnings << who + QStringLiteral("%1 source row(s) rejected by the backfill").arg(n(t.rejects));
    if (t.accepted > 0)
        v.warnings << who + QStringLiteral("%1 mismatch(es) accepted by a person (listed with reasons)").arg(n(t.accepted));
}

} // namespace

ReportVerdict ReportVerdict::decide(const ReportData &data)
{
    ReportVerdict v;
    if (data.tables.isEmpty())
        v.reasons << QStringLiteral("The plan lists no table: nothing was validated");
    for (const ReportTable &t : data.tables)
        judgeTable(t, v);
    if (!data.audit.verified)
        v.reasons << QStringLiteral("The audit trail does not verify: %1").arg(data.audit.problem);
    if (!data.runPlanSha256.isEmpty() && !data.planSha256.isEmpty() && data.runPlanSha256 != data.planSha256)
        v.warnings << QStringLiteral("The plan file changed since this run started (run made with plan "
                                     "SHA-256 %1…)").arg(data.runPlanSha256.left(12));
    if (!data.source.measureError.isEmpty())
        v.warnings << QStringLiteral("Source server not reached at report time: %1").arg(data.source.measureError);
    if (!data.target.measureError.isEmpty())
        v.warnings << QStringLiteral("Target server not reached at report time: %1").arg(data.target.measureError);
    v.pass = v.reasons.isEmpty();
    return v;
}

QString ReportSignOff::label() const
{
    return withExceptions ? QStringLiteral("SIGNED WITH EXCEPTIONS") : QStringLiteral("PASS");
}

QString ReportSignOff::storeVerdict() const
{
    return withExceptions ? QStringLiteral("approved_with_exceptions") : QStringLiteral("approved");
}

QString ReportSignOff::refusal(const ReportVerdict &verdict) const
{
    if (signer.trimmed().isEmpty())
        return QStringLiteral("the signer's name is empty");
    if (role.trimmed().isEmpty())
        return QStringLiteral("the signer's role is empty");
    if (statement.trimmed().isEmpty())
        return QStringLiteral("the sign-off statement is empty: say what you approve, and any exception");
    if (!verdict.pass && !withExceptions)
        return QStringLiteral("the report is NOT READY (%1); it can be signed only \"with exceptions\", "
                              "never as PASS")
            .arg(verdict.reasons.value(0));
    return {};
}

} // namespace switchyard::core
