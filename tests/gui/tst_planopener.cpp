// PlanOpener: loads off the GUI thread, reports only the latest request,
// and hands failed loads over with the lines their errors point at.

#include "GuiTestHelpers.h"
#include "TestSupport.h"

#include "PlanOpener.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QThreadPool>
#include <QtTest>

using namespace switchyard;

namespace {
constexpr int kTimeoutMs = 15000;

QString sample()
{
    return test::samplePlan(QStringLiteral("users-dual-write.yaml"));
}
} // namespace

class TestPlanOpener : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void loadsThePlanInTheBackground();
    void onlyTheLatestRequestIsReported_data();
    void onlyTheLatestRequestIsReported();
    void cancelDropsTheResult();
    void failedLoadCarriesTheOffendingLines();
    void binaryFileGivesPrintableExcerpts();
    void missingFileIsAnError();

private:
    void settle();
    QTemporaryDir m_tmp;
    QString m_broken;
};

void TestPlanOpener::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_broken = m_tmp.filePath(QStringLiteral("broken.yaml"));
    QVERIFY(test::writeFile(m_broken, "version: 1\nmigration:\n  colour: blue\n"));
}

// Lets every load still running finish and deliver (or drop) its result.
void TestPlanOpener::settle()
{
    QThreadPool::globalInstance()->waitForDone(kTimeoutMs);
    QTest::qWait(50);
    QCoreApplication::processEvents();
}

void TestPlanOpener::loadsThePlanInTheBackground()
{
    ui::PlanOpener opener;
    QSignalSpy loaded(&opener, &ui::PlanOpener::planLoaded);
    QSignalSpy started(&opener, &ui::PlanOpener::loadStarted);
    opener.open(sample());
    QCOMPARE(started.count(), 1);
    QVERIFY(opener.isLoading());
    QCOMPARE(opener.pendingPath(), QFileInfo(sample()).absoluteFilePath());
    QVERIFY(loaded.wait(kTimeoutMs));
    QVERIFY(!opener.isLoading());
    const auto plan = loaded.first().at(0).value<core::Plan>();
    const core::PlanLoadResult direct = core::PlanLoader::loadFile(sample());
    QVERIFY(direct.ok());
    QCOMPARE(plan.migration.name, direct.plan->migration.name);
    QCOMPARE(plan.phases.size(), direct.plan->phases.size());
    QCOMPARE(loaded.first().at(1).toString(), QFileInfo(sample()).absoluteFilePath());
}

void TestPlanOpener::onlyTheLatestRequestIsReported_data()
{
    QTest::addColumn<bool>("goodFirst");
    QTest::newRow("broken, then good") << false;
    QTest::newRow("good, then broken") << true;
}

void TestPlanOpener::onlyTheLatestRequestIsReported()
{
    QFETCH(bool, goodFirst);
    ui::PlanOpener opener;
    QSignalSpy loaded(&opener, &ui::PlanOpener::planLoaded);
    QSignalSpy failed(&opener, &ui::PlanOpener::loadFailed);
    // Both loads run; whichever finishes first, only the second may report.
    opener.open(goodFirst ? sample() : m_broken);
    opener.open(goodFirst ? m_broken : sample());
    settle();
    if (goodFirst) {
        QCOMPARE(loaded.count(), 0);
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.first().at(0).value<ui::PlanLoadOutcome>().path, m_broken);
    } else {
        QCOMPARE(failed.count(), 0);
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(loaded.first().at(1).toString(), QFileInfo(sample()).absoluteFilePath());
    }
    QVERIFY(!opener.isLoading());
}

void TestPlanOpener::cancelDropsTheResult()
{
    ui::PlanOpener opener;
    QSignalSpy loaded(&opener, &ui::PlanOpener::planLoaded);
    QSignalSpy failed(&opener, &ui::PlanOpener::loadFailed);
    opener.open(sample());
    opener.cancel();
    QVERIFY(!opener.isLoading());
    settle();
    QCOMPARE(loaded.count() + failed.count(), 0);
}

void TestPlanOpener::failedLoadCarriesTheOffendingLines()
{
    const ui::PlanLoadOutcome outcome = ui::PlanOpener::load(m_broken);
    QVERIFY(!outcome.result.ok());
    QVERIFY(!outcome.result.plan.has_value());
    QVERIFY(!outcome.result.errors.isEmpty());
    bool atLine3 = false;
    for (const core::PlanError &e : outcome.result.errors) {
        atLine3 = atLine3 || e.where.line == 3;
        if (e.where.line > 0)
            QVERIFY2(outcome.errorLines.contains(e.where.line), qPrintable(e.toString()));
    }
    QVERIFY(atLine3);
    QCOMPARE(outcome.errorLines.value(3), QStringLiteral("  colour: blue"));
}

void TestPlanOpener::binaryFileGivesPrintableExcerpts()
{
    QByteArray junk;
    for (int i = 0; i < 20000; ++i)
        junk.append(char((i * 37 + 11) % 256));
    const QString path = m_tmp.filePath(QStringLiteral("junk.yaml"));
    QVERIFY(test::writeFile(path, junk));
    const ui::PlanLoadOutcome outcome = ui::PlanOpener::load(path);
    QVERIFY(!outcome.result.ok());
    QVERIFY(!outcome.result.errors.isEmpty());
    for (const QString &line : outcome.errorLines) {
        QVERIFY(line.size() <= 401);
        for (QChar c : line)
            QVERIFY2(c.isPrint() || c == QLatin1Char('\t'), qPrintable(QString::number(c.unicode())));
    }
}

void TestPlanOpener::missingFileIsAnError()
{
    const QString path = m_tmp.filePath(QStringLiteral("nope/missing.yaml"));
    const ui::PlanLoadOutcome outcome = ui::PlanOpener::load(path);
    QVERIFY(!outcome.result.ok());
    QVERIFY(!outcome.result.errors.isEmpty());
    QVERIFY(!outcome.result.errors.first().message.isEmpty());
}

QTEST_MAIN(TestPlanOpener)
#include "tst_planopener.moc"
