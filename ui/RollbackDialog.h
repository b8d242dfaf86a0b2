#pragma once
// RollbackDialog: a person's confirmation of a rollback, shown from the
// engine's TransitionRequest (TransitionKind::Rollback) before anything
// changes.
//
// It says what will be reverted — the flags that go back, the jobs that
// stop, the plan's rollback note (manual steps) — and asks for the
// operator's name, a reason and the plan's migration name typed exactly;
// "Roll back" stays disabled until all three are right and the request is
// allowed.
//
// Reverse sync. When the rollback turns writes to the source back on after
// they were off (request.waitsForReverseSync), the changes written only to
// PostgreSQL must first be copied back to MySQL. The dialog shows the
// reverse-sync lag (pending changes, age of the oldest) as it is measured
// (setReverseLag(), fed from the engine's snapshots) and explains that the
// engine waits for lag 0 before flipping the flag.
//
// The dialog stays open while the engine works: "Roll back" emits
// confirmRequested() and the dialog switches to a waiting state that shows
// what the engine is waiting for (setWaiting(), e.g. "reverse lag: 12
// changes, 0.8 s") with a button to stop waiting (stopWaitingRequested()).
// showOutcome() closes it when the rollback was applied, or shows the
// refusal and lets the operator try again. GUI thread only; plain values in
// and out, never a database.

#include "engine/EngineTypes.h"

#include <QDialog>

#include <optional>

class QDialogButtonBox;
class QLabel;
class QPushButton;

namespace switchyard::ui {

class ConfirmationForm;

class RollbackDialog : public QDialog
{
    Q_OBJECT
public:
    RollbackDialog(const core::TransitionRequest &request, const QString &operatorName,
                   QWidget *parent = nullptr);

    const core::TransitionRequest &request() const { return m_request; }
    core::Confirmation confirmation() const;
    /// Why "Roll back" is disabled, one line per reason; empty when enabled.
    QStringList blockers() const;
    bool isWaiting() const { return m_waiting; }

    QPushButton *rollbackButton() const { return m_rollback; }
    ConfirmationForm *form() const { return m_form; }
    QLabel *lagLabel() const { return m_lag; }
    QLabel *statusLabel() const { return m_status; }

public slots:
    void setReverseLag(const std::optional<core::ReverseLag> &lag);
    /// The engine is working on the rollback; `message` says on what.
    void setWaiting(const QString &message);
    /// The engine's answer: closes (accepted) when applied, else shows why not.
    void showOutcome(const core::TransitionOutcome &outcome);
    /// Cancel / Escape / the close button; ignored while the engine works.
    void reject() override;

signals:
    void confirmRequested(const core::Confirmation &confirmation);
    void stopWaitingRequested();

private:
    void updateState();

    core::TransitionRequest m_request;
    ConfirmationForm *m_form = nullptr;
    QLabel *m_lag = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_blockers = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_rollback = nullptr;
    QPushButton *m_stopWaiting = nullptr;
    bool m_waiting = false;
};

} // namespace switchyard::ui
