// ValueCodec::encodeCopy: the COPY text of every mapped type, and the policy
// outcomes (ok / converted / rejected) value by value.
#include "TypeTestValues.h"
#include "types/ValueCodec.h"

#include <QtTest>

using namespace switchyard::core;
using switchyard::test::makeValue;

namespace {

// "zero=null|sentinel|reject", "nul=strip", "enum=type", comma-separated.
TypePolicies policiesFrom(const QString &spec)
{
    TypePolicies p;
    for (const QString &item : spec.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (item == QLatin1String("zero=sentinel"))
            p.zeroDates = TypePolicies::ZeroDate::Sentinel;
        else if (item == QLatin1String("zero=reject"))
            p.zeroDates = TypePolicies::ZeroDate::Reject;
        else if (item == QLatin1String("nul=strip"))
            p.nulBytes = TypePolicies::NulBytes::Strip;
        else if (item == QLatin1String("enum=type"))
            p.enums = TypePolicies::EnumAs::EnumType;
    }
    return p;
}

ColumnMapping mappingFor(const QString &columnType, bool nullable, const TypePolicies &p,
                         const QString &overrideType)
{
    QList<SchemaWarning> w;
    ColumnOverride o;
    o.column = QStringLiteral("c");
    o.targetType = overrideType;
    return TypeMapper::mapColumn(SourceColumn::fromDefinition(QStringLiteral("c"), columnType, nullable), p,
                                 overrideType.isEmpty() ? nullptr : &o, QStringLiteral("t"), w);
}

} // namespace

