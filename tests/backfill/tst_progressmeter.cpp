// ProgressMeter: windowed rate, ETA, and at most one sample per interval.

#include "backfill/ProgressMeter.h"

#include <QtTest>

using namespace switchyard::core;
using namespace std::chrono_literals;

class TestProgressMeter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rateOverTheWindow()
    {
        const auto t0 = ProgressMeter::Clock::now();
        ProgressMeter m(5s, 100ms);
        m.reset(t0);
        for (int i = 1; i <= 10; ++i)
            m.add(1000, t0 + i * 100ms); // 10,000 rows/s
        QCOMPARE(qRound(m.rate(t0 + 1s)), 10000);
        QCOMPARE(qRound(m.etaSeconds(50000, t0 + 1s)), 5);
        QCOMPARE(m.etaSeconds(0, t0 + 1s), 0.0);
    }

    void oldBatchesLeaveTheWindow()
    {
        const auto t0 = ProgressMeter::Clock::now();
        ProgressMeter m(2s, 100ms);
        m.reset(t0);
        m.add(100000, t0 + 100ms); // a fast burst long ago
        for (int i = 1; i <= 40; ++i)
            m.add(100, t0 + 10s + i * 100ms); // then 1,000 rows/s
        const double r = m.rate(t0 + 14s);
        QVERIFY2(r > 800 && r < 1300, qPrintable(QString::number(r)));
    }

    void unknownEtaWithoutRate()
    {
        ProgressMeter m;
        QCOMPARE(m.etaSeconds(10), -1.0);
    }

    void samplesAreThrottled()
    {
        const auto t0 = ProgressMeter::Clock::now();
        ProgressMeter m(5s, 100ms);
        QVERIFY(m.sampleDue(false, t0));
        QVERIFY(!m.sampleDue(false, t0 + 50ms));
        QVERIFY(m.sampleDue(true, t0 + 60ms)); // a state change always goes out
        QVERIFY(!m.sampleDue(false, t0 + 120ms));
        QVERIFY(m.sampleDue(false, t0 + 170ms));
        int sent = 0;
        for (int i = 0; i < 1000; ++i)
            sent += m.sampleDue(false, t0 + 1s + i * 1ms) ? 1 : 0;
        QVERIFY(sent <= 10);
    }
};

QTEST_GUILESS_MAIN(TestProgressMeter)
#include "tst_progressmeter.moc"
