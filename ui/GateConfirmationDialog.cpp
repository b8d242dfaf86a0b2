#include "GateConfirmationDialog.h"

#include "Theme.h"
#include "TransitionWidgets.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace switchyard::ui {

namespace {
const QString kOverrideStyle = QStringLiteral(
    "QDialog#gateConfirmation[overriding=\"true\"] { border: 3px solid #d03b2f; }"
    "QPushButton#confirmButton[overriding=\"true\"] { background: #d03b2f; color: white; font-weight: bold; }");
} // namespace

GateConfirmationDialog::GateConfirmationDialog(const core::TransitionRequest &request,
                                               const QString &operatorName, QWidget *parent)
    : QDialog(parent)
    , m_request(request)
{
    setObjectName(QStringLiteral("gateConfirmation"));
    setWindowTitle(QStringLiteral("Confirm: %1").arg(request.title));
    setStyleSheet(kOverrideStyle);
    setModal(true);

    auto *layout = new QVBoxLayout(this);
    addTransitionHeading(layout, request, QStringLiteral("This move is not possible now"), this);

    layout->addWidget(theme::caption(QStringLiteral("Gates"), this));
    layout->addWidget(buildGates());

    auto *effectsBox = new QGroupBox(QStringLiteral("What this will do"), this);
    auto *effectsLayout = new QVBoxLayout(effectsBox);
    effectsLayout->addWidget(buildEffects());
    layout->addWidget(effectsBox);

    if (!request.manualItems.isEmpty())
        layout->addWidget(buildManualItems());

    m_override = new QCheckBox(QStringLiteral("&Override failing gates (needs a reason; recorded as an override forever)"), this);
    m_override->setObjectName(QStringLiteral("overrideGates"));
    m_override->setVisible(!failingAutomaticGates().isEmpty() && request.overridePossible);
    m_override->setStyleSheet(QStringLiteral("QCheckBox { color: #d03b2f; font-weight: bold; }"));
    layout->addWidget(m_override);
    m_overrideWarning = new QLabel(this);
    m_overrideWarning->setObjectName(QStringLiteral("overrideWarning"));
    m_overrideWarning->setWordWrap(true);
    m_overrideWarning->setStyleSheet(QStringLiteral("background: #fbe3e1; color: #8a1f17; padding: 6px; border-radius: 4px;"));
    m_overrideWarning->setVisible(false);
    layout->addWidget(m_overrideWarning);

    m_form = new ConfirmationForm(request.confirmationPhrase, operatorName, this);
    layout->addWidget(m_form);

    m_blockers = new QLabel(this);
    m_blockers->setObjectName(QStringLiteral("blockers"));
    m_blockers->setWordWrap(true);
    theme::makeMuted(m_blockers);
    layout->addWidget(m_blockers);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_ok = m_buttons->addButton(QStringLiteral("Advance"), QDialogButtonBox::AcceptRole);
    m_ok->setObjectName(QStringLiteral("confirmButton"));
    m_ok->setDefault(false);
    m_ok->setAutoDefault(false); // Return in a field must not confirm
    m_buttons->button(QDialogButtonBox::Cancel)->setAutoDefault(false);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (blockers().isEmpty())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);

    connect(m_form, &ConfirmationForm::changed, this, &GateConfirmationDialog::updateState);
    connect(m_override, &QCheckBox::toggled, this, &GateConfirmationDialog::updateState);
    for (QCheckBox *box : std::as_const(m_manualBoxes))
        connect(box, &QCheckBox::toggled, this, &GateConfirmationDialog::updateState);

    resize(780, sizeHint().height());
    updateState();
    m_form->phraseEdit()->setFocus();
}

