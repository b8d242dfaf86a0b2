#pragma once
// A real run to report on: a small table on the sandbox's MariaDB, copied to
// PostgreSQL by BackfillJob and checked by a checksum ValidationJob, both
// writing to the run's SQLite control store; plus one phase transition with
// gate evidence in the engine's JSON form (gateResultsToJson). Tests then
// compare what the report shows with what the store holds.

#include "BackfillFixture.h"
#include "plan/Plan.h"

namespace switchyard::test {

struct ReportRun
{
    core::Plan plan;
    QString planPath;
    QString planSha256;
    qint64 runId = 0;
};

class ReportFixture
{
public:
    static constexpr int kRows = 300;

    ReportFixture(const Sandbox &sb, const QString &name);
    BackfillFixture &db() { return m_db; }

    /// Creates table `t` with kRows rows, the target schema, the plan file,
    /// the run; backfills and validates (checksum, 50-row chunks); records
    /// the transition backfill → read-from-target with its gate results.
    ReportRun makeRun();
    /// Changes target row id 7 and validates again: one open mismatch.
    void makeOpenMismatch(const ReportRun &run);
    void validate(const ReportRun &run);

private:
    BackfillFixture m_db;
};

QString sha256OfFile(const QString &path);
/// pdftotext -raw of pages first..last (0: to the end), whitespace collapsed and
/// ligatures (ﬁ, ﬂ, ﬀ, ﬃ, ﬄ) spelled out, as a reader would search it.
QString pdfText(const QString &pdfPath, int first = 1, int last = 0);

} // namespace switchyard::test
