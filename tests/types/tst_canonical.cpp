// Canonical: a source value and PostgreSQL's text of the stored value reduce to
// one form — equal data equal, different data different — plus JSON
// canonicalisation and the tagged (concatenable) form.
#include "TypeTestValues.h"
#include "types/Canonical.h"
#include "types/CanonicalSql.h"
#include "types/JsonCanonical.h"

#include <QtTest>

using namespace switchyard::core;
using switchyard::test::makeValue;

namespace {

ColumnMapping mappingFor(const QString &columnType, const QString &overrideType, const TypePolicies &p = {})
{
    QList<SchemaWarning> w;
    ColumnOverride o;
    o.column = QStringLiteral("c");
    o.targetType = overrideType;
    return TypeMapper::mapColumn(SourceColumn::fromDefinition(QStringLiteral("c"), columnType), p,
                                 overrideType.isEmpty() ? nullptr : &o, QStringLiteral("t"), w);
}

std::optional<QByteArray> pgValue(const QString &s)
{
    if (s == QLatin1String("<NULL>"))
        return std::nullopt;
    return s.toUtf8();
}

} // namespace

class TstCanonical : public QObject
{
    Q_OBJECT

private slots:
    void sourceVersusTarget_data()
    {
        QTest::addColumn<QString>("columnType");
        QTest::addColumn<QString>("overrideType");
        QTest::addColumn<bool>("stripNul");
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("target"); // PostgreSQL text output, <NULL> for NULL
        QTest::addColumn<QString>("canonical"); // of the source value, <NULL> for none
        QTest::addColumn<bool>("equal");

        auto row = [](const char *name, const char *type, const char *source, const char *target,
                      const char *canonical, bool equal, const char *overrideType = "", bool strip = false) {
            QTest::newRow(name) << QString::fromUtf8(type) << QString::fromUtf8(overrideType) << strip
                                << QString::fromUtf8(source) << QString::fromUtf8(target)
                                << QString::fromUtf8(canonical) << equal;
        };
        row("int", "int(11)", "i:-5", "-5", "-5", true);
        row("int differs", "int(11)", "i:-5", "5", "-5", false);
        row("bigint unsigned max", "bigint(20) unsigned", "u:18446744073709551615", "18446744073709551615",
            "18446744073709551615", true);
        row("NULL = NULL", "int(11)", "null", "<NULL>", "<NULL>", true);
        row("NULL ≠ 0", "int(11)", "null", "0", "<NULL>", false);
        row("decimal 1.50 = 1.50", "decimal(5,2)", "s:1.50", "1.50", "1.5", true);
        row("decimal 1.50 = 1.5", "decimal(5,2)", "s:1.50", "1.5", "1.5", true);
        row("decimal 1.50 ≠ 1.51", "decimal(5,2)", "s:1.50", "1.51", "1.5", false);
        row("decimal -0.00 = 0", "decimal(5,2)", "s:-0.00", "0.00", "0", true);
        row("decimal scale 0 keeps zeros", "decimal(5,0)", "s:100", "100", "100", true);
        row("decimal(65,30)", "decimal(65,30)",
            "s:-12345678901234567890123456789012345.123456789012345678901234567890",
            "-12345678901234567890123456789012345.123456789012345678901234567890",
            "-12345678901234567890123456789012345.12345678901234567890123456789", true);
        row("decimal 1e-30", "decimal(65,30)", "s:0.000000000000000000000000000001",
            "0.000000000000000000000000000001", "0.000000000000000000000000000001", true);
        row("float 0.1", "float", "f:0.1", "0.1", "3fb99999a0000000", true);
        row("float 1e-40 subnormal", "float", "f:1e-40", "1e-40", "37a16c2000000000", true);
        row("double 0.1", "double", "d:0.1", "0.1", "3fb999999999999a", true);
        row("double 0.1 ≠ next", "double", "d:0.1", "0.10000000000000002", "3fb999999999999a", false);
        row("double -0.0 = 0", "double", "d:-0.0", "0", "0000000000000000", true);
        row("double 0 = -0", "double", "d:0", "-0", "0000000000000000", true);
        row("double 1e-40", "double", "d:1e-40", "1e-40", "37a16c262777579c", true);
        row("double 2^63", "double", "d:9223372036854775808", "9.223372036854776e+18", "43e0000000000000", true);
        row("double NaN", "double", "d:nan", "NaN", "7ff8000000000000", true);
        row("bool t", "tinyint(1)", "i:1", "t", "t", true);
        row("bool f ≠ t", "tinyint(1)", "i:0", "t", "f", false);
        row("bool 2 never true", "tinyint(1)", "i:2", "t", "!2", false);
        row("bit(1)", "bit(1)", "x:01", "t", "t", true);
        row("text", "varchar(10)", "s:abc", "abc", "abc", true);
        row("text trailing space counts", "varchar(10)", "s:a ", "a", "a ", false);
        row("text case counts", "varchar(10)", "s:A", "a", "A", false);
        row("'' ≠ NULL", "varchar(10)", "s:", "<NULL>", "", false);
        row("'NULL' ≠ NULL", "varchar(10)", "s:NULL", "<NULL>", "NULL", false);
        row("'' = ''", "varchar(10)", "s:", "", "", true);
        row("emoji", "varchar(10)", "s:😀", "😀", "😀", true);
        row("char ignores trailing spaces", "char(3)", "s:a", "a  ", "a", true);
        row("char override bpchar", "char(3)", "s:a", "a  ", "a", true, "char(3)");
        row("NUL stripped", "varchar(10)", "s:a\\0b", "ab", "ab", true, "", true);
        row("bytes", "varbinary(8)", "x:00ff", "\\x00ff", "00ff", true);
        row("bytes case", "varbinary(8)", "x:00ff", "\\x00FF", "00ff", true);
        row("empty bytes", "blob", "x:", "\\x", "", true);
        row("empty bytes ≠ NULL", "blob", "x:", "<NULL>", "", false);
        row("trailing zero byte counts", "varbinary(8)", "x:6100", "\\x61", "6100", false);
        row("date", "date", "dt:2020-01-02", "2020-01-02", "2020-01-02", true);
        row("zero date = NULL (policy null)", "date", "dt:0000-00-00", "<NULL>", "<NULL>", true);
        row("datetime(6)", "datetime(6)", "dt:2020-01-02 03:04:05.000001", "2020-01-02 03:04:05.000001",
            "1577934245000001", true);
        row("datetime before 1970", "datetime", "dt:1000-01-01 00:00:00", "1000-01-01 00:00:00",
            "-30610224000000000", true);
        row("timestamp same instant other zone", "timestamp", "dt:2021-03-28 01:30:00",
            "2021-03-28 02:30:00+01", "1616895000000000", true);
        row("timestamp DST: other 01:30", "timestamp", "dt:2021-10-31 00:30:00",
            "2021-10-31 01:30:00+00", "1635640200000000", false);
        row("timestamp fractional offset", "timestamp(6)", "dt:2021-01-01 00:00:00.5",
            "2021-01-01 05:30:00.5+05:30", "1609459200500000", true);
        row("time", "time", "tm:12:00:00", "12:00:00", "43200000000", true);
        row("time as interval -838h", "time", "tm:-838:59:59", "-838:59:59", "-3020399000000", true, "interval");
        row("interval with days", "time", "tm:26:00:00", "1 day 02:00:00", "93600000000", true, "interval");
        row("json reordered keys", "json", "s:{\"b\":1,\"a\":[1.0,2]}", "{\"a\": [1, 2], \"b\": 1}",
            "{\"a\":[1,2],\"b\":1}", true);
        row("json big integer", "json", "s:{\"n\":12345678901234567890}", "{\"n\": 12345678901234567890}",
            "{\"n\":12345678901234567890}", true);
        row("json big integer differs", "json", "s:{\"n\":12345678901234567890}",
            "{\"n\": 12345678901234567891}", "{\"n\":12345678901234567890}", false);
        row("set sorted", "set('a','b')", "s:b,a", "{a,b}", "a,b", true);
        row("set empty", "set('a','b')", "s:", "{}", "", true);
        row("set quoted member", "set('a b','c')", "s:a b,c", "{\"a b\",c}", "a b,c", true);
        row("set differs", "set('a','b')", "s:a", "{a,b}", "a", false);
        row("bit(10)", "bit(10)", "x:0205", "1000000101", "1000000101", true);
        row("enum", "enum('x','y')", "s:y", "y", "y", true);
        row("year", "year(4)", "i:2024", "2024", "2024", true);
        row("numeric(20,0) from PG", "bigint(20) unsigned", "u:5", "5", "5", true);
    }

