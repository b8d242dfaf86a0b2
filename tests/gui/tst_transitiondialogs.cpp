// The gate confirmation and rollback dialogs, fed with plain values: OK stays
// disabled until the plan name is typed exactly, the operator and a reason
// are given and every checklist item is ticked; a failing gate without an
// override blocks whatever is typed; an override needs the box AND a reason
// and makes the button say so; a refused rollback keeps its dialog open with
// the reason, an applied one closes it; the reverse lag is shown. Also the
// jobs panel's throttle scale, both ways.

#include "GateConfirmationDialog.h"
#include "JobsPanel.h"
#include "RollbackDialog.h"
#include "TransitionWidgets.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTreeWidget>
#include <QtTest>

using namespace switchyard;
using core::GateResult;
using core::TransitionRequest;

namespace {

const QString kPhrase = QStringLiteral("users-to-postgres");

GateResult gate(int index, bool passed, bool overridable = false, bool manual = false, const QString &name = {})
{
    GateResult g;
    g.index = index;
    g.kind = manual ? core::GateSpec::Kind::Manual : core::GateSpec::Kind::Soak;
    g.name = name.isEmpty() ? QStringLiteral("gate %1").arg(index) : name;
    g.passed = passed;
    g.overridable = overridable;
    g.manual = manual;
    g.measured = passed ? QStringLiteral("31 min") : QStringLiteral("4 min");
    g.threshold = QStringLiteral("\u2265 30 min");
    g.measuredAt = QDateTime::currentDateTimeUtc().addSecs(-120);
    g.detail = passed ? QString() : QStringLiteral("wait 26 more minutes");
    return g;
}

TransitionRequest request(const QList<GateResult> &gates)
{
    TransitionRequest r;
    r.kind = core::TransitionKind::NextPhase;
    r.title = QStringLiteral("Leave write-both \u2192 backfill");
    r.gates = gates;
    r.gatesPass = true;
    bool overridable = true;
    for (const GateResult &g : gates) {
        if (!g.passed && !g.manual) {
            r.gatesPass = false;
            overridable = overridable && g.overridable;
        }
        if (g.manual)
            r.manualItems << g.name;
    }
    r.overridePossible = !r.gatesPass && overridable;
    r.flagChanges = {{QStringLiteral("write_target"), false, true}};
    r.jobsToStart = {QStringLiteral("backfill users")};
    r.confirmationPhrase = kPhrase;
    return r;
}

void fill(ui::ConfirmationForm *form, const QString &op, const QString &reason, const QString &phrase)
{
    form->operatorEdit()->setText(op);
    form->reasonEdit()->setPlainText(reason);
    form->phraseEdit()->setText(phrase);
}

} // namespace

