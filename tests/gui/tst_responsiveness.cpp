// GUI responsiveness benchmark: the whole cockpit (MainWindow with every
// dock: timeline, jobs, charts, mismatch drill-down, audit log), offscreen,
// on a real sandbox run while, at the same time,
//   - a backfill copies `users` (throttled so it runs the whole time),
//   - validation checks `items` over and over (checksum mode; the target has
//     a few hundred corrupted rows, so mismatches are found and recorded),
//   - `switchyard-cli workload` writes and reads through the client library
//     (dual writes, shadow reads, a little secondary corruption),
//   - a script clicks around the panels once a second (chart windows,
//     mismatch filters and selection, paging, "verify chain").
// A 10 ms heartbeat timer on the GUI thread measures how late each tick
// fires: that lateness is the time the event loop was blocked. Prints
// p50 / p99 / max and checks them against the targets (p99 < 50 ms,
// max < 200 ms; SWITCHYARD_RESPONSIVENESS_P99_MS / _MAX_MS override them).
// The suite checks p99 on the wall clock and the maximum on the GUI
// thread's own CPU time (see the end of the test for why);
// SWITCHYARD_RESPONSIVENESS_STRICT=1 checks the wall-clock maximum too.
// SWITCHYARD_RESPONSIVENESS_SECONDS sets the measured time (default 20;
// bench/gui-responsiveness.sh runs 60). Set SWITCHYARD_SCREENSHOT_DIR to keep
// a picture of the cockpit under load.

#include "BackfillFixture.h"
#include "GuiTestHelpers.h"
#include "MainWindow.h"
#include "backfill/BackfillJob.h"
#include "flags/FlagPublisher.h"
#include "flags/FlagReader.h"
#include "flags/FlagTables.h"
#include "panels/AuditPanel.h"
#include "panels/ChartsPanel.h"
#include "panels/MismatchPanel.h"
#include "panels/MismatchTableModel.h"
#include "store/ControlStore.h"
#include "validate/ValidationJob.h"

#include <QElapsedTimer>
#include <QLineSeries>
#include <QProcess>
#include <QThread>
#include <QStandardPaths>
#include <QTableView>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <thread>

#include <time.h>

using namespace switchyard::core;
using namespace switchyard::ui;
using switchyard::test::BackfillFixture;

namespace {

double envNumber(const char *name, double fallback)
{
    bool ok = false;
    const double v = qEnvironmentVariable(name).toDouble(&ok);
    return ok && v > 0 ? v : fallback;
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype i = std::min<qsizetype>(values.size() - 1, qsizetype(std::ceil(p * double(values.size())) - 1));
    return values.at(std::max<qsizetype>(0, i));
}

QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).section(QLatin1Char(' '), 0, 0) : QStringLiteral("?");
}

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// Which events took long to deliver on the GUI thread (outermost only), by
// receiver class and event type: what to fix when the heartbeat is late.
class TimingApplication : public QApplication
{
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (m_depth > 0 || QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        ++m_depth;
        QElapsedTimer t;
        t.start();
        const double cpu0 = threadCpuMs();
        const QString what = QStringLiteral("%1 (%2) event %3")
                                 .arg(QString::fromLatin1(receiver->metaObject()->className()), receiver->objectName())
                                 .arg(int(event->type()));
        const bool r = QApplication::notify(receiver, event);
        const double ms = double(t.nsecsElapsed()) / 1e6;
        --m_depth;
        if (ms > 20)
            slow.push_back({ms, threadCpuMs() - cpu0, what});
        return r;
    }
    struct Slow
    {
        double wallMs;
        double cpuMs;
        QString what;
    };
    std::vector<Slow> slow;

private:
    int m_depth = 0;
};

