#pragma once
// PhaseTimelineView: the plan's phases in order, left to right, as cards
// hanging from a painted track (a stop per phase).
//
// A view of a Plan value and, once a run is open, of the engine's snapshot:
// setSnapshot() marks the phase in force and its ramp step, shows each
// card's status, time spent and planned vs actual week, and the current
// phase's gates with pass/fail marks (figures on hover). The "Start" /
// "Advance…" and "Roll back…" buttons are enabled only when the snapshot
// says the engine allows that move (and no confirmation is in progress,
// setBusy()); they only emit advanceRequested() / rollbackRequested(). The
// view never calls the engine. phaseSelected() reports a click on a card.
// Scrolls horizontally when the phases do not fit. GUI thread only.

#include "engine/EngineTypes.h"
#include "plan/Plan.h"

#include <QList>
#include <QWidget>

class QLabel;
class QPushButton;
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

    /// Shows the engine's view of the run (see above).
    void setSnapshot(const core::EngineSnapshot &snapshot);
    /// Forgets the run: back to the plan-only timeline, buttons disabled.
    void clearSnapshot();
    /// While a transition is being prepared or confirmed, both buttons are disabled.
    void setBusy(bool busy);
    bool hasSnapshot() const { return m_hasSnapshot; }

    QPushButton *advanceButton() const { return m_advance; }
    QPushButton *rollbackButton() const { return m_rollback; }
    /// "Phase 2 of 5: Backfill · active · 12 min" (plain text), empty without a run.
    QString runSummary() const;

signals:
    void advanceRequested();
    void rollbackRequested();
    /// The operator clicked (or pressed Space on) the card of phase `index` (0-based).
    void phaseSelected(int index);

private:
    QLabel *m_heading = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_runState = nullptr;
    QPushButton *m_advance = nullptr;
    QPushButton *m_rollback = nullptr;
    bool m_hasSnapshot = false;
    bool m_busy = false;
    bool m_canAdvance = false;
    bool m_canRollback = false;
    void updateButtons();
    QScrollArea *m_scroll = nullptr;
    PhaseTrack *m_track = nullptr;
    QList<PhaseCard *> m_cards;
    int m_current = -1;
};

} // namespace switchyard::ui
