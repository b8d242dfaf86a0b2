// TypeMapper: the mapping table of docs/type-mapping.md, pinned row by row.
#include "types/TypeMapping.h"

#include <QtTest>

using namespace switchyard::core;

class TstTypeMapper : public QObject
{
    Q_OBJECT

private:
    static ColumnMapping map(const SourceColumn &c, const TypePolicies &p = {},
                             QList<SchemaWarning> *warningsOut = nullptr,
                             const ColumnOverride *o = nullptr)
    {
        QList<SchemaWarning> w;
        ColumnMapping m = TypeMapper::mapColumn(c, p, o, QStringLiteral("t"), w);
        if (warningsOut)
            *warningsOut = w;
        return m;
    }
    static bool hasSeverity(const QList<SchemaWarning> &w, SchemaWarning::Severity s)
    {
        for (const auto &x : w)
            if (x.severity == s)
                return true;
        return false;
    }

private slots:
    void defaults_data()
    {
        QTest::addColumn<QString>("columnType");
        QTest::addColumn<QString>("targetType");
        QTest::addColumn<QString>("kind");

        QTest::newRow("tinyint(1)") << "tinyint(1)" << "boolean" << "boolean";
        QTest::newRow("tinyint(1) unsigned") << "tinyint(1) unsigned" << "boolean" << "boolean";
        QTest::newRow("bool") << "bool" << "boolean" << "boolean";
        QTest::newRow("tinyint(4)") << "tinyint(4)" << "smallint" << "integer";
        QTest::newRow("tinyint unsigned") << "tinyint(3) unsigned" << "smallint" << "integer";
        QTest::newRow("smallint") << "smallint(6)" << "smallint" << "integer";
        QTest::newRow("smallint unsigned") << "smallint(5) unsigned" << "integer" << "integer";
        QTest::newRow("mediumint") << "mediumint(9)" << "integer" << "integer";
        QTest::newRow("mediumint unsigned") << "mediumint(8) unsigned" << "integer" << "integer";
        QTest::newRow("int") << "int(11)" << "integer" << "integer";
        QTest::newRow("int unsigned") << "int(10) unsigned" << "bigint" << "integer";
        QTest::newRow("bigint") << "bigint(20)" << "bigint" << "integer";
        QTest::newRow("bigint unsigned") << "bigint(20) unsigned" << "numeric(20,0)" << "integer";
        QTest::newRow("decimal(10,2)") << "decimal(10,2)" << "numeric(10,2)" << "decimal";
        QTest::newRow("decimal(65,30)") << "decimal(65,30)" << "numeric(65,30)" << "decimal";
        QTest::newRow("decimal") << "decimal" << "numeric(10,0)" << "decimal";
        QTest::newRow("float") << "float" << "real" << "float";
        QTest::newRow("float(30)") << "float(30)" << "double precision" << "float";
        QTest::newRow("double") << "double" << "double precision" << "float";
        QTest::newRow("bit(1)") << "bit(1)" << "boolean" << "boolean";
        QTest::newRow("bit(10)") << "bit(10)" << "bit varying(10)" << "bits";
        QTest::newRow("char(3)") << "char(3)" << "varchar(3)" << "padded-text";
        QTest::newRow("varchar(255)") << "varchar(255)" << "varchar(255)" << "text";
        QTest::newRow("tinytext") << "tinytext" << "text" << "text";
        QTest::newRow("longtext") << "longtext" << "text" << "text";
        QTest::newRow("binary(16)") << "binary(16)" << "bytea" << "bytes";
        QTest::newRow("varbinary(8)") << "varbinary(8)" << "bytea" << "bytes";
        QTest::newRow("longblob") << "longblob" << "bytea" << "bytes";
        QTest::newRow("date") << "date" << "date" << "date";
        QTest::newRow("datetime") << "datetime" << "timestamp(0)" << "timestamp";
        QTest::newRow("datetime(6)") << "datetime(6)" << "timestamp(6)" << "timestamp";
        QTest::newRow("timestamp(3)") << "timestamp(3)" << "timestamptz(3)" << "timestamp-utc";
        QTest::newRow("time(2)") << "time(2)" << "time(2)" << "time";
        QTest::newRow("year") << "year(4)" << "smallint" << "integer";
        QTest::newRow("enum") << "enum('a','b')" << "text" << "text";
        QTest::newRow("set") << "set('x','y')" << "text[]" << "set";
        QTest::newRow("json") << "json" << "jsonb" << "json";
        QTest::newRow("geometry") << "geometry" << "bytea" << "bytes";
        QTest::newRow("point") << "point" << "bytea" << "bytes";
    }

