// Throttle: the limit holds on average, changes take effect while a caller
// is blocked, and a stop request ends a wait.

#include "backfill/Throttle.h"

#include <QElapsedTimer>
#include <QtConcurrent>
#include <QtTest>

#include <atomic>

using namespace switchyard::core;

class TestThrottle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void unlimitedNeverWaits()
    {
        Throttle t(0);
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 1000; ++i)
            QVERIFY(t.acquire(100000));
        QVERIFY(timer.elapsed() < 200);
    }

    void limitHoldsOnAverage()
    {
        // 2000 rows/s, 5000 rows in batches of 250: the first second's burst
        // is free, the remaining 3000 rows need about 1.5 s.
        Throttle t(2000);
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 20; ++i)
            QVERIFY(t.acquire(250));
        const qint64 ms = timer.elapsed();
        QVERIFY2(ms >= 1300, qPrintable(QString::number(ms)));
        QVERIFY2(ms < 4000, qPrintable(QString::number(ms)));
    }

    void raisingTheRateWakesAWaiter()
    {
        Throttle t(10);
        QVERIFY(t.acquire(10)); // empty the bucket
        QElapsedTimer timer;
        timer.start();
        auto waiter = QtConcurrent::run([&t] { return t.acquire(10); }); // ~1 s at 10 rows/s
        QThread::msleep(100);
        t.setRate(0); // unlimited
        QVERIFY(waiter.result());
        QVERIFY2(timer.elapsed() < 700, qPrintable(QString::number(timer.elapsed())));
    }

    void stopEndsAWait()
    {
        Throttle t(1);
        QVERIFY(t.acquire(1));
        std::atomic_bool stop{false};
        QElapsedTimer timer;
        timer.start();
        auto waiter = QtConcurrent::run([&] { return t.acquire(1000, [&] { return stop.load(); }); });
        QThread::msleep(100);
        stop = true;
        t.interrupt();
        QVERIFY(!waiter.result());
        QVERIFY(timer.elapsed() < 1000);
    }

    void batchLargerThanTheRateStillPassesAndAverages()
    {
        Throttle t(1000);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(t.acquire(3000)); // bucket full: passes, leaves a 2000-row debt
        QVERIFY(t.acquire(1000)); // waits for the debt and this batch: ~3 s
        QVERIFY2(timer.elapsed() >= 2500, qPrintable(QString::number(timer.elapsed())));
    }
};

QTEST_GUILESS_MAIN(TestThrottle)
#include "tst_throttle.moc"
