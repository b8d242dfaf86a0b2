#include "JobsPanel.h"

#include "Theme.h"
#include "TransitionWidgets.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

namespace switchyard::ui {

namespace {

const QString kAllTables = QStringLiteral("All tables");
constexpr int kThrottleDebounceMs = 300;

QWidget *row(QWidget *parent, const QList<QWidget *> &widgets)
{
    auto *box = new QWidget(parent);
    auto *layout = new QHBoxLayout(box);
    layout->setContentsMargins(2, 1, 2, 1);
    layout->setSpacing(4);
    for (QWidget *w : widgets)
        layout->addWidget(w);
    return box;
}

QString modeOf(const core::JobRecord &record)
{
    return QJsonDocument::fromJson(record.paramsJson.toUtf8()).object().value(QStringLiteral("mode")).toString();
}

QString formatRate(double rowsPerSecond)
{
    if (rowsPerSecond <= 0)
        return QStringLiteral("\u2014");
    return QLocale().toString(qRound64(rowsPerSecond)) + QStringLiteral(" rows/s");
}

} // namespace

struct JobsPanel::TableRow
{
    QTreeWidgetItem *item = nullptr;
    QPushButton *backfill = nullptr;
    QPushButton *validate = nullptr;
    QComboBox *mode = nullptr;
};

struct JobsPanel::JobRow
{
    qint64 id = 0;
    core::JobSpec::Kind kind = core::JobSpec::Kind::Backfill;
    core::JobState state = core::JobState::Queued;
    QDateTime progressAt; // newest live sample shown
    QTreeWidgetItem *item = nullptr;
    QProgressBar *bar = nullptr;
    QSlider *throttle = nullptr;
    QLabel *throttleLabel = nullptr;
    QTimer *throttleTimer = nullptr;
    QPushButton *pauseResume = nullptr;
    QPushButton *cancel = nullptr;
};

JobsPanel::JobsPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("jobsPanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_empty = new QLabel(QStringLiteral("Open a plan to run its backfill and validation jobs."), this);
    m_empty->setAlignment(Qt::AlignCenter);
    theme::makeMuted(m_empty);
    layout->addWidget(m_empty);
    m_view = new QTreeWidget(this);
    m_view->setObjectName(QStringLiteral("jobs"));
    m_view->setColumnCount(8);
    m_view->setHeaderLabels({QStringLiteral("Table / job"), QStringLiteral("State"), QStringLiteral("Progress"),
                             QStringLiteral("Rate"), QStringLiteral("ETA"), QStringLiteral("Throttle"),
                             QStringLiteral("Last error"), QString()});
    m_view->setUniformRowHeights(false);
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->setFocusPolicy(Qt::NoFocus);
    QHeaderView *header = m_view->header();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->resizeSection(JobColumn, 150);
    header->resizeSection(StateColumn, 80);
    header->resizeSection(ProgressColumn, 200);
    header->resizeSection(RateColumn, 95);
    header->resizeSection(EtaColumn, 55);
    header->resizeSection(ThrottleColumn, 190);
    header->resizeSection(ErrorColumn, 150);
    header->setStretchLastSection(true);
    layout->addWidget(m_view);
    clear();
}

JobsPanel::~JobsPanel()
{
    qDeleteAll(m_tables);
    qDeleteAll(m_jobs);
}

void JobsPanel::clear()
{
    m_view->clear();
    qDeleteAll(m_tables);
    qDeleteAll(m_jobs);
    m_tables.clear();
    m_jobs.clear();
    m_view->setVisible(false);
    m_empty->setVisible(true);
}

void JobsPanel::setPlan(const core::Plan &plan)
{
    clear();
    for (const core::TableSpec &table : plan.tables)
        tableRow(table.name);
    m_view->setVisible(true);
    m_empty->setVisible(false);
}

JobsPanel::TableRow *JobsPanel::tableRow(const QString &name)
{
    const QString key = name.isEmpty() ? kAllTables : name;
    if (TableRow *existing = m_tables.value(key))
        return existing;
    auto *r = new TableRow;
    r->item = new QTreeWidgetItem(m_view);
    r->item->setText(JobColumn, key);
    r->item->setFont(JobColumn, theme::scaledFont(font(), 1.0, true));
    r->item->setExpanded(true);
    m_tables.insert(key, r);
    if (name.isEmpty())
        return r; // jobs that span tables are started by the engine, not from here

    r->backfill = new QPushButton(QStringLiteral("Backfill"), m_view);
    r->backfill->setObjectName(QStringLiteral("backfill:") + name);
    r->backfill->setToolTip(QStringLiteral("Copy %1 from the source to the target (resumes from its checkpoint)").arg(name));
    connect(r->backfill, &QPushButton::clicked, this, [this, name] { emit startBackfillRequested(name); });
    r->mode = new QComboBox(m_view);
    r->mode->setObjectName(QStringLiteral("mode:") + name);
    using Mode = core::JobSpec::ValidateMode;
    for (Mode mode : {Mode::Checksum, Mode::Count, Mode::Sample, Mode::Full})
        r->mode->addItem(core::JobSpec::modeName(mode), int(mode));
    r->mode->setToolTip(QStringLiteral("Validation mode: count (cheapest), sample, checksum (chunks, then rows), full (every row)"));
    r->validate = new QPushButton(QStringLiteral("Validate"), m_view);
    r->validate->setObjectName(QStringLiteral("validate:") + name);
    connect(r->validate, &QPushButton::clicked, this, [this, name, r] {
        emit startValidationRequested(name, core::JobSpec::ValidateMode(r->mode->currentData().toInt()));
    });
    auto *actions = row(m_view, {r->backfill, r->mode, r->validate});
    actions->layout()->setAlignment(Qt::AlignLeft);
    m_view->setItemWidget(r->item, ActionsColumn, actions);
    return r;
}

JobsPanel::JobRow *JobsPanel::jobRow(const core::JobRecord &record)
{
    if (JobRow *existing = m_jobs.value(record.id))
        return existing;
    TableRow *table = tableRow(record.tableName);
    auto *r = new JobRow;
    r->id = record.id;
    r->kind = record.kind;
    // Newest first: insert above the older jobs of the table.
    r->item = new QTreeWidgetItem;
    table->item->insertChild(0, r->item);
    table->item->setExpanded(true);
    const QString mode = modeOf(record);
    r->item->setText(JobColumn, QStringLiteral("#%1 %2%3")
                                    .arg(record.id)
                                    .arg(core::JobSpec::kindName(record.kind))
                                    .arg(mode.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(mode)));

    r->bar = new QProgressBar(m_view);
    r->bar->setObjectName(QStringLiteral("progress:%1").arg(record.id));
    r->bar->setRange(0, 1000);
    r->bar->setTextVisible(true);
    m_view->setItemWidget(r->item, ProgressColumn, r->bar);

    if (record.kind == core::JobSpec::Kind::Backfill) {
        r->throttle = new QSlider(Qt::Horizontal, m_view);
        r->throttle->setObjectName(QStringLiteral("throttle:%1").arg(record.id));
        r->throttle->setRange(0, 100);
        r->throttle->setToolTip(QStringLiteral("Rows per second (leftmost: unlimited); applied while the job runs"));
        r->throttleLabel = new QLabel(QStringLiteral("unlimited"), m_view);
        r->throttleLabel->setMinimumWidth(r->throttleLabel->fontMetrics().horizontalAdvance(QStringLiteral("100,000/s")));
        r->throttleTimer = new QTimer(r->throttle); // dies with the row's widgets
        r->throttleTimer->setSingleShot(true);
        r->throttleTimer->setInterval(kThrottleDebounceMs);
        const qint64 id = record.id;
        connect(r->throttle, &QSlider::valueChanged, this, [r](int value) {
            const double rows = throttleForSliderValue(value);
            r->throttleLabel->setText(rows <= 0 ? QStringLiteral("unlimited")
                                                : QLocale().toString(qRound64(rows)) + QStringLiteral("/s"));
            r->throttleTimer->start();
        });
        connect(r->throttleTimer, &QTimer::timeout, this, [this, r, id] {
            emit throttleRequested(id, throttleForSliderValue(r->throttle->value()));
        });
        m_view->setItemWidget(r->item, ThrottleColumn, row(m_view, {r->throttle, r->throttleLabel}));
    }

    r->pauseResume = new QPushButton(QStringLiteral("Pause"), m_view);
    r->pauseResume->setObjectName(QStringLiteral("pause:%1").arg(record.id));
    r->cancel = new QPushButton(QStringLiteral("Cancel"), m_view);
    r->cancel->setObjectName(QStringLiteral("cancel:%1").arg(record.id));
    const qint64 id = record.id;
    connect(r->pauseResume, &QPushButton::clicked, this, [this, r, id] {
        if (r->state == core::JobState::Paused)
            emit resumeRequested(id);
        else
            emit pauseRequested(id);
    });
    connect(r->cancel, &QPushButton::clicked, this, [this, id] { emit cancelRequested(id); });
    auto *actions = row(m_view, {r->pauseResume, r->cancel});
    actions->layout()->setAlignment(Qt::AlignLeft);
    m_view->setItemWidget(r->item, ActionsColumn, actions);
    m_jobs.insert(record.id, r);
    return r;
}

void JobsPanel::setJobs(const QList<core::JobRecord> &jobs)
{
    for (const core::JobRecord &record : jobs)
        showRecord(*jobRow(record), record);
}

void JobsPanel::showRecord(JobRow &r, const core::JobRecord &record)
{
    // A live sample newer than the record wins for the state; the record
    // carries what only the store knows (another worker, the final state).
    if (!r.progressAt.isValid() || record.updatedAt > r.progressAt || core::isTerminal(record.state))
        showState(r, record.state);
    if (!record.lastError.isEmpty() && r.item->text(ErrorColumn).isEmpty()) {
        r.item->setText(ErrorColumn, record.lastError);
        r.item->setToolTip(ErrorColumn, record.lastError);
    }
    QStringList tip;
    tip << QStringLiteral("created %1").arg(QLocale().toString(record.createdAt.toLocalTime(), QLocale::ShortFormat));
    if (!record.workerId.isEmpty())
        tip << QStringLiteral("worker %1").arg(record.workerId);
    tip << QStringLiteral("attempts %1").arg(record.attempts);
    r.item->setToolTip(JobColumn, tip.join(QLatin1Char('\n')));
    if (record.state == core::JobState::Completed && r.bar->value() < r.bar->maximum() && !r.progressAt.isValid()) {
        r.bar->setValue(r.bar->maximum());
        r.bar->setFormat(QStringLiteral("done"));
    }
}

void JobsPanel::updateProgress(const core::JobProgress &p)
{
    JobRow *r = m_jobs.value(p.jobId);
    if (!r) {
        core::JobRecord record;
        record.id = p.jobId;
        record.kind = p.kind;
        record.tableName = p.table;
        record.state = p.state;
        if (!p.mode.isEmpty())
            record.paramsJson = QStringLiteral("{\"mode\":\"%1\"}").arg(p.mode);
        r = jobRow(record);
    }
    showProgress(*r, p);
}

void JobsPanel::showProgress(JobRow &r, const core::JobProgress &p)
{
    r.progressAt = p.at;
    showState(r, p.state);
    const QLocale locale;
    const double percent = p.percent();
    const QString done = locale.toString(p.rowsDone);
    if (percent >= 0) {
        r.bar->setRange(0, 1000);
        r.bar->setValue(qRound(percent * 10));
        r.bar->setFormat(QStringLiteral("%1 / %2 (%3 %)").arg(done, locale.toString(p.rowsTotal)).arg(percent, 0, 'f', 1));
    } else {
        r.bar->setRange(0, 1000);
        r.bar->setValue(0);
        r.bar->setFormat(QStringLiteral("%1 rows").arg(done));
    }
    if (!p.detail.isEmpty())
        r.bar->setToolTip(p.detail);
    r.item->setText(RateColumn, formatRate(p.rowsPerSecond));
    r.item->setText(EtaColumn, p.etaSeconds >= 0 && !core::isTerminal(p.state) ? formatDuration(qint64(p.etaSeconds)) : QString());
    QString error = p.lastError;
    if (p.retrying && !error.isEmpty())
        error = QStringLiteral("retrying after: ") + error;
    r.item->setText(ErrorColumn, error);
    r.item->setToolTip(ErrorColumn, error);
    r.item->setForeground(ErrorColumn, p.retrying ? QColor(0xb3, 0x54, 0x1e) : QColor(0xd0, 0x3b, 0x2f));
    showThrottle(r, p.maxRowsPerSecond);
}

void JobsPanel::showThrottle(JobRow &r, double rowsPerSecond)
{
    if (!r.throttle || r.throttle->isSliderDown() || r.throttleTimer->isActive())
        return; // the operator is moving it: their value wins
    const int value = sliderValueForThrottle(rowsPerSecond);
    if (r.throttle->value() == value)
        return;
    const QSignalBlocker block(r.throttle);
    r.throttle->setValue(value);
    r.throttleLabel->setText(rowsPerSecond <= 0 ? QStringLiteral("unlimited")
                                                : QLocale().toString(qRound64(rowsPerSecond)) + QStringLiteral("/s"));
}

void JobsPanel::showState(JobRow &r, core::JobState state)
{
    r.state = state;
    r.item->setText(StateColumn, core::storeName(state));
    const bool terminal = core::isTerminal(state);
    r.pauseResume->setText(state == core::JobState::Paused ? QStringLiteral("Resume") : QStringLiteral("Pause"));
    r.pauseResume->setObjectName(QStringLiteral("%1:%2").arg(state == core::JobState::Paused ? QStringLiteral("resume")
                                                                                             : QStringLiteral("pause"))
                                     .arg(r.id));
    r.pauseResume->setEnabled(state == core::JobState::Running || state == core::JobState::Paused
                              || state == core::JobState::Queued);
    r.cancel->setEnabled(!terminal);
    if (r.throttle)
        r.throttle->setEnabled(!terminal);
    QColor color;
    switch (state) {
    case core::JobState::Completed: color = QColor(0x2e, 0x9e, 0x4f); break;
    case core::JobState::Failed: color = QColor(0xd0, 0x3b, 0x2f); break;
    case core::JobState::Paused: color = QColor(0xb3, 0x54, 0x1e); break;
    default: break;
    }
    r.item->setForeground(StateColumn, color.isValid() ? QBrush(color) : m_view->palette().text());
}

double JobsPanel::throttleForSliderValue(int value)
{
    if (value <= 0)
        return 0;
    const double raw = std::pow(10.0, 1.0 + 4.0 * double(qMin(value, 100)) / 100.0);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)) - 1);
    return std::round(raw / magnitude) * magnitude; // two significant digits
}

