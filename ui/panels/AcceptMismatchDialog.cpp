#include "panels/AcceptMismatchDialog.h"

#include "Theme.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace switchyard::ui {

AcceptMismatchDialog::AcceptMismatchDialog(const QString &what, const QString &operatorName, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Accept mismatch"));
    auto *intro = theme::valueLabel(
        tr("Accepting says this difference is expected and will not be repaired. It stays in the "
           "validation report as an exception, with your name and reason, and is written to the "
           "audit log.\n\n%1").arg(what));
    m_operator = new QLineEdit(operatorName);
    m_operator->setPlaceholderText(tr("your name"));
    m_reason = new QPlainTextEdit;
    m_reason->setPlaceholderText(tr("why this difference is acceptable, e.g. \"legacy rows with "
                                    "trailing spaces, trimmed on purpose (ticket DBA-123)\""));
    m_reason->setTabChangesFocus(true);
    auto *form = new QFormLayout;
    form->addRow(tr("&Operator:"), m_operator);
    form->addRow(tr("&Reason:"), m_reason);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Accept mismatch"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_operator, &QLineEdit::textChanged, this, &AcceptMismatchDialog::updateButtons);
    connect(m_reason, &QPlainTextEdit::textChanged, this, &AcceptMismatchDialog::updateButtons);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_buttons);
    resize(520, 320);
    updateButtons();
    (operatorName.isEmpty() ? static_cast<QWidget *>(m_operator) : m_reason)->setFocus();
}

QString AcceptMismatchDialog::operatorName() const
{
    return m_operator->text().trimmed();
}

QString AcceptMismatchDialog::reason() const
{
    return m_reason->toPlainText().trimmed();
}

void AcceptMismatchDialog::setOperatorName(const QString &name)
{
    m_operator->setText(name);
}

void AcceptMismatchDialog::setReason(const QString &reason)
{
    m_reason->setPlainText(reason);
}

bool AcceptMismatchDialog::canAccept() const
{
    return !operatorName().isEmpty() && !reason().isEmpty();
}

void AcceptMismatchDialog::updateButtons()
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(canAccept());
}

} // namespace switchyard::ui
