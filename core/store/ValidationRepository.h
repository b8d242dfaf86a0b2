#pragma once
// Validation summaries: one row per validation job (run, table, job) with
// what the job proved — mode, verdict, row counts, rows and chunks checked,
// the ranges it could not check and why, the sample size and the confidence
// it gives, and the mismatch counts by status. ValidationJob writes it when
// it ends (completed, cancelled or failed); the report and the engine's
// validation gates read it. Table `validation_summaries` (migration 2;
// the fields are described in docs/validation.md, "Results in the control
// store").
//
// A resumed job updates its own row (the row is keyed by job id), so a
// summary always describes the job's latest ending.
//
// Obtained from ControlStore::validations(); same thread rule and error
// behaviour as the store (StoreException).

#include "StoreTypes.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace switchyard::core {

class StoreConnection;

struct ValidationSummary
{
    qint64 id = 0;              // set by the store
    qint64 runId = 0;
    qint64 jobId = 0;
    QString tableName;
    QString mode;               // count, sample, checksum, full
    QString state;              // completed, cancelled, failed
    QString verdict;            // pass, fail, in_flight, unchecked
    qint64 sourceRows = -1;     // -1: not counted
    qint64 targetRows = -1;
    qint64 rowsChecked = 0;
    qint64 chunksChecked = 0;
    qint64 chunksTotal = -1;    // -1: not known (key-list walk, sample, count)
    qint64 uncheckedCount = 0;  // ranges / samples that could not be checked
    QStringList uncheckedReasons; // "range (a, b]: why", at most 50 kept
    qint64 sampleSize = 0;      // sample mode: rows drawn
    double confidence = 0;      // sample mode: P(a table with >= 0.1 % bad rows would show one); 0 otherwise
    qint64 mismatchesFound = 0; // recorded by this job
    qint64 open = 0;            // the table's records in this run, by status, at the end of the job
    qint64 inFlight = 0;
    qint64 resolved = 0;
    qint64 repaired = 0;
    qint64 accepted = 0;
    QString statement;          // what the run proves, in words
    QString error;              // failed: why
    QDateTime startedAt;
    QDateTime finishedAt;
};

class ValidationRepository
{
public:
    explicit ValidationRepository(StoreConnection &connection);

    /// Inserts the job's summary, or replaces it when the job has one.
    ValidationSummary saveSummary(const ValidationSummary &summary);
    std::optional<ValidationSummary> summaryForJob(qint64 jobId);
    /// Every summary of the run (of one table when `table` is not empty), oldest first.
    QList<ValidationSummary> summaries(qint64 runId, const QString &table = {});
    /// The newest summary of each table of the run (of one mode when `mode`
    /// is not empty), by table name: what the report and gates show.
    QList<ValidationSummary> latestSummaries(qint64 runId, const QString &mode = {});

private:
    StoreConnection &m_c;
};

} // namespace switchyard::core
