#pragma once
// Writes a validation report to disk: report.pdf, report.pdf.sig (when
// signed) and report.json, and records the sign-off in the control store.
// The one path both switchyard-cli and the cockpit use, so a report made in
// either is the same document with the same guarantees.
//
//   ReportData data = ReportData::gather(plan, sha, store, run);
//   ReportExportRequest req;
//   req.pdfPath = "report.pdf";
//   req.signOff = {"Dana Reyes", "Lead DBA", "Data verified; approve cutover."};
//   ReportExportResult r = ReportExporter::exportReport(data, req, &store);
//
// Order of work: decide the verdict; refuse a sign-off that may not be given
// (ReportSignOff::refusal(): a NOT READY report is signed only "with
// exceptions") before anything is written; load or create the signer's key
// (its fingerprint goes into the PDF); render; write the PDF; sign its exact
// bytes; write the .sig and the JSON (which records the PDF's SHA-256); then
// add the SignOff record and a "report.sign" audit entry to the run. Files
// are written atomically (QSaveFile): a crash leaves the old file or the new
// one, never half of one.
//
// Threading: runs on the caller's thread; `store` (optional) must belong to
// it. Errors: returned in the result (what failed, where); nothing throws.

#include "report/ReportData.h"
#include "report/ReportVerdict.h"

namespace switchyard::core {

class ControlStore;

struct ReportExportRequest
{
    QString pdfPath;
    QString jsonPath;        // empty: pdfPath with .pdf replaced by .json
    ReportSignOff signOff;   // empty signer: an unsigned draft (no .sig)
    QString keyPath;         // empty: ReportSigner::defaultKeyPath()
};

struct ReportExportResult
{
    bool ok = false;
    bool refused = false; // the sign-off was refused (nothing written)
    QString error;
    ReportVerdict verdict;
    QString pdfPath;
    QString sigPath;
    QString jsonPath;
    QString pdfSha256;
    QString fingerprint;
    QString keyPath;
    QString publicKeyPath;
    bool keyCreated = false;
};

class ReportExporter
{
public:
    static ReportExportResult exportReport(const ReportData &data, const ReportExportRequest &request,
                                           ControlStore *store);
    /// The JSON path for a PDF path: "out/report.pdf" → "out/report.json".
    static QString jsonPathFor(const QString &pdfPath);
};

} // namespace switchyard::core
