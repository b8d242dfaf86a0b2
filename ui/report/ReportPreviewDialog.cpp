#include "report/ReportPreviewDialog.h"

#include <QBuffer>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPdfDocument>
#include <QPdfView>
#include <QPushButton>
#include <QVBoxLayout>

namespace switchyard::ui {

ReportPreviewDialog::ReportPreviewDialog(const QByteArray &pdf, const QString &headline, const QString &saveLabel,
                                         QWidget *parent)
    : QDialog(parent), m_pdf(pdf)
{
    setWindowTitle(tr("Report preview"));
    auto *layout = new QVBoxLayout(this);
    auto *label = new QLabel(headline, this);
    label->setObjectName(QStringLiteral("headline"));
    label->setTextFormat(Qt::RichText);
    label->setWordWrap(true);
    layout->addWidget(label);

    m_buffer = new QBuffer(&m_pdf, this);
    m_buffer->open(QIODevice::ReadOnly);
    m_document = new QPdfDocument(this);
    m_document->load(m_buffer);
    m_view = new QPdfView(this);
    m_view->setDocument(m_document);
    m_view->setPageMode(QPdfView::PageMode::MultiPage);
    m_view->setZoomMode(QPdfView::ZoomMode::FitToWidth);
    layout->addWidget(m_view, 1);

    auto *buttons = new QDialogButtonBox(this);
    auto *save = buttons->addButton(saveLabel, QDialogButtonBox::AcceptRole);
    save->setObjectName(QStringLiteral("save"));
    buttons->addButton(tr("Back"), QDialogButtonBox::RejectRole);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(760, 900);
}

ReportPreviewDialog::~ReportPreviewDialog()
{
    // QPdfDocument reads a device on its own loader thread. Children die in
    // creation order, so the buffer would go first while that thread may
    // still read it (a crash seen in CI): close the document first.
    m_view->setDocument(nullptr);
    delete m_document;
    m_document = nullptr;
}

int ReportPreviewDialog::pageCount() const
{
    return m_document->pageCount();
}

} // namespace switchyard::ui