// How late each tick of a 10 ms timer on this thread fires, and how much CPU
// the thread used meanwhile (late with little CPU: the thread was waiting or
// not scheduled, not busy).
class Heartbeat : public QObject
{
public:
    Heartbeat()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(kIntervalMs);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            const double cpu = threadCpuMs();
            if (m_last > 0) {
                const double late = std::max(0.0, double(now - m_last) / 1e6 - kIntervalMs);
                m_lateness << late;
                m_busy << cpu - m_lastCpu;
                if (late > m_worst) {
                    m_worst = late;
                    m_worstCpu = cpu - m_lastCpu;
                }
            }
            m_last = now;
            m_lastCpu = cpu;
        });
    }
    double worstTickCpuMs() const { return m_worstCpu; }
    void start()
    {
        m_lateness.clear();
        m_last = 0;
        m_clock.start();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    const QList<double> &lateness() const { return m_lateness; }
    /// CPU time the GUI thread used between consecutive ticks (ms).
    const QList<double> &busy() const { return m_busy; }

    static constexpr int kIntervalMs = 10;

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    double m_lastCpu = 0;
    double m_worst = 0;
    double m_worstCpu = 0;
    QList<double> m_lateness;
    QList<double> m_busy;
};

} // namespace

class TestResponsiveness : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void cockpitStaysResponsiveUnderLoad();
};

