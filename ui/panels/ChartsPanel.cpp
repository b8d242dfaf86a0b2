#include "panels/ChartsPanel.h"

#include "Theme.h"
#include "flags/ShadowStatsReader.h"
#include "panels/StoreReader.h"
#include "store/ControlStore.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QMap>
#include <QStackedWidget>
#include <QTimer>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace switchyard::ui {

using namespace switchyard::core;

namespace {

constexpr int kMaxPointsPerFetch = 1500; // per series; older history is averaged down to this

struct FamilyInfo
{
    const char *title;
    const char *empty;
    const char *unit;
};

const FamilyInfo kFamilies[ChartsPanel::FamilyCount] = {
    {"Backfill throughput", "no samples yet — start a backfill", "rows/s"},
    {"Validation throughput", "no samples yet — start a validation", "rows/s"},
    {"Open mismatches", "no samples yet — validation records open mismatches here", "rows"},
    {"Shadow-read mismatch rate", "no shadow reads yet — turn on shadow_read in the read phase", "% of reads"},
    {"Reverse-sync lag", "no samples yet — reverse sync starts when the target becomes primary", "seconds"},
};

// Which chart a store series belongs to, and on which of its value axes.
struct SeriesPlace
{
    int family = -1;
    bool rightAxis = false;
    QString label;
};

SeriesPlace placeOf(const QString &series)
{
    const QString subject = series.section(QLatin1Char(':'), 1);
    if (series.startsWith(QLatin1String("backfill.rows_per_second:")))
        return {ChartsPanel::BackfillThroughput, false, subject};
    if (series.startsWith(QLatin1String("validate.rows_per_second:")))
        return {ChartsPanel::ValidationThroughput, false, subject};
    if (series.startsWith(QLatin1String("mismatches.open:")))
        return {ChartsPanel::OpenMismatches, false, subject};
    if (series.startsWith(QLatin1String("shadow.mismatch_rate:")))
        return {ChartsPanel::ShadowMismatchRate, false, subject == QLatin1String("all") ? QStringLiteral("all tables") : subject};
    if (series == QLatin1String("reverse_sync.lag_seconds"))
        return {ChartsPanel::ReverseSyncLag, false, QStringLiteral("lag (s)")};
    if (series == QLatin1String("reverse_sync.lag_changes"))
        return {ChartsPanel::ReverseSyncLag, true, QStringLiteral("pending changes (right axis)")};
    return {};
}

// At most `limit` points: consecutive samples averaged into equal-count buckets.
QList<MetricSample> thin(const QList<MetricSample> &samples, int limit)
{
    if (samples.size() <= limit)
        return samples;
    QList<MetricSample> out;
    out.reserve(limit);
    const double per = double(samples.size()) / limit;
    for (int b = 0; b < limit; ++b) {
        const int from = int(b * per);
        const int to = std::min(int(samples.size()), int((b + 1) * per));
        if (to <= from)
            continue;
        MetricSample m = samples.at(to - 1);
        double sum = 0;
        for (int i = from; i < to; ++i)
            sum += samples.at(i).value;
        m.value = sum / (to - from);
        out << m;
    }
    return out;
}

} // namespace

struct ChartsPanel::Update
{
    qint64 nowMs = 0;
    QList<MetricSample> samples; // new store samples, grouped by series, oldest first
    bool shadowFetched = false;
    QList<MetricSample> shadow; // the whole window, replaces what is shown
    QString shadowError;
};

