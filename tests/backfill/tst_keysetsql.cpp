// KeysetSql: keyset predicates for single and composite keys, hostile names.

#include "backfill/KeysetSql.h"

#include <QtTest>

using namespace switchyard::core;

class TestKeysetSql : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstBatchHasNoCursor()
    {
        QCOMPARE(KeysetSql::mysqlSelectAfter(QStringLiteral("shop"), QStringLiteral("users"),
                                             {QStringLiteral("`id`"), QStringLiteral("`email`")},
                                             {QStringLiteral("id")}, false, true),
                 QStringLiteral("SELECT `id`, `email` FROM `shop`.`users` ORDER BY `id` LIMIT ? "
                                "LOCK IN SHARE MODE"));
    }

    void singleKey()
    {
        QCOMPARE(KeysetSql::mysqlSelectAfter(QStringLiteral("shop"), QStringLiteral("users"),
                                             {QStringLiteral("`id`")}, {QStringLiteral("id")}, true,
                                             false),
                 QStringLiteral("SELECT `id` FROM `shop`.`users` WHERE `id` > ? ORDER BY `id` "
                                "LIMIT ?"));
        QCOMPARE(KeysetSql::cursorBindOrder(1), QList<int>{0});
    }

    void compositeKeyIsSpelledOut()
    {
        const QString sql = KeysetSql::mysqlSelectAfter(
            QStringLiteral("d"), QStringLiteral("t"), {QStringLiteral("*")},
            {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}, true, false);
        QCOMPARE(sql, QStringLiteral("SELECT * FROM `d`.`t` WHERE `a` > ? OR (`a` = ? AND `b` > ?) "
                                     "OR (`a` = ? AND `b` = ? AND `c` > ?) ORDER BY `a`, `b`, `c` "
                                     "LIMIT ?"));
        QCOMPARE(KeysetSql::cursorBindOrder(3), (QList<int>{0, 0, 1, 0, 1, 2}));
    }

    void hostileNamesAreQuoted()
    {
        const QString sql = KeysetSql::mysqlSelectAfter(
            QStringLiteral("we`ird db"), QStringLiteral("or`der"), {QStringLiteral("1")},
            {QStringLiteral("select")}, true, false);
        QVERIFY(sql.contains(QStringLiteral("`we``ird db`.`or``der`")));
        QVERIFY(sql.contains(QStringLiteral("`select` > ?")));
        const QString pg = KeysetSql::pgRangeHasRows(QStringLiteral("public"), QStringLiteral("Us\"ers"),
                                                     {QStringLiteral("Id")}, false);
        QCOMPARE(pg, QStringLiteral("SELECT EXISTS (SELECT 1 FROM \"public\".\"Us\"\"ers\" WHERE "
                                    "(\"Id\") <= ($1))"));
    }

    void anyRowAfterWalksTheKeyIndex()
    {
        QCOMPARE(KeysetSql::pgAnyRowAfter(QStringLiteral("s"), QStringLiteral("t"),
                                          {QStringLiteral("a"), QStringLiteral("b")}, true),
                 QStringLiteral("SELECT 1 FROM \"s\".\"t\" WHERE (\"a\", \"b\") > ($1, $2) "
                                "ORDER BY \"a\", \"b\" LIMIT 1"));
        QCOMPARE(KeysetSql::pgAnyRowAfter(QStringLiteral("s"), QStringLiteral("t"), {QStringLiteral("a")}, false),
                 QStringLiteral("SELECT 1 FROM \"s\".\"t\" ORDER BY \"a\" LIMIT 1"));
    }

    void targetRange()
    {
        QCOMPARE(KeysetSql::pgRangeHasRows(QStringLiteral("s"), QStringLiteral("t"),
                                           {QStringLiteral("a"), QStringLiteral("b")}, true),
                 QStringLiteral("SELECT EXISTS (SELECT 1 FROM \"s\".\"t\" WHERE (\"a\", \"b\") > "
                                "($1, $2) AND (\"a\", \"b\") <= ($3, $4))"));
    }
};

QTEST_GUILESS_MAIN(TestKeysetSql)
#include "tst_keysetsql.moc"
