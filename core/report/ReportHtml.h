#pragma once
// The validation report as HTML for QTextDocument (Qt's rich-text subset:
// tables with cellpadding, bgcolor, CSS page-break-before). Page one holds
// the verdict — PASS, or NOT READY with every reason — the sign-off (or
// "unsigned draft"), the identity of the run (migration, owner, plan version
// and hash, source and target without secrets) and the per-table summary;
// then validation details per table, the gates of every transition, the
// phase history, the charts, and the audit trail with its chain check.
//
// Charts are referenced as images named kThroughputChart / kMismatchChart;
// ReportRenderer adds them to the document as resources. contentWidth is the
// layout width in document pixels (the charts are drawn that wide).
// Pure function of plain values; thread-safe.

#include "report/ReportData.h"
#include "report/ReportVerdict.h"

namespace switchyard::core {

class ReportHtml
{
public:
    static constexpr const char *kThroughputChart = "chart://throughput";
    static constexpr const char *kMismatchChart = "chart://mismatches";

    static QString build(const ReportData &data, const ReportVerdict &verdict, const ReportSignOff &signOff,
                         int contentWidth);
};

/// Small HTML helpers shared by the report and the plan document.
namespace html {
QString esc(const QString &text);
QString number(qint64 v);            // "1,234,567"; "—" for negative (not measured)
QString utc(const QDateTime &t);     // "2027-02-20 10:00:00 UTC"; "—" when null
QString heading(int level, const QString &text, bool pageBreak = false);
/// A table with a shaded header row; cells are HTML already.
QString table(const QStringList &headers, const QList<QStringList> &rows, const QList<int> &widthsPercent = {});
/// Two-column key/value table; values are HTML already.
QString keyValues(const QList<QPair<QString, QString>> &rows);
QString list(const QStringList &itemsHtml);
QString pageStyle();
} // namespace html

} // namespace switchyard::core