class TestTransitionDialogs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void okNeedsTheExactName_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<bool>("enabled");
        QTest::newRow("exact") << kPhrase << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("other case") << QStringLiteral("Users-to-postgres") << false;
        QTest::newRow("trailing space") << kPhrase + QLatin1Char(' ') << false;
        QTest::newRow("prefix") << QStringLiteral("users-to-post") << false;
        QTest::newRow("leading space") << QLatin1Char(' ') + kPhrase << false;
    }

    void okNeedsTheExactName()
    {
        QFETCH(QString, typed);
        QFETCH(bool, enabled);
        ui::GateConfirmationDialog dialog(request({gate(0, true)}), QStringLiteral("dana"));
        QVERIFY(!dialog.okButton()->isEnabled()); // nothing typed yet
        fill(dialog.form(), QStringLiteral("dana"), QStringLiteral("soak done"), typed);
        QCOMPARE(dialog.okButton()->isEnabled(), enabled);
        QCOMPARE(dialog.blockers().isEmpty(), enabled);
        if (enabled) {
            QSignalSpy accepted(&dialog, &QDialog::accepted);
            QTest::mouseClick(dialog.okButton(), Qt::LeftButton);
            QCOMPARE(accepted.count(), 1);
            const core::Confirmation c = dialog.confirmation();
            QCOMPARE(c.typedPhrase, kPhrase);
            QCOMPARE(c.operatorName, QStringLiteral("dana"));
            QCOMPARE(c.reason, QStringLiteral("soak done"));
            QVERIFY(!c.override);
        }
    }

    void operatorAndReasonAreRequired()
    {
        ui::GateConfirmationDialog dialog(request({gate(0, true)}), QString());
        fill(dialog.form(), QString(), QStringLiteral("why"), kPhrase);
        QVERIFY(!dialog.okButton()->isEnabled());
        fill(dialog.form(), QStringLiteral("dana"), QStringLiteral("   "), kPhrase);
        QVERIFY(!dialog.okButton()->isEnabled());
        fill(dialog.form(), QStringLiteral("dana"), QStringLiteral("why"), kPhrase);
        QVERIFY(dialog.okButton()->isEnabled());
    }

    void failingGateWithoutOverrideBlocks()
    {
        ui::GateConfirmationDialog dialog(request({gate(0, true), gate(1, false, false)}), QStringLiteral("dana"));
        fill(dialog.form(), QStringLiteral("dana"), QStringLiteral("we are sure"), kPhrase);
        QVERIFY(!dialog.okButton()->isEnabled());
        QVERIFY(dialog.overrideBox()->isHidden()); // no way around it
        dialog.overrideBox()->setChecked(true);     // even forced, nothing changes
        QVERIFY(!dialog.okButton()->isEnabled());
        QVERIFY(dialog.blockers().join(QLatin1Char(' ')).contains(QStringLiteral("no override")));
        // The failing gate is marked red with its figure and what to do.
        QTreeWidget *gates = dialog.gatesView();
        QCOMPARE(gates->topLevelItem(1)->data(0, Qt::UserRole).toBool(), false);
        QCOMPARE(gates->topLevelItem(1)->text(ui::GateConfirmationDialog::MeasuredColumn), QStringLiteral("4 min"));
        QVERIFY(gates->topLevelItem(2)->text(0).contains(QStringLiteral("wait 26 more minutes")));
    }

    void overrideNeedsTheBoxAndAReason()
    {
        ui::GateConfirmationDialog dialog(request({gate(0, false, true)}), QStringLiteral("dana"));
        QVERIFY(!dialog.overrideBox()->isHidden());
        fill(dialog.form(), QStringLiteral("dana"), QString(), kPhrase);
        QVERIFY(!dialog.okButton()->isEnabled()); // failing, not overridden
        dialog.overrideBox()->setChecked(true);
        QVERIFY(!dialog.okButton()->isEnabled()); // overridden without a reason
        QVERIFY(dialog.blockers().join(QLatin1Char(' ')).contains(QStringLiteral("override needs a reason")));
        dialog.form()->reasonEdit()->setPlainText(QStringLiteral("soak cut short: incident window"));
        QVERIFY(dialog.okButton()->isEnabled());
        QVERIFY(dialog.isOverriding());
        QCOMPARE(dialog.okButton()->text(), QStringLiteral("Override and advance"));
        QCOMPARE(dialog.property("overriding").toBool(), true);
        QVERIFY(dialog.confirmation().override);
        dialog.overrideBox()->setChecked(false);
        QVERIFY(!dialog.okButton()->isEnabled());
        QCOMPARE(dialog.okButton()->text(), QStringLiteral("Advance"));
    }

    void manualItemsMustBeTicked()
    {
        const QString item = QStringLiteral("Backup taken & restore tested");
        ui::GateConfirmationDialog dialog(request({gate(0, true), gate(1, false, false, true, item)}),
                                          QStringLiteral("dana"));
        fill(dialog.form(), QStringLiteral("dana"), QStringLiteral("ready"), kPhrase);
        QCOMPARE(dialog.manualBoxes().size(), 1);
        QVERIFY(!dialog.okButton()->isEnabled());
        dialog.manualBoxes().first()->setChecked(true);
        QVERIFY(dialog.okButton()->isEnabled());
        QCOMPARE(dialog.confirmation().checkedManualItems, QStringList{item});
    }

    void refusedRequestBlocks()
    {
        TransitionRequest r = request({});
        r.allowed = false;
        r.refusal = QStringLiteral("the run is complete");
        ui::GateConfirmationDialog dialog(r, QStringLiteral("dana"));
        fill(dialog.form(), QStringLiteral("dana"), QStringLiteral("x"), kPhrase);
        QVERIFY(!dialog.okButton()->isEnabled());
    }

    void rollbackDialogWaitsAndShowsTheOutcome()
    {
        TransitionRequest r = request({});
        r.kind = core::TransitionKind::Rollback;
        r.title = QStringLiteral("Roll back stop-writing-source");
        r.waitsForReverseSync = true;
        r.reverseLag = core::ReverseLag{12, 0.8, 100, QDateTime::currentDateTimeUtc()};
        ui::RollbackDialog dialog(r, QStringLiteral("dana"));
        QVERIFY(dialog.lagLabel());
        QVERIFY(dialog.lagLabel()->text().contains(QStringLiteral("12 change")));
        QVERIFY(!dialog.rollbackButton()->isEnabled());
        fill(dialog.form(), QStringLiteral("dana"), QStringLiteral("errors in PG"), kPhrase.toUpper());
        QVERIFY(!dialog.rollbackButton()->isEnabled());
        dialog.form()->phraseEdit()->setText(kPhrase);
        QVERIFY(dialog.rollbackButton()->isEnabled());

        QSignalSpy confirm(&dialog, &ui::RollbackDialog::confirmRequested);
        dialog.show();
        QTest::mouseClick(dialog.rollbackButton(), Qt::LeftButton);
        QCOMPARE(confirm.count(), 1);
        QVERIFY(dialog.isWaiting());
        QVERIFY(!dialog.rollbackButton()->isEnabled());
        dialog.setWaiting(QStringLiteral("reverse lag: 3 changes, 0.2 s"));
        QCOMPARE(dialog.statusLabel()->text(), QStringLiteral("reverse lag: 3 changes, 0.2 s"));
        dialog.reject(); // closing while the engine works is not possible
        QVERIFY(dialog.isVisible());

        core::TransitionOutcome refused;
        refused.refusal = QStringLiteral("reverse lag did not reach 0 within 120 s");
        dialog.showOutcome(refused);
        QVERIFY(dialog.isVisible());
        QVERIFY(dialog.statusLabel()->text().contains(refused.refusal));
        QVERIFY(dialog.rollbackButton()->isEnabled()); // try again

        dialog.setReverseLag(core::ReverseLag{0, 0, 112, QDateTime::currentDateTimeUtc()});
        QVERIFY(dialog.lagLabel()->text().contains(QStringLiteral("0 changes")));
        core::TransitionOutcome applied;
        applied.applied = true;
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        dialog.showOutcome(applied);
        QCOMPARE(accepted.count(), 1);
        QVERIFY(!dialog.isVisible());
    }

    void throttleScale_data()
    {
        QTest::addColumn<int>("slider");
        QTest::addColumn<double>("rows");
        QTest::newRow("unlimited") << 0 << 0.0;
        QTest::newRow("lowest") << 1 << 11.0;
        QTest::newRow("middle") << 50 << 1000.0;
        QTest::newRow("top") << 100 << 100000.0;
        QTest::newRow("75") << 75 << 10000.0;
    }

    void throttleScale()
    {
        QFETCH(int, slider);
        QFETCH(double, rows);
        QCOMPARE(ui::JobsPanel::throttleForSliderValue(slider), rows);
        QCOMPARE(ui::JobsPanel::sliderValueForThrottle(rows), slider);
    }

    void throttleScaleRoundTrips()
    {
        for (int v = 0; v <= 100; ++v)
            QCOMPARE(ui::JobsPanel::sliderValueForThrottle(ui::JobsPanel::throttleForSliderValue(v)), v);
        QCOMPARE(ui::JobsPanel::sliderValueForThrottle(5), 1);        // below the scale: its lowest step
        QCOMPARE(ui::JobsPanel::sliderValueForThrottle(1e9), 100);    // above: its top
    }

    void durations()
    {
        QCOMPARE(ui::formatDuration(40), QStringLiteral("40 s"));
        QCOMPARE(ui::formatDuration(12 * 60 + 5), QStringLiteral("12 min"));
        QCOMPARE(ui::formatDuration(2 * 3600 + 5 * 60), QStringLiteral("2 h 05 min"));
        QCOMPARE(ui::formatDuration(3 * 86400 + 3600), QStringLiteral("3 d 1 h"));
    }
};

QTEST_MAIN(TestTransitionDialogs)
#include "tst_transitiondialogs.moc"
