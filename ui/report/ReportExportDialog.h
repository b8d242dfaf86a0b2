#pragma once
// ReportExportDialog: File ▸ Export validation report… — the one entry point
// of the report in the cockpit.
//
//   auto *d = new ReportExportDialog(plan, planPath, this);
//   d->setAttribute(Qt::WA_DeleteOnClose);
//   d->open();
//
// Flow: it gathers the evidence of the plan's run (ReportData::gather() on a
// worker thread, with its own control-store connection) and shows the
// verdict — PASS, or NOT READY with the reasons — and the notes. "Sign
// off…" opens SignOffDialog; the signed report is then rendered on a worker
// thread and shown in ReportPreviewDialog (Qt PDF) before anything is
// written; "Save signed report…" asks where and runs ReportExporter on a
// worker thread (PDF, .sig, JSON, sign-off and audit entry in the store).
// "Preview draft…" does the same without a signature. The GUI thread never
// does I/O and never blocks; every result arrives as a plain value.

#include "plan/Plan.h"
#include "report/ReportData.h"
#include "report/ReportExporter.h"
#include "report/ReportVerdict.h"

#include <QDialog>

#include <optional>

class QLabel;
class QPushButton;

namespace switchyard::ui {

class ReportExportDialog : public QDialog
{
    Q_OBJECT
public:
    ReportExportDialog(const core::Plan &plan, const QString &planPath, QWidget *parent = nullptr);

    /// Save here instead of asking with a file dialog (tests, scripted demos).
    void setSavePath(const QString &path) { m_savePath = path; }
    /// The evidence once gathered.
    const std::optional<core::ReportData> &data() const { return m_data; }
    const core::ReportVerdict &verdict() const { return m_verdict; }
    /// The outcome of the last save.
    const std::optional<core::ReportExportResult> &lastResult() const { return m_result; }

    /// Starts the sign-off (as the button does).
    void signOff();
    /// Renders and shows an unsigned draft (as the button does).
    void previewDraft();

Q_SIGNALS:
    void evidenceReady();
    void previewReady();
    void saved();
    void failed(const QString &message);

private:
    void gather();
    void showEvidence();
    void renderAndPreview(const core::ReportSignOff &signOff);
    void save(const core::ReportSignOff &signOff);
    void fail(const QString &message);

    core::Plan m_plan;
    QString m_planPath;
    QString m_savePath;
    std::optional<core::ReportData> m_data;
    core::ReportVerdict m_verdict;
    std::optional<core::ReportExportResult> m_result;
    QLabel *m_status = nullptr;
    QPushButton *m_signButton = nullptr;
    QPushButton *m_draftButton = nullptr;
};

} // namespace switchyard::ui