ChartsPanel::ChartsPanel(QWidget *parent)
    : QWidget(parent)
{
    auto *top = new QHBoxLayout;
    top->addWidget(theme::caption(tr("Live charts")));
    top->addStretch();
    m_status = theme::valueLabel();
    theme::makeMuted(m_status);
    top->addWidget(m_status, 1);
    m_windowBox = new QComboBox;
    m_windowBox->addItem(tr("Last 15 min"), int(Window::Last15Minutes));
    m_windowBox->addItem(tr("Last hour"), int(Window::LastHour));
    m_windowBox->addItem(tr("All"), int(Window::All));
    m_windowBox->setAccessibleName(tr("Time window"));
    top->addWidget(m_windowBox);
    connect(m_windowBox, &QComboBox::activated, this,
            [this](int index) { setWindow(Window(m_windowBox->itemData(index).toInt())); });

    auto *grid = new QGridLayout;
    const QColor text = palette().color(QPalette::Text);
    const QColor base = palette().color(QPalette::Base);
    for (int f = 0; f < FamilyCount; ++f) {
        Chart &c = m_charts[f];
        auto *chart = new QChart;
        chart->setTitle(tr(kFamilies[f].title));
        chart->setBackgroundBrush(base);
        chart->setTitleBrush(text);
        chart->legend()->setLabelColor(text);
        chart->legend()->setAlignment(Qt::AlignBottom);
        chart->setMargins(QMargins(4, 4, 4, 4));
        auto *x = new QDateTimeAxis;
        x->setFormat(QStringLiteral("HH:mm"));
        x->setTickCount(5);
        auto *y = new QValueAxis;
        y->setTitleText(tr(kFamilies[f].unit));
        y->setLabelFormat(QStringLiteral("%.0f"));
        y->setRange(0, 1);
        for (QAbstractAxis *a : {static_cast<QAbstractAxis *>(x), static_cast<QAbstractAxis *>(y)}) {
            a->setLabelsColor(text);
            a->setTitleBrush(text);
            a->setGridLineColor(theme::mix(text, base, 0.85));
        }
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        if (f == ReverseSyncLag) {
            auto *y2 = new QValueAxis;
            y2->setTitleText(tr("changes"));
            y2->setLabelFormat(QStringLiteral("%.0f"));
            y2->setRange(0, 1);
            y2->setLabelsColor(text);
            y2->setTitleBrush(text);
            y2->setGridLineVisible(false);
            chart->addAxis(y2, Qt::AlignRight);
        }
        if (f == ShadowMismatchRate)
            y->setLabelFormat(QStringLiteral("%.2f"));
        c.view = new QChartView(chart);
        c.view->setRenderHint(QPainter::Antialiasing);
        c.view->setMinimumSize(280, 200);
        c.empty = new QLabel(tr("<b>%1</b><br>%2").arg(tr(kFamilies[f].title).toHtmlEscaped(),
                                                        tr(kFamilies[f].empty).toHtmlEscaped()));
        c.empty->setAlignment(Qt::AlignCenter);
        c.empty->setWordWrap(true);
        c.empty->setAutoFillBackground(true);
        c.stack = new QStackedWidget;
        c.stack->addWidget(c.empty);
        c.stack->addWidget(c.view);
        c.stack->setMinimumSize(280, 200);
        grid->addWidget(c.stack, f / 2, f % 2);
    }
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(grid, 1);

    m_timer = new QTimer(this);
    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &ChartsPanel::refreshNow);
    m_status->setText(tr("No plan open."));
}

ChartsPanel::~ChartsPanel()
{
    m_reader.reset(); // no answer may arrive while the charts are torn down
}

void ChartsPanel::setSource(const Plan &plan, const ControlStoreLocation &store, qint64 runId)
{
    m_reader = std::make_unique<StoreReader>(plan, store, runId);
    ++m_generation;
    m_inFlight = false;
    m_nextShadowMs = 0;
    resetData();
    m_status->setText(tr("Reading samples…"));
    m_timer->start();
    refreshNow();
}

void ChartsPanel::clearSource()
{
    m_timer->stop();
    m_reader.reset();
    ++m_generation;
    m_inFlight = false;
    resetData();
    m_status->setText(tr("No plan open."));
}

void ChartsPanel::setRefreshInterval(int ms)
{
    m_timer->setInterval(ms);
}

void ChartsPanel::setWindow(Window window)
{
    const int index = m_windowBox->findData(int(window));
    if (index >= 0 && m_windowBox->currentIndex() != index)
        m_windowBox->setCurrentIndex(index);
    if (window == m_window)
        return;
    m_window = window;
    const QString format = window == Window::All ? QStringLiteral("MM-dd HH:mm")
                           : window == Window::LastHour ? QStringLiteral("HH:mm")
                                                        : QStringLiteral("HH:mm:ss");
    for (Chart &c : m_charts)
        static_cast<QDateTimeAxis *>(c.view->chart()->axes(Qt::Horizontal).first())->setFormat(format);
    // A wider window needs older samples: start over for the new window.
    ++m_generation;
    m_inFlight = false;
    m_nextShadowMs = 0;
    resetData();
    refreshNow();
}