    void sourceVersusTarget()
    {
        QFETCH(QString, columnType);
        QFETCH(QString, overrideType);
        QFETCH(bool, stripNul);
        QFETCH(QString, source);
        QFETCH(QString, target);
        QFETCH(QString, canonical);
        QFETCH(bool, equal);

        TypePolicies p;
        if (stripNul)
            p.nulBytes = TypePolicies::NulBytes::Strip;
        const ColumnMapping m = mappingFor(columnType, overrideType, p);
        const auto v = makeValue(source);
        const Canonical::Value s = Canonical::fromSource(m, p, v.value);
        const Canonical::Value t = Canonical::fromTarget(m, pgValue(target));
        QCOMPARE(s, pgValue(canonical));
        if (equal)
            QCOMPARE(t, s);
        else
            QVERIFY2(t != s, t ? t->constData() : "NULL");
    }

    void sqlFormsQuoteHostileNames()
    {
        // A name with a backtick, a double quote and a QString::arg() marker.
        const QString name = QStringLiteral("we`ird \"%1 %2\" col");
        QList<SchemaWarning> w;
        for (const char *type : {"int(11)", "decimal(10,2)", "double", "tinyint(1)", "varchar(5)", "char(2)",
                                 "blob", "date", "datetime(6)", "timestamp", "time", "set('a','b')", "bit(5)"}) {
            const ColumnMapping m = TypeMapper::mapColumn(SourceColumn::fromDefinition(name, QString::fromUtf8(type)),
                                                          {}, nullptr, QStringLiteral("t"), w);
            QVERIFY(CanonicalSql::supported(m));
            const QString my = CanonicalSql::mysqlExpr(m, {});
            const QString pg = CanonicalSql::pgExpr(m);
            QVERIFY2(my.contains(QStringLiteral("`we``ird \"%1 %2\" col`")), qPrintable(my));
            QVERIFY2(pg.contains(QStringLiteral("\"we`ird \"\"%1 %2\"\" col\"")), qPrintable(pg));
            QVERIFY(!my.contains(QStringLiteral("`we``ird \"t")));
            if (Canonical::fixedAlphabet(m.canonical)) {
                // One evaluation of the expression, terminated by ';'.
                QCOMPARE(CanonicalSql::mysqlTaggedExpr(m, {}), QStringLiteral("CONCAT(IFNULL(%1, 'N'), ';')").arg(my));
                QCOMPARE(CanonicalSql::pgTaggedExpr(m), QStringLiteral("(COALESCE(%1, 'N') || ';')").arg(pg));
            } else {
                QVERIFY(CanonicalSql::mysqlTaggedExpr(m, {}).startsWith(QStringLiteral("IFNULL(CONCAT(LENGTH(")));
                QVERIFY(CanonicalSql::pgTaggedExpr(m).startsWith(QStringLiteral("COALESCE(octet_length(")));
            }
        }
        // JSON has no SQL form: checksums compare it on the client.
        const ColumnMapping json = TypeMapper::mapColumn(SourceColumn::fromDefinition(name, QStringLiteral("json")), {},
                                                         nullptr, QStringLiteral("t"), w);
        QVERIFY(!CanonicalSql::supported(json));
        QVERIFY(CanonicalSql::mysqlExpr(json, {}).isEmpty());
        QVERIFY(CanonicalSql::pgExpr(json).isEmpty());
    }

