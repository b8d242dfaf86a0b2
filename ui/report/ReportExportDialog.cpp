#include "report/ReportExportDialog.h"

#include "report/ReportPreviewDialog.h"
#include "report/ReportRenderer.h"
#include "report/ReportSigner.h"
#include "report/SignOffDialog.h"
#include "store/ControlStore.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace switchyard::ui {

using namespace switchyard::core;

namespace {

struct Gathered
{
    std::optional<ReportData> data;
    QString error;
};

struct Rendered
{
    QByteArray pdf;
    ReportSignOff signOff;
    QString error;
};

QString planSha(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? RunRepository::sha256Hex(f.readAll()) : QString();
}

template<typename T, typename Fn>
void runInBackground(QObject *owner, std::function<T()> work, Fn done)
{
    auto *watcher = new QFutureWatcher<T>(owner);
    QObject::connect(watcher, &QFutureWatcher<T>::finished, owner, [watcher, done] {
        done(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

} // namespace

ReportExportDialog::ReportExportDialog(const Plan &plan, const QString &planPath, QWidget *parent)
    : QDialog(parent), m_plan(plan), m_planPath(planPath)
{
    setWindowTitle(tr("Export validation report — %1").arg(plan.migration.name));
    auto *layout = new QVBoxLayout(this);
    m_status = new QLabel(tr("Reading the evidence from the control store and the servers…"), this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::RichText);
    m_status->setMinimumWidth(520);
    layout->addWidget(m_status, 1);
    auto *buttons = new QDialogButtonBox(this);
    m_signButton = buttons->addButton(tr("Sign off…"), QDialogButtonBox::ActionRole);
    m_draftButton = buttons->addButton(tr("Preview draft…"), QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Close);
    m_signButton->setEnabled(false);
    m_draftButton->setEnabled(false);
    connect(m_signButton, &QPushButton::clicked, this, &ReportExportDialog::signOff);
    connect(m_draftButton, &QPushButton::clicked, this, &ReportExportDialog::previewDraft);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    gather();
}

void ReportExportDialog::gather()
{
    const Plan plan = m_plan;
    const QString path = m_planPath;
    runInBackground<Gathered>(
        this,
        [plan, path]() -> Gathered {
            Gathered g;
            try {
                ControlStore store = ControlStore::open(plan);
                const QString sha = planSha(path);
                const auto run = ReportData::runFor(store, plan, sha);
                if (!run) {
                    g.error = QObject::tr("The control store holds no run of this plan yet: there is nothing to "
                                          "report. Run the backfill and a validation first.");
                    return g;
                }
                g.data = ReportData::gather(plan, sha, store, *run);
            } catch (const std::exception &e) {
                g.error = QString::fromUtf8(e.what());
            }
            return g;
        },
        [this](const Gathered &g) {
            if (!g.data) {
                fail(g.error);
                return;
            }
            m_data = g.data;
            m_verdict = ReportVerdict::decide(*m_data);
            showEvidence();
            Q_EMIT evidenceReady();
        });
}

void ReportExportDialog::showEvidence()
{
    QString text = m_verdict.pass
                       ? tr("<p><span style='font-size:16pt; font-weight:bold; color:#1e7b34'>PASS</span><br/>"
                            "Every table of run %1 was fully checked and nothing is open.</p>")
                             .arg(m_data->runId)
                       : tr("<p><span style='font-size:16pt; font-weight:bold; color:#b3261e'>NOT READY</span><br/>"
                            "Run %1 can be signed only with exceptions:</p>")
                             .arg(m_data->runId);
    if (!m_verdict.reasons.isEmpty()) {
        text += QStringLiteral("<ul>");
        for (const QString &r : m_verdict.reasons)
            text += QStringLiteral("<li>%1</li>").arg(r.toHtmlEscaped());
        text += QStringLiteral("</ul>");
    }
    if (!m_verdict.warnings.isEmpty()) {
        text += tr("<p>Notes:</p><ul>");
        for (const QString &w : m_verdict.warnings)
            text += QStringLiteral("<li>%1</li>").arg(w.toHtmlEscaped());
        text += QStringLiteral("</ul>");
    }
    m_status->setText(text);
    m_signButton->setEnabled(true);
    m_draftButton->setEnabled(true);
}

void ReportExportDialog::signOff()
{
    if (!m_data)
        return;
    SignOffDialog dialog(m_verdict, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    ReportSignOff s = dialog.signOff();
    s.at = QDateTime::currentDateTimeUtc();
    renderAndPreview(s);
}

void ReportExportDialog::previewDraft()
{
    if (m_data)
        renderAndPreview({});
}

void ReportExportDialog::renderAndPreview(const ReportSignOff &signOff)
{
    m_signButton->setEnabled(false);
    m_draftButton->setEnabled(false);
    const ReportData data = *m_data;
    const ReportVerdict verdict = m_verdict;
    runInBackground<Rendered>(
        this,
        [data, verdict, signOff]() -> Rendered {
            Rendered r;
            r.signOff = signOff;
            try {
                if (!signOff.isEmpty())
                    r.signOff.keyFingerprint = ReportSigner::loadOrCreate(ReportSigner::defaultKeyPath()).fingerprint();
                r.pdf = ReportRenderer::renderReport(data, verdict, r.signOff);
            } catch (const std::exception &e) {
                r.error = QString::fromUtf8(e.what());
            }
            return r;
        },
        [this](const Rendered &r) {
            m_signButton->setEnabled(true);
            m_draftButton->setEnabled(true);
            if (!r.error.isEmpty()) {
                fail(r.error);
                return;
            }
            const bool signing = !r.signOff.isEmpty();
            ReportPreviewDialog preview(
                r.pdf,
                tr("<b>%1</b> — %2").arg(m_verdict.label(), signing ? tr("signed as %1 by %2").arg(r.signOff.label(), r.signOff.signer.toHtmlEscaped())
                                                                       : tr("unsigned draft")),
                signing ? tr("Save signed report…") : tr("Save draft…"), this);
            Q_EMIT previewReady();
            if (preview.exec() == QDialog::Accepted)
                save(r.signOff);
        });
}

void ReportExportDialog::save(const ReportSignOff &signOff)
{
    QString path = m_savePath;
    if (path.isEmpty())
        path = QFileDialog::getSaveFileName(this, tr("Save validation report"),
                                            QStringLiteral("%1-report.pdf").arg(m_plan.migration.name),
                                            tr("PDF (*.pdf)"));
    if (path.isEmpty())
        return;
    const ReportData data = *m_data;
    const Plan plan = m_plan;
    runInBackground<ReportExportResult>(
        this,
        [data, plan, path, signOff]() -> ReportExportResult {
            ReportExportRequest req;
            req.pdfPath = path;
            req.signOff = signOff;
            try {
                ControlStore store = ControlStore::open(plan);
                return ReportExporter::exportReport(data, req, &store);
            } catch (const std::exception &e) {
                ReportExportResult r;
                r.error = QString::fromUtf8(e.what());
                return r;
            }
        },
        [this, signOff](const ReportExportResult &r) {
            m_result = r;
            if (!r.ok) {
                fail(r.error);
                return;
            }
            QString text = tr("<p>Saved <b>%1</b><br/>and %2</p>").arg(r.pdfPath.toHtmlEscaped(), r.jsonPath.toHtmlEscaped());
            if (!signOff.isEmpty())
                text += tr("<p>Signed by %1 with key <tt>%2</tt>%3.<br/>Signature: %4<br/>Verifiers need the public "
                           "key %5 and run <tt>switchyard-cli report verify</tt>.</p>")
                            .arg(signOff.signer.toHtmlEscaped(), r.fingerprint,
                                 r.keyCreated ? tr(" (created now)") : QString(), r.sigPath.toHtmlEscaped(),
                                 r.publicKeyPath.toHtmlEscaped());
            m_status->setText(text);
            Q_EMIT saved();
        });
}

void ReportExportDialog::fail(const QString &message)
{
    m_status->setText(tr("<p><b style='color:#b3261e'>The report could not be made.</b></p><p>%1</p>")
                          .arg(message.toHtmlEscaped()));
    Q_EMIT failed(message);
}

} // namespace switchyard::ui
