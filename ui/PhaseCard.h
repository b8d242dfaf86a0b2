#pragma once
// PhaseCard: one phase of a plan as a card on the timeline.
//
// Shows the phase number, planned week, title, id, ramp steps, the flags it
// sets, the jobs it starts and the gates required to leave it; the tooltip
// carries the description and the rollback note. The card is a plain view of
// a PhaseSpec value: it never changes the plan and knows nothing about the
// engine. Object name "phase:<id>", accessible name = the phase title.
//
// With a run open, setRuntime() adds what the engine reports for the phase
// (EngineSnapshot's PhaseView): its status, the ramp step in force, time
// spent, planned week against the actual one, and — for the current phase —
// each gate with a pass/fail mark and its measured figure, threshold and time
// of measurement on hover. clearRuntime() goes back to the plan-only card.
// GUI thread only.

#include "engine/EngineTypes.h"
#include "plan/Plan.h"

#include <QWidget>

class QHBoxLayout;
class QLabel;

namespace switchyard::ui {

class PhaseCard : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kWidth = 288;

    /// `number` is 1-based, as the operator reads it.
    PhaseCard(int number, const core::PhaseSpec &phase, const QDate &timelineStart,
              QWidget *parent = nullptr);

    int number() const { return m_number; }
    QString phaseId() const { return m_phaseId; }
    QString title() const { return m_title; }

    bool isCurrent() const { return m_current; }
    void setCurrent(bool current);

    /// The engine's view of this phase; `gates` are the evaluated gates when
    /// this is the current phase (empty otherwise).
    void setRuntime(const core::PhaseView &view, const QList<core::GateResult> &gates);
    void clearRuntime();
    /// The status line ("active · step 2 of 4 · 12 min"), empty without a run.
    QString statusText() const;
    /// Gate marks shown (current phase only): true = passed.
    QList<bool> gateMarks() const { return m_gateMarks; }

    /// An empty row at the bottom of the card for phase actions; hidden until
    /// something is added to it.
    QHBoxLayout *actionRow() const { return m_actionRow; }

    // The card has a fixed width, so its height does not depend on the width
    // it is offered. Saying so keeps the timeline's scroll area scrolling
    // sideways instead of squeezing the cards into the viewport width.
    bool hasHeightForWidth() const override { return false; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

signals:
    void clicked(int number);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void focusInEvent(QFocusEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;

private:
    int m_number;
    QString m_phaseId;
    QString m_title;
    QString m_description;
    bool m_current = false;
    QLabel *m_numberLabel = nullptr;
    QDate m_timelineStart;
    QLabel *m_status = nullptr;
    QLabel *m_staticGates = nullptr;
    QWidget *m_gateRows = nullptr;
    QList<bool> m_gateMarks;
    QHBoxLayout *m_actionRow = nullptr;
};

} // namespace switchyard::ui
