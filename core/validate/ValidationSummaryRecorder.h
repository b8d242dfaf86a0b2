#pragma once
// The control-store summary of one validation job (ValidationSummary,
// core/store/ValidationRepository.h), made from the job's Result and the
// table's mismatch counts, and written when the job ends — completed,
// cancelled or failed — so the report and the gates read one row per job
// instead of parsing checkpoints.
//
//   chunks     checksum/full: chunksTotal = chunks walked, chunksChecked =
//              those not unchecked; a cancelled or failed job's total is
//              unknown (-1). count/sample: 0 and -1.
//   sample     sampleSize = distinct rows drawn; confidence = the
//              probability that the sample would have shown at least one
//              differing row if 0.1 % of the rows differed:
//              1 − (1 − 0.001)^n (3 000 rows: 95 %).
//
// Plain functions; recordValidationSummary() uses the caller's store on the
// caller's thread and never throws (a summary that cannot be written must
// not turn a finished validation into a failed one): it returns why.

#include "store/ValidationRepository.h"
#include "validate/ValidationJob.h"

#include <QDateTime>

namespace switchyard::core {

class ControlStore;

struct ValidationJobFacts
{
    qint64 runId = 0;
    qint64 jobId = 0;
    QString table;
    QDateTime startedAt;
    qint64 mismatchesFound = 0; // distinct keys this job recorded
};

/// The fraction of rows a sample of n rows bounds: P(at least one of n
/// rows differs | 0.1 % of the rows differ).
double sampleConfidence(qint64 n);

/// The summary without the status counts from the store (open, in flight
/// and resolved come from the result; repaired and accepted are 0).
ValidationSummary summarizeValidation(const ValidationJob::Result &result, const ValidationJobFacts &facts);

/// summarizeValidation() with the table's mismatch counts by status read
/// from the store, written with ValidationRepository::saveSummary().
/// Returns an empty string, or what went wrong.
QString recordValidationSummary(ControlStore &store, const ValidationJob::Result &result,
                                const ValidationJobFacts &facts);

} // namespace switchyard::core
