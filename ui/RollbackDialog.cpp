#include "RollbackDialog.h"

#include "Theme.h"
#include "TransitionWidgets.h"

#include <QDialogButtonBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace switchyard::ui {

RollbackDialog::RollbackDialog(const core::TransitionRequest &request, const QString &operatorName,
                               QWidget *parent)
    : QDialog(parent)
    , m_request(request)
{
    setObjectName(QStringLiteral("rollbackDialog"));
    setWindowTitle(QStringLiteral("Roll back: %1").arg(request.title));
    setModal(true);

    auto *layout = new QVBoxLayout(this);
    addTransitionHeading(layout, request, QStringLiteral("This rollback is not possible now"), this);

    auto *effects = new QGroupBox(QStringLiteral("What will be reverted"), this);
    auto *effectsLayout = new QVBoxLayout(effects);
    effectsLayout->addWidget(transitionEffectsLabel(request, effects));
    layout->addWidget(effects);

    if (request.waitsForReverseSync) {
        auto *sync = new QGroupBox(QStringLiteral("Reverse sync (PostgreSQL \u2192 MySQL)"), this);
        sync->setObjectName(QStringLiteral("reverseSync"));
        auto *syncLayout = new QVBoxLayout(sync);
        auto *explain = new QLabel(
            QStringLiteral("Writes to MySQL are off, so changes made since then exist only in PostgreSQL. "
                           "Before writes to MySQL are turned back on, the engine waits until the reverse "
                           "sync has copied every one of them back (lag 0), publishes the flags, waits for "
                           "the applications to see them, and waits for lag 0 again. If the lag does not "
                           "reach 0 in time, the rollback is refused and nothing changes."),
            sync);
        explain->setWordWrap(true);
        syncLayout->addWidget(explain);
        m_lag = new QLabel(sync);
        m_lag->setObjectName(QStringLiteral("reverseLag"));
        m_lag->setFont(theme::scaledFont(font(), 1.1, true));
        syncLayout->addWidget(m_lag);
        layout->addWidget(sync);
    }

    m_form = new ConfirmationForm(request.confirmationPhrase, operatorName, this);
    layout->addWidget(m_form);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setVisible(false);
    layout->addWidget(m_status);

    m_blockers = new QLabel(this);
    m_blockers->setObjectName(QStringLiteral("blockers"));
    m_blockers->setWordWrap(true);
    theme::makeMuted(m_blockers);
    layout->addWidget(m_blockers);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_rollback = m_buttons->addButton(QStringLiteral("Roll back"), QDialogButtonBox::AcceptRole);
    m_rollback->setObjectName(QStringLiteral("rollbackButton"));
    m_rollback->setAutoDefault(false);
    m_rollback->setStyleSheet(QStringLiteral("QPushButton:enabled { background: #b3541e; color: white; font-weight: bold; }"));
    m_stopWaiting = m_buttons->addButton(QStringLiteral("Stop waiting"), QDialogButtonBox::ActionRole);
    m_stopWaiting->setObjectName(QStringLiteral("stopWaiting"));
    m_stopWaiting->setVisible(false);
    m_buttons->button(QDialogButtonBox::Cancel)->setAutoDefault(false);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (!blockers().isEmpty() || m_waiting)
            return;
        setWaiting(QStringLiteral("Rolling back\u2026"));
        emit confirmRequested(confirmation());
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &RollbackDialog::reject);
    connect(m_stopWaiting, &QPushButton::clicked, this, [this] {
        m_stopWaiting->setEnabled(false);
        m_status->setText(m_status->text() + QStringLiteral("\nStopping the wait\u2026"));
        emit stopWaitingRequested();
    });
    layout->addWidget(m_buttons);

    connect(m_form, &ConfirmationForm::changed, this, &RollbackDialog::updateState);
    setReverseLag(request.reverseLag);
    resize(680, sizeHint().height());
    updateState();
    m_form->phraseEdit()->setFocus();
}

QStringList RollbackDialog::blockers() const
{
    QStringList out;
    if (!m_request.allowed)
        out << QStringLiteral("This rollback is not possible now: %1").arg(m_request.refusal);
    if (!m_form->operatorGiven())
        out << QStringLiteral("Enter the operator's name.");
    if (!m_form->reasonGiven())
        out << QStringLiteral("Enter a reason.");
    if (!m_form->phraseMatches())
        out << QStringLiteral("Type the plan name exactly: %1").arg(m_request.confirmationPhrase);
    return out;
}

void RollbackDialog::updateState()
{
    const QStringList reasons = blockers();
    m_rollback->setEnabled(reasons.isEmpty() && !m_waiting);
    m_form->setEnabled(!m_waiting);
    m_blockers->setText(reasons.join(QLatin1Char('\n')));
    m_blockers->setVisible(!reasons.isEmpty() && !m_waiting);
    m_stopWaiting->setVisible(m_waiting);
    m_buttons->button(QDialogButtonBox::Cancel)->setEnabled(!m_waiting);
}

core::Confirmation RollbackDialog::confirmation() const
{
    core::Confirmation c;
    c.operatorName = m_form->operatorName();
    c.typedPhrase = m_form->typedPhrase();
    c.reason = m_form->reason();
    return c;
}

void RollbackDialog::setReverseLag(const std::optional<core::ReverseLag> &lag)
{
    if (!m_lag)
        return;
    if (!lag) {
        m_lag->setText(QStringLiteral("Reverse lag: not measured yet (change capture not installed?)"));
        return;
    }
    if (lag->pendingChanges == 0) {
        m_lag->setText(QStringLiteral("Reverse lag: 0 changes pending \u2014 MySQL is up to date"));
        m_lag->setStyleSheet(QStringLiteral("color: #2e9e4f;"));
    } else {
        m_lag->setText(QStringLiteral("Reverse lag: %1 change(s) pending, oldest %2 s")
                           .arg(lag->pendingChanges)
                           .arg(lag->oldestPendingSeconds, 0, 'f', 1));
        m_lag->setStyleSheet(QStringLiteral("color: #b3541e;"));
    }
}

void RollbackDialog::setWaiting(const QString &message)
{
    m_waiting = true;
    m_status->setStyleSheet(QString());
    m_status->setText(message);
    m_status->setVisible(true);
    m_stopWaiting->setEnabled(true);
    updateState();
}

void RollbackDialog::showOutcome(const core::TransitionOutcome &outcome)
{
    m_waiting = false;
    if (outcome.applied) {
        m_status->setText(QStringLiteral("Rolled back."));
        updateState();
        accept();
        return;
    }
    m_status->setStyleSheet(QStringLiteral("color: #d03b2f; font-weight: bold;"));
    m_status->setText(QStringLiteral("The engine refused the rollback: %1").arg(outcome.refusal));
    m_status->setVisible(true);
    updateState();
}

void RollbackDialog::reject()
{
    // While the engine works the dialog stays: closing it would hide the outcome.
    if (m_waiting)
        return;
    QDialog::reject();
}

} // namespace switchyard::ui
