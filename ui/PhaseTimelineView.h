#pragma once
// PhaseTimelineView: the plan's phases in order, left to right, as cards
// hanging from a painted track (a stop per phase).
//
// A view of a Plan value; it owns nothing else. setCurrentPhase() marks the
// phase in force (the engine will drive it); phaseSelected() reports a click
// on a card. Scrolls horizontally when the phases do not fit.
// GUI thread only.

#include "plan/Plan.h"

#include <QList>
#include <QWidget>

class QLabel;
class QScrollArea;

namespace switchyard::ui {

class PhaseCard;
class PhaseTrack;

class PhaseTimelineView : public QWidget
{
    Q_OBJECT
public:
    explicit PhaseTimelineView(QWidget *parent = nullptr);

    /// Replaces the cards with the phases of `plan`; the current phase is reset.
    void setPlan(const core::Plan &plan);
    void clear();

    int phaseCount() const { return m_cards.size(); }
    /// Cards in plan order (index 0 = phase 1).
    const QList<PhaseCard *> &cards() const { return m_cards; }
    PhaseCard *card(int index) const;

    /// Highlights phase `index` (0-based) and scrolls it into view; -1 clears.
    void setCurrentPhase(int index);
    int currentPhase() const { return m_current; }

signals:
    /// The operator clicked (or pressed Space on) the card of phase `index` (0-based).
    void phaseSelected(int index);

private:
    QLabel *m_heading = nullptr;
    QLabel *m_summary = nullptr;
    QScrollArea *m_scroll = nullptr;
    PhaseTrack *m_track = nullptr;
    QList<PhaseCard *> m_cards;
    int m_current = -1;
};

} // namespace switchyard::ui
