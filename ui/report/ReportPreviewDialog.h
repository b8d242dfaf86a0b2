#pragma once
// ReportPreviewDialog: the rendered PDF, page by page (Qt PDF: QPdfDocument
// in a QPdfView), before anything is saved or signed, with the verdict above
// it and Save… / Back. The PDF bytes are given (rendered on a worker thread
// by the caller); the dialog only displays them.
//
// GUI thread only; no I/O.

#include <QByteArray>
#include <QDialog>

class QBuffer;
class QLabel;
class QPdfDocument;
class QPdfView;

namespace switchyard::ui {

class ReportPreviewDialog : public QDialog
{
    Q_OBJECT
public:
    /// `saveLabel`, e.g. "Save signed report…" or "Save draft…".
    ReportPreviewDialog(const QByteArray &pdf, const QString &headline, const QString &saveLabel,
                        QWidget *parent = nullptr);
    ~ReportPreviewDialog() override;

    int pageCount() const;
    QPdfView *view() const { return m_view; }

private:
    QByteArray m_pdf;
    QBuffer *m_buffer = nullptr;
    QPdfDocument *m_document = nullptr;
    QPdfView *m_view = nullptr;
};

} // namespace switchyard::ui
