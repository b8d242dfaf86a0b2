#include "PhaseCard.h"

#include "PlanFormat.h"
#include "Theme.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
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
