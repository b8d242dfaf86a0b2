#include "PhaseCard.h"

#include "PlanFormat.h"
#include "Theme.h"
#include "TransitionWidgets.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QTextDocument>
#include <QVBoxLayout>

namespace switchyard::ui {

namespace {

constexpr int kPadding = 14;
constexpr qreal kRadius = 8.0;

QString tooltipFor(const core::PhaseSpec &phase)
{
    QString html = QStringLiteral("<p><b>%1</b></p>").arg(phase.title.toHtmlEscaped());
    if (!phase.description.trimmed().isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(phase.description.trimmed().toHtmlEscaped());
    const QString note = phase.rollback.note.trimmed();
    html += QStringLiteral("<p><b>Rollback:</b> %1</p>")
                .arg(note.isEmpty() ? QStringLiteral("restore the flags in force before this phase")
                                    : note.toHtmlEscaped());
    html.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    return html;
}

// A caption followed by a bullet list, added only when there is something to list.
void addSection(QVBoxLayout *layout, QWidget *parent, const QString &caption,
                const QStringList &items, bool fixedPitch, const QString &objectName,
                const QString &whenEmpty = {})
{
    if (items.isEmpty() && whenEmpty.isEmpty())
        return;
    layout->addSpacing(6);
    layout->addWidget(theme::caption(caption, parent));
    auto *body = new QLabel(parent);
    body->setObjectName(objectName);
    body->setWordWrap(true);
    body->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (items.isEmpty()) {
        body->setTextFormat(Qt::PlainText);
        body->setText(whenEmpty);
        theme::makeMuted(body);
    } else {
        body->setTextFormat(Qt::RichText);
        body->setText(theme::bulletList(items, fixedPitch));
        // The accessible text is the plain list, not the markup.
        body->setAccessibleName(caption + QStringLiteral(": ") + items.join(QStringLiteral("; ")));
    }
    layout->addWidget(body);
}

} // namespace

PhaseCard::PhaseCard(int number, const core::PhaseSpec &phase, const QDate &timelineStart,
                     QWidget *parent)
    : QWidget(parent)
    , m_number(number)
    , m_phaseId(phase.id)
    , m_title(phase.title.isEmpty() ? phase.id : phase.title)
    , m_timelineStart(timelineStart)
{
    setObjectName(QStringLiteral("phase:") + phase.id);
    setAccessibleName(m_title);
    m_description = phase.description;
    setAccessibleDescription(m_description);
    setToolTip(tooltipFor(phase));
    setFixedWidth(kWidth);
    setFocusPolicy(Qt::StrongFocus);
    // Children inherit the Base background role, so their text uses the
    // Text role that contrasts with the card surface.
    setBackgroundRole(QPalette::Base);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(kPadding, kPadding - 2, kPadding, kPadding);
    layout->setSpacing(2);

    auto *header = new QHBoxLayout;
    header->setSpacing(8);
    m_numberLabel = theme::caption(QStringLiteral("Phase %1").arg(number), this);
    auto *week = theme::caption(format::week(phase.week, timelineStart), this);
    week->setObjectName(QStringLiteral("week"));
    header->addWidget(m_numberLabel);
    header->addStretch(1);
    header->addWidget(week);
    layout->addLayout(header);
    layout->addSpacing(4);

    auto *title = new QLabel(m_title, this);
    title->setObjectName(QStringLiteral("title"));
    title->setTextFormat(Qt::PlainText);
    title->setWordWrap(true);
    title->setFont(theme::scaledFont(font(), 1.18, true));
    layout->addWidget(title);

    auto *id = new QLabel(phase.id, this);
    id->setObjectName(QStringLiteral("id"));
    id->setTextFormat(Qt::PlainText);
    id->setFont(theme::fixedFont(theme::scaledFont(font(), 0.9)));
    id->setTextInteractionFlags(Qt::TextSelectableByMouse);
    theme::makeMuted(id);
    layout->addWidget(id);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setTextFormat(Qt::RichText);
    m_status->setWordWrap(true);
    m_status->setVisible(false);
    layout->addWidget(m_status);
    layout->addSpacing(4);

    if (!phase.ramp.isEmpty())
        addSection(layout, this, QStringLiteral("Ramp"), {format::ramp(phase.ramp)}, false,
                   QStringLiteral("ramp"));

    QStringList flags;
    for (const core::FlagSetting &flag : phase.flags)
        flags << format::flagSetting(flag);
    addSection(layout, this, QStringLiteral("Sets flags"), flags, true, QStringLiteral("flags"));

    QStringList jobs;
    for (const core::JobSpec &job : phase.jobs)
        jobs << format::job(job);
    addSection(layout, this, QStringLiteral("Starts jobs"), jobs, false, QStringLiteral("jobs"));

    QStringList gates;
    for (const core::GateSpec &gate : phase.gates)
        gates << gate.describe();
    addSection(layout, this, QStringLiteral("Gates to leave"), gates, false,
               QStringLiteral("gates"), QStringLiteral("none: the last stop"));
    m_staticGates = findChild<QLabel *>(QStringLiteral("gates"));
    m_gateRows = new QWidget(this);
    m_gateRows->setObjectName(QStringLiteral("gateMarks"));
    new QVBoxLayout(m_gateRows);
    m_gateRows->layout()->setContentsMargins(0, 0, 0, 0);
    m_gateRows->layout()->setSpacing(2);
    m_gateRows->setVisible(false);
    layout->addWidget(m_gateRows);

    layout->addStretch(1);
    m_actionRow = new QHBoxLayout;
    m_actionRow->setSpacing(6);
    layout->addLayout(m_actionRow);
}

QSize PhaseCard::sizeHint() const
{
    return QSize(kWidth, layout()->heightForWidth(kWidth));
}

void PhaseCard::setCurrent(bool current)
{
    if (m_current == current)
        return;
    m_current = current;
    // The border, the band and the track's stop say "current"; the caption
    // only changes colour, so the header never runs out of room.
    m_numberLabel->setForegroundRole(current ? QPalette::Highlight : QPalette::PlaceholderText);
    setAccessibleDescription(current ? QStringLiteral("Current phase. ") + m_description
                                     : m_description);
    update();
}

namespace {

QString statusName(core::PhaseStatus status)
{
    switch (status) {
    case core::PhaseStatus::Pending: return QStringLiteral("pending");
    case core::PhaseStatus::Active: return QStringLiteral("active");
    case core::PhaseStatus::AwaitingConfirmation: return QStringLiteral("awaiting confirmation");
    case core::PhaseStatus::Complete: return QStringLiteral("complete");
    case core::PhaseStatus::RolledBack: return QStringLiteral("rolled back");
    }
    return {};
}

QString statusColor(core::PhaseStatus status)
{
    switch (status) {
    case core::PhaseStatus::Active: return QStringLiteral("#1f6feb");
    case core::PhaseStatus::AwaitingConfirmation: return QStringLiteral("#b3541e");
    case core::PhaseStatus::Complete: return QStringLiteral("#2e9e4f");
    case core::PhaseStatus::RolledBack: return QStringLiteral("#d03b2f");
    case core::PhaseStatus::Pending: break;
    }
    return QStringLiteral("#808080");
}

} // namespace

void PhaseCard::setRuntime(const core::PhaseView &view, const QList<core::GateResult> &gates)
{
    QStringList parts;
    parts << QStringLiteral("<span style='color:%1; font-weight:600'>%2</span>")
                 .arg(statusColor(view.status), statusName(view.status));
    if (!view.rampSteps.isEmpty() && view.status != core::PhaseStatus::Pending) {
        QStringList steps;
        for (int i = 0; i < view.rampSteps.size(); ++i) {
            const QString step = QString::number(view.rampSteps[i]);
            steps << (i == view.rampStep ? QStringLiteral("<b><u>%1</u></b>").arg(step) : step);
        }
        parts << QStringLiteral("%1 %2").arg(view.rampFlag.toHtmlEscaped(), steps.join(QStringLiteral(" → ")));
    }
    if (view.enteredAt.isValid()) {
        parts << QStringLiteral("%1 in phase").arg(formatDuration(view.secondsInPhase));
        if (m_timelineStart.isValid()) {
            const qint64 days = m_timelineStart.daysTo(view.enteredAt.toLocalTime().date());
            const int actualWeek = int(days >= 0 ? days / 7 + 1 : 0);
            if (view.plannedWeek > 0 && actualWeek > 0) {
                const QString weekText = QStringLiteral("week %1 (planned %2)").arg(actualWeek).arg(view.plannedWeek);
                parts << (actualWeek > view.plannedWeek
                              ? QStringLiteral("<span style='color:#b3541e'>%1</span>").arg(weekText)
                              : weekText);
            }
        }
    }
    m_status->setText(parts.join(QStringLiteral(" · ")));
    m_status->setVisible(true);

    // Gate marks for the current phase; the plan's list otherwise.
    while (QLayoutItem *item = m_gateRows->layout()->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_gateMarks.clear();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const core::GateResult &gate : gates) {
        auto *rowWidget = new QWidget(m_gateRows);
        rowWidget->setObjectName(QStringLiteral("gate:%1").arg(gate.index));
        auto *rowLayout = new QHBoxLayout(rowWidget);
        rowLayout->setContentsMargins(0, 0, 0, 0);
        rowLayout->setSpacing(6);
        auto *icon = new QLabel(rowWidget);
        icon->setPixmap(gateIcon(gate.passed, gate.manual).pixmap(14, 14));
        icon->setAlignment(Qt::AlignTop);
        auto *text = new QLabel(gate.name, rowWidget);
        text->setWordWrap(true);
        text->setTextFormat(Qt::PlainText);
        rowLayout->addWidget(icon);
        rowLayout->addWidget(text, 1);
        QStringList tip;
        tip << QStringLiteral("<b>%1</b>").arg(gate.name.toHtmlEscaped());
        if (gate.manual)
            tip << QStringLiteral("checklist item: ticked in the confirmation");
        else
            tip << QStringLiteral("measured <b>%1</b> — threshold %2")
                       .arg(gate.measured.toHtmlEscaped(), gate.threshold.toHtmlEscaped());
        if (gate.measuredAt.isValid())
            tip << QStringLiteral("measured %1").arg(formatAge(gate.measuredAt, now));
        if (!gate.detail.isEmpty())
            tip << gate.detail.toHtmlEscaped();
        rowWidget->setToolTip(tip.join(QStringLiteral("<br>")));
        m_gateRows->layout()->addWidget(rowWidget);
        m_gateMarks << gate.passed;
    }
    m_gateRows->setVisible(!gates.isEmpty());
    if (m_staticGates)
        m_staticGates->setVisible(gates.isEmpty());
    updateGeometry();
}

void PhaseCard::clearRuntime()
{
    m_status->clear();
    m_status->setVisible(false);
    while (QLayoutItem *item = m_gateRows->layout()->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_gateMarks.clear();
    m_gateRows->setVisible(false);
    if (m_staticGates)
        m_staticGates->setVisible(true);
    updateGeometry();
}

QString PhaseCard::statusText() const
{
    QTextDocument doc;
    doc.setHtml(m_status->text());
    return doc.toPlainText();
}

void PhaseCard::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette &pal = palette();
    const QRectF box = QRectF(rect()).adjusted(1, 1, -1, -1);

    QPainterPath path;
    path.addRoundedRect(box, kRadius, kRadius);
    p.fillPath(path, pal.color(QPalette::Base));

    QColor border = theme::mix(pal.color(QPalette::Base), pal.color(QPalette::Text), 0.22);
    qreal width = 1.0;
    if (m_current) {
        border = pal.color(QPalette::Highlight);
        width = 2.0;
    } else if (hasFocus()) {
        border = pal.color(QPalette::Highlight);
        border.setAlphaF(0.7);
        width = 1.5;
    }
    p.setPen(QPen(border, width));
    p.drawPath(path);

    if (m_current) {
        // A band along the top edge marks the phase in force.
        QPainterPath band;
        band.addRoundedRect(QRectF(box.left(), box.top(), box.width(), 6), 3, 3);
        p.fillPath(band, pal.color(QPalette::Highlight));
    }
}

void PhaseCard::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        emit clicked(m_number);
    QWidget::mousePressEvent(event);
}

void PhaseCard::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space || event->key() == Qt::Key_Return
        || event->key() == Qt::Key_Enter) {
        emit clicked(m_number);
        return;
    }
    QWidget::keyPressEvent(event);
}

void PhaseCard::focusInEvent(QFocusEvent *event)
{
    update();
    QWidget::focusInEvent(event);
}

void PhaseCard::focusOutEvent(QFocusEvent *event)
{
    update();
    QWidget::focusOutEvent(event);
}

} // namespace switchyard::ui
