#pragma once
// AcceptMismatchDialog: asks who accepts a mismatch and why, before the
// drill-down marks it accepted (an audited decision: the reason and the name
// go into the mismatch record and the run's audit log). OK stays disabled
// until both are filled in. GUI thread only.

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace switchyard::ui {

class AcceptMismatchDialog : public QDialog
{
    Q_OBJECT
public:
    /// `what` describes the mismatch(es), e.g. "users key [42] (different: email)".
    AcceptMismatchDialog(const QString &what, const QString &operatorName, QWidget *parent = nullptr);

    QString operatorName() const;
    QString reason() const;
    void setOperatorName(const QString &name);
    void setReason(const QString &reason);
    bool canAccept() const;

    QLineEdit *operatorEdit() const { return m_operator; }
    QPlainTextEdit *reasonEdit() const { return m_reason; }

private:
    void updateButtons();

    QLineEdit *m_operator = nullptr;
    QPlainTextEdit *m_reason = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace switchyard::ui
