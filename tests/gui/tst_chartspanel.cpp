// ChartsPanel on a real control store: seeded samples become one line per
// store series with exactly the samples inside the chosen window (15 min,
// 1 h, all); a refresh adds only the samples newer than the last one shown
// (no duplicates); a chart without samples says so; and, against the
// sandbox, the shadow-read mismatch rate read from switchyard.shadow_stats
// on the target (ShadowStatsReader), including its pure rate arithmetic.
// Set SWITCHYARD_SCREENSHOT_DIR to keep a picture of the panel.

#include "GuiTestHelpers.h"
#include "TestSupport.h"
#include "flags/FlagTables.h"
#include "flags/ShadowStatsReader.h"
#include "panels/ChartsPanel.h"
#include "store/ControlStore.h"
#include "target/PgConnection.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QLineSeries>
#include <QTemporaryDir>

#include <cmath>

using namespace switchyard::core;
using namespace switchyard::ui;

namespace {

constexpr qint64 kMinute = 60 * 1000;

struct SeededStore
{
    QTemporaryDir dir;
    ControlStoreLocation location;
    Plan plan;
    qint64 run = 0;
    qint64 now = QDateTime::currentMSecsSinceEpoch();

    SeededStore()
    {
        location = ControlStoreLocation::sqlite(dir.filePath(QStringLiteral("control.sqlite")));
        plan.migration.name = QStringLiteral("charts");
        // A target nobody listens on: shadow statistics are then unavailable,
        // which must not stop the store's charts.
        plan.target.engine = ConnectionSettings::Engine::PostgreSQL;
        plan.target.host = QStringLiteral("127.0.0.1");
        plan.target.port = 1;
        plan.target.database = QStringLiteral("none");
        plan.target.user = QStringLiteral("none");
        ControlStore store = ControlStore::open(location);
        run = store.runs().ensureRun(QStringLiteral("charts"), QStringLiteral("/p.yaml"), QStringLiteral("x"));
    }

    void add(const QString &series, qint64 fromMs, int count, qint64 stepMs, double base)
    {
        QList<MetricSample> samples;
        for (int i = 0; i < count; ++i)
            samples << MetricSample{run, series, fromMs + i * stepMs, base + (i % 17), 0};
        ControlStore store = ControlStore::open(location);
        QCOMPARE(store.metrics().appendSamples(samples), count);
    }
};

int points(const ChartsPanel &panel, const QString &series)
{
    QLineSeries *s = panel.series(series);
    return s ? int(s->count()) : -1;
}

} // namespace

class TestChartsPanel : public QObject
{
    Q_OBJECT
private slots:
    void windowsAndIncrementalRefresh();
    void emptyStateSaysWhatToDo();
    void shadowRateArithmetic();
    void shadowRateFromTheTarget();
};