    void defaults()
    {
        QFETCH(QString, columnType);
        QFETCH(QString, targetType);
        QFETCH(QString, kind);
        const ColumnMapping m = map(SourceColumn::fromDefinition(QStringLiteral("c"), columnType));
        QCOMPARE(m.targetType, targetType);
        QCOMPARE(canonicalKindName(m.canonical), kind);
        QCOMPARE(TypeMapper::familyOf(m.targetType).value_or(TargetFamily::Enum), m.family);
    }

    void tinyint1AsSmallintWhenPolicyOff()
    {
        TypePolicies p;
        p.tinyint1AsBoolean = false;
        const ColumnMapping m = map(SourceColumn::fromDefinition(QStringLiteral("c"), QStringLiteral("tinyint(1)")), p);
        QCOMPARE(m.targetType, QStringLiteral("smallint"));
        QCOMPARE(m.canonical, CanonicalKind::Integer);
    }

    void enumAsType()
    {
        TypePolicies p;
        p.enums = TypePolicies::EnumAs::EnumType;
        const ColumnMapping m = map(SourceColumn::fromDefinition(QStringLiteral("status"),
                                                                 QStringLiteral("enum('new','it''s','a\\\\b')")), p);
        QCOMPARE(m.family, TargetFamily::Enum);
        QCOMPARE(m.enumTypeName, QStringLiteral("t_status"));
        QCOMPARE(m.labels, (QStringList{QStringLiteral("new"), QStringLiteral("it's"), QStringLiteral("a\\b")}));
    }

    void overrides_data()
    {
        QTest::addColumn<QString>("columnType");
        QTest::addColumn<QString>("overrideType");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("kind");

        QTest::newRow("tinyint(1) → smallint") << "tinyint(1)" << "smallint" << true << "integer";
        QTest::newRow("int → bigint") << "int(11)" << "bigint" << true << "integer";
        QTest::newRow("bigint unsigned → numeric(30,0)") << "bigint(20) unsigned" << "numeric(30,0)" << true << "integer";
        QTest::newRow("decimal → double") << "decimal(10,2)" << "double precision" << true << "float";
        QTest::newRow("time → interval") << "time" << "interval" << true << "time";
        QTest::newRow("datetime → timestamptz") << "datetime(3)" << "timestamptz(3)" << true << "timestamp";
        QTest::newRow("enum → text") << "enum('a')" << "text" << true << "text";
        QTest::newRow("char → char(n)") << "char(4)" << "char(4)" << true << "padded-text";
        QTest::newRow("json → json") << "json" << "json" << true << "json";
        QTest::newRow("json → text") << "json" << "text" << true << "text";
        QTest::newRow("varchar → citext") << "varchar(20)" << "citext" << true << "text";
        QTest::newRow("int → text refused") << "int(11)" << "text" << false << "integer";
        QTest::newRow("date → text refused") << "date" << "text" << false << "date";
        QTest::newRow("unknown type refused") << "int(11)" << "money" << false << "integer";
        QTest::newRow("blob → text refused") << "blob" << "text" << false << "bytes";
    }

