#include "PhaseTimelineView.h"

#include "PhaseCard.h"
#include "Theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QTextDocument>
#include <QScrollArea>
#include <QScrollBar>
#include <QVBoxLayout>

namespace switchyard::ui {

// The strip that holds the cards and paints the track above them: a pair of
// rails with sleepers, and a numbered stop above each card.
class PhaseTrack : public QWidget
{
public:
    static constexpr int kTrackHeight = 58; // space above the cards
    static constexpr int kRailY = 26;       // centre line of the track
    static constexpr int kStopRadius = 15;

    explicit PhaseTrack(QWidget *parent)
        : QWidget(parent)
    {
        auto *outer = new QVBoxLayout(this);
        outer->setContentsMargins(20, kTrackHeight, 20, 20);
        m_row = new QHBoxLayout;
        m_row->setSpacing(22);
        outer->addLayout(m_row);
        outer->addStretch(1);
    }

    void setCards(const QList<PhaseCard *> &cards)
    {
        m_cards = cards;
        for (PhaseCard *card : cards)
            m_row->addWidget(card);
        m_row->addStretch(1);
        update();
    }

    void clearCards()
    {
        while (QLayoutItem *item = m_row->takeAt(0)) {
            delete item->widget();
            delete item;
        }
        m_cards.clear();
        update();
    }

    void setCurrent(int index)
    {
        m_current = index;
        update();
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        if (m_cards.isEmpty())
            return;
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        const QPalette &pal = palette();

        QList<int> stops;
        for (PhaseCard *card : m_cards)
            stops << card->geometry().center().x();
        const int first = stops.first() - card0Half();
        const int last = stops.last() + card0Half();

        // Sleepers, then two rails on top, so it reads as track at a glance.
        const QColor background = pal.color(QPalette::Window);
        const QColor ink = pal.color(QPalette::WindowText);
        const QColor sleeper = theme::mix(background, ink, 0.16);
        p.setPen(QPen(sleeper, 3, Qt::SolidLine, Qt::FlatCap));
        for (int x = first; x <= last; x += 14)
            p.drawLine(x, kRailY - 8, x, kRailY + 8);
        const QColor rail = theme::mix(background, ink, 0.45);
        p.setPen(QPen(rail, 2, Qt::SolidLine, Qt::FlatCap));
        p.drawLine(first, kRailY - 5, last, kRailY - 5);
        p.drawLine(first, kRailY + 5, last, kRailY + 5);

        QFont numberFont = theme::scaledFont(font(), 1.0, true);
        p.setFont(numberFont);
        for (int i = 0; i < stops.size(); ++i) {
            const bool current = i == m_current;
            const QRect stop(stops[i] - kStopRadius, kRailY - kStopRadius, 2 * kStopRadius,
                             2 * kStopRadius);
            // A short hanger from the stop down to its card.
            p.setPen(QPen(sleeper, 2));
            p.drawLine(stops[i], stop.bottom(), stops[i], kTrackHeight);

            p.setPen(QPen(current ? pal.color(QPalette::Highlight) : rail, 2));
            p.setBrush(current ? pal.color(QPalette::Highlight) : pal.color(QPalette::Base));
            p.drawEllipse(stop);
            p.setPen(current ? pal.color(QPalette::HighlightedText) : pal.color(QPalette::Text));
            p.drawText(stop, Qt::AlignCenter, QString::number(i + 1));
        }
    }

private:
    int card0Half() const { return m_cards.first()->width() / 2; }

