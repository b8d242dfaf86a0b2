// ReverseSyncValue: PostgreSQL text output → the MySQL value bound for the
// same column, for every target family the forward mapping produces; and
// the values MySQL cannot hold, refused with the column named.

#include "engine/ReverseSyncValue.h"

#include <QtTest>

using namespace switchyard::core;

namespace {

ColumnMapping column(TargetFamily family, const QString &sourceType, bool isUnsigned = false)
{
    ColumnMapping c;
    c.source.name = QStringLiteral("c");
    c.source.dataType = sourceType;
    c.source.isUnsigned = isUnsigned;
    c.family = family;
    return c;
}

} // namespace

Q_DECLARE_METATYPE(switchyard::core::TargetFamily)

class TestReverseSyncValue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void converts_data()
    {
        QTest::addColumn<TargetFamily>("family");
        QTest::addColumn<QString>("sourceType");
        QTest::addColumn<bool>("isUnsigned");
        QTest::addColumn<QByteArray>("pg");
        QTest::addColumn<QString>("expected"); // ReverseValue::toDisplay(), or "!" + part of the error

        using F = TargetFamily;
        const QString tinyint = QStringLiteral("tinyint");
        QTest::newRow("bool true") << F::Boolean << tinyint << false << QByteArray("t") << "int:1";
        QTest::newRow("bool false") << F::Boolean << tinyint << false << QByteArray("f") << "int:0";
        QTest::newRow("bit(1) true") << F::Boolean << "bit" << true << QByteArray("t") << "uint:1";
        QTest::newRow("bool junk") << F::Boolean << tinyint << false << QByteArray("x") << "!not a boolean";
        QTest::newRow("smallint neg") << F::SmallInt << "smallint" << false << QByteArray("-32768") << "int:-32768";
        QTest::newRow("int") << F::Integer << "int" << false << QByteArray("42") << "uint:42";
        QTest::newRow("bigint min") << F::BigInt << "bigint" << false << QByteArray("-9223372036854775808")
                                    << "int:-9223372036854775808";
        QTest::newRow("bigint unsigned max") << F::Numeric << "bigint" << true << QByteArray("18446744073709551615")
                                             << "uint:18446744073709551615";
        QTest::newRow("year") << F::SmallInt << "year" << true << QByteArray("2024") << "uint:2024";
        QTest::newRow("decimal") << F::Numeric << "decimal" << false << QByteArray("-12345.67") << "text:-12345.67";
        QTest::newRow("decimal NaN") << F::Numeric << "decimal" << false << QByteArray("NaN") << "!no MySQL DECIMAL";
        QTest::newRow("double") << F::Double << "double" << false << QByteArray("0.1") << "double:0.10000000000000001";
        QTest::newRow("float exact") << F::Real << "float" << false << QByteArray("0.100000001")
                                     << QStringLiteral("double:%1").arg(double(0.1f), 0, 'g', 17);
        QTest::newRow("double inf") << F::Double << "double" << false << QByteArray("Infinity") << "!no MySQL FLOAT";
        QTest::newRow("text utf8") << F::Text << "varchar" << false << QByteArray("Zoë 🚂") << "text:Zoë 🚂";
        QTest::newRow("char padded") << F::Char << "char" << false << QByteArray("ab  ") << "text:ab";
        QTest::newRow("enum") << F::Enum << "enum" << false << QByteArray("active") << "text:active";
        QTest::newRow("jsonb") << F::Jsonb << "json" << false << QByteArray("{\"a\": 1}") << "text:{\"a\": 1}";
        QTest::newRow("bytea") << F::Bytea << "varbinary" << false << QByteArray("\\x00ff10") << "bytes:00ff10";
        QTest::newRow("bytea escape form") << F::Bytea << "blob" << false << QByteArray("abc") << "!hex";
        QTest::newRow("date") << F::Date << "date" << false << QByteArray("2024-02-29") << "time:2024-02-29";
        QTest::newRow("date BC") << F::Date << "date" << false << QByteArray("0044-03-15 BC") << "!not a date";
        QTest::newRow("date infinity") << F::Date << "date" << false << QByteArray("infinity") << "!not a date";
        QTest::newRow("datetime(6)") << F::Timestamp << "datetime" << false
                                     << QByteArray("2024-03-31 01:30:00.123456") << "time:2024-03-31 01:30:00.123456";
        QTest::newRow("datetime .5") << F::Timestamp << "datetime" << false << QByteArray("2024-03-31 01:30:00.5")
                                     << "time:2024-03-31 01:30:00.500000";
        QTest::newRow("timestamp utc") << F::Timestamptz << "timestamp" << false
                                       << QByteArray("2024-03-31 01:30:00+00") << "time:2024-03-31 01:30:00";
        QTest::newRow("timestamp other zone") << F::Timestamptz << "timestamp" << false
                                              << QByteArray("2024-03-31 03:30:00+02") << "!not in UTC";
        QTest::newRow("json key timestamp") << F::Timestamp << "datetime" << false
                                            << QByteArray("2024-03-31T01:30:00") << "time:2024-03-31 01:30:00";
        QTest::newRow("time") << F::Time << "time" << false << QByteArray("23:59:59.000001") << "time:23:59:59.000001";
        QTest::newRow("interval hours") << F::Interval << "time" << false << QByteArray("-838:59:59") << "time:-838:59:59";
        QTest::newRow("interval days") << F::Interval << "time" << false << QByteArray("1 day 02:00:00") << "time:26:00:00";
        QTest::newRow("interval too long") << F::Interval << "time" << false << QByteArray("839:00:00") << "!838";
        QTest::newRow("interval months") << F::Interval << "time" << false << QByteArray("1 mon") << "!months";
        QTest::newRow("set") << F::TextArray << "set" << false << QByteArray("{a,\"b c\",d}") << "text:a,b c,d";
        QTest::newRow("set empty") << F::TextArray << "set" << false << QByteArray("{}") << "text:";
        QTest::newRow("set null") << F::TextArray << "set" << false << QByteArray("{a,NULL}") << "!SET value";
        QTest::newRow("bit(5)") << F::VarBit << "bit" << true << QByteArray("10101") << "uint:21";
        QTest::newRow("bit junk") << F::VarBit << "bit" << true << QByteArray("102") << "!bit string";
    }

    void converts()
    {
        QFETCH(TargetFamily, family);
        QFETCH(QString, sourceType);
        QFETCH(bool, isUnsigned);
        QFETCH(QByteArray, pg);
        QFETCH(QString, expected);
        const ReverseConversion r = reverseValue(column(family, sourceType, isUnsigned), pg);
        if (expected.startsWith(QLatin1Char('!'))) {
            QVERIFY2(!r.ok(), qPrintable(r.value.toDisplay()));
            QVERIFY2(r.error.contains(expected.mid(1)), qPrintable(r.error));
            QVERIFY2(r.error.startsWith(QLatin1String("column c")), qPrintable(r.error));
        } else {
            QVERIFY2(r.ok(), qPrintable(r.error));
            QCOMPARE(r.value.toDisplay(), expected);
        }
    }

    void nullIsNull()
    {
        const ReverseConversion r = reverseValue(column(TargetFamily::Integer, QStringLiteral("int")), std::nullopt);
        QVERIFY(r.ok());
        QCOMPARE(r.value.kind, ReverseValue::Kind::Null);
    }

    void arrays_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QStringList>("items"); // empty + "!" for malformed
        QTest::newRow("empty") << QByteArray("{}") << QStringList();
        QTest::newRow("plain") << QByteArray("{1,2}") << QStringList{"1", "2"};
        QTest::newRow("quoted") << QByteArray("{\"a,b\",\"c\\\"d\"}") << QStringList{"a,b", "c\"d"};
        QTest::newRow("malformed") << QByteArray("{\"a}") << QStringList{"!"};
        QTest::newRow("no braces") << QByteArray("1,2") << QStringList{"!"};
    }

    void arrays()
    {
        QFETCH(QByteArray, text);
        QFETCH(QStringList, items);
        bool hasNull = false;
        const auto parsed = parsePgArray(text, hasNull);
        if (items == QStringList{QStringLiteral("!")}) {
            QVERIFY(!parsed);
            return;
        }
        QVERIFY(parsed);
        QStringList got;
        for (const QByteArray &b : *parsed)
            got << QString::fromUtf8(b);
        QCOMPARE(got, items);
    }
};

QTEST_GUILESS_MAIN(TestReverseSyncValue)
#include "tst_reversesyncvalue.moc"
