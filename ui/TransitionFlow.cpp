#include "TransitionFlow.h"

#include "EngineController.h"
#include "GateConfirmationDialog.h"
#include "RollbackDialog.h"
#include "Settings.h"

#include <QMessageBox>
#include <QWidget>

namespace switchyard::ui {

namespace {
const QString kOperatorKey = QStringLiteral("transitions/operatorName");
} // namespace

TransitionFlow::TransitionFlow(EngineController *controller, QWidget *dialogParent)
    : QObject(dialogParent)
    , m_controller(controller)
    , m_dialogParent(dialogParent)
{
    connect(controller, &EngineController::transitionRequested, this, &TransitionFlow::showRequest);
    connect(controller, &EngineController::transitionFinished, this, &TransitionFlow::showOutcome);
    connect(controller, &EngineController::transitionProgress, this, [this](const QString &message) {
        if (RollbackDialog *dialog = m_rollbackDialog.data())
            dialog->setWaiting(message);
    });
    connect(controller, &EngineController::snapshotChanged, this, [this](const core::EngineSnapshot &snapshot) {
        RollbackDialog *dialog = m_rollbackDialog.data();
        if (dialog && !dialog->isWaiting())
            dialog->setReverseLag(snapshot.reverseLag);
    });
    connect(controller, &EngineController::engineError, this, [this](const QString &what, const QString &) {
        // A request that failed never arrives: give the buttons back.
        if (m_expectingRequest && (what.startsWith(QLatin1String("prepare"))))
            setBusy(false);
    });
}

GateConfirmationDialog *TransitionFlow::gateDialog() const
{
    return m_gateDialog.data();
}

RollbackDialog *TransitionFlow::rollbackDialog() const
{
    return m_rollbackDialog.data();
}

QString TransitionFlow::operatorName() const
{
    const QString saved = openSettings()->value(kOperatorKey).toString();
    return saved.isEmpty() ? m_controller->operatorName() : saved;
}

void TransitionFlow::rememberOperator(const QString &name)
{
    if (!name.isEmpty())
        openSettings()->setValue(kOperatorKey, name);
}

void TransitionFlow::setBusy(bool busy)
{
    if (!busy)
        m_expectingRequest = false;
    if (m_busy == busy)
        return;
    m_busy = busy;
    emit busyChanged(busy);
}

void TransitionFlow::advance()
{
    if (m_busy || !m_controller->isOpen())
        return;
    m_expectingRequest = true;
    setBusy(true);
    m_controller->requestAdvance();
}

void TransitionFlow::rollback()
{
    if (m_busy || !m_controller->isOpen())
        return;
    m_expectingRequest = true;
    setBusy(true);
    m_controller->requestRollback();
}

void TransitionFlow::showRequest(const core::TransitionRequest &request)
{
    if (!m_expectingRequest)
        return; // someone else's request (a test calling the controller directly)
    m_expectingRequest = false;
    m_lastKind = request.kind;
    if (request.kind == core::TransitionKind::Rollback) {
        auto *dialog = new RollbackDialog(request, operatorName(), m_dialogParent);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        m_rollbackDialog = dialog;
        connect(dialog, &RollbackDialog::confirmRequested, this, [this, dialog](const core::Confirmation &c) {
            rememberOperator(c.operatorName);
            m_controller->confirm(dialog->request(), c);
        });
        connect(dialog, &RollbackDialog::stopWaitingRequested, m_controller, &EngineController::stopWaiting);
        connect(dialog, &QDialog::rejected, this, [this] { setBusy(false); });
        dialog->open();
        return;
    }
    auto *dialog = new GateConfirmationDialog(request, operatorName(), m_dialogParent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_gateDialog = dialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const core::Confirmation c = dialog->confirmation();
        rememberOperator(c.operatorName);
        m_controller->confirm(dialog->request(), c);
    });
    connect(dialog, &QDialog::rejected, this, [this] { setBusy(false); });
    dialog->open();
}

void TransitionFlow::showOutcome(const core::TransitionOutcome &outcome)
{
    setBusy(false);
    const bool rollback = m_lastKind == core::TransitionKind::Rollback;
    if (RollbackDialog *dialog = m_rollbackDialog.data()) {
        dialog->showOutcome(outcome);
        if (!outcome.applied) {
            // The dialog shows the refusal and lets the operator try again.
            setBusy(true);
            emit finished(outcome, QStringLiteral("Rollback refused: %1").arg(outcome.refusal));
            return;
        }
    }
    QString summary;
    if (outcome.applied) {
        summary = rollback ? QStringLiteral("Rolled back") : QStringLiteral("Advanced");
        summary += QStringLiteral(" to phase %1, step %2").arg(outcome.state.phaseIndex + 1).arg(outcome.state.rampStep + 1);
        if (outcome.overridden)
            summary += QStringLiteral(" (gates overridden)");
    } else {
        summary = QStringLiteral("%1 refused: %2").arg(rollback ? QStringLiteral("Rollback") : QStringLiteral("Advance"),
                                                      outcome.refusal);
        auto *box = new QMessageBox(QMessageBox::Warning, QStringLiteral("Transition refused"),
                                    QStringLiteral("The engine did not make the transition."), QMessageBox::Ok,
                                    m_dialogParent);
        box->setObjectName(QStringLiteral("transitionRefused"));
        box->setInformativeText(outcome.refusal);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
    emit finished(outcome, summary);
}

} // namespace switchyard::ui
