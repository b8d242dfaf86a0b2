#include "report/ReportCharts.h"

#include <QFont>
#include <QFontMetricsF>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <limits>
#include <cmath>

namespace switchyard::core {

namespace {

constexpr qint64 kGapMs = 15000;

const QList<QColor> &palette()
{
    static const QList<QColor> colors{QColor(0x1f, 0x5f, 0xa8), QColor(0xd9, 0x6c, 0x06), QColor(0x2e, 0x8b, 0x57),
                                      QColor(0xa8, 0x1f, 0x5f), QColor(0x6a, 0x4c, 0x93), QColor(0x55, 0x55, 0x55)};
    return colors;
}

// A "nice" axis maximum and step: 1, 2 or 5 times a power of ten.
double niceStep(double range, int ticks)
{
    if (range <= 0)
        return 1;
    const double raw = range / ticks;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (raw <= m * mag)
            return m * mag;
    return 10 * mag;
}

QString axisNumber(double v)
{
    if (std::abs(v) >= 1e6)
        return QLocale::c().toString(v / 1e6, 'g', 3) + QLatin1Char('M');
    if (std::abs(v) >= 1e4)
        return QLocale::c().toString(v / 1e3, 'g', 3) + QLatin1Char('k');
    return QLocale::c().toString(v, 'g', 4);
}

QString subject(const QString &series)
{
    return series.section(QLatin1Char(':'), 1);
}

} // namespace

QImage ReportCharts::lineChart(const QString &title, const QString &unit, const QList<Line> &lines,
                               QSize layoutSize, qreal scale)
{
    QImage image(layoutSize * scale, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.scale(scale, scale);
    const QRectF all(0, 0, layoutSize.width(), layoutSize.height());

    QFont titleFont(QStringLiteral("DejaVu Sans"));
    titleFont.setPixelSize(12);
    titleFont.setBold(true);
    QFont small(QStringLiteral("DejaVu Sans"));
    small.setPixelSize(9);
    p.setFont(titleFont);
    p.setPen(QColor(0x22, 0x22, 0x22));
    p.drawText(QRectF(0, 2, all.width(), 16), Qt::AlignLeft | Qt::AlignVCenter, title);
    p.setFont(small);

    qint64 t0 = std::numeric_limits<qint64>::max(), t1 = std::numeric_limits<qint64>::min();
    double vMax = 0;
    int pointCount = 0;
    for (const Line &l : lines)
        for (const ReportSeriesPoint &pt : l.points) {
            t0 = std::min(t0, pt.tsMs);
            t1 = std::max(t1, pt.tsMs);
            vMax = std::max(vMax, pt.value);
            ++pointCount;
        }
    const QFontMetricsF fm(small);
    const QRectF plot(46, 24, all.width() - 56, all.height() - 24 - 34);
    p.setPen(QPen(QColor(0xbb, 0xbb, 0xbb), 0.6));
    p.drawRect(plot);
    if (pointCount == 0) {
        p.setPen(QColor(0x66, 0x66, 0x66));
        p.drawText(plot, Qt::AlignCenter, QStringLiteral("no samples recorded for this run"));
        return image;
    }
    if (t1 == t0)
        t1 = t0 + 1000;
    // Counts and rates: never a fractional axis below 1.
    const double step = std::max(1.0, niceStep(vMax <= 0 ? 4 : vMax, 4));
    const double top = std::max(step, std::ceil(vMax / step) * step);

    // Horizontal grid and value labels.
    for (double v = 0; v <= top + step / 2; v += step) {
        const double y = plot.bottom() - v / top * plot.height();
        p.setPen(QPen(QColor(0xe4, 0xe4, 0xe4), 0.5));
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        p.setPen(QColor(0x44, 0x44, 0x44));
        p.drawText(QRectF(0, y - 6, plot.left() - 4, 12), Qt::AlignRight | Qt::AlignVCenter, axisNumber(v));
    }
    p.save();
    p.translate(8, plot.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-plot.height() / 2, -6, plot.height(), 12), Qt::AlignCenter, unit);
    p.restore();

    // Time labels (UTC): start, middle, end.
    const bool sameDay = QDateTime::fromMSecsSinceEpoch(t0, Qt::UTC).date() ==
                         QDateTime::fromMSecsSinceEpoch(t1, Qt::UTC).date();
    const QString fmt = sameDay ? QStringLiteral("HH:mm:ss") : QStringLiteral("MM-dd HH:mm");
    for (int i = 0; i <= 4; ++i) {
        const qint64 t = t0 + (t1 - t0) * i / 4;
        const double x = plot.left() + plot.width() * i / 4;
        p.setPen(QPen(QColor(0xbb, 0xbb, 0xbb), 0.5));
        p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3));
        p.setPen(QColor(0x44, 0x44, 0x44));
        const QString label = QDateTime::fromMSecsSinceEpoch(t, Qt::UTC).toString(fmt);
        const double w = fm.horizontalAdvance(label);
        const double lx = std::clamp(x - w / 2, plot.left() - 20, plot.right() - w);
        p.drawText(QPointF(lx, plot.bottom() + 13), label);
    }
    p.drawText(QPointF(plot.right() - fm.horizontalAdvance(QStringLiteral("UTC")), plot.bottom() + 24),
               QStringLiteral("UTC"));

    // Lines and the legend.
    double legendX = plot.left();
    for (int i = 0; i < lines.size(); ++i) {
        const Line &l = lines.at(i);
        const QColor c = palette().at(i % palette().size());
        QPainterPath path;
        qint64 previous = std::numeric_limits<qint64>::min();
        for (const ReportSeriesPoint &pt : l.points) {
            const QPointF xy(plot.left() + double(pt.tsMs - t0) / double(t1 - t0) * plot.width(),
                             plot.bottom() - std::max(0.0, pt.value) / top * plot.height());
            // A job samples about once a second: a longer silence means it was
            // not running, so the line breaks instead of inventing values.
            if (previous == std::numeric_limits<qint64>::min() || pt.tsMs - previous > kGapMs)
                path.moveTo(xy);
            else
                path.lineTo(xy);
            previous = pt.tsMs;
        }
        p.setPen(QPen(c, 1.4));
        p.setBrush(Qt::NoBrush);
        if (l.points.size() == 1)
            p.drawEllipse(path.currentPosition(), 1.8, 1.8);
        else
            p.drawPath(path);
        const double y = all.height() - 6;
        p.fillRect(QRectF(legendX, y - 5, 10, 3), c);
        p.setPen(QColor(0x22, 0x22, 0x22));
        p.drawText(QPointF(legendX + 13, y), l.label);
        legendX += 13 + fm.horizontalAdvance(l.label) + 14;
    }
    return image;
}

QImage ReportCharts::throughput(const ReportData &data, QSize layoutSize)
{
    QList<Line> lines;
    for (const ReportSeries &s : data.series) {
        if (s.name.startsWith(QLatin1String("backfill.rows_per_second:")))
            lines << Line{QStringLiteral("backfill %1").arg(subject(s.name)), s.points};
        else if (s.name.startsWith(QLatin1String("validate.rows_per_second:")))
            lines << Line{QStringLiteral("validation %1").arg(subject(s.name)), s.points};
    }
    return lineChart(QStringLiteral("Throughput"), QStringLiteral("rows / s"), lines, layoutSize);
}

QImage ReportCharts::mismatches(const ReportData &data, QSize layoutSize)
{
    QList<Line> lines;
    for (const ReportSeries &s : data.series)
        if (s.name.startsWith(QLatin1String("mismatches.open:")))
            lines << Line{QStringLiteral("open mismatches %1").arg(subject(s.name)), s.points};
    return lineChart(QStringLiteral("Open mismatches"), QStringLiteral("rows"), lines, layoutSize);
}

} // namespace switchyard::core
