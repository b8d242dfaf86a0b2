#include "validate/ValidationSummaryRecorder.h"

#include "store/ControlStore.h"

#include <cmath>

namespace switchyard::core {

namespace {

QString stateName(ValidationState s)
{
    switch (s) {
    case ValidationState::Completed:
        return QStringLiteral("completed");
    case ValidationState::Cancelled:
        return QStringLiteral("cancelled");
    default:
        return QStringLiteral("failed");
    }
}

} // namespace

double sampleConfidence(qint64 n)
{
    return n > 0 ? 1.0 - std::pow(1.0 - 0.001, double(n)) : 0.0;
}

ValidationSummary summarizeValidation(const ValidationJob::Result &r, const ValidationJobFacts &facts)
{
    ValidationSummary s;
    s.runId = facts.runId;
    s.jobId = facts.jobId;
    s.tableName = facts.table;
    s.mode = r.mode;
    s.state = stateName(r.state);
    // Only a completed job has a verdict; anything else proved nothing.
    s.verdict = r.state == ValidationState::Completed ? verdictName(r.verdict)
                                                      : verdictName(ValidationVerdict::Unchecked);
    s.sourceRows = r.sourceRows;
    s.targetRows = r.targetRows;
    s.rowsChecked = r.rowsChecked;
    s.uncheckedCount = r.unchecked.size();
    for (const UncheckedChunk &u : r.unchecked)
        s.uncheckedReasons << QStringLiteral("%1: %2").arg(u.range.display(), u.error);
    const bool chunked = r.mode == QLatin1String("checksum") || r.mode == QLatin1String("full");
    if (chunked) {
        s.chunksChecked = std::max<qint64>(0, r.chunks - qint64(r.unchecked.size()));
        s.chunksTotal = r.state == ValidationState::Completed ? r.chunks : -1;
    }
    if (r.mode == QLatin1String("sample")) {
        s.sampleSize = r.rowsChecked;
        s.confidence = sampleConfidence(r.rowsChecked);
    }
    s.mismatchesFound = facts.mismatchesFound;
    s.open = r.open;
    s.inFlight = r.inFlight;
    s.resolved = r.resolved;
    s.statement = r.statement;
    s.error = r.error;
    s.startedAt = facts.startedAt;
    s.finishedAt = QDateTime::currentDateTimeUtc();
    return s;
}

QString recordValidationSummary(ControlStore &store, const ValidationJob::Result &result,
                                const ValidationJobFacts &facts)
{
    if (facts.jobId <= 0)
        return QStringLiteral("no job record, so no summary");
    try {
        ValidationSummary s = summarizeValidation(result, facts);
        MismatchFilter f;
        f.table = facts.table;
        auto count = [&](MismatchStatus st) {
            f.status = st;
            return store.mismatches().countMismatches(facts.runId, f);
        };
        s.open = count(MismatchStatus::Open);
        s.inFlight = count(MismatchStatus::InFlight);
        s.resolved = count(MismatchStatus::ResolvedOnRecheck);
        s.repaired = count(MismatchStatus::Repaired);
        s.accepted = count(MismatchStatus::Accepted);
        store.validations().saveSummary(s);
        return {};
    } catch (const std::exception &e) {
        return QString::fromUtf8(e.what());
    }
}

} // namespace switchyard::core
