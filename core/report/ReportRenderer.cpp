#include "report/ReportRenderer.h"

#include "report/ReportCharts.h"
#include "report/ReportHtml.h"

#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextTable>
#include <QUrl>

namespace switchyard::core {

namespace {

constexpr double kMarginMm = 18.0;
constexpr double kFooterPx = 28.0; // room for the footer line under the text

double mmToPx(double mm)
{
    return mm / 25.4 * PdfPages::kDpi;
}

void styleTables(QTextFrame *frame)
{
    for (QTextFrame *child : frame->childFrames()) {
        if (auto *table = qobject_cast<QTextTable *>(child)) {
            QTextTableFormat f = table->format();
            f.setBorder(0.6);
            f.setBorderBrush(QColor(0x9a, 0x9a, 0x9a));
            f.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
            f.setBorderCollapse(false);
            f.setCellPadding(3);
            f.setCellSpacing(0);
            f.setWidth(QTextLength(QTextLength::PercentageLength, 100));
            f.setHeaderRowCount(1);
            f.setTopMargin(4);
            f.setBottomMargin(8);
            table->setFormat(f);
            for (int c = 0; c < table->columns(); ++c) {
                QTextTableCell cell = table->cellAt(0, c);
                QTextCharFormat cf = cell.format();
                cf.setBackground(QColor(0xe8, 0xec, 0xf1));
                cell.setFormat(cf);
            }
        }
        styleTables(child);
    }
}

} // namespace

QSizeF PdfPages::contentSize()
{
    const QSizeF a4 = QPageSize(QPageSize::A4).size(QPageSize::Millimeter);
    return QSizeF(mmToPx(a4.width() - 2 * kMarginMm), mmToPx(a4.height() - 2 * kMarginMm) - kFooterPx);
}

void PdfPages::styleMarkdownDocument(QTextDocument &doc)
{
    styleTables(doc.rootFrame());
    QTextCursor cursor(&doc);
    for (QTextBlock b = doc.begin(); b.isValid(); b = b.next()) {
        const int level = b.blockFormat().headingLevel();
        if (level == 0)
            continue;
        cursor.setPosition(b.position());
        QTextBlockFormat bf = b.blockFormat();
        bf.setTopMargin(level == 1 ? 0 : level == 2 ? 14 : 9);
        bf.setBottomMargin(4);
        if (level == 2)
            bf.setPageBreakPolicy(QTextFormat::PageBreak_Auto);
        cursor.setBlockFormat(bf);
        cursor.select(QTextCursor::BlockUnderCursor);
        QTextCharFormat cf;
        cf.setForeground(level <= 2 ? QColor(0x17, 0x36, 0x5d) : QColor(0x1a, 0x1a, 0x1a));
        cf.setFontPointSize(level == 1 ? 17 : level == 2 ? 12.5 : 10);
        cf.setFontWeight(QFont::Bold);
        cursor.mergeCharFormat(cf);
    }
}

QByteArray PdfPages::print(QTextDocument &doc, const QString &title, const QString &footer)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setResolution(kDpi);
        writer.setTitle(title);
        writer.setCreator(QStringLiteral("Switchyard"));
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                         QMarginsF(kMarginMm, kMarginMm, kMarginMm, kMarginMm),
                                         QPageLayout::Millimeter));
        doc.documentLayout()->setPaintDevice(&writer);
        const QSizeF page = contentSize();
        doc.setPageSize(page);
        doc.setDocumentMargin(0);
        const int pages = doc.pageCount();

        QPainter painter(&writer);
        QFont footerFont(QStringLiteral("DejaVu Sans"));
        footerFont.setPointSizeF(7.5);
        for (int i = 0; i < pages; ++i) {
            if (i > 0)
                writer.newPage();
            painter.save();
            painter.translate(0, -i * page.height());
            doc.drawContents(&painter, QRectF(0, i * page.height(), page.width(), page.height()));
            painter.restore();
            painter.setPen(QPen(QColor(0xaa, 0xaa, 0xaa), 0.5));
            const double y = page.height() + kFooterPx - 14;
            painter.drawLine(QPointF(0, y - 4), QPointF(page.width(), y - 4));
            painter.setFont(footerFont);
            painter.setPen(QColor(0x55, 0x55, 0x55));
            const QRectF line(0, y, page.width(), 12);
            painter.drawText(line, Qt::AlignLeft | Qt::AlignVCenter, footer);
            painter.drawText(line, Qt::AlignRight | Qt::AlignVCenter,
                             QStringLiteral("page %1 of %2").arg(i + 1).arg(pages));
        }
        painter.end();
        doc.documentLayout()->setPaintDevice(nullptr);
    }
    return bytes;
}

QByteArray ReportRenderer::renderReport(const ReportData &data, const ReportVerdict &verdict,
                                        const ReportSignOff &signOff)
{
    const QSizeF page = PdfPages::contentSize();
    const int width = int(page.width()) - 4;
    const QSize chartSize(width, 210);
    QTextDocument doc;
    QFont base(QStringLiteral("DejaVu Sans"));
    base.setPointSizeF(8.5);
    doc.setDefaultFont(base);
    doc.addResource(QTextDocument::ImageResource, QUrl(QLatin1String(ReportHtml::kThroughputChart)),
                    ReportCharts::throughput(data, chartSize));
    doc.addResource(QTextDocument::ImageResource, QUrl(QLatin1String(ReportHtml::kMismatchChart)),
                    ReportCharts::mismatches(data, chartSize));
    doc.setPageSize(page);
    doc.setHtml(ReportHtml::build(data, verdict, signOff, width));
    const QString footer = QStringLiteral("%1 — validation report, run %2 — %3")
                               .arg(data.migrationName)
                               .arg(data.runId)
                               .arg(signOff.isEmpty() ? QStringLiteral("UNSIGNED DRAFT")
                                                      : QStringLiteral("signed by %1").arg(signOff.signer));
    return PdfPages::print(doc, QStringLiteral("Validation report — %1").arg(data.migrationName), footer);
}

} // namespace switchyard::core
