#pragma once
// GateConfirmationDialog: a person's confirmation of a phase transition
// (start, next ramp step, next phase, finish), shown from the engine's
// TransitionRequest before anything changes.
//
// It shows: the title of the move; every gate with a green/red mark, the
// measured figure against its threshold, when it was measured and, for a
// failing gate, why and what to do; what the transition will do (the flags
// that change, the jobs that start and stop, the note); manual checklist
// gates as checkboxes; the operator's name, a reason, and a field where the
// plan's migration name must be typed.
//
// OK ("Advance") stays disabled until: the request is allowed; the operator
// and the reason are filled in; the typed name equals the confirmation
// phrase exactly (case and spaces included); every manual item is ticked;
// and every failing non-manual gate is either absent or overridden — which
// requires that every failing gate allows an override, the "Override failing
// gates" box is ticked, and a reason is given. An override turns the dialog's
// frame and button red and renames the button "Override and advance", so it
// cannot be mistaken for a normal advance. The engine checks all of this
// again in PhaseEngine::confirm(); the dialog only keeps a person from
// sending what would be refused. blockers() lists what still keeps OK
// disabled, in words (also shown under the buttons).
//
// Plain values in (TransitionRequest), a plain value out (confirmation()).
// GUI thread only; never talks to a database.

#include "engine/EngineTypes.h"

#include <QDialog>
#include <QList>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QPushButton;
class QTreeWidget;

namespace switchyard::ui {

class ConfirmationForm;

class GateConfirmationDialog : public QDialog
{
    Q_OBJECT
public:
    enum GateColumn { GateNameColumn, MeasuredColumn, ThresholdColumn, MeasuredAtColumn };

    GateConfirmationDialog(const core::TransitionRequest &request, const QString &operatorName,
                           QWidget *parent = nullptr);

    const core::TransitionRequest &request() const { return m_request; }
    /// What the operator entered (valid once accepted; readable any time).
    core::Confirmation confirmation() const;

    /// Why OK is still disabled, one line per reason; empty when it is enabled.
    QStringList blockers() const;
    bool isOverriding() const;

    QPushButton *okButton() const { return m_ok; }
    ConfirmationForm *form() const { return m_form; }
    QCheckBox *overrideBox() const { return m_override; }
    QList<QCheckBox *> manualBoxes() const { return m_manualBoxes; }
    QTreeWidget *gatesView() const { return m_gates; }

private:
    void updateState();
    QWidget *buildGates();
    QWidget *buildEffects();
    QWidget *buildManualItems();
    QList<core::GateResult> failingAutomaticGates() const;

    core::TransitionRequest m_request;
    QTreeWidget *m_gates = nullptr;
    QList<QCheckBox *> m_manualBoxes;
    ConfirmationForm *m_form = nullptr;
    QCheckBox *m_override = nullptr;
    QLabel *m_overrideWarning = nullptr;
    QLabel *m_blockers = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_ok = nullptr;
};

} // namespace switchyard::ui
