// The pure parts of validation: key JSON (the store's dedupe key), the SQL
// shapes, and the row diff, each tested both ways.

#include "validate/ValidationCheckpoint.h"
#include "validate/ValidationSql.h"
#include "validate/ValidationTypes.h"

#include <QtTest>

using namespace switchyard::core;

namespace {

TableMapping twoColumns()
{
    TableMapping m;
    ColumnMapping id;
    id.source.name = QStringLiteral("id");
    id.targetName = QStringLiteral("id");
    id.canonical = CanonicalKind::Integer;
    ColumnMapping v;
    v.source.name = QStringLiteral("v");
    v.targetName = QStringLiteral("v");
    v.canonical = CanonicalKind::Text;
    m.columns = {id, v};
    m.keyColumns = {QStringLiteral("id")};
    return m;
}

RowImage row(const QByteArray &id, const std::optional<QByteArray> &v)
{
    RowImage r;
    r.key.parts = {id};
    r.values = {id, v};
    return r;
}

} // namespace

class TestValidationSql : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keyJsonRoundTrip_data()
    {
        QTest::addColumn<QList<QByteArray>>("parts");
        QTest::addColumn<int>("textFrom"); // parts at or after this index are text kinds
        QTest::addColumn<QString>("json");
        QTest::newRow("integer") << QList<QByteArray>{"42"} << 1 << "[42]";
        QTest::newRow("negative") << QList<QByteArray>{"-7"} << 1 << "[-7]";
        QTest::newRow("beyond 2^53") << QList<QByteArray>{"18446744073709551615"} << 1
                                     << "[18446744073709551615]";
        QTest::newRow("composite") << QList<QByteArray>{"7", "eu"} << 1 << "[7,\"eu\"]";
        QTest::newRow("quotes and commas") << QList<QByteArray>{"a\",b]"} << 0 << "[\"a\\\",b]\"]";
        QTest::newRow("unicode") << QList<QByteArray>{"Ω 🚂"} << 0 << "[\"Ω 🚂\"]";
    }
    void keyJsonRoundTrip()
    {
        QFETCH(QList<QByteArray>, parts);
        QFETCH(int, textFrom);
        QFETCH(QString, json);
        QList<CanonicalKind> kinds;
        for (int i = 0; i < parts.size(); ++i)
            kinds << (i < textFrom ? CanonicalKind::Integer : CanonicalKind::Text);
        const ValidationKey key{parts};
        QCOMPARE(key.toJson(kinds), json);
        const auto back = ValidationKey::fromJson(json);
        QVERIFY(back);
        QCOMPARE(back->parts, parts);
    }
    void keyJsonRejectsGarbage()
    {
        QVERIFY(!ValidationKey::fromJson(QStringLiteral("42")));
        QVERIFY(!ValidationKey::fromJson(QStringLiteral("[42")));
        QVERIFY(!ValidationKey::fromJson(QStringLiteral("[{\"a\":1}]")));
    }

    void checkpointRoundTrip()
    {
        ValidationCheckpoint cp;
        cp.mode = QStringLiteral("checksum");
        cp.after = ValidationKey{{"18446744073709551615"}};
        cp.phase = QStringLiteral("target");
        cp.rows = 4200;
        cp.chunks = 42;
        cp.unchecked << UncheckedChunk{{ValidationKey{{"1000"}}, std::nullopt}, QStringLiteral("55P03")};
        const QList<CanonicalKind> kinds{CanonicalKind::Integer};
        const QString json = cp.toJson(kinds);
        const auto back = ValidationCheckpoint::fromJson(json);
        QVERIFY(back);
        QCOMPARE(back->toJson(kinds), json);
        QCOMPARE(back->after->parts.first(), QByteArray("18446744073709551615")); // exact beyond 2^53
        QVERIFY(!back->unchecked.first().range.upper);
        QCOMPARE(back->sourceRows, -1);
        // A backfill's key array, or garbage, is not a validation checkpoint.
        QVERIFY(!ValidationCheckpoint::fromJson(QStringLiteral("[{\"i\":\"42\"}]")));
        QVERIFY(!ValidationCheckpoint::fromJson(QStringLiteral("{\"v\":2}")));
    }

    void samePredicateOnBothSides()
    {
        const QStringList keys{QStringLiteral("a"), QStringLiteral("b")};
        QCOMPARE(ValidationSql::mysqlKeyPredicate(keys, true, true),
                 QStringLiteral("(`a`, `b`) > (?, ?) AND (`a`, `b`) <= (?, ?)"));
        QCOMPARE(ValidationSql::pgKeyPredicate(keys, true, true),
                 QStringLiteral("(\"a\", \"b\") > ($1, $2) AND (\"a\", \"b\") <= ($3, $4)"));
        QCOMPARE(ValidationSql::pgKeyPredicate({QStringLiteral("id")}, false, true),
                 QStringLiteral("\"id\" <= $1"));
        QCOMPARE(ValidationSql::mysqlKeyPredicate({QStringLiteral("id")}, false, false), QString());
        // Hostile names stay quoted.
        QCOMPARE(ValidationSql::mysqlKeyEquals({QStringLiteral("x`y")}), QStringLiteral("`x``y` = ?"));
        QCOMPARE(ValidationSql::pgKeyEquals({QStringLiteral("x\"y")}), QStringLiteral("\"x\"\"y\" = $1"));
    }
    void checksumHasNoPredicateWhenUnbounded()
    {
        const QString sql = ValidationSql::pgChecksum(QStringLiteral("public"), QStringLiteral("t"),
                                                      {QStringLiteral("'N'")}, {QStringLiteral("id")},
                                                      false, false);
        QVERIFY(!sql.contains(QStringLiteral("WHERE")));
        QVERIFY(sql.contains(QStringLiteral("bit(32)::bigint")));
        // A fence: md5 is computed once per row, not once per half.
        QVERIFY(sql.endsWith(QStringLiteral(" OFFSET 0) AS chunk")));
        const QString bounded = ValidationSql::mysqlChecksum(QStringLiteral("db"), QStringLiteral("t"),
                                                             {QStringLiteral("'N'")},
                                                             {QStringLiteral("id")}, true, false);
        QVERIFY(bounded.contains(QStringLiteral("WHERE `id` > ?")));
        QVERIFY(bounded.contains(QStringLiteral("AS UNSIGNED")));
        // md5 appears once and no derived table reads it again: MariaDB
        // evaluates every occurrence (and a merged derived column) anew.
        QCOMPARE(bounded.count(QStringLiteral("MD5(")), 1);
        QVERIFY(!bounded.contains(QStringLiteral("FROM (SELECT")));
    }

    void diffFindsEachKindAndOnlyThat()
    {
        const TableMapping m = twoColumns();
        RowSet a, b;
        for (const QByteArray id : {"1", "2", "3"}) {
            a.insert(id, row(id, QByteArray("x")));
            b.insert(id, row(id, QByteArray("x")));
        }
        QVERIFY(diffRows(a, b, m).isEmpty()); // equal → nothing

        b[QByteArray("2")].values[1] = std::nullopt;       // NULL vs 'x'
        b.remove(QByteArray("3"));                          // missing in target
        b.insert(QByteArray("4"), row("4", QByteArray(""))); // extra in target
        const QList<RowDifference> d = diffRows(a, b, m);
        QCOMPARE(d.size(), 3);
        QCOMPARE(d.at(0).kind, MismatchKind::Different);
        QCOMPARE(d.at(0).columns, QStringList{QStringLiteral("v")});
        QCOMPARE(d.at(1).kind, MismatchKind::MissingInTarget);
        QCOMPARE(d.at(2).kind, MismatchKind::MissingInSource);
        QCOMPARE(rowImageJson(d.at(0).target, m), QStringLiteral("{\"id\":\"2\",\"v\":null}"));
        QCOMPARE(rowImageJson(d.at(1).target, m), QStringLiteral("null"));
    }
    void nullIsNotEmpty()
    {
        const TableMapping m = twoColumns();
        RowSet a, b;
        a.insert("1", row("1", QByteArray("")));
        b.insert("1", row("1", std::nullopt));
        QCOMPARE(diffRows(a, b, m).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestValidationSql)
#include "tst_validationsql.moc"