    void overrides()
    {
        QFETCH(QString, columnType);
        QFETCH(QString, overrideType);
        QFETCH(bool, accepted);
        QFETCH(QString, kind);
        ColumnOverride o;
        o.column = QStringLiteral("c");
        o.targetType = overrideType;
        o.where.file = QStringLiteral("plan.yaml");
        o.where.line = 12;
        o.where.column = 9;
        QList<SchemaWarning> w;
        const ColumnMapping m = map(SourceColumn::fromDefinition(QStringLiteral("c"), columnType), {}, &w, &o);
        QCOMPARE(m.overridden, accepted);
        QCOMPARE(hasSeverity(w, SchemaWarning::Severity::Error), !accepted);
        if (accepted)
            QCOMPARE(m.targetType, overrideType);
        else
            QVERIFY(w.first().toString().startsWith(QStringLiteral("plan.yaml:12:9: error: t.c")));
        QCOMPARE(canonicalKindName(m.canonical), kind);
    }

    void autoIncrement()
    {
        SourceColumn c = SourceColumn::fromDefinition(QStringLiteral("id"), QStringLiteral("int(10) unsigned"), false);
        c.autoIncrement = true;
        ColumnMapping m = map(c);
        QVERIFY(m.identity);
        QCOMPARE(m.targetType, QStringLiteral("bigint"));

        c = SourceColumn::fromDefinition(QStringLiteral("id"), QStringLiteral("bigint(20) unsigned"), false);
        c.autoIncrement = true;
        QList<SchemaWarning> w;
        m = map(c, {}, &w);
        QVERIFY(m.identity);
        QCOMPARE(m.targetType, QStringLiteral("bigint"));
        QVERIFY(hasSeverity(w, SchemaWarning::Severity::Warning));
    }

    void defaultsTranslate_data()
    {
        QTest::addColumn<QString>("columnType");
        QTest::addColumn<QString>("defaultValue");
        QTest::addColumn<bool>("isExpression");
        QTest::addColumn<QString>("expected"); // empty: untranslatable or dropped

        QTest::newRow("timestamp now") << "timestamp" << "current_timestamp()" << true << "CURRENT_TIMESTAMP";
        QTest::newRow("datetime now") << "datetime(6)" << "CURRENT_TIMESTAMP(6)" << true << "LOCALTIMESTAMP";
        QTest::newRow("int literal") << "int(11)" << "42" << false << "42";
        QTest::newRow("decimal literal") << "decimal(5,2)" << "1.50" << false << "1.5";
        QTest::newRow("bool literal") << "tinyint(1)" << "1" << false << "true";
        QTest::newRow("text literal") << "varchar(10)" << "it's" << false << "'it''s'";
        QTest::newRow("enum literal") << "enum('a','b')" << "b" << false << "'b'";
        QTest::newRow("set literal") << "set('a','b')" << "a,b" << false << "'{\"a\",\"b\"}'";
        QTest::newRow("bit literal") << "bit(4)" << "b'101'" << false << "B'0101'";
        QTest::newRow("zero date dropped") << "datetime" << "0000-00-00 00:00:00" << false << "";
        QTest::newRow("date literal") << "date" << "2020-01-02" << false << "'2020-01-02'";
        QTest::newRow("timestamp literal") << "timestamp" << "2020-01-02 03:04:05" << false
                                           << "'2020-01-02 03:04:05+00'";
        QTest::newRow("expression") << "varchar(40)" << "(concat(`a`,'x'))" << true << "((\"a\")::text || ('x')::text)";
        QTest::newRow("uuid()") << "char(36)" << "uuid()" << true << "gen_random_uuid()::text";
        QTest::newRow("unknown function") << "int(11)" << "(rand())" << true << "";
    }

    void defaultsTranslate()
    {
        QFETCH(QString, columnType);
        QFETCH(QString, defaultValue);
        QFETCH(bool, isExpression);
        QFETCH(QString, expected);
        SourceColumn c = SourceColumn::fromDefinition(QStringLiteral("c"), columnType);
        c.defaultValue = defaultValue;
        c.defaultIsExpression = isExpression;
        QList<SchemaWarning> w;
        const ColumnMapping m = map(c, {}, &w);
        QCOMPARE(m.defaultExpression, expected);
        QCOMPARE(expected.isEmpty(), hasSeverity(w, SchemaWarning::Severity::Warning));
    }

