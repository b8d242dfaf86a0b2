#include "report/SignOffDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace switchyard::ui {

SignOffDialog::SignOffDialog(const core::ReportVerdict &verdict, QWidget *parent)
    : QDialog(parent), m_verdict(verdict)
{
    setWindowTitle(tr("Sign off the validation report"));
    auto *layout = new QVBoxLayout(this);
    auto *verdictLabel = new QLabel(this);
    verdictLabel->setWordWrap(true);
    verdictLabel->setTextFormat(Qt::RichText);
    verdictLabel->setText(
        verdict.pass ? tr("<b style='color:#1e7b34'>Verdict: PASS</b> — every table fully checked, nothing open.")
                     : tr("<b style='color:#b3261e'>Verdict: NOT READY</b> — %1<br/>It can be signed only "
                          "<i>with exceptions</i>: say in the statement which ones you accept and why.")
                           .arg(verdict.reasons.value(0).toHtmlEscaped()));
    layout->addWidget(verdictLabel);

    auto *form = new QFormLayout;
    m_signer = new QLineEdit(this);
    m_signer->setObjectName(QStringLiteral("signer"));
    m_role = new QLineEdit(this);
    m_role->setObjectName(QStringLiteral("role"));
    m_role->setPlaceholderText(tr("e.g. Lead DBA"));
    m_statement = new QPlainTextEdit(this);
    m_statement->setObjectName(QStringLiteral("statement"));
    m_statement->setPlaceholderText(tr("What you approve, and any exception you accept"));
    m_statement->setMinimumHeight(90);
    m_exceptions = new QCheckBox(tr("Sign with exceptions"), this);
    m_exceptions->setObjectName(QStringLiteral("exceptions"));
    if (!verdict.pass) {
        m_exceptions->setChecked(true);
        m_exceptions->setEnabled(false);
    }
    form->addRow(tr("&Name:"), m_signer);
    form->addRow(tr("&Role:"), m_role);
    form->addRow(tr("&Statement:"), m_statement);
    form->addRow(QString(), m_exceptions);
    layout->addLayout(form);

    auto *keyNote = new QLabel(tr("The PDF's bytes will be signed with your Ed25519 key (created on first use in "
                                  "your configuration folder); its fingerprint is printed in the report."),
                               this);
    keyNote->setWordWrap(true);
    layout->addWidget(keyNote);
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("problem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #b3261e"));
    layout->addWidget(m_problem);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Preview signed report"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);

    connect(m_signer, &QLineEdit::textChanged, this, &SignOffDialog::update);
    connect(m_role, &QLineEdit::textChanged, this, &SignOffDialog::update);
    connect(m_statement, &QPlainTextEdit::textChanged, this, &SignOffDialog::update);
    connect(m_exceptions, &QCheckBox::toggled, this, &SignOffDialog::update);
    update();
    resize(520, sizeHint().height());
}

core::ReportSignOff SignOffDialog::signOff() const
{
    core::ReportSignOff s;
    s.signer = m_signer->text().trimmed();
    s.role = m_role->text().trimmed();
    s.statement = m_statement->toPlainText().trimmed();
    s.withExceptions = m_exceptions->isChecked();
    return s;
}

void SignOffDialog::setSignOff(const core::ReportSignOff &signOff)
{
    m_signer->setText(signOff.signer);
    m_role->setText(signOff.role);
    m_statement->setPlainText(signOff.statement);
    if (m_verdict.pass)
        m_exceptions->setChecked(signOff.withExceptions);
    update();
}

QString SignOffDialog::problem() const
{
    return signOff().refusal(m_verdict);
}

void SignOffDialog::update()
{
    const QString p = problem();
    m_problem->setText(p.isEmpty() ? QString() : tr("Cannot sign yet: %1").arg(p));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(p.isEmpty());
}

} // namespace switchyard::ui