    void tagged()
    {
        const auto text = CanonicalKind::Text;
        QCOMPARE(Canonical::tagged(std::nullopt, text), QByteArray("N"));
        QCOMPARE(Canonical::tagged(QByteArray(""), text), QByteArray("0:"));
        QCOMPARE(Canonical::tagged(QByteArray("NULL"), text), QByteArray("4:NULL"));
        QCOMPARE(Canonical::tagged(QByteArray("N;"), text), QByteArray("2:N;"));
        QCOMPARE(Canonical::tagged(QByteArray("é"), text), QByteArray("2:é"));
        // Concatenations stay unambiguous: ("a","bc") ≠ ("ab","c").
        QVERIFY(Canonical::tagged(QByteArray("a"), text) + Canonical::tagged(QByteArray("bc"), text)
                != Canonical::tagged(QByteArray("ab"), text) + Canonical::tagged(QByteArray("c"), text));

        // Fixed-alphabet kinds: a terminator, no length prefix.
        const auto integer = CanonicalKind::Integer;
        QCOMPARE(Canonical::tagged(std::nullopt, integer), QByteArray("N;"));
        QCOMPARE(Canonical::tagged(QByteArray("-12"), integer), QByteArray("-12;"));
        QCOMPARE(Canonical::tagged(QByteArray("NaN"), CanonicalKind::Decimal), QByteArray("NaN;"));
        QVERIFY(Canonical::tagged(QByteArray("1"), integer) + Canonical::tagged(QByteArray("23"), integer)
                != Canonical::tagged(QByteArray("12"), integer) + Canonical::tagged(QByteArray("3"), integer));
        // NULL then a value never reads as a value then NULL, in either layout.
        QVERIFY(Canonical::tagged(std::nullopt, integer) + Canonical::tagged(QByteArray("5"), text)
                != Canonical::tagged(QByteArray("5"), integer) + Canonical::tagged(std::nullopt, text));
        for (CanonicalKind k : {CanonicalKind::Text, CanonicalKind::PaddedText, CanonicalKind::Json, CanonicalKind::Set})
            QVERIFY(!Canonical::fixedAlphabet(k));
    }

