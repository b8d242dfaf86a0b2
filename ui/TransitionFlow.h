#pragma once
// TransitionFlow: the operator's path through a phase transition, from the
// button to the engine's answer, so the main window only wires it up.
//
//   advance() → EngineController::requestAdvance() → GateConfirmationDialog
//             → (accepted) EngineController::confirm() → outcome
//   rollback() → requestRollback() → RollbackDialog → confirm() → outcome,
//             the dialog open meanwhile with the reverse lag and what the
//             engine waits for; "Stop waiting" abandons the wait.
// A refusal (stale state, wrong phrase, failing gate …) is shown with the
// engine's reason in a message box; an applied transition is announced with
// finished(). busyChanged() says when a request or confirmation is under
// way (the timeline disables its buttons meanwhile). The operator name
// typed last is remembered (user settings) and offered next time.
// GUI thread only; every engine call goes through the EngineController.

#include "engine/EngineTypes.h"

#include <QObject>
#include <QPointer>

class QWidget;

namespace switchyard::ui {

class EngineController;
class GateConfirmationDialog;
class RollbackDialog;

class TransitionFlow : public QObject
{
    Q_OBJECT
public:
    TransitionFlow(EngineController *controller, QWidget *dialogParent);

    bool isBusy() const { return m_busy; }
    /// The dialog open now, if any.
    GateConfirmationDialog *gateDialog() const;
    RollbackDialog *rollbackDialog() const;
    /// The operator name offered in the dialogs.
    QString operatorName() const;

public slots:
    void advance();
    void rollback();

signals:
    void busyChanged(bool busy);
    /// The engine applied (or refused) a transition; `summary` says which, for the status bar.
    void finished(const switchyard::core::TransitionOutcome &outcome, const QString &summary);

private:
    void setBusy(bool busy);
    void showRequest(const core::TransitionRequest &request);
    void showOutcome(const core::TransitionOutcome &outcome);
    void rememberOperator(const QString &name);

    EngineController *m_controller;
    QWidget *m_dialogParent;
    bool m_busy = false;
    bool m_expectingRequest = false;
    core::TransitionKind m_lastKind = core::TransitionKind::Start;
    QPointer<GateConfirmationDialog> m_gateDialog;
    QPointer<RollbackDialog> m_rollbackDialog;
};

} // namespace switchyard::ui
