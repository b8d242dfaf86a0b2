#pragma once
// SignOffDialog: the DBA's sign-off of a validation report — name, role, a
// statement, and "sign with exceptions". Knows the report's verdict: on a
// NOT READY report the exceptions box is ticked and locked (such a report is
// never signed as PASS), and OK stays disabled, with the reason shown, until
// ReportSignOff::refusal() has nothing to say (every field filled in).
//
// GUI thread only; no I/O.

#include "report/ReportVerdict.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace switchyard::ui {

class SignOffDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SignOffDialog(const core::ReportVerdict &verdict, QWidget *parent = nullptr);

    /// What was entered (at and keyFingerprint are left empty: the exporter fills them).
    core::ReportSignOff signOff() const;
    void setSignOff(const core::ReportSignOff &signOff);
    /// Why OK is disabled now; empty when it is enabled.
    QString problem() const;

private:
    void update();

    core::ReportVerdict m_verdict;
    QLineEdit *m_signer = nullptr;
    QLineEdit *m_role = nullptr;
    QPlainTextEdit *m_statement = nullptr;
    QCheckBox *m_exceptions = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace switchyard::ui