QWidget *GateConfirmationDialog::buildGates()
{
    m_gates = new QTreeWidget(this);
    m_gates->setObjectName(QStringLiteral("gates"));
    m_gates->setRootIsDecorated(false);
    m_gates->setColumnCount(4);
    m_gates->setHeaderLabels({QStringLiteral("Gate"), QStringLiteral("Measured"), QStringLiteral("Threshold"),
                              QStringLiteral("When")});
    m_gates->header()->setSectionResizeMode(GateNameColumn, QHeaderView::Stretch);
    m_gates->header()->setSectionResizeMode(MeasuredColumn, QHeaderView::ResizeToContents);
    m_gates->header()->setSectionResizeMode(ThresholdColumn, QHeaderView::ResizeToContents);
    m_gates->header()->setSectionResizeMode(MeasuredAtColumn, QHeaderView::ResizeToContents);
    m_gates->header()->setStretchLastSection(false);
    m_gates->setWordWrap(true);
    if (m_request.gates.isEmpty()) {
        auto *item = new QTreeWidgetItem(m_gates);
        item->setText(GateNameColumn, QStringLiteral("No gates: this move needs only your confirmation."));
        item->setDisabled(true);
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const core::GateResult &gate : m_request.gates) {
        auto *item = new QTreeWidgetItem(m_gates);
        item->setIcon(GateNameColumn, gateIcon(gate.passed, gate.manual));
        item->setText(GateNameColumn, gate.manual ? QStringLiteral("Checklist: ") + gate.name : gate.name);
        item->setText(MeasuredColumn, gate.manual ? QString() : gate.measured);
        item->setText(ThresholdColumn, gate.manual ? QString() : gate.threshold);
        item->setText(MeasuredAtColumn, formatAge(gate.measuredAt, now));
        item->setData(GateNameColumn, Qt::UserRole, gate.passed);
        QStringList tip;
        tip << QStringLiteral("<b>%1</b>").arg(gate.name.toHtmlEscaped());
        if (!gate.manual)
            tip << QStringLiteral("measured %1, threshold %2").arg(gate.measured.toHtmlEscaped(), gate.threshold.toHtmlEscaped());
        if (gate.measuredAt.isValid())
            tip << QStringLiteral("at %1").arg(QLocale().toString(gate.measuredAt.toLocalTime(), QLocale::ShortFormat));
        if (!gate.detail.isEmpty())
            tip << gate.detail.toHtmlEscaped();
        if (gate.where.isValid())
            tip << QStringLiteral("plan: %1").arg(gate.where.toString().toHtmlEscaped());
        for (int c = 0; c < m_gates->columnCount(); ++c)
            item->setToolTip(c, tip.join(QStringLiteral("<br>")));
        if (!gate.passed && !gate.manual) {
            auto *detail = new QTreeWidgetItem(m_gates);
            QString text = gate.detail.isEmpty() ? QStringLiteral("fails") : gate.detail;
            text += gate.overridable ? QStringLiteral(" \u2014 an override is allowed")
                                     : QStringLiteral(" \u2014 no override allowed");
            detail->setText(GateNameColumn, QStringLiteral("    ") + text);
            detail->setFirstColumnSpanned(true);
            detail->setForeground(GateNameColumn, QColor(0xd0, 0x3b, 0x2f));
            detail->setFlags(Qt::ItemIsEnabled);
        }
    }
    // As tall as its rows (within reason), so the dialog has no empty box.
    int rows = 0;
    for (int i = 0; i < m_gates->topLevelItemCount(); ++i)
        rows += m_gates->sizeHintForRow(0) > 0 ? m_gates->sizeHintForRow(0) : m_gates->fontMetrics().height() + 6;
    m_gates->setFixedHeight(qBound(90, m_gates->header()->sizeHint().height() + rows + 8, 320));
    return m_gates;
}

QWidget *GateConfirmationDialog::buildEffects()
{
    return transitionEffectsLabel(m_request, this);
}

QWidget *GateConfirmationDialog::buildManualItems()
{
    auto *box = new QGroupBox(QStringLiteral("Checklist (tick each item you have verified)"), this);
    box->setObjectName(QStringLiteral("checklist"));
    auto *layout = new QVBoxLayout(box);
    for (const QString &item : m_request.manualItems) {
        // "&" would become a mnemonic; the item's own text travels in a property.
        auto *check = new QCheckBox(QString(item).replace(QLatin1Char('&'), QStringLiteral("&&")), box);
        check->setObjectName(QStringLiteral("manual:") + item);
        check->setProperty("item", item);
        layout->addWidget(check);
        m_manualBoxes << check;
    }
    return box;
}