    void generatedColumns_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("expected"); // empty: untranslatable

        QTest::newRow("arithmetic") << "`price` * `qty`" << "\"price\" * \"qty\"";
        QTest::newRow("mysql8 parens") << "(`a` + 1)" << "(\"a\" + 1)";
        QTest::newRow("lower/concat") << "lower(concat(`first`,_utf8mb4' ',`last`))"
                                      << "lower(((\"first\")::text || (' ')::text || (\"last\")::text))";
        QTest::newRow("if") << "if(`a` > 0,'pos','neg')" << "CASE WHEN \"a\" > 0 THEN 'pos' ELSE 'neg' END";
        QTest::newRow("hostile name") << "`we\"ird``col` + 1" << "\"we\"\"ird`col\" + 1";
        QTest::newRow("division refused") << "`a` / `b`" << "";
        QTest::newRow("json refused") << "json_unquote(json_extract(`doc`,'$.a'))" << "";
        QTest::newRow("|| is OR") << "`a` || `b`" << "\"a\" OR \"b\"";
    }

    void generatedColumns()
    {
        QFETCH(QString, expression);
        QFETCH(QString, expected);
        SourceColumn c = SourceColumn::fromDefinition(QStringLiteral("g"), QStringLiteral("varchar(100)"));
        c.generationExpression = expression;
        c.generatedStored = true;
        QList<SchemaWarning> w;
        const ColumnMapping m = map(c, {}, &w);
        QCOMPARE(m.generatedExpression, expected);
        QCOMPARE(expected.isEmpty(), hasSeverity(w, SchemaWarning::Severity::Warning));
    }

    void tableKeysAndWarnings()
    {
        SourceTable t;
        t.name = QStringLiteral("users");
        t.columns << SourceColumn::fromDefinition(QStringLiteral("id"), QStringLiteral("int(11)"), false)
                  << SourceColumn::fromDefinition(QStringLiteral("email"), QStringLiteral("varchar(100)"), false)
                  << SourceColumn::fromDefinition(QStringLiteral("note"), QStringLiteral("text"));
        SourceIndex uq;
        uq.name = QStringLiteral("uq_email");
        uq.columns << QStringLiteral("email");
        uq.unique = true;
        t.indexes << uq;

        TableSpec spec;
        spec.name = QStringLiteral("users");
        TableMapping tm = TypeMapper::mapTable(t, spec, {});
        // No primary key: the NOT NULL unique key is used, with a note.
        QCOMPARE(tm.keyColumns, QStringList{QStringLiteral("email")});
        QVERIFY(!tm.hasErrors());
        bool ciWarning = false;
        for (const auto &w : tm.warnings)
            ciWarning = ciWarning || w.message.contains(QStringLiteral("case-insensitive"));
        QVERIFY(ciWarning);

        // Excluding the key column, or overriding an unknown column, is an error.
        spec.excludeColumns << QStringLiteral("email");
        tm = TypeMapper::mapTable(t, spec, {});
        QVERIFY(tm.hasErrors());
        QCOMPARE(tm.columns.size(), 2);

        spec.excludeColumns.clear();
        ColumnOverride o;
        o.column = QStringLiteral("nope");
        o.targetType = QStringLiteral("text");
        spec.columnOverrides << o;
        tm = TypeMapper::mapTable(t, spec, {});
        QVERIFY(tm.hasErrors());

        // No key at all.
        SourceTable bare;
        bare.name = QStringLiteral("log");
        bare.columns << SourceColumn::fromDefinition(QStringLiteral("msg"), QStringLiteral("text"));
        TableSpec bareSpec;
        bareSpec.name = QStringLiteral("log");
        QVERIFY(TypeMapper::mapTable(bare, bareSpec, {}).hasErrors());
    }
};

QTEST_GUILESS_MAIN(TstTypeMapper)
#include "tst_typemapper.moc"
