#pragma once
// Paper output: an HTML (or Markdown) QTextDocument laid out on A4 pages
// with margins, a running footer ("<title> — page 3 of 7") and PDF metadata,
// written by QPdfWriter into bytes (QtGui only, no Widgets). Text stays text
// in the PDF (pdftotext reads it); charts are embedded at full resolution.
//
// ReportRenderer::renderReport() puts the validation report together:
// ReportHtml + the two charts (ReportCharts) → PDF bytes.
//
// Needs a QGuiApplication (fonts); switchyard-cli creates one on the
// offscreen platform when there is no display. May run on any thread (no
// widgets; the document and the writer are local).

#include "report/ReportData.h"
#include "report/ReportVerdict.h"

#include <QByteArray>
#include <QSizeF>

class QTextDocument;

namespace switchyard::core {

class PdfPages
{
public:
    /// Layout resolution (document pixels per inch) and A4 content size in
    /// document pixels, margins and footer taken off.
    static constexpr int kDpi = 96;
    static QSizeF contentSize();
    /// Lays `doc` out on A4 pages and returns the PDF. Sets the document's
    /// page size and default font; `footer` is printed on every page with
    /// the page number.
    static QByteArray print(QTextDocument &doc, const QString &title, const QString &footer);
    /// Adds borders and padding to every table of a document made with
    /// setMarkdown() (Markdown tables come without), and spacing to headings.
    static void styleMarkdownDocument(QTextDocument &doc);
};

class ReportRenderer
{
public:
    static QByteArray renderReport(const ReportData &data, const ReportVerdict &verdict,
                                   const ReportSignOff &signOff);
};

} // namespace switchyard::core
