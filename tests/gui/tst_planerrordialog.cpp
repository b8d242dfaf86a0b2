// PlanErrorDialog: every error listed with its position, the offending line
// shown with a caret under the column, nothing read from disk.

#include "GuiTestHelpers.h"

#include "PlanErrorDialog.h"

#include <QClipboard>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QtTest>

using namespace switchyard;

namespace {
core::PlanError error(int line, int column, const QString &message)
{
    core::PlanError e;
    e.where.file = QStringLiteral("/plans/p.yaml");
    e.where.line = line;
    e.where.column = column;
    e.message = message;
    return e;
}
} // namespace

class TestPlanErrorDialog : public QObject
{
    Q_OBJECT

private slots:
    void excerpt_data();
    void excerpt();
    void listsEveryError();
    void noExcerptBoxWithoutLines();
    void copiesErrorsInCompilerForm();
};

void TestPlanErrorDialog::excerpt_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("expected");

    QTest::newRow("caret under column") << QStringLiteral("  colour: blue") << 3 << 3
                                        << QStringLiteral(" 3 |   colour: blue\n   |   ^");
    QTest::newRow("first column") << QStringLiteral("gtaes:") << 12 << 1
                                  << QStringLiteral(" 12 | gtaes:\n    | ^");
    QTest::newRow("past the end clamps") << QStringLiteral("ab") << 5 << 40
                                         << QStringLiteral(" 5 | ab\n   |   ^");
    QTest::newRow("tab counts as one column") << QStringLiteral("\tx: 1") << 2 << 2
                                              << QStringLiteral(" 2 |  x: 1\n   |  ^");
    QTest::newRow("no column, no caret") << QStringLiteral("foo") << 7 << 0
                                         << QStringLiteral(" 7 | foo");
    QTest::newRow("no line") << QString() << 0 << 0 << QString();
}

void TestPlanErrorDialog::excerpt()
{
    QFETCH(QString, text);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, expected);
    QHash<int, QString> lines;
    if (line > 0)
        lines.insert(line, text);
    QCOMPARE(ui::PlanErrorDialog::excerptFor(error(line, column, QStringLiteral("m")), lines),
             expected);
    // A line the outcome does not carry gives no excerpt, never a wrong one.
    QCOMPARE(ui::PlanErrorDialog::excerptFor(error(line + 1, column, QStringLiteral("m")), lines),
             QString());
}

void TestPlanErrorDialog::listsEveryError()
{
    ui::PlanLoadOutcome outcome;
    outcome.path = QStringLiteral("/plans/p.yaml");
    outcome.result.errors = {error(3, 3, QStringLiteral("unknown key 'colour'")),
                             error(9, 0, QStringLiteral("expected a list")),
                             error(0, 0, QStringLiteral("the plan has no phases"))};
    outcome.errorLines.insert(3, QStringLiteral("  colour: blue"));
    ui::PlanErrorDialog dialog(outcome, true);
    QCOMPARE(dialog.filePath(), outcome.path);
    QCOMPARE(dialog.errorCount(), 3);
    QCOMPARE(dialog.errorText(0), QStringLiteral("line 3, column 3: unknown key 'colour'"));
    QCOMPARE(dialog.errorText(1), QStringLiteral("line 9: expected a list"));
    QCOMPARE(dialog.errorText(2), QStringLiteral("the plan has no phases"));
    QVERIFY(dialog.excerpt().contains(QStringLiteral("colour: blue")));
    dialog.selectError(1);
    QVERIFY(!dialog.excerpt().contains(QStringLiteral("colour")));
    dialog.selectError(0);
    QVERIFY(dialog.excerpt().endsWith(QLatin1Char('^')));
    dialog.show();
    QVERIFY(dialog.findChild<QPlainTextEdit *>(QStringLiteral("excerpt"))->isVisible());
    test::saveScreenshot(&dialog, QStringLiteral("plan-error-dialog-unit"));
}

void TestPlanErrorDialog::noExcerptBoxWithoutLines()
{
    ui::PlanLoadOutcome outcome;
    outcome.path = QStringLiteral("/plans/missing.yaml");
    outcome.result.errors = {error(0, 0, QStringLiteral("cannot open the file: No such file"))};
    ui::PlanErrorDialog dialog(outcome, false);
    dialog.show();
    QCOMPARE(dialog.errorCount(), 1);
    QVERIFY(!dialog.findChild<QPlainTextEdit *>(QStringLiteral("excerpt"))->isVisible());
    test::saveScreenshot(&dialog, QStringLiteral("plan-error-dialog-missing-file"));
}

void TestPlanErrorDialog::copiesErrorsInCompilerForm()
{
    ui::PlanLoadOutcome outcome;
    outcome.path = QStringLiteral("/plans/p.yaml");
    outcome.result.errors = {error(3, 3, QStringLiteral("unknown key 'colour'")),
                             error(4, 1, QStringLiteral("expected a date"))};
    ui::PlanErrorDialog dialog(outcome, false);
    auto *copy = dialog.findChild<QPushButton *>(QStringLiteral("copyErrors"));
    QVERIFY(copy);
    QApplication::clipboard()->clear();
    copy->click();
    const QString copied = QApplication::clipboard()->text();
    QCOMPARE(copied, outcome.result.errors[0].toString() + QLatin1Char('\n')
                         + outcome.result.errors[1].toString() + QLatin1Char('\n'));
}

QTEST_MAIN(TestPlanErrorDialog)
#include "tst_planerrordialog.moc"