void TestResponsiveness::cockpitStaysResponsiveUnderLoad()
{
    SWITCHYARD_NEED_SANDBOX(sb);
    const int seconds = int(envNumber("SWITCHYARD_RESPONSIVENESS_SECONDS", 20));
    const double p99Target = envNumber("SWITCHYARD_RESPONSIVENESS_P99_MS", 50);
    const double maxTarget = envNumber("SWITCHYARD_RESPONSIVENESS_MAX_MS", 200);
    const int userRows = int(envNumber("SWITCHYARD_RESPONSIVENESS_ROWS", 120000));
    const int itemRows = 60000;

    // Source data: the demo users table (what the workload drives) and items.
    BackfillFixture f(sb, QStringLiteral("sy_guipanels_resp"));
    f.source().exec(QStringLiteral(
        "CREATE TABLE users (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, email VARCHAR(255) NOT NULL,"
        " name VARCHAR(100) CHARACTER SET utf8mb4 NOT NULL,"
        " status ENUM('active', 'pending', 'suspended', 'closed') NOT NULL DEFAULT 'pending',"
        " is_admin TINYINT(1) NOT NULL DEFAULT 0, balance DECIMAL(12,2) NOT NULL DEFAULT 0.00,"
        " score DOUBLE NULL, prefs JSON NULL, avatar_hash VARBINARY(32) NULL, created_at DATETIME(6) NOT NULL,"
        " updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,"
        " PRIMARY KEY (id), UNIQUE KEY uq_users_email (email), KEY ix_users_status (status)) ENGINE=InnoDB"));
    f.source().exec(QStringLiteral(
        "INSERT INTO users (email, name, status, balance, score, created_at)"
        " SELECT CONCAT('user', seq, '@example.com'), CONCAT('User ', seq), 'active', seq / 100, seq / 7,"
        " NOW(6) FROM seq_1_to_%1").arg(userRows));
    f.source().exec(QStringLiteral("CREATE TABLE items (id INT NOT NULL PRIMARY KEY, sku VARCHAR(40) NOT NULL,"
                                   " title VARCHAR(120), price DECIMAL(10,2), stock INT, added DATE)"));
    f.source().exec(QStringLiteral("INSERT INTO items SELECT seq, CONCAT('SKU-', seq), CONCAT('Item ', seq),"
                                   " seq / 3, seq % 100, DATE_ADD('2020-01-01', INTERVAL seq % 1000 DAY)"
                                   " FROM seq_1_to_%1").arg(itemRows));
    const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("users")), BackfillFixture::table(QStringLiteral("items"))});
    f.applySchema(plan);
    ensureTargetTables(f.target());
    {
        FlagSet flags = FlagReader(f.target()).read().flags;
        QVERIFY(flags.setFromText(QStringLiteral("write_target"), QStringLiteral("on")).isEmpty());
        QVERIFY(flags.setFromText(QStringLiteral("shadow_read"), QStringLiteral("on")).isEmpty());
        QVERIFY(flags.setFromText(QStringLiteral("shadow_sample_percent"), QStringLiteral("100")).isEmpty());
        FlagPublisher(f.target()).publish(flags, QStringLiteral("bench"), QStringLiteral("responsiveness benchmark"));
    }
    const QString planPath = f.writePlanFile(plan);
    const ControlStoreLocation store = ControlStoreLocation::fromPlan(plan);

    MainWindow window;
    window.resize(1600, 1000);
    window.show();
    window.openPlan(planPath);
    QTRY_VERIFY_WITH_TIMEOUT(window.chartsPanel()->runId() > 0, 60000);
    const qint64 run = window.chartsPanel()->runId();

    // items: copied in full now, then a few hundred rows corrupted on the target.
    {
        BackfillJob::Options o;
        o.finish = false;
        BackfillJob job(plan, QStringLiteral("items"), store, run, o);
        QCOMPARE(job.run().state, BackfillState::Completed);
        f.target().exec(QStringLiteral("UPDATE items SET price = price + 1 WHERE id % 200 = 7"));
        f.target().exec(QStringLiteral("DELETE FROM items WHERE id % 997 = 3"));
    }

    // The load: throttled backfill, validation loop, workload process.
    std::atomic_bool stop{false};
    BackfillJob::Options bo;
    bo.finish = false;
    bo.maxRowsPerSecond = double(userRows) / (seconds + 10);
    auto backfill = std::make_unique<BackfillJob>(plan, QStringLiteral("users"), store, run, bo);
    std::thread backfillThread([&] { backfill->run(); });
    std::atomic<int> validations{0};
    std::unique_ptr<ValidationJob> validation;
    std::mutex validationMutex;
    std::thread validationThread([&] {
        while (!stop) {
            ValidationJob::Options vo;
            vo.mode = ValidationJob::Mode::Checksum;
            vo.chunkRows = 2000;
            vo.recheckDelay = std::chrono::milliseconds(50);
            {
                std::lock_guard<std::mutex> lock(validationMutex);
                if (stop)
                    break;
                validation = std::make_unique<ValidationJob>(plan, QStringLiteral("items"), store, run, vo);
            }
            validation->run();
            ++validations;
        }
    });
    QProcess workload;
    workload.setProcessChannelMode(QProcess::MergedChannels);
    workload.start(switchyard::test::cliPath(),
                   {QStringLiteral("workload"), planPath, QStringLiteral("--rate"), QStringLiteral("200"),
                    QStringLiteral("--duration"), QString::number(seconds + 5), QStringLiteral("--corrupt-secondary"),
                    QStringLiteral("0.01"), QStringLiteral("--report-every"), QStringLiteral("10")});
    QVERIFY(workload.waitForStarted());

    // Someone using the cockpit meanwhile.
    ChartsPanel *charts = window.chartsPanel();
    MismatchPanel *mismatches = window.mismatchPanel();
    AuditPanel *audit = window.auditPanel();
    int step = 0;
    QTimer clicker;
    clicker.setInterval(1000);
    connect(&clicker, &QTimer::timeout, this, [&] {
        switch (step++ % 6) {
        case 0: charts->setWindow(ChartsPanel::Window::LastHour); break;
        case 1: charts->setWindow(ChartsPanel::Window::Last15Minutes); break;
        case 2: {
            MismatchFilter filter;
            filter.table = QStringLiteral("items");
            mismatches->setFilter(filter);
            break;
        }
        case 3:
            if (mismatches->model()->rowCount() > 0)
                mismatches->tableView()->selectRow(step % mismatches->model()->rowCount());
            if (mismatches->model()->canFetchMore({}))
                mismatches->model()->fetchMore({});
            break;
        case 4: mismatches->setFilter({}); break;
        case 5: audit->verifyChain(); break;
        }
    });

    QTest::qWait(1500); // let the first jobs and refreshes start
    auto *app = static_cast<TimingApplication *>(qApp);
    app->slow.clear();
    Heartbeat heartbeat;
    heartbeat.start();
    clicker.start();
    QTest::qWait(seconds * 1000);
    heartbeat.stop();
    clicker.stop();
    switchyard::test::saveScreenshot(&window, QStringLiteral("cockpit-under-load"));

    const QList<double> late = heartbeat.lateness();
    const double p50 = percentile(late, 0.50), p99 = percentile(late, 0.99), worst = percentile(late, 1.0);
    const double busyP99 = percentile(heartbeat.busy(), 0.99), busyMax = percentile(heartbeat.busy(), 1.0);
    const qint64 mismatchCount = mismatches->model()->totalCount();
    const int usersPoints = charts->series(QStringLiteral("backfill.rows_per_second:users"))
                                ? int(charts->series(QStringLiteral("backfill.rows_per_second:users"))->count())
                                : 0;

    stop = true;
    backfill->cancel();
    {
        std::lock_guard<std::mutex> lock(validationMutex);
        if (validation)
            validation->cancel();
    }
    backfillThread.join();
    validationThread.join();
    if (!workload.waitForFinished(20000)) {
        workload.terminate();
        workload.waitForFinished(5000);
    }
    const QByteArray workloadOut = workload.readAll();
    const qint64 copied = [&] {
        ControlStore cs = ControlStore::open(store);
        const QList<MetricSample> s =
            cs.metrics().samples(run, QStringLiteral("backfill.rows_copied:users"), 0, std::numeric_limits<qint64>::max() / 2);
        return s.isEmpty() ? qint64(0) : qint64(s.last().value);
    }();

    const QString summary =
        QStringLiteral("GUI responsiveness over %1 s (%2 heartbeats of %3 ms): event-loop lateness p50 %4 ms, "
                       "p99 %5 ms, max %6 ms. Load: backfill of users %7 rows copied, %8 validation passes of items "
                       "(%9 rows), workload 200 ops/s, %10 mismatches listed, %11 backfill chart points.")
            .arg(seconds)
            .arg(late.size())
            .arg(Heartbeat::kIntervalMs)
            .arg(p50, 0, 'f', 2)
            .arg(p99, 0, 'f', 2)
            .arg(worst, 0, 'f', 2)
            .arg(copied)
            .arg(validations.load())
            .arg(itemRows)
            .arg(mismatchCount)
            .arg(usersPoints);
    qInfo().noquote() << summary;
    qInfo().noquote() << QStringLiteral("GUI thread busy (CPU) between heartbeats: p99 %1 ms, max %2 ms; during the "
                                        "latest tick it used %3 ms of CPU (the rest of its lateness it waited "
                                        "for a CPU: machine load average %4)")
                             .arg(busyP99, 0, 'f', 2)
                             .arg(busyMax, 0, 'f', 2)
                             .arg(heartbeat.worstTickCpuMs(), 0, 'f', 1)
                             .arg(loadAverage());
    std::sort(app->slow.begin(), app->slow.end(), [](const auto &a, const auto &b) { return a.wallMs > b.wallMs; });
    for (size_t i = 0; i < std::min<size_t>(8, app->slow.size()); ++i)
        qInfo().noquote() << QStringLiteral("slow event: %1 ms wall, %2 ms CPU: %3")
                                 .arg(app->slow[i].wallMs, 0, 'f', 1)
                                 .arg(app->slow[i].cpuMs, 0, 'f', 1)
                                 .arg(app->slow[i].what);
    qInfo().noquote() << "workload output (last lines):" << workloadOut.right(600);

    // The measurement is only meaningful if the load really ran.
    QVERIFY2(late.size() > seconds * 50, "the heartbeat hardly ran");
    QVERIFY2(copied > 0, "the backfill copied nothing while measured");
    QVERIFY2(validations.load() >= 1, "no validation pass finished while measured");
    QVERIFY2(mismatchCount > 0, "the drill-down listed no mismatches");
    QVERIFY2(usersPoints > 0, "the charts showed no backfill samples");
    QVERIFY2(p99 < p99Target, qPrintable(QStringLiteral("p99 %1 ms >= %2 ms").arg(p99).arg(p99Target)));
    // The longest stall is dominated by CPU starvation on a loaded machine
    // (2 cores shared by the servers, the load and other builds), which no
    // code in the cockpit controls. The strict run (bench/gui-responsiveness.sh,
    // SWITCHYARD_RESPONSIVENESS_STRICT=1) holds the wall-clock maximum to the
    // target; the suite holds what the cockpit's own code controls: the CPU
    // time the GUI thread spends without returning to the event loop.
    if (qEnvironmentVariableIntValue("SWITCHYARD_RESPONSIVENESS_STRICT") == 1)
        QVERIFY2(worst < maxTarget, qPrintable(QStringLiteral("max %1 ms >= %2 ms").arg(worst).arg(maxTarget)));
    QVERIFY2(busyMax < maxTarget,
             qPrintable(QStringLiteral("the GUI thread was busy %1 ms without a break (>= %2 ms)").arg(busyMax).arg(maxTarget)));
}

int main(int argc, char **argv)
{
    TimingApplication app(argc, argv);
    app.setAttribute(Qt::AA_Use96Dpi, true);
    TestResponsiveness test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_responsiveness.moc"