    void jsonCanonical_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("canonical"); // empty: invalid

        QTest::newRow("keys sorted, spaces gone") << QByteArray("{ \"b\" : 1 , \"a\" : 2 }") << QByteArray("{\"a\":2,\"b\":1}");
        QTest::newRow("nested") << QByteArray("{\"z\":{\"y\":[3,{\"b\":0,\"a\":null}]}}")
                                << QByteArray("{\"z\":{\"y\":[3,{\"a\":null,\"b\":0}]}}");
        QTest::newRow("duplicate key: last wins") << QByteArray("{\"a\":1,\"a\":2}") << QByteArray("{\"a\":2}");
        QTest::newRow("duplicates among others") << QByteArray("{\"b\":1,\"a\":[1,2],\"b\":{\"y\":2,\"x\":1},\"a\":3}")
                                                 << QByteArray("{\"a\":3,\"b\":{\"x\":1,\"y\":2}}");
        QTest::newRow("escaped keys") << QByteArray("{\"a\\\"b\":1,\"a\\u0041\":2,\"a\":0}")
                                      << QByteArray("{\"a\":0,\"a\\\"b\":1,\"aA\":2}");
        QTest::newRow("escape inside a long run") << QByteArray("[\"plain text\\tthen more plain text\\\"end\"]")
                                                  << QByteArray("[\"plain text\\tthen more plain text\\\"end\"]");
        QTest::newRow("objects at every depth")
            << QByteArray("[{\"b\":1,\"a\":{\"d\":[{\"y\":1,\"x\":2}],\"c\":0}},{\"z\":{\"k\":1},\"a\":2}]")
            << QByteArray("[{\"a\":{\"c\":0,\"d\":[{\"x\":2,\"y\":1}]},\"b\":1},{\"a\":2,\"z\":{\"k\":1}}]");
        QTest::newRow("1.0 = 1") << QByteArray("[1.0,1e0,10E-1,1.000]") << QByteArray("[1,1,1,1]");
        QTest::newRow("-0") << QByteArray("[-0,-0.0,0e5]") << QByteArray("[0,0,0]");
        QTest::newRow("exponents") << QByteArray("[1e2,1.5E-3,-2.50e+1]") << QByteArray("[100,0.0015,-25]");
        QTest::newRow("big integer exact") << QByteArray("[18446744073709551616]") << QByteArray("[18446744073709551616]");
        QTest::newRow("huge exponent") << QByteArray("[1e100,-1.25e-100]") << QByteArray("[1e+100,-1.25e-100]");
        QTest::newRow("string escapes decoded") << QByteArray("[\"\\u00e9\\/\\\"\\\\\"]") << QByteArray("[\"é/\\\"\\\\\"]");
        QTest::newRow("control chars") << QByteArray("[\"\\u0001\\n\"]") << QByteArray("[\"\\u0001\\n\"]");
        QTest::newRow("surrogate pair") << QByteArray("[\"\\ud83d\\ude00\"]") << QByteArray("[\"😀\"]");
        QTest::newRow("raw emoji") << QByteArray("[\"😀\"]") << QByteArray("[\"😀\"]");
        QTest::newRow("keys by bytes") << QByteArray("{\"é\":1,\"z\":2,\"Z\":3}") << QByteArray("{\"Z\":3,\"z\":2,\"é\":1}");
        QTest::newRow("scalars") << QByteArray(" true ") << QByteArray("true");
        QTest::newRow("empty containers") << QByteArray("{\"a\":[],\"b\":{}}") << QByteArray("{\"a\":[],\"b\":{}}");
        QTest::newRow("trailing comma") << QByteArray("[1,]") << QByteArray();
        QTest::newRow("lone surrogate") << QByteArray("[\"\\ud800\"]") << QByteArray();
        QTest::newRow("unterminated") << QByteArray("{\"a\":1") << QByteArray();
        QTest::newRow("leading zero") << QByteArray("[01]") << QByteArray();
        QTest::newRow("garbage after") << QByteArray("{} x") << QByteArray();
        QTest::newRow("invalid UTF-8") << QByteArray("[\"\xff\"]") << QByteArray();
    }

    void jsonCanonical()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, canonical);
        const JsonCanonicalResult r = JsonCanonical::canonicalize(input);
        if (canonical.isEmpty()) {
            QVERIFY(!r.text);
            QVERIFY(!r.error.isEmpty());
        } else {
            QVERIFY2(r.text, qPrintable(r.error));
            QCOMPARE(*r.text, canonical);
            // Canonicalising is idempotent.
            QCOMPARE(*JsonCanonical::canonicalize(*r.text).text, canonical);
        }
    }

    void jsonNul()
    {
        const JsonCanonicalResult r = JsonCanonical::canonicalize("[\"a\\u0000b\"]");
        QVERIFY(r.containsNulCharacter);
        QCOMPARE(*r.text, QByteArray("[\"a\\u0000b\"]"));
    }

    void deepJsonIsAnErrorNotACrash()
    {
        const QByteArray deep = QByteArray(100000, '[') + QByteArray(100000, ']');
        QVERIFY(!JsonCanonical::canonicalize(deep).text);
    }
};

QTEST_GUILESS_MAIN(TstCanonical)
#include "tst_canonical.moc"
