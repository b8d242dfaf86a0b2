#pragma once
// Pieces shared by the gate confirmation and rollback dialogs: the gate
// marks, the "what this will do" list, and the operator / reason / typed
// name form. Plain views of engine values; GUI thread only.

#include "engine/EngineTypes.h"

#include <QIcon>
#include <QWidget>

class QLabel;
class QLineEdit;
class QVBoxLayout;
class QPlainTextEdit;

namespace switchyard::ui {

/// A green tick, a red cross, or (manual gate not ticked yet) an amber square.
QIcon gateIcon(bool passed, bool manual = false);

/// "3 min ago" / "just now" / "" for a null time.
QString formatAge(const QDateTime &at, const QDateTime &now = QDateTime::currentDateTimeUtc());

/// "2 h 05 min", "12 min", "40 s".
QString formatDuration(qint64 seconds);

/// The request's title (objectName "title") and, when the engine refuses the
/// move, "<refusalLead>: <why>" in red (objectName "refusal"), added to `layout`.
void addTransitionHeading(QVBoxLayout *layout, const core::TransitionRequest &request,
                          const QString &refusalLead, QWidget *parent);

/// The flag changes, jobs to start and stop, and the note of a request as a
/// read-only rich-text label (objectName "effects").
QLabel *transitionEffectsLabel(const core::TransitionRequest &request, QWidget *parent = nullptr);

/// Operator name, reason, and the field where the confirmation phrase is
/// typed. changed() fires on every edit; isComplete() says whether all three
/// are acceptable (operator and reason not blank, phrase exactly equal).
class ConfirmationForm : public QWidget
{
    Q_OBJECT
public:
    ConfirmationForm(const QString &phrase, const QString &operatorName, QWidget *parent = nullptr);

    QString operatorName() const;
    QString reason() const;
    QString typedPhrase() const;
    QString phrase() const { return m_phrase; }

    bool operatorGiven() const { return !operatorName().isEmpty(); }
    bool reasonGiven() const { return !reason().isEmpty(); }
    /// Exact comparison: case, spaces and punctuation count.
    bool phraseMatches() const;

    QLineEdit *operatorEdit() const { return m_operatorEdit; }
    QPlainTextEdit *reasonEdit() const { return m_reasonEdit; }
    QLineEdit *phraseEdit() const { return m_phraseEdit; }

signals:
    void changed();

private:
    QString m_phrase;
    QLineEdit *m_operatorEdit = nullptr;
    QPlainTextEdit *m_reasonEdit = nullptr;
    QLineEdit *m_phraseEdit = nullptr;
    QLabel *m_phraseHint = nullptr;
};

} // namespace switchyard::ui