qint64 ChartsPanel::windowStartMs(qint64 nowMs) const
{
    switch (m_window) {
    case Window::Last15Minutes: return nowMs - 15LL * 60 * 1000;
    case Window::LastHour: return nowMs - 60LL * 60 * 1000;
    case Window::All: break;
    }
    return 0;
}

void ChartsPanel::resetData()
{
    for (Line &line : m_lines) {
        m_charts[line.family].view->chart()->removeSeries(line.series);
        delete line.series;
    }
    m_lines.clear();
    m_lastTs.clear();
    for (int f = 0; f < FamilyCount; ++f)
        m_charts[f].stack->setCurrentWidget(m_charts[f].empty);
}

void ChartsPanel::refreshNow()
{
    if (!m_reader || m_inFlight)
        return;
    m_inFlight = true;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 from = windowStartMs(now);
    const qint64 run = m_reader->runId();
    const QHash<QString, qint64> lastTs = m_lastTs;
    // Shadow statistics are per minute and live on the target: every 5 s is
    // plenty, and after a failure wait 30 s before trying the target again.
    const bool fetchShadow = now >= m_nextShadowMs;
    if (fetchShadow)
        m_nextShadowMs = now + 5000;
    const quint64 gen = m_generation;
    m_reader->request<Update>(
        this,
        [run, lastTs, from, fetchShadow](StoreReader::Context &c) {
            Update u;
            u.nowMs = QDateTime::currentMSecsSinceEpoch();
            MetricRepository &metrics = c.store().metrics();
            for (const QString &name : metrics.seriesNames(run)) {
                if (placeOf(name).family < 0)
                    continue;
                const qint64 since = std::max(from, lastTs.value(name, from - 1) + 1);
                u.samples += thin(metrics.samples(run, name, since, std::numeric_limits<qint64>::max() / 2),
                                  kMaxPointsPerFetch);
            }
            if (fetchShadow) {
                try {
                    ShadowStatsReader reader(c.target());
                    u.shadow = reader.mismatchRate(run, from, u.nowMs);
                    u.shadowFetched = true;
                } catch (const std::exception &e) {
                    c.dropTarget();
                    u.shadowError = QString::fromUtf8(e.what());
                }
            }
            return u;
        },
        [this, gen](const Update &u, const QString &error) {
            if (gen != m_generation)
                return;
            m_inFlight = false;
            if (!error.isEmpty()) {
                m_status->setText(tr("Could not read samples: %1").arg(error));
                m_status->setToolTip(error);
            } else {
                applyUpdate(u);
            }
            emit refreshed();
        });
}

