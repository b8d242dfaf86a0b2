// BatchSizer: converges toward the target batch time, bounded steps and limits.

#include "backfill/BatchSizer.h"

#include <QtTest>

using namespace switchyard::core;

class TestBatchSizer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void growsWhenBatchesAreFast()
    {
        BatchSizer s({200, 50000, 1000, 0.5});
        s.record(1000, 0.05); // ideal 10000: at most doubles
        QCOMPARE(s.next(), 2000);
    }

    void shrinksWhenBatchesAreSlow()
    {
        BatchSizer s({200, 50000, 8000, 0.5});
        s.record(8000, 4.0); // ideal 1000: at most halves
        QCOMPARE(s.next(), 4000);
    }

    void convergesForASteadyRate()
    {
        BatchSizer s({100, 100000, 1000, 0.5});
        const double rowsPerSecond = 40000; // the ideal batch is 20000 rows
        for (int i = 0; i < 30; ++i)
            s.record(s.next(), s.next() / rowsPerSecond);
        QVERIFY2(qAbs(s.next() - 20000) < 500, qPrintable(QString::number(s.next())));
    }

    void staysWithinLimits()
    {
        BatchSizer s({500, 4000, 1000, 0.5});
        for (int i = 0; i < 10; ++i)
            s.record(s.next(), 0.0001);
        QCOMPARE(s.next(), 4000);
        for (int i = 0; i < 10; ++i)
            s.record(s.next(), 100.0);
        QCOMPARE(s.next(), 500);
    }

    void shortFinalBatchIsIgnored()
    {
        BatchSizer s({200, 50000, 1000, 0.5});
        s.record(10, 0.5); // fewer rows than asked: end of table
        QCOMPARE(s.next(), 1000);
    }

    void fixedNeverMoves()
    {
        BatchSizer s = BatchSizer::fixed(5000);
        s.record(5000, 0.001);
        s.shrink();
        QCOMPARE(s.next(), 5000);
    }

    void shrinkHalvesAfterAFailure()
    {
        BatchSizer s({200, 50000, 1000, 0.5});
        s.shrink();
        QCOMPARE(s.next(), 500);
        s.shrink();
        s.shrink();
        QCOMPARE(s.next(), 200);
    }
};

QTEST_GUILESS_MAIN(TestBatchSizer)
#include "tst_batchsizer.moc"