void TestChartsPanel::windowsAndIncrementalRefresh()
{
    SeededStore s;
    const QString users = QStringLiteral("backfill.rows_per_second:users");
    const QString orders = QStringLiteral("backfill.rows_per_second:orders");
    const QString validate = QStringLiteral("validate.rows_per_second:users");
    const QString open = QStringLiteral("mismatches.open:users");
    const QString lag = QStringLiteral("reverse_sync.lag_seconds");
    const QString pending = QStringLiteral("reverse_sync.lag_changes");
    // users: 300 samples in the last 10 min, 120 more 30-50 min ago, 60 two hours ago.
    s.add(users, s.now - 10 * kMinute, 300, 2000, 5000);
    s.add(users, s.now - 50 * kMinute, 120, 10000, 4000);
    s.add(users, s.now - 120 * kMinute, 60, 1000, 3000);
    s.add(orders, s.now - 5 * kMinute, 100, 3000, 800);
    s.add(validate, s.now - 8 * kMinute, 200, 2000, 20000);
    s.add(open, s.now - 8 * kMinute, 50, 9000, 3);
    s.add(lag, s.now - 4 * kMinute, 40, 6000, 1);
    s.add(pending, s.now - 4 * kMinute, 40, 6000, 10);
    s.add(QStringLiteral("backfill.rows_copied:users"), s.now - 10 * kMinute, 30, 1000, 1); // not charted

    ChartsPanel panel;
    panel.resize(1200, 800);
    panel.show();
    panel.setRefreshInterval(60000); // this test drives the refreshes
    QSignalSpy refreshed(&panel, &ChartsPanel::refreshed);
    panel.setSource(s.plan, s.location, s.run);
    QTRY_VERIFY(refreshed.count() >= 1);

    QCOMPARE(panel.window(), ChartsPanel::Window::Last15Minutes);
    QCOMPARE(points(panel, users), 300);
    QCOMPARE(points(panel, orders), 100);
    QCOMPARE(points(panel, validate), 200);
    QCOMPARE(points(panel, open), 50);
    QCOMPARE(points(panel, lag), 40);
    QCOMPARE(points(panel, pending), 40);
    QCOMPARE(points(panel, QStringLiteral("backfill.rows_copied:users")), -1);
    QVERIFY(!panel.isEmpty(ChartsPanel::BackfillThroughput));
    QVERIFY(!panel.isEmpty(ChartsPanel::ReverseSyncLag));
    QVERIFY(panel.isEmpty(ChartsPanel::ShadowMismatchRate)); // the target is unreachable
    QCOMPARE(panel.chartView(ChartsPanel::BackfillThroughput)->chart()->series().size(), 2);
    // Lines carry the table as their legend name; values as stored.
    QCOMPARE(panel.series(users)->name(), QStringLiteral("users"));
    QCOMPARE(panel.series(users)->at(0).y(), 5000.0);
    QCOMPARE(qint64(panel.series(users)->at(0).x()), s.now - 10 * kMinute);
    // The pending-changes line is on the right-hand axis.
    QCOMPARE(panel.series(pending)->attachedAxes().size(), 2);
    QVERIFY(panel.series(pending)->attachedAxes().at(1)->alignment() == Qt::AlignRight);
    switchyard::test::saveScreenshot(&panel, QStringLiteral("charts-panel"));


    // Incremental: only newer samples are fetched and appended.
    s.add(users, s.now + 1000, 7, 1000, 6000);
    s.add(orders, s.now + 500, 2, 1000, 900);
    const int before = int(refreshed.count());
    panel.refreshNow();
    QTRY_VERIFY(refreshed.count() > before);
    QCOMPARE(points(panel, users), 307);
    QCOMPARE(points(panel, orders), 102);
    QCOMPARE(points(panel, validate), 200); // nothing new: nothing added
    QCOMPARE(panel.series(users)->at(306).y(), 6000.0 + 6);
    const int again = int(refreshed.count());
    panel.refreshNow();
    QTRY_VERIFY(refreshed.count() > again);
    QCOMPARE(points(panel, users), 307); // no duplicates

    // Wider windows bring the older samples in.
    panel.setWindow(ChartsPanel::Window::LastHour);
    QTRY_COMPARE(points(panel, users), 307 + 120);
    panel.setWindow(ChartsPanel::Window::All);
    QTRY_COMPARE(points(panel, users), 307 + 120 + 60);
    QCOMPARE(panel.findChild<QComboBox *>()->currentIndex(), 2);
    // …and back: only the last 15 minutes again.
    panel.setWindow(ChartsPanel::Window::Last15Minutes);
    QTRY_COMPARE(points(panel, users), 307);

    // The timer refreshes by itself.
    panel.setRefreshInterval(100);
    s.add(users, s.now + 20000, 3, 1000, 7000);
    QTRY_COMPARE(points(panel, users), 310);
}

void TestChartsPanel::emptyStateSaysWhatToDo()
{
    SeededStore s;
    ChartsPanel panel;
    panel.resize(1000, 700);
    panel.show();
    QSignalSpy refreshed(&panel, &ChartsPanel::refreshed);
    panel.setSource(s.plan, s.location, s.run);
    QTRY_VERIFY(refreshed.count() >= 1);
    for (int f = 0; f < ChartsPanel::FamilyCount; ++f)
        QVERIFY(panel.isEmpty(ChartsPanel::Family(f)));
    QVERIFY(panel.emptyText(ChartsPanel::BackfillThroughput).contains(QStringLiteral("no samples yet — start a backfill")));
    QVERIFY(panel.statusText().contains(QStringLiteral("shadow statistics unavailable")));
    switchyard::test::saveScreenshot(&panel, QStringLiteral("charts-panel-empty"));
    // The first sample turns the chart on.
    s.add(QStringLiteral("backfill.rows_per_second:users"), s.now, 1, 1000, 10);
    panel.refreshNow();
    QTRY_VERIFY(!panel.isEmpty(ChartsPanel::BackfillThroughput));
    QVERIFY(panel.isEmpty(ChartsPanel::ValidationThroughput));
}