void ChartsPanel::applyUpdate(const Update &u)
{
    const qint64 start = windowStartMs(u.nowMs);

    auto lineFor = [this](const QString &name) -> Line * {
        auto it = m_lines.find(name);
        if (it != m_lines.end())
            return &*it;
        const SeriesPlace place = placeOf(name);
        if (place.family < 0)
            return nullptr;
        Line line;
        line.family = Family(place.family);
        line.series = new QLineSeries;
        line.series->setName(place.label);
        line.series->setObjectName(name);
        QChart *chart = m_charts[place.family].view->chart();
        chart->addSeries(line.series);
        line.series->attachAxis(chart->axes(Qt::Horizontal).first());
        const QList<QAbstractAxis *> vertical = chart->axes(Qt::Vertical);
        QAbstractAxis *y = vertical.first();
        for (QAbstractAxis *a : vertical) {
            if (a->alignment() == (place.rightAxis ? Qt::AlignRight : Qt::AlignLeft))
                y = a;
        }
        line.series->attachAxis(y);
        if (chart->series().size() == 1) {
            // Qt Charts 6.4 does not lay out a date-time axis that was added
            // to a shown chart before any series: no labels, no grid. Hiding
            // and showing it once makes it compute its layout.
            chart->axes(Qt::Horizontal).first()->hide();
            chart->axes(Qt::Horizontal).first()->show();
        }
        return &*m_lines.insert(name, line);
    };

    // New store samples: append, in order, per series.
    QMap<QString, QList<QPointF>> added; // sorted: lines get their colours in name order
    for (const MetricSample &s : u.samples) {
        added[s.series] << QPointF(double(s.tsMs), s.value);
        m_lastTs[s.series] = std::max(m_lastTs.value(s.series, 0), s.tsMs);
    }
    for (auto it = added.cbegin(); it != added.cend(); ++it) {
        if (Line *line = lineFor(it.key())) {
            line->points += it.value();
            line->series->append(it.value());
        }
    }
    // Shadow rates: the whole window each time (per-minute buckets grow in place).
    if (u.shadowFetched) {
        QMap<QString, QList<QPointF>> rates;
        for (const MetricSample &s : u.shadow)
            rates[s.series] << QPointF(double(s.tsMs), s.value);
        for (auto it = m_lines.begin(); it != m_lines.end(); ++it) {
            if (it->family == ShadowMismatchRate && !rates.contains(it.key()))
                rates.insert(it.key(), {});
        }
        for (auto it = rates.cbegin(); it != rates.cend(); ++it) {
            if (Line *line = lineFor(it.key())) {
                line->points = it.value();
                line->series->replace(it.value());
            }
        }
    }
    // Drop points that left the window.
    if (m_window != Window::All) {
        for (Line &line : m_lines) {
            int n = 0;
            while (n < line.points.size() && line.points.at(n).x() < double(start))
                ++n;
            if (n > 0) {
                line.points.remove(0, n);
                line.series->removePoints(0, n);
            }
        }
    }
    for (int f = 0; f < FamilyCount; ++f)
        rebuildAxes(Family(f));

    QString status = tr("Updated %1 · %n series", nullptr, int(m_lines.size()))
                         .arg(QDateTime::fromMSecsSinceEpoch(u.nowMs).toString(QStringLiteral("HH:mm:ss")));
    if (!u.shadowError.isEmpty()) {
        status += tr(" · shadow statistics unavailable (the target cannot be read; hover for why)");
        m_nextShadowMs = u.nowMs + 30000;
    }
    m_status->setText(status);
    m_status->setToolTip(u.shadowError);
}

void ChartsPanel::rebuildAxes(Family family)
{
    Chart &c = m_charts[family];
    QChart *chart = c.view->chart();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    double minX = double(windowStartMs(now));
    double maxY[2] = {0, 0};
    bool any = false;
    double firstX = double(now);
    for (const Line &line : std::as_const(m_lines)) {
        if (line.family != family || line.points.isEmpty())
            continue;
        any = true;
        firstX = std::min(firstX, line.points.first().x());
        const bool right = placeOf(line.series->objectName()).rightAxis;
        for (const QPointF &p : line.points)
            maxY[right ? 1 : 0] = std::max(maxY[right ? 1 : 0], p.y());
    }
    c.stack->setCurrentWidget(any ? static_cast<QWidget *>(c.view) : c.empty);
    if (!any)
        return;
    if (m_window == Window::All)
        minX = std::min(firstX, double(now) - 60000);
    auto *x = static_cast<QDateTimeAxis *>(chart->axes(Qt::Horizontal).first());
    x->setRange(QDateTime::fromMSecsSinceEpoch(qint64(minX)), QDateTime::fromMSecsSinceEpoch(now));
    for (QAbstractAxis *a : chart->axes(Qt::Vertical)) {
        const double top = maxY[a->alignment() == Qt::AlignRight ? 1 : 0];
        static_cast<QValueAxis *>(a)->setRange(0, top > 0 ? top * 1.15 : 1);
    }
}

QChartView *ChartsPanel::chartView(Family family) const
{
    return m_charts[family].view;
}

QLineSeries *ChartsPanel::series(const QString &seriesName) const
{
    auto it = m_lines.constFind(seriesName);
    return it == m_lines.cend() ? nullptr : it->series;
}

bool ChartsPanel::isEmpty(Family family) const
{
    return m_charts[family].stack->currentWidget() == m_charts[family].empty;
}

QString ChartsPanel::emptyText(Family family) const
{
    return m_charts[family].empty->text();
}

QString ChartsPanel::statusText() const
{
    return m_status->text();
}

qint64 ChartsPanel::runId() const
{
    return m_reader ? m_reader->runId() : 0;
}

} // namespace switchyard::ui
