#include "TransitionWidgets.h"

#include "Theme.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace switchyard::ui {

QIcon gateIcon(bool passed, bool manual)
{
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    QPen pen(Qt::white, 2.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    if (manual && !passed) {
        p.setPen(QPen(QColor(0xd9, 0x8c, 0x1f), 2.0));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(QRectF(2.5, 2.5, 11, 11), 2, 2);
        return QIcon(pixmap);
    }
    p.setPen(Qt::NoPen);
    p.setBrush(passed ? QColor(0x2e, 0x9e, 0x4f) : QColor(0xd0, 0x3b, 0x2f));
    p.drawEllipse(QRectF(1, 1, 14, 14));
    p.setPen(pen);
    if (passed) {
        p.drawPolyline(QPolygonF({QPointF(4.5, 8.2), QPointF(7, 10.8), QPointF(11.5, 5.5)}));
    } else {
        p.drawLine(QPointF(5, 5), QPointF(11, 11));
        p.drawLine(QPointF(11, 5), QPointF(5, 11));
    }
    return QIcon(pixmap);
}

QString formatDuration(qint64 seconds)
{
    if (seconds < 0)
        return {};
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    const qint64 minutes = seconds / 60;
    if (minutes < 60)
        return QStringLiteral("%1 min").arg(minutes);
    const qint64 hours = minutes / 60;
    if (hours < 48)
        return QStringLiteral("%1 h %2 min").arg(hours).arg(minutes % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 d %2 h").arg(hours / 24).arg(hours % 24);
}

QString formatAge(const QDateTime &at, const QDateTime &now)
{
    if (!at.isValid())
        return {};
    const qint64 seconds = at.secsTo(now);
    if (seconds < 5)
        return QStringLiteral("just now");
    return formatDuration(seconds) + QStringLiteral(" ago");
}

void addTransitionHeading(QVBoxLayout *layout, const core::TransitionRequest &request,
                          const QString &refusalLead, QWidget *parent)
{
    auto *title = new QLabel(request.title, parent);
    title->setObjectName(QStringLiteral("title"));
    title->setFont(theme::scaledFont(parent->font(), 1.3, true));
    title->setWordWrap(true);
    layout->addWidget(title);
    if (request.allowed)
        return;
    auto *refusal = new QLabel(QStringLiteral("%1: %2").arg(refusalLead, request.refusal), parent);
    refusal->setObjectName(QStringLiteral("refusal"));
    refusal->setWordWrap(true);
    refusal->setStyleSheet(QStringLiteral("color: #d03b2f; font-weight: bold;"));
    layout->addWidget(refusal);
}

QLabel *transitionEffectsLabel(const core::TransitionRequest &request, QWidget *parent)
{
    QStringList sections;
    QStringList flags;
    for (const core::FlagChange &change : request.flagChanges)
        flags << core::describeFlagChange(change);
    if (!flags.isEmpty())
        sections << QStringLiteral("<b>Flags that change</b>") + theme::bulletList(flags, true);
    if (!request.jobsToStart.isEmpty())
        sections << QStringLiteral("<b>Jobs that start</b>") + theme::bulletList(request.jobsToStart);
    if (!request.jobsToStop.isEmpty())
        sections << QStringLiteral("<b>Jobs that stop</b>") + theme::bulletList(request.jobsToStop);
    if (!request.note.isEmpty())
        sections << QStringLiteral("<b>Note</b><p>%1</p>").arg(request.note.toHtmlEscaped());
    if (sections.isEmpty())
        sections << QStringLiteral("<i>No flag changes and no jobs start or stop.</i>");
    auto *label = new QLabel(sections.join(QString()), parent);
    label->setObjectName(QStringLiteral("effects"));
    label->setTextFormat(Qt::RichText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    return label;
}

ConfirmationForm::ConfirmationForm(const QString &phrase, const QString &operatorName, QWidget *parent)
    : QWidget(parent)
    , m_phrase(phrase)
{
    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);

    m_operatorEdit = new QLineEdit(operatorName, this);
    m_operatorEdit->setObjectName(QStringLiteral("operatorName"));
    m_operatorEdit->setPlaceholderText(QStringLiteral("Who is confirming (kept in the audit log)"));
    form->addRow(QStringLiteral("&Operator:"), m_operatorEdit);

    m_reasonEdit = new QPlainTextEdit(this);
    m_reasonEdit->setObjectName(QStringLiteral("reason"));
    m_reasonEdit->setTabChangesFocus(true);
    m_reasonEdit->setPlaceholderText(QStringLiteral("Why now (kept forever with the evidence)"));
    m_reasonEdit->setFixedHeight(m_reasonEdit->fontMetrics().lineSpacing() * 3 + 12);
    form->addRow(QStringLiteral("&Reason:"), m_reasonEdit);

    m_phraseEdit = new QLineEdit(this);
    m_phraseEdit->setObjectName(QStringLiteral("confirmationPhrase"));
    m_phraseEdit->setPlaceholderText(phrase);
    m_phraseEdit->setFont(theme::fixedFont(m_phraseEdit->font()));
    m_phraseHint = new QLabel(
        QStringLiteral("Type <b><tt>%1</tt></b> to confirm.").arg(phrase.toHtmlEscaped()), this);
    m_phraseHint->setObjectName(QStringLiteral("phraseHint"));
    m_phraseHint->setTextInteractionFlags(Qt::NoTextInteraction); // copying it would defeat the point
    auto *phraseBox = new QVBoxLayout;
    phraseBox->setSpacing(2);
    phraseBox->addWidget(m_phraseHint);
    phraseBox->addWidget(m_phraseEdit);
    form->addRow(QStringLiteral("Plan name:"), phraseBox);

    connect(m_operatorEdit, &QLineEdit::textChanged, this, &ConfirmationForm::changed);
    connect(m_reasonEdit, &QPlainTextEdit::textChanged, this, &ConfirmationForm::changed);
    connect(m_phraseEdit, &QLineEdit::textChanged, this, &ConfirmationForm::changed);
}

QString ConfirmationForm::operatorName() const
{
    return m_operatorEdit->text().trimmed();
}

QString ConfirmationForm::reason() const
{
    return m_reasonEdit->toPlainText().trimmed();
}

QString ConfirmationForm::typedPhrase() const
{
    return m_phraseEdit->text();
}

bool ConfirmationForm::phraseMatches() const
{
    return !m_phrase.isEmpty() && m_phraseEdit->text() == m_phrase;
}

} // namespace switchyard::ui