void TestChartsPanel::shadowRateArithmetic()
{
    const QList<ShadowStatsMinute> minutes = {
        {QStringLiteral("users"), 60000, 1000, 10},
        {QStringLiteral("orders"), 60000, 3000, 0},
        {QStringLiteral("users"), 120000, 0, 0}, // nothing compared: no sample
        {QStringLiteral("users"), 180000, 200, 200},
    };
    const QList<MetricSample> rate = ShadowStatsReader::rateSamples(4, minutes);
    QHash<QString, QList<QPair<qint64, double>>> by;
    for (const MetricSample &m : rate) {
        QCOMPARE(m.runId, qint64(4));
        QCOMPARE(m.resolutionMs, qint64(60000));
        by[m.series] << qMakePair(m.tsMs, m.value);
    }
    QCOMPARE(by.value(QStringLiteral("shadow.mismatch_rate:users")),
             (QList<QPair<qint64, double>>{{60000, 1.0}, {180000, 100.0}}));
    QCOMPARE(by.value(QStringLiteral("shadow.mismatch_rate:orders")), (QList<QPair<qint64, double>>{{60000, 0.0}}));
    QCOMPARE(by.value(QStringLiteral("shadow.mismatch_rate:all")),
             (QList<QPair<qint64, double>>{{60000, 0.25}, {180000, 100.0}}));
}

void TestChartsPanel::shadowRateFromTheTarget()
{
    SWITCHYARD_NEED_SANDBOX(sb);
    const QString db = QStringLiteral("sy_guipanels_shadow");
    PgConnection admin;
    admin.open(switchyard::test::pgSettings(sb, QStringLiteral("postgres")));
    admin.exec(QStringLiteral("DROP DATABASE IF EXISTS ") + db);
    admin.exec(QStringLiteral("CREATE DATABASE ") + db);
    PgConnection pg;
    pg.open(switchyard::test::pgSettings(sb, db));
    {
        // Before any application shadowed a read: no tables, no data, no error.
        ShadowStatsReader reader(pg);
        QVERIFY(reader.mismatchRate(1, 0, QDateTime::currentMSecsSinceEpoch()).isEmpty());
    }
    ensureTargetTables(pg);
    const qint64 minute = QDateTime::currentMSecsSinceEpoch() / kMinute * kMinute;
    for (int i = 0; i < 5; ++i) {
        pg.exec(QStringLiteral("INSERT INTO switchyard.shadow_stats VALUES ('users', to_timestamp(%1), %2, %3)")
                    .arg((minute - i * kMinute) / 1000)
                    .arg(1000)
                    .arg(i * 10));
    }
    pg.exec(QStringLiteral("INSERT INTO switchyard.shadow_stats VALUES ('users', to_timestamp(%1), 5, 5)")
                .arg((minute - 30 * kMinute) / 1000)); // outside 15 min

    SeededStore s;
    s.plan.target = switchyard::test::pgSettings(sb, db);
    ChartsPanel panel;
    panel.resize(1000, 700);
    panel.show();
    QSignalSpy refreshed(&panel, &ChartsPanel::refreshed);
    panel.setSource(s.plan, s.location, s.run);
    QTRY_VERIFY(refreshed.count() >= 1);
    const QString users = QStringLiteral("shadow.mismatch_rate:users");
    QTRY_COMPARE(points(panel, users), 5);
    QCOMPARE(points(panel, QStringLiteral("shadow.mismatch_rate:all")), 5);
    QVERIFY(!panel.isEmpty(ChartsPanel::ShadowMismatchRate));
    QLineSeries *line = panel.series(users);
    for (int i = 0; i < 5; ++i) {
        // Oldest first: minute - 4 … minute; i * 10 mismatches in 1000 reads.
        QCOMPARE(qint64(line->at(i).x()), minute - (4 - i) * kMinute);
        QVERIFY(std::abs(line->at(i).y() - (4 - i) * 1.0) < 1e-9);
    }
    panel.setWindow(ChartsPanel::Window::LastHour);
    QTRY_COMPARE(points(panel, users), 6);
    QVERIFY(!panel.statusText().contains(QStringLiteral("unavailable")));
    pg.close();
    admin.exec(QStringLiteral("DROP DATABASE IF EXISTS ") + db + QStringLiteral(" WITH (FORCE)"));
}

QTEST_MAIN(TestChartsPanel)
#include "tst_chartspanel.moc"