class TstValueCodec : public QObject
{
    Q_OBJECT

private slots:
    void encodeCopy_data()
    {
        QTest::addColumn<QString>("columnType");
        QTest::addColumn<QString>("overrideType");
        QTest::addColumn<QString>("policies");
        QTest::addColumn<bool>("nullable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QByteArray>("copy");
        QTest::addColumn<QString>("status"); // ok | converted | rejected

        auto row = [](const char *name, const char *type, const char *value, const QByteArray &copy,
                      const char *status = "ok", const char *overrideType = "",
                      const char *policies = "", bool nullable = true) {
            QTest::newRow(name) << QString::fromUtf8(type) << QString::fromUtf8(overrideType)
                                << QString::fromUtf8(policies) << nullable << QString::fromUtf8(value)
                                << copy << QString::fromUtf8(status);
        };
        row("NULL is \\N", "int(11)", "null", "\\N");
        row("bool 0", "tinyint(1)", "i:0", "f");
        row("bool 1", "tinyint(1)", "i:1", "t");
        row("bool 2 rejected", "tinyint(1)", "i:2", "", "rejected");
        row("bool -1 rejected", "tinyint(1)", "i:-1", "", "rejected");
        row("bool from text protocol", "tinyint(1)", "s:1", "t");
        row("tinyint(1) as smallint keeps 2", "tinyint(1)", "i:2", "2", "ok", "smallint");
        row("tinyint min", "tinyint(4)", "i:-128", "-128");
        row("tinyint unsigned max", "tinyint(3) unsigned", "u:255", "255");
        row("int unsigned max", "int(10) unsigned", "u:4294967295", "4294967295");
        row("bigint min", "bigint(20)", "i:-9223372036854775808", "-9223372036854775808");
        row("bigint unsigned 2^63", "bigint(20) unsigned", "u:9223372036854775808", "9223372036854775808");
        row("bigint unsigned 2^64-1", "bigint(20) unsigned", "u:18446744073709551615", "18446744073709551615");
        row("int into smallint override overflows", "int(11)", "i:70000", "", "rejected", "smallint");
        row("int from text not a number", "int(11)", "s:12a", "", "rejected");
        row("decimal(65,30)", "decimal(65,30)",
            "s:12345678901234567890123456789012345.123456789012345678901234567890",
            "12345678901234567890123456789012345.123456789012345678901234567890");
        row("decimal negative", "decimal(5,2)", "s:-0.10", "-0.10");
        row("decimal garbage", "decimal(5,2)", "s:1,5", "", "rejected");
        row("float 0.1", "float", "f:0.1", "0.1");
        row("float 1e-40 subnormal", "float", "f:1e-40", "1e-40");
        row("double 0.1", "double", "d:0.1", "0.1");
        row("double -0.0", "double", "d:-0.0", "-0");
        row("double 1e300", "double", "d:1e300", "1e+300");
        row("double 2^63", "double", "d:9223372036854775808", "9223372036854775808");
        row("double NaN", "double", "d:nan", "NaN");
        row("decimal → double override", "decimal(10,2)", "s:0.10", "0.1", "ok", "double precision");
        row("bit(1) 1", "bit(1)", "x:01", "t");
        row("bit(1) 0", "bit(1)", "x:00", "f");
        row("bit(10)", "bit(10)", "x:0205", "1000000101");
        row("bit(64) all ones", "bit(64)", "x:ffffffffffffffff", QByteArray(64, '1'));
        row("char", "char(3)", "s:ab", "ab");
        row("text escapes", "varchar(20)", "s:a\\b\tc\nd\re", "a\\\\b\\tc\\nd\\re");
        row("emoji", "varchar(20)", "s:x😀y", "x😀y");
        row("empty string is not NULL", "varchar(20)", "s:", "");
        row("string NULL is text", "varchar(20)", "s:NULL", "NULL");
        row("NUL rejected", "varchar(20)", "s:a\\0b", "", "rejected");
        row("NUL stripped", "varchar(20)", "s:a\\0b", "ab", "converted", "", "nul=strip");
        row("invalid UTF-8", "text", "x:61ff62", "", "rejected");
        row("overlong UTF-8", "text", "x:c0af", "", "rejected");
        row("surrogate in UTF-8", "text", "x:eda080", "", "rejected");
        row("bytes", "varbinary(8)", "x:00ff10", "\\\\x00ff10");
        row("empty bytes", "blob", "x:", "\\\\x");
        row("binary padding kept", "binary(4)", "x:61000000", "\\\\x61000000");
        row("geometry as bytea", "point", "x:000000000101000000000000000000f03f000000000000f03f",
            "\\\\x000000000101000000000000000000f03f000000000000f03f");
        row("date", "date", "dt:2020-01-02", "2020-01-02");
        row("date min", "date", "dt:1000-01-01", "1000-01-01");
        row("zero date → NULL", "date", "dt:0000-00-00", "\\N", "converted");
        row("zero-in-date → NULL", "date", "s:2020-00-15", "\\N", "converted");
        row("Feb 30 → NULL", "date", "dt:2020-02-30", "\\N", "converted");
        row("zero date NOT NULL", "date", "dt:0000-00-00", "", "rejected", "", "", false);
        row("zero date sentinel", "date", "dt:0000-00-00", "0001-01-01", "converted", "", "zero=sentinel", false);
        row("zero date reject", "date", "dt:0000-00-00", "", "rejected", "", "zero=reject");
        row("zero datetime sentinel", "datetime", "dt:0000-00-00 00:00:00", "0001-01-01 00:00:00", "converted",
            "", "zero=sentinel");
        row("datetime(6)", "datetime(6)", "dt:2020-01-02 03:04:05.000001", "2020-01-02 03:04:05.000001");
        row("datetime whole second", "datetime(6)", "dt:2020-01-02 03:04:05", "2020-01-02 03:04:05");
        row("timestamp UTC", "timestamp(6)", "dt:2021-03-28 01:30:00.5", "2021-03-28 01:30:00.500000+00");
        row("zero timestamp", "timestamp", "dt:0000-00-00 00:00:00", "\\N", "converted");
        row("datetime → timestamptz override", "datetime", "dt:2020-01-02 03:04:05", "2020-01-02 03:04:05+00",
            "ok", "timestamptz");
        row("time", "time(6)", "tm:12:34:56.5", "12:34:56.500000");
        row("time 24:00", "time", "tm:24:00:00", "24:00:00");
        row("time negative rejected", "time", "tm:-01:00:00", "", "rejected");
        row("time 838h rejected", "time", "tm:838:59:59", "", "rejected");
        row("time as interval", "time", "tm:-838:59:59", "-838:59:59", "ok", "interval");
        row("time from text", "time", "s:01:02:03", "01:02:03");
        row("year", "year(4)", "i:2155", "2155");
        row("year 0", "year(4)", "i:0", "0");
        row("enum", "enum('a','b c')", "s:b c", "b c");
        row("enum '' rejected", "enum('a','b')", "s:", "", "rejected");
        row("enum '' as a label", "enum('','a')", "s:", "");
        row("enum '' kept with text override", "enum('a','b')", "s:", "", "ok", "text");
        row("enum type", "enum('a','b')", "s:b", "b", "ok", "", "enum=type");
        row("set", "set('a','b c','d\"e')", "s:a,b c", "{\"a\",\"b c\"}");
        row("empty set", "set('a')", "s:", "{}");
        row("set quote", "set('a','d\"e','x\\\\y')", "s:d\"e,x\\y", "{\"d\\\\\"e\",\"x\\\\\\\\y\"}");
        row("json", "json", "s:{\"a\": 1}", "{\"a\": 1}");
        row("json newline escaped", "json", "s:{\"a\":\n1}", "{\"a\":\\n1}");
        row("json \\u0000 rejected", "json", "s:{\"a\":\"x\\u0000\"}", "", "rejected");
        row("json \\u0000 kept as json", "json", "s:{\"a\":\"x\\u0000\"}", "{\"a\":\"x\\\\u0000\"}",
            "ok", "json");
    }

    void encodeCopy()
    {
        QFETCH(QString, columnType);
        QFETCH(QString, overrideType);
        QFETCH(QString, policies);
        QFETCH(bool, nullable);
        QFETCH(QString, value);
        QFETCH(QByteArray, copy);
        QFETCH(QString, status);

        const TypePolicies p = policiesFrom(policies);
        const ColumnMapping m = mappingFor(columnType, nullable, p, overrideType);
        const ValueCodec codec(m, p);
        const auto v = makeValue(value);
        QByteArray out("prefix|");
        const CodecResult r = codec.encodeCopy(v.value, out);
        const QString actualStatus = r.status == CodecResult::Status::Ok ? QStringLiteral("ok")
            : r.status == CodecResult::Status::Converted                 ? QStringLiteral("converted")
                                                                         : QStringLiteral("rejected");
        QVERIFY2(actualStatus == status, qPrintable(QStringLiteral("%1 (%2)").arg(actualStatus, r.reason)));
        QCOMPARE(out, QByteArray("prefix|") + copy);
        QCOMPARE(r.reason.isEmpty(), status == QLatin1String("ok"));
    }

    void rejectReasonsSayWhatToDo()
    {
        const TypePolicies p;
        const ColumnMapping m = mappingFor(QStringLiteral("tinyint(1)"), true, p, QString());
        QByteArray out;
        const CodecResult r = ValueCodec(m, p).encodeCopy(SourceValue::fromInt(2), out);
        QVERIFY(r.isRejected());
        QVERIFY2(r.reason.contains(QStringLiteral("smallint")), qPrintable(r.reason));
        QVERIFY(out.isEmpty());
    }

    // The backfill hot path: one row of common types into a reused buffer.
    void encodeCopyThroughput()
    {
        const TypePolicies p;
        QList<ValueCodec> codecs;
        for (const char *type : {"bigint(20)", "varchar(100)", "decimal(12,2)", "datetime(6)", "double"})
            codecs << ValueCodec(mappingFor(QString::fromUtf8(type), true, p, QString()), p);
        const QByteArray text("Grüße aus Köln\tmit Tab");
        const QByteArray dec("12345.67");
        SourceDateTime dt;
        dt.year = 2024;
        dt.month = 2;
        dt.day = 29;
        dt.hour = 12;
        dt.microsecond = 123456;
        const SourceValue row[] = {SourceValue::fromInt(-1234567890123), SourceValue::fromBytes(text),
                                   SourceValue::fromBytes(dec), SourceValue::fromDateTime(dt),
                                   SourceValue::fromDouble(0.1)};
        QByteArray out;
        out.reserve(1 << 20);
        const char *buffer = out.constData();
        QBENCHMARK {
            out.resize(0);
            for (int r = 0; r < 1000; ++r) {
                for (int i = 0; i < 5; ++i) {
                    if (i)
                        out.append('\t');
                    codecs.at(i).encodeCopy(row[i], out);
                }
                out.append('\n');
            }
        }
        QVERIFY(out.startsWith("-1234567890123\tGrüße aus Köln\\tmit Tab\t12345.67\t2024-02-29 12:00:00.123456\t0.1\n"));
        QCOMPARE(out.constData(), buffer); // appended in place, never re-allocated
    }

    void sourceValueDisplay()
    {
        const QByteArray bytes("a\0b", 3);
        QCOMPARE(SourceValue::fromBytes(bytes).toDisplay(), QStringLiteral("0x610062"));
        QCOMPARE(SourceValue::fromBytes("héllo").toDisplay(), QStringLiteral("héllo"));
        QCOMPARE(SourceValue::null().toDisplay(), QStringLiteral("NULL"));
        QCOMPARE(SourceValue::fromUInt(18446744073709551615ULL).toDisplay(), QStringLiteral("18446744073709551615"));
    }
};

QTEST_GUILESS_MAIN(TstValueCodec)
#include "tst_valuecodec.moc"