    QHBoxLayout *m_row = nullptr;
    QList<PhaseCard *> m_cards;
    int m_current = -1;
};

PhaseTimelineView::PhaseTimelineView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("phaseTimeline"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto *header = new QWidget(this);
    auto *headerLayout = new QVBoxLayout(header);
    headerLayout->setContentsMargins(20, 16, 20, 0);
    headerLayout->setSpacing(2);
    m_heading = new QLabel(QStringLiteral("Phases"), header);
    m_heading->setFont(theme::scaledFont(font(), 1.3, true));
    m_summary = new QLabel(header);
    m_summary->setObjectName(QStringLiteral("timelineSummary"));
    theme::makeMuted(m_summary);
    auto *titleRow = new QHBoxLayout;
    titleRow->addWidget(m_heading);
    titleRow->addStretch(1);
    m_rollback = new QPushButton(QStringLiteral("Roll back\u2026"), header);
    m_rollback->setObjectName(QStringLiteral("rollbackButton"));
    m_rollback->setToolTip(QStringLiteral("Roll back one step (Ctrl+Shift+R): shows what will be reverted first"));
    m_advance = new QPushButton(QStringLiteral("Advance\u2026"), header);
    m_advance->setObjectName(QStringLiteral("advanceButton"));
    m_advance->setToolTip(QStringLiteral("Move to the next step or phase (Ctrl+Shift+A): shows the gates first"));
    m_advance->setDefault(false);
    titleRow->addWidget(m_rollback);
    titleRow->addWidget(m_advance);
    connect(m_advance, &QPushButton::clicked, this, &PhaseTimelineView::advanceRequested);
    connect(m_rollback, &QPushButton::clicked, this, &PhaseTimelineView::rollbackRequested);
    headerLayout->addLayout(titleRow);
    m_runState = new QLabel(header);
    m_runState->setObjectName(QStringLiteral("runState"));
    m_runState->setTextFormat(Qt::RichText);
    m_runState->setVisible(false);
    headerLayout->addWidget(m_runState);
    headerLayout->addWidget(m_summary);
    layout->addWidget(header);

    m_scroll = new QScrollArea(this);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_track = new PhaseTrack(m_scroll);
    m_track->setObjectName(QStringLiteral("phaseTrack"));
    m_scroll->setWidget(m_track);
    // The strip shares the window background (not the white of a view).
    m_scroll->viewport()->setBackgroundRole(QPalette::Window);
    m_track->setBackgroundRole(QPalette::Window);
    layout->addWidget(m_scroll, 1);
}

void PhaseTimelineView::setPlan(const core::Plan &plan)
{
    clear();
    int lastWeek = 0;
    for (int i = 0; i < plan.phases.size(); ++i) {
        auto *card = new PhaseCard(i + 1, plan.phases[i], plan.timelineStart, m_track);
        connect(card, &PhaseCard::clicked, this, [this](int number) { emit phaseSelected(number - 1); });
        m_cards << card;
        lastWeek = qMax(lastWeek, plan.phases[i].week);
    }
    m_track->setCards(m_cards);
    updateButtons();

    QString summary = m_cards.size() == 1 ? QStringLiteral("1 phase")
                                          : QStringLiteral("%1 phases").arg(m_cards.size());
    if (lastWeek > 0)
        summary += QStringLiteral(" over %1 weeks").arg(lastWeek);
    if (plan.timelineStart.isValid())
        summary += QStringLiteral(", week 1 starts %1").arg(plan.timelineStart.toString(Qt::ISODate));
    summary += QStringLiteral(". Hover a phase for its description and rollback note.");
    m_summary->setText(summary);
}

void PhaseTimelineView::setSnapshot(const core::EngineSnapshot &snapshot)
{
    m_hasSnapshot = true;
    m_canAdvance = snapshot.canAdvance;
    m_canRollback = snapshot.canRollback;
    const core::PhaseState &state = snapshot.state;
    const bool pending = state.status == core::PhaseStatus::Pending;
    bool runComplete = !pending && state.status == core::PhaseStatus::Complete
                       && state.phaseIndex >= m_cards.size() - 1 && !snapshot.canAdvance;
    for (int i = 0; i < m_cards.size() && i < snapshot.phases.size(); ++i) {
        const bool current = !pending && i == state.phaseIndex;
        m_cards[i]->setRuntime(snapshot.phases[i], current ? snapshot.gates : QList<core::GateResult>());
    }
    setCurrentPhase(pending ? -1 : state.phaseIndex);

    QString text;
    if (pending) {
        text = QStringLiteral("Run %1 <b>not started</b> \u2014 Start enters phase 1.").arg(snapshot.runId);
    } else if (runComplete) {
        text = QStringLiteral("Run %1 <b>complete</b>.").arg(snapshot.runId);
    } else if (state.phaseIndex >= 0 && state.phaseIndex < snapshot.phases.size()) {
        const core::PhaseView &phase = snapshot.phases[state.phaseIndex];
        int failing = 0;
        for (const core::GateResult &gate : snapshot.gates)
            failing += (gate.passed || gate.manual) ? 0 : 1;
        text = QStringLiteral("Run %1 \u00b7 <b>Phase %2 of %3: %4</b> \u00b7 %5")
                   .arg(snapshot.runId)
                   .arg(state.phaseIndex + 1)
                   .arg(snapshot.phases.size())
                   .arg(phase.title.toHtmlEscaped(), m_cards.value(state.phaseIndex)
                                                          ? m_cards[state.phaseIndex]->statusText().toHtmlEscaped()
                                                          : QString());
        if (!snapshot.gates.isEmpty())
            text += failing == 0 ? QStringLiteral(" \u00b7 <span style='color:#2e9e4f'>gates pass</span>")
                                 : QStringLiteral(" \u00b7 <span style='color:#d03b2f'>%1 gate(s) failing</span>").arg(failing);
    }
    m_runState->setText(text);
    m_runState->setVisible(true);
    m_advance->setText(pending ? QStringLiteral("Start\u2026") : QStringLiteral("Advance\u2026"));
    updateButtons();
}

void PhaseTimelineView::clearSnapshot()
{
    m_hasSnapshot = false;
    m_canAdvance = m_canRollback = false;
    for (PhaseCard *card : std::as_const(m_cards))
        card->clearRuntime();
    m_runState->clear();
    m_runState->setVisible(false);
    updateButtons();
}

void PhaseTimelineView::setBusy(bool busy)
{
    m_busy = busy;
    updateButtons();
}

void PhaseTimelineView::updateButtons()
{
    m_advance->setEnabled(m_hasSnapshot && !m_busy && m_canAdvance);
    m_rollback->setEnabled(m_hasSnapshot && !m_busy && m_canRollback);
    m_advance->setVisible(m_hasSnapshot || !m_cards.isEmpty());
    m_rollback->setVisible(m_hasSnapshot || !m_cards.isEmpty());
}

QString PhaseTimelineView::runSummary() const
{
    QTextDocument doc;
    doc.setHtml(m_runState->text());
    return doc.toPlainText();
}

void PhaseTimelineView::clear()
{
    m_current = -1;
    m_track->setCurrent(-1);
    m_track->clearCards();
    m_cards.clear();
    m_summary->clear();
    m_hasSnapshot = false;
    m_canAdvance = m_canRollback = false;
    m_runState->clear();
    m_runState->setVisible(false);
    updateButtons();
}

PhaseCard *PhaseTimelineView::card(int index) const
{
    return index >= 0 && index < m_cards.size() ? m_cards[index] : nullptr;
}

void PhaseTimelineView::setCurrentPhase(int index)
{
    if (index < -1 || index >= m_cards.size())
        index = -1;
    m_current = index;
    for (int i = 0; i < m_cards.size(); ++i)
        m_cards[i]->setCurrent(i == index);
    m_track->setCurrent(index);
    if (PhaseCard *c = card(index))
        m_scroll->ensureWidgetVisible(c, 40, 0);
}

} // namespace switchyard::ui
