#include "report/ReportJson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard::core {

namespace {

QJsonValue time(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue(QJsonValue::Null);
}

QJsonValue count(qint64 v)
{
    return v < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(double(v));
}

QJsonObject endpoint(const ReportEndpoint &e)
{
    return {{QStringLiteral("engine"), e.engine},     {QStringLiteral("host"), e.host},
            {QStringLiteral("port"), e.port},         {QStringLiteral("database"), e.database},
            {QStringLiteral("user"), e.user},         {QStringLiteral("version"), e.version},
            {QStringLiteral("measureError"), e.measureError}};
}

QJsonObject table(const ReportTable &t)
{
    QJsonArray accepted;
    for (const ReportAccepted &a : t.acceptedList)
        accepted.append(QJsonObject{{QStringLiteral("key"), a.keyJson},
                                    {QStringLiteral("kind"), a.kind},
                                    {QStringLiteral("reason"), a.reason},
                                    {QStringLiteral("by"), a.by},
                                    {QStringLiteral("at"), time(a.at)}});
    QJsonArray open;
    for (const ReportOpenMismatch &m : t.openList)
        open.append(QJsonObject{{QStringLiteral("key"), m.keyJson},
                                {QStringLiteral("kind"), m.kind},
                                {QStringLiteral("status"), m.status},
                                {QStringLiteral("columns"), QJsonArray::fromStringList(m.columns)},
                                {QStringLiteral("firstSeen"), time(m.firstSeen)},
                                {QStringLiteral("lastChecked"), time(m.lastChecked)}});
    return {
        {QStringLiteral("name"), t.name},
        {QStringLiteral("targetName"), t.targetName},
        {QStringLiteral("rowsNow"),
         QJsonObject{{QStringLiteral("source"), count(t.sourceRowsNow)},
                     {QStringLiteral("target"), count(t.targetRowsNow)},
                     {QStringLiteral("error"), t.countError}}},
        {QStringLiteral("backfill"),
         QJsonObject{{QStringLiteral("found"), t.backfillFound},
                     {QStringLiteral("state"), t.backfillState},
                     {QStringLiteral("rowsCopied"), double(t.backfillRows)},
                     {QStringLiteral("finishedAt"), time(t.backfillFinishedAt)},
                     {QStringLiteral("rejects"), double(t.rejects)}}},
        {QStringLiteral("validation"),
         QJsonObject{{QStringLiteral("found"), t.validationFound},
                     {QStringLiteral("jobId"), double(t.validationJobId)},
                     {QStringLiteral("state"), t.validationState},
                     {QStringLiteral("mode"), t.mode},
                     {QStringLiteral("done"), t.validationDone},
                     {QStringLiteral("verdict"), t.validationVerdict},
                     {QStringLiteral("chunksChecked"), double(t.chunksChecked)},
                     {QStringLiteral("chunksUnchecked"), double(t.chunksUnchecked)},
                     {QStringLiteral("chunksTotal"), double(t.chunksChecked + t.chunksUnchecked)},
                     {QStringLiteral("rowsChecked"), double(t.rowsChecked)},
                     {QStringLiteral("sourceRows"), count(t.validatedSourceRows)},
                     {QStringLiteral("targetRows"), count(t.validatedTargetRows)},
                     {QStringLiteral("statement"), t.statement},
                     {QStringLiteral("uncheckedRanges"), QJsonArray::fromStringList(t.uncheckedRanges)},
                     {QStringLiteral("at"), time(t.validatedAt)}}},
        {QStringLiteral("mismatches"),
         QJsonObject{{QStringLiteral("found"), double(t.found)},
                     {QStringLiteral("open"), double(t.open)},
                     {QStringLiteral("inFlight"), double(t.inFlight)},
                     {QStringLiteral("resolvedOnRecheck"), double(t.resolvedOnRecheck)},
                     {QStringLiteral("repaired"), double(t.repaired)},
                     {QStringLiteral("accepted"), double(t.accepted)},
                     {QStringLiteral("acceptedList"), accepted},
                     {QStringLiteral("openList"), open}}},
    };
}

QJsonObject transition(const ReportTransition &t)
{
    QJsonArray gates;
    for (const ReportGate &g : t.gates)
        gates.append(QJsonObject{{QStringLiteral("name"), g.name},
                                 {QStringLiteral("passed"), g.passed},
                                 {QStringLiteral("manual"), g.manual},
                                 {QStringLiteral("measured"), g.measured},
                                 {QStringLiteral("threshold"), g.threshold},
                                 {QStringLiteral("detail"), g.detail}});
    return {{QStringLiteral("at"), time(t.at)},
            {QStringLiteral("from"), t.fromPhase},
            {QStringLiteral("fromStatus"), t.fromStatus},
            {QStringLiteral("to"), t.toPhase},
            {QStringLiteral("toStatus"), t.toStatus},
            {QStringLiteral("rampStep"), t.rampStep},
            {QStringLiteral("operator"), t.operatorName},
            {QStringLiteral("reason"), t.reason},
            {QStringLiteral("overridden"), t.overridden},
            {QStringLiteral("evidenceUnreadable"), t.evidenceUnreadable},
            {QStringLiteral("gates"), gates}};
}

} // namespace

