#pragma once
// report.json: the same evidence as the PDF, for machines (audit tools,
// dashboards, a diff between two reports). Built from the same ReportData,
// ReportVerdict and sign-off the PDF is rendered from, so the two cannot
// disagree. Integers stay integers; times are UTC ISO 8601; keys are stable
// (format "switchyard-report", version 1). When the PDF has been written,
// its SHA-256 is recorded too (pdfSha256), tying the two files together.
// Pure function; thread-safe.

#include "report/ReportData.h"
#include "report/ReportVerdict.h"

#include <QByteArray>

namespace switchyard::core {

class ReportJson
{
public:
    static QByteArray toJson(const ReportData &data, const ReportVerdict &verdict, const ReportSignOff &signOff,
                             const QString &pdfSha256 = {});
};

} // namespace switchyard::core
