#pragma once
// Line charts for printed reports, drawn with QPainter into a QImage (QtGui
// only, no Widgets, no Qt Charts): throughput (rows/s) and open mismatches
// over time, from the run's metric samples. The image is drawn at `scale`
// times its layout size so it stays sharp on paper.
//
// Needs a QGuiApplication (fonts); any thread may draw (QImage + QPainter).
// An empty chart says "no samples recorded" instead of drawing empty axes.

#include "report/ReportData.h"

#include <QColor>
#include <QImage>
#include <QSize>

namespace switchyard::core {

class ReportCharts
{
public:
    struct Line
    {
        QString label;
        QList<ReportSeriesPoint> points;
    };

    static QImage lineChart(const QString &title, const QString &unit, const QList<Line> &lines,
                            QSize layoutSize, qreal scale = 3.0);

    /// The run's throughput chart: one line per backfill / validation series.
    static QImage throughput(const ReportData &data, QSize layoutSize);
    /// Open mismatches over time, one line per table.
    static QImage mismatches(const ReportData &data, QSize layoutSize);
};

} // namespace switchyard::core