int JobsPanel::sliderValueForThrottle(double rowsPerSecond)
{
    if (rowsPerSecond <= 0)
        return 0;
    const double value = (std::log10(qBound(10.0, rowsPerSecond, 100000.0)) - 1.0) * 100.0 / 4.0;
    return qBound(1, int(std::lround(value)), 100);
}

QPushButton *JobsPanel::backfillButton(const QString &table) const
{
    const TableRow *r = m_tables.value(table);
    return r ? r->backfill : nullptr;
}

QPushButton *JobsPanel::validateButton(const QString &table) const
{
    const TableRow *r = m_tables.value(table);
    return r ? r->validate : nullptr;
}

QComboBox *JobsPanel::validateModeBox(const QString &table) const
{
    const TableRow *r = m_tables.value(table);
    return r ? r->mode : nullptr;
}

QSlider *JobsPanel::throttleSlider(qint64 jobId) const
{
    const JobRow *r = m_jobs.value(jobId);
    return r ? r->throttle : nullptr;
}

QPushButton *JobsPanel::pauseButton(qint64 jobId) const
{
    const JobRow *r = m_jobs.value(jobId);
    return r ? r->pauseResume : nullptr;
}

QPushButton *JobsPanel::cancelButton(qint64 jobId) const
{
    const JobRow *r = m_jobs.value(jobId);
    return r ? r->cancel : nullptr;
}

QProgressBar *JobsPanel::progressBar(qint64 jobId) const
{
    const JobRow *r = m_jobs.value(jobId);
    return r ? r->bar : nullptr;
}

} // namespace switchyard::ui