QByteArray ReportJson::toJson(const ReportData &d, const ReportVerdict &v, const ReportSignOff &s,
                              const QString &pdfSha256)
{
    QJsonArray tables;
    for (const ReportTable &t : d.tables)
        tables.append(table(t));
    QJsonArray transitions;
    for (const ReportTransition &t : d.transitions)
        transitions.append(transition(t));
    QJsonArray audit;
    for (const AuditEntry &e : d.audit.entries)
        audit.append(QJsonObject{{QStringLiteral("seq"), double(e.seq)},
                                 {QStringLiteral("at"), e.at},
                                 {QStringLiteral("operator"), e.operatorName},
                                 {QStringLiteral("action"), e.action},
                                 {QStringLiteral("target"), e.target},
                                 {QStringLiteral("reason"), e.reason},
                                 {QStringLiteral("hash"), e.hash}});
    QJsonArray series;
    for (const ReportSeries &s2 : d.series) {
        QJsonArray points;
        for (const ReportSeriesPoint &p : s2.points)
            points.append(QJsonArray{double(p.tsMs), p.value});
        series.append(QJsonObject{{QStringLiteral("name"), s2.name}, {QStringLiteral("points"), points}});
    }
    QJsonArray earlier;
    for (const SignOff &e : d.earlierSignOffs)
        earlier.append(QJsonObject{{QStringLiteral("signer"), e.signer},
                                   {QStringLiteral("role"), e.role},
                                   {QStringLiteral("verdict"), e.verdict},
                                   {QStringLiteral("reportSha256"), e.reportSha256},
                                   {QStringLiteral("at"), time(e.at)}});
    QJsonObject root{
        {QStringLiteral("format"), QStringLiteral("switchyard-report")},
        {QStringLiteral("version"), 1},
        {QStringLiteral("generatedAt"), time(d.generatedAt)},
        {QStringLiteral("generator"), d.generator},
        {QStringLiteral("verdict"),
         QJsonObject{{QStringLiteral("result"), v.label()},
                     {QStringLiteral("pass"), v.pass},
                     {QStringLiteral("reasons"), QJsonArray::fromStringList(v.reasons)},
                     {QStringLiteral("warnings"), QJsonArray::fromStringList(v.warnings)}}},
        {QStringLiteral("migration"),
         QJsonObject{{QStringLiteral("name"), d.migrationName},
                     {QStringLiteral("owner"), d.owner},
                     {QStringLiteral("riskLevel"), d.riskLevel},
                     {QStringLiteral("planPath"), d.planPath},
                     {QStringLiteral("planSha256"), d.planSha256},
                     {QStringLiteral("runPlanSha256"), d.runPlanSha256},
                     {QStringLiteral("runId"), double(d.runId)},
                     {QStringLiteral("runCreatedAt"), time(d.runCreatedAt)},
                     {QStringLiteral("controlStore"), d.controlStore}}},
        {QStringLiteral("source"), endpoint(d.source)},
        {QStringLiteral("target"), endpoint(d.target)},
        {QStringLiteral("phase"),
         QJsonObject{{QStringLiteral("current"), d.currentPhase},
                     {QStringLiteral("status"), d.currentStatus},
                     {QStringLiteral("rampStep"), d.currentRampStep},
                     {QStringLiteral("phases"), QJsonArray::fromStringList(d.phaseTitles)}}},
        {QStringLiteral("tables"), tables},
        {QStringLiteral("transitions"), transitions},
        {QStringLiteral("audit"),
         QJsonObject{{QStringLiteral("verified"), d.audit.verified},
                     {QStringLiteral("problem"), d.audit.problem},
                     {QStringLiteral("entries"), double(d.audit.total)},
                     {QStringLiteral("headSeq"), double(d.audit.headSeq)},
                     {QStringLiteral("headHash"), d.audit.headHash},
                     {QStringLiteral("listed"), audit}}},
        {QStringLiteral("series"), series},
        {QStringLiteral("earlierSignOffs"), earlier},
    };
    if (!s.isEmpty())
        root.insert(QStringLiteral("signOff"),
                    QJsonObject{{QStringLiteral("signer"), s.signer},
                                {QStringLiteral("role"), s.role},
                                {QStringLiteral("statement"), s.statement},
                                {QStringLiteral("signedAs"), s.label()},
                                {QStringLiteral("withExceptions"), s.withExceptions},
                                {QStringLiteral("at"), time(s.at)},
                                {QStringLiteral("keyFingerprint"), s.keyFingerprint}});
    if (!pdfSha256.isEmpty())
        root.insert(QStringLiteral("pdfSha256"), pdfSha256);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace switchyard::core