QList<core::GateResult> GateConfirmationDialog::failingAutomaticGates() const
{
    QList<core::GateResult> failing;
    for (const core::GateResult &gate : m_request.gates) {
        if (!gate.passed && !gate.manual)
            failing << gate;
    }
    return failing;
}

bool GateConfirmationDialog::isOverriding() const
{
    return m_override->isChecked() && m_request.overridePossible && !failingAutomaticGates().isEmpty();
}

QStringList GateConfirmationDialog::blockers() const
{
    QStringList out;
    if (!m_request.allowed)
        out << QStringLiteral("This move is not possible now: %1").arg(m_request.refusal);
    const QList<core::GateResult> failing = failingAutomaticGates();
    if (!failing.isEmpty()) {
        bool allOverridable = m_request.overridePossible;
        for (const core::GateResult &gate : failing)
            allOverridable = allOverridable && gate.overridable;
        if (!allOverridable) {
            QStringList names;
            for (const core::GateResult &gate : failing) {
                if (!gate.overridable)
                    names << gate.name;
            }
            out << QStringLiteral("A failing gate allows no override: %1.").arg(names.join(QStringLiteral("; ")));
        } else if (!m_override->isChecked()) {
            out << QStringLiteral("%1 failing gate(s): fix them, or tick \u201cOverride failing gates\u201d.").arg(failing.size());
        } else if (!m_form->reasonGiven()) {
            out << QStringLiteral("An override needs a reason.");
        }
    }
    int unticked = 0;
    for (QCheckBox *box : m_manualBoxes)
        unticked += box->isChecked() ? 0 : 1;
    if (unticked > 0)
        out << QStringLiteral("%1 checklist item(s) not ticked.").arg(unticked);
    if (!m_form->operatorGiven())
        out << QStringLiteral("Enter the operator's name.");
    if (!m_form->reasonGiven() && !(m_override->isChecked() && !failing.isEmpty()))
        out << QStringLiteral("Enter a reason.");
    if (!m_form->phraseMatches())
        out << QStringLiteral("Type the plan name exactly: %1").arg(m_request.confirmationPhrase);
    return out;
}

void GateConfirmationDialog::updateState()
{
    const bool overriding = isOverriding();
    setProperty("overriding", overriding);
    m_ok->setProperty("overriding", overriding);
    m_ok->setText(overriding ? QStringLiteral("Override and advance") : QStringLiteral("Advance"));
    if (overriding) {
        QStringList names;
        for (const core::GateResult &gate : failingAutomaticGates())
            names << gate.name;
        m_overrideWarning->setText(QStringLiteral("OVERRIDE: the transition will be made although these gates fail: %1. "
                                                  "It is recorded as an override with your name and reason.")
                                       .arg(names.join(QStringLiteral("; "))));
    }
    m_overrideWarning->setVisible(overriding);
    // Re-polish so the property-based style sheet applies.
    style()->unpolish(this);
    style()->polish(this);
    style()->unpolish(m_ok);
    style()->polish(m_ok);

    const QStringList reasons = blockers();
    m_ok->setEnabled(reasons.isEmpty());
    m_blockers->setText(reasons.join(QLatin1Char('\n')));
    m_blockers->setVisible(!reasons.isEmpty());
}

core::Confirmation GateConfirmationDialog::confirmation() const
{
    core::Confirmation c;
    c.operatorName = m_form->operatorName();
    c.typedPhrase = m_form->typedPhrase();
    c.reason = m_form->reason();
    c.override = isOverriding();
    for (QCheckBox *box : m_manualBoxes) {
        if (box->isChecked())
            c.checkedManualItems << box->property("item").toString();
    }
    return c;
}

} // namespace switchyard::ui
