// Bucketing: the test vectors of docs/flags.md (read from the document, so
// the published table and the code cannot drift apart), stickiness of a ramp,
// and a sane spread of entities over the buckets.

#include "TestSupport.h"
#include "flags/Bucketing.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRegularExpression>

using namespace switchyard::core;

namespace {

struct Vector
{
    QString flag;
    QString entity;
    int percent = 0;
    QString hex;
    int bucket = 0;
    bool in = false;
};

QList<Vector> readDocumentedVectors()
{
    QFile f(switchyard::test::sourceDir() + QStringLiteral("/docs/flags.md"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read docs/flags.md");
    const QString text = QString::fromUtf8(f.readAll());
    const qsizetype begin = text.indexOf(QStringLiteral("<!-- test-vectors:begin -->"));
    const qsizetype end = text.indexOf(QStringLiteral("<!-- test-vectors:end -->"));
    if (begin < 0 || end < begin)
        qFatal("docs/flags.md has no test-vectors block");
    static const QRegularExpression row(QStringLiteral(
        "^\\|\\s*`([^`]*)`\\s*\\|\\s*`([^`]*)`\\s*\\|\\s*(\\d+)\\s*\\|\\s*([0-9a-f]{16})\\s*\\|"
        "\\s*(\\d+)\\s*\\|\\s*(in|out)\\s*\\|$"));
    QList<Vector> out;
    for (const QString &line : text.mid(begin, end - begin).split(QLatin1Char('\n'))) {
        const auto m = row.match(line.trimmed());
        if (!m.hasMatch())
            continue;
        out << Vector{m.captured(1), m.captured(2), m.captured(3).toInt(), m.captured(4),
                      m.captured(5).toInt(), m.captured(6) == QLatin1String("in")};
    }
    return out;
}

} // namespace

class TestBucketing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void documentedVectors_data()
    {
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QString>("entity");
        QTest::addColumn<int>("percent");
        QTest::addColumn<QString>("hex");
        QTest::addColumn<int>("bucket");
        QTest::addColumn<bool>("in");
        const QList<Vector> vectors = readDocumentedVectors();
        // The table really was found and read (a parser that reads nothing
        // would make this test pass vacuously).
        QVERIFY(vectors.size() >= 20);
        for (const Vector &v : vectors)
            QTest::addRow("%s:%s@%d", qPrintable(v.flag), qPrintable(v.entity), v.percent)
                << v.flag << v.entity << v.percent << v.hex << v.bucket << v.in;
    }

    void documentedVectors()
    {
        QFETCH(QString, flag);
        QFETCH(QString, entity);
        QFETCH(int, percent);
        QFETCH(QString, hex);
        QFETCH(int, bucket);
        QFETCH(bool, in);
        const QByteArray h = QCryptographicHash::hash(flag.toUtf8() + ':' + entity.toUtf8(),
                                                      QCryptographicHash::Sha256);
        QCOMPARE(QString::fromLatin1(h.left(8).toHex()), hex);
        QCOMPARE(flagBucket(flag, entity), bucket);
        QCOMPARE(inRamp(flag, entity, percent), in);
        // The documented result follows from the documented bucket.
        QCOMPARE(bucket < percent * 100, in);
    }

    void stickyAcrossRamp()
    {
        const QList<int> steps{1, 10, 50, 100};
        int counts[4] = {0, 0, 0, 0};
        for (int id = 1; id <= 20000; ++id) {
            const QString e = QString::number(id);
            bool before = false;
            for (int i = 0; i < steps.size(); ++i) {
                const bool now = inRamp(QStringLiteral("read_percent"), e, steps.at(i));
                if (before && !now)
                    QFAIL(qPrintable(QStringLiteral("entity %1 left the ramp at %2%").arg(e).arg(steps.at(i))));
                before = now;
                counts[i] += now ? 1 : 0;
            }
        }
        // Roughly the right share at each step (20000 entities: ±1.5 points).
        QVERIFY2(qAbs(counts[0] - 200) < 100, qPrintable(QString::number(counts[0])));
        QVERIFY2(qAbs(counts[1] - 2000) < 300, qPrintable(QString::number(counts[1])));
        QVERIFY2(qAbs(counts[2] - 10000) < 300, qPrintable(QString::number(counts[2])));
        QCOMPARE(counts[3], 20000);
    }

    void edgesAndClamping()
    {
        for (int id = 0; id < 500; ++id) {
            const QString e = QString::number(id);
            QVERIFY(!inRamp(QStringLiteral("read_percent"), e, 0));
            QVERIFY(inRamp(QStringLiteral("read_percent"), e, 100));
            QVERIFY(!inRamp(QStringLiteral("read_percent"), e, -5));
            QVERIFY(inRamp(QStringLiteral("read_percent"), e, 250));
            const int b = flagBucket(QStringLiteral("read_percent"), e);
            QVERIFY(b >= 0 && b < 10000);
        }
    }

    void flagsHashIndependently()
    {
        // The 10% of one ramp is not the 10% of another: the overlap of two
        // independent 10% samples is about 1%, far from 10%.
        int both = 0;
        for (int id = 1; id <= 20000; ++id) {
            const QString e = QString::number(id);
            if (inRamp(QStringLiteral("read_percent"), e, 10) &&
                inRamp(QStringLiteral("shadow_sample_percent"), e, 10))
                ++both;
        }
        QVERIFY2(both > 100 && both < 400, qPrintable(QString::number(both)));
    }
};

QTEST_GUILESS_MAIN(TestBucketing)
#include "tst_bucketing.moc"
