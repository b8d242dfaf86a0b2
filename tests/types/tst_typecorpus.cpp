// The type corpus against real servers: a MariaDB table with every supported
// type and its edge values (hostile identifiers included) is introspected,
// mapped, created in PostgreSQL with the generated DDL, copied with
// ValueCodec's COPY text, and then every value is compared four ways:
//   source C++ canonical  == source SQL canonical (CanonicalSql::mysqlExpr)
//   target C++ canonical  == target SQL canonical (CanonicalSql::pgExpr)
//   source canonical      == target canonical
// and a deliberately changed target value must compare different.
#include "TestSupport.h"

#include "source/MySqlConnection.h"
#include "source/MySqlStatement.h"
#include "source/SchemaIntrospector.h"
#include "target/PgConnection.h"
#include "types/Canonical.h"
#include "types/CanonicalSql.h"
#include "types/DdlGenerator.h"
#include "types/SchemaConversion.h"
#include "types/ValueCodec.h"

#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include <QProcess>
#include <QtTest>

using namespace switchyard::core;
using switchyard::test::mysqlSettings;
using switchyard::test::pgSettings;

namespace {

const QString kDatabase = QStringLiteral("tst_typecorpus");
const QString kSchema = QStringLiteral("tst_typecorpus");
// Backtick, double quote, spaces, a reserved word, mixed case.
const QString kTable = QStringLiteral("Type Corpus \"x\" `y` select");

ConnectionSettings pgSettings(const switchyard::test::Sandbox &sb)
{
    ConnectionSettings s;
    s.engine = ConnectionSettings::Engine::PostgreSQL;
    s.host = sb.pg.host;
    s.port = sb.pg.port;
    s.user = sb.pg.user;
    s.database = sb.pg.database;
    s.schema = kSchema;
    s.sslMode = QStringLiteral("disable");
    return s;
}

const char *const kCreate = R"SQL(
CREATE TABLE {T} (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  b1 tinyint(1), ti tinyint, tiu tinyint unsigned, si smallint, siu smallint unsigned,
  mi mediumint, miu mediumint unsigned, i int, iu int unsigned, bi bigint, biu bigint unsigned,
  d decimal(65,30), d2 decimal(10,2), f float, dbl double, bt1 bit(1), `bits %2` bit(10),
  c char(5), vc varchar(50), tx text, bin binary(4), vb varbinary(16), bl blob,
  dt date, dtm datetime(6), ts timestamp(6) NULL DEFAULT NULL, tm time(6), dur time, yr year,
  en enum('a','b c','it''s'), st set('x','y','z'), js json, geo geometry NULL,
  `select` int, `Mixed Case "q"` varchar(10) DEFAULT 'it''s', `back``tick %1` int DEFAULT 7,
  g varchar(120) AS (concat(`vc`, '!')) STORED,
  UNIQUE KEY uq_vc (vc),
  KEY `idx dt` (dt, dtm DESC)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci AUTO_INCREMENT=1000
)SQL";

// Rows by id ({T} is the table). Non-strict mode lets the zero dates and the enum error value in.
const char *const kRows[] = {
    "INSERT INTO {T} (id) VALUES (1)",
    // 2: minimums and empties
    "INSERT INTO {T} (id,b1,ti,tiu,si,siu,mi,miu,i,iu,bi,biu,d,d2,f,dbl,bt1,`bits %2`,c,vc,tx,bin,vb,bl,dt,dtm,ts,tm,dur,yr,en,st,js,"
    "`select`,`Mixed Case \"q\"`,`back``tick %1`) VALUES (2,0,-128,0,-32768,0,-8388608,0,-2147483648,0,"
    "-9223372036854775808,0,-99999999999999999999999999999999999.999999999999999999999999999999,-99999999.99,"
    "-3.40282e38,-1.7976931348623157e308,b'0',b'0000000000','','','',x'00000000',x'',x'','1000-01-01',"
    "'1000-01-01 00:00:00.000000','1970-01-01 00:00:01','00:00:00','-838:59:59',1901,'a','','{}',-1,'',0)",
    // 3: maximums
    "INSERT INTO {T} (id,b1,ti,tiu,si,siu,mi,miu,i,iu,bi,biu,d,d2,f,dbl,bt1,`bits %2`,c,vc,tx,bin,vb,bl,dt,dtm,ts,tm,dur,yr,en,st,js,geo,"
    "`select`) VALUES (3,1,127,255,32767,65535,8388607,16777215,2147483647,4294967295,9223372036854775807,"
    "18446744073709551615,99999999999999999999999999999999999.999999999999999999999999999999,99999999.99,"
    "3.40282e38,1.7976931348623157e308,b'1',b'1111111111','abcde',REPEAT('🚂',50),REPEAT('long ',2000),"
    "x'ffffffff',x'ff00ff',REPEAT(x'00ff10',30000),'9999-12-31','9999-12-31 23:59:59.999999',"
    "'2038-01-19 03:14:07.999999','23:59:59.999999','838:59:59',2155,'it''s','x,y,z',"
    "'{\"a\":[[[[[[1]]]]]],\"b\":{\"c\":{\"d\":true}}}',ST_GeomFromText('POINT(1 2)'),2147483647)",
    // 4: tricky values
    "INSERT INTO {T} (id,biu,d,d2,f,dbl,c,vc,tx,bin,vb,dt,dtm,ts,tm,yr,en,st,js) VALUES (4,9223372036854775808,0.1,1.50,"
    "0.1,0.1,'ab   ','a ','NULL',x'61',x'00','2024-02-29','2021-03-28 02:30:00','2021-10-31 00:30:00',"
    "'12:34:56.789012',0,'b c','z,x','{\"b\":1, \"a\":{\"d\":[1,2.50,-0], \"c\":null}}')",
    // 5: more floats, text escapes, JSON numbers
    "INSERT INTO {T} (id,f,dbl,vc,tx,ts,js) VALUES (5,1e-40,-0.0,'🚂😀','a\\tb\\nc\\\\d\\re','2021-10-31 01:30:00',"
    "'{\"n\":12345678901234567890,\"m\":-9223372036854775809,\"f\":1.0e2,\"s\":\"\\\\u00e9\"}')",
    // 6: float extremes, tiny decimals
    "INSERT INTO {T} (id,f,dbl,d,d2) VALUES (6,1.17549435e-38,9223372036854775808e0,0.000000000000000000000000000001,-0.01)",
    // 7/8: 'k' and the Kelvin sign are different under utf8mb4_general_ci but
    // equal under LOWER(): a unique index on lower(vc) would refuse them.
    "INSERT INTO {T} (id,dbl,f,vc) VALUES (7,5e-324,-0.0,'k')",
    "INSERT INTO {T} (id,dbl,vc) VALUES (8,0.1e0+0.2e0,'\u212a')",
    // 9: zero dates → NULL (policy zero_dates: null), converted not rejected
    "INSERT INTO {T} (id,dt,dtm,ts) VALUES (9,'0000-00-00','2020-00-15 00:00:00','0000-00-00 00:00:00')",
    // 20..: rejected rows
    "INSERT INTO {T} (id,b1) VALUES (20,2)",
    "INSERT INTO {T} (id,en) VALUES (21,'not a label')",
    "INSERT INTO {T} (id,vc) VALUES (22,'a\\0b')",
    "INSERT INTO {T} (id,tm) VALUES (23,'-01:00:00')",
    "INSERT INTO {T} (id,js) VALUES (24,'{\"a\":\"x\\\\u0000\"}')",
};

struct Reject
{
    qint64 id;
    QString column;
    QString reason;
};

} // namespace

class TstTypeCorpus : public QObject
{
    Q_OBJECT

private:
    std::optional<switchyard::test::Sandbox> m_sandbox;
    TableMapping m_table;
    TypePolicies m_policies;
    QList<Reject> m_rejects;
    QList<qint64> m_copiedIds;

    // Canonical values per (id, column name) from the four sides.
    struct Sides
    {
        QMap<qint64, QList<Canonical::Value>> sourceCpp, sourceSql, targetCpp, targetSql;
    };

    MySqlConnection mysql(const QString &db)
    {
        MySqlConnection c;
        c.open(mysqlSettings(*m_sandbox, db));
        return c;
    }
    PgConnection pg()
    {
        PgConnection c;
        c.open(pgSettings(*m_sandbox));
        return c;
    }

    QString pgTable() const { return quotePgQualifiedName(kSchema, m_table.targetName); }

    Sides readAll()
    {
        Sides s;
        // Source: raw values (binary protocol) and the SQL canonical forms.
        MySqlConnection my = mysql(kDatabase);
        QStringList cols, exprs;
        for (const ColumnMapping &c : m_table.columns) {
            cols << quoteMySqlIdentifier(c.source.name);
            const QString e = CanonicalSql::mysqlExpr(c, m_policies);
            exprs << (e.isEmpty() ? QStringLiteral("NULL") : e);
        }
        const QString sql = QStringLiteral("SELECT %1, %2 FROM %3 ORDER BY `id`")
                                .arg(cols.join(QStringLiteral(", ")), exprs.join(QStringLiteral(", ")),
                                     quoteMySqlIdentifier(kTable));
        if (qEnvironmentVariableIsSet("TST_TYPECORPUS_DUMP_SQL"))
            qWarning().noquote() << sql;
        MySqlStatement st(my, sql);
        st.execute();
        const int n = int(m_table.columns.size());
        while (st.fetch()) {
            const qint64 id = st.value(0).toInt64();
            for (int i = 0; i < n; ++i) {
                const ValueCodec codec(m_table.columns.at(i), m_policies);
                s.sourceCpp[id] << codec.canonicalSource(SourceValue::fromMySql(st.value(i)));
                const MySqlValue v = st.value(n + i);
                s.sourceSql[id] << (v.isNull() ? Canonical::Value() : Canonical::Value(v.bytes().toByteArray()));
            }
        }
        // Target: text output and the SQL canonical forms.
        PgConnection p = pg();
        QStringList pcols, pexprs;
        for (const ColumnMapping &c : m_table.columns) {
            pcols << quotePgIdentifier(c.targetName);
            const QString e = CanonicalSql::pgExpr(c);
            pexprs << (e.isEmpty() ? QStringLiteral("NULL") : e);
        }
        const QueryResult r = p.query(QStringLiteral("SELECT %1, %2 FROM %3 ORDER BY 1")
                                          .arg(pcols.join(QStringLiteral(", ")), pexprs.join(QStringLiteral(", ")),
                                               pgTable()));
        for (const auto &row : r.rows) {
            const qint64 id = row.at(0)->toLongLong();
            for (int i = 0; i < n; ++i) {
                s.targetCpp[id] << Canonical::fromTarget(m_table.columns.at(i), row.at(i));
                s.targetSql[id] << row.at(n + i);
            }
        }
        return s;
    }

    int columnIndex(const QString &name) const
    {
        for (int i = 0; i < m_table.columns.size(); ++i)
            if (m_table.columns.at(i).source.name == name)
                return i;
        return -1;
    }

private slots:
    void initTestCase()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        m_sandbox = sb;
        try {
            setUpCorpus();
        } catch (const DbException &e) {
            QFAIL(qPrintable(e.error().toString()));
        }
    }

private:
    void setUpCorpus()
    {
        const switchyard::test::Sandbox &sb = *m_sandbox;

        {
            MySqlConnection admin = mysql(sb.mysql.database);
            admin.exec(QStringLiteral("DROP DATABASE IF EXISTS %1").arg(quoteMySqlIdentifier(kDatabase)));
            admin.exec(QStringLiteral("CREATE DATABASE %1 CHARACTER SET utf8mb4").arg(quoteMySqlIdentifier(kDatabase)));
        }
        MySqlConnection my = mysql(kDatabase);
        my.exec(QString::fromUtf8(kCreate).replace(QStringLiteral("{T}"), quoteMySqlIdentifier(kTable)));
        my.exec(QStringLiteral("SET SESSION sql_mode = ''"));
        for (const char *sql : kRows)
            my.exec(QString::fromUtf8(sql).replace(QStringLiteral("{T}"), quoteMySqlIdentifier(kTable)));

        PgConnection p = pg();
        p.exec(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(quotePgIdentifier(kSchema)));

        TableSpec spec;
        spec.name = kTable;
        ColumnOverride durations;
        durations.column = QStringLiteral("dur");
        durations.targetType = QStringLiteral("interval");
        spec.columnOverrides << durations;
        m_table = migrate(my, p, spec, m_rejects, m_copiedIds);
    }

    // What the schema apply + backfill do, in miniature: introspect, map,
    // create (pre-data), copy every row through ValueCodec's COPY text, then
    // post-data (indexes, FKs, sequence). Rejected rows are collected.
    TableMapping migrate(MySqlConnection &my, PgConnection &p, const TableSpec &spec, QList<Reject> &rejects,
                         QList<qint64> &copiedIds)
    {
        SchemaIntrospector introspector(my);
        const TableMapping table = TypeMapper::mapTable(introspector.table(kDatabase, spec.name), spec, m_policies);
        SchemaConversion conv;
        conv.sourceSchema = kDatabase;
        conv.targetSchema = kSchema;
        conv.tables << table;
        conv.ddl = DdlGenerator::generate(conv.tables, m_policies, kSchema);
        if (conv.ddl.hasErrors())
            qFatal("%s", qPrintable(conv.ddl.script()));
        SchemaApplyResult applied = applySchema(conv, p, my, {});
        if (!applied.applied)
            qFatal("%s", qPrintable(applied.refusal));

        QStringList cols;
        std::vector<std::string> targetCols;
        QList<int> copied;
        for (int i = 0; i < table.columns.size(); ++i) {
            const ColumnMapping &c = table.columns.at(i);
            cols << quoteMySqlIdentifier(c.source.name);
            if (c.generatedExpression.isEmpty()) {
                copied << i;
                targetCols.push_back(quotePgIdentifier(c.targetName).toStdString());
            }
        }
        MySqlStatement st(my, QStringLiteral("SELECT %1 FROM %2 ORDER BY `id`")
                                  .arg(cols.join(QStringLiteral(", ")), quoteMySqlIdentifier(spec.name)));
        st.execute();
        QList<ValueCodec> codecs;
        for (const ColumnMapping &c : table.columns)
            codecs << ValueCodec(c, m_policies);
        std::vector<std::string> lines;
        while (st.fetch()) {
            QByteArray line;
            bool rejected = false;
            for (int k = 0; k < copied.size() && !rejected; ++k) {
                const int i = copied.at(k);
                if (k > 0)
                    line.append('\t');
                const CodecResult r = codecs.at(i).encodeCopy(SourceValue::fromMySql(st.value(i)), line);
                if (r.isRejected()) {
                    rejects << Reject{st.value(0).toInt64(), table.columns.at(i).source.name, r.reason};
                    rejected = true;
                }
            }
            if (!rejected) {
                copiedIds << st.value(0).toInt64();
                lines.push_back(line.toStdString());
            }
        }
        p.run(QStringLiteral("COPY"), [&] {
            pqxx::work tx(p.connection());
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
            // tablewriter pastes the table and column names: pass them quoted.
            pqxx::tablewriter writer(tx, quotePgQualifiedName(kSchema, table.targetName).toStdString(),
                                     targetCols.begin(), targetCols.end());
            for (const auto &l : lines)
                writer.write_raw_line(l);
            writer.complete();
#pragma GCC diagnostic pop
            tx.commit();
        });

        SchemaApplyOptions post;
        post.postData = true;
        applied = applySchema(conv, p, my, post);
        if (!applied.applied)
            qFatal("%s", qPrintable(applied.refusal));
        return table;
    }

    // Loads Europe/Berlin into the sandbox's time zone tables when missing
    // (the sandbox starts without them), with the server's own tool.
    bool ensureBerlin(MySqlConnection &my)
    {
        const auto have = [&] {
            return my.query(QStringLiteral("SELECT COUNT(*) FROM mysql.time_zone_name WHERE Name = 'Europe/Berlin'"))
                       .scalar()
                != QLatin1String("0");
        };
        if (have())
            return true;
        QProcess load;
        load.setProgram(QStringLiteral("bash"));
        load.setArguments({QStringLiteral("-o"), QStringLiteral("pipefail"), QStringLiteral("-c"),
                           QStringLiteral("mariadb-tzinfo-to-sql /usr/share/zoneinfo/Europe/Berlin Europe/Berlin "
                                          "| mariadb --defaults-extra-file=\"$SWITCHYARD_MYCNF\" -h \"$SWITCHYARD_MYSQL_HOST\" "
                                          "-P \"$SWITCHYARD_MYSQL_PORT\" -u \"$SWITCHYARD_MYSQL_USER\" mysql")});
        load.start();
        if (!load.waitForFinished(60000) || load.exitCode() != 0) {
            qWarning().noquote() << load.readAllStandardError();
            return false;
        }
        return have();
    }

private slots:
    void mapping_data()
    {
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("pgType");
        const QList<QPair<const char *, const char *>> expected{
            {"id", "integer"}, {"b1", "boolean"}, {"ti", "smallint"}, {"tiu", "smallint"},
            {"si", "smallint"}, {"siu", "integer"}, {"mi", "integer"}, {"miu", "integer"},
            {"i", "integer"}, {"iu", "bigint"}, {"bi", "bigint"}, {"biu", "numeric(20,0)"},
            {"d", "numeric(65,30)"}, {"d2", "numeric(10,2)"}, {"f", "real"}, {"dbl", "double precision"},
            {"bt1", "boolean"}, {"bits %2", "bit varying(10)"}, {"c", "character varying(5)"},
            {"vc", "character varying(50)"}, {"tx", "text"}, {"bin", "bytea"}, {"vb", "bytea"}, {"bl", "bytea"},
            {"dt", "date"}, {"dtm", "timestamp(6) without time zone"}, {"ts", "timestamp(6) with time zone"},
            {"tm", "time(6) without time zone"}, {"dur", "interval"}, {"yr", "smallint"}, {"en", "text"}, {"st", "text[]"},
            {"js", "jsonb"}, {"geo", "bytea"}, {"select", "integer"}, {"Mixed Case \"q\"", "character varying(10)"},
            {"back`tick %1", "integer"}, {"g", "character varying(120)"}};
        for (const auto &[c, t] : expected)
            QTest::newRow(c) << QString::fromUtf8(c) << QString::fromUtf8(t);
    }

    void mapping()
    {
        QFETCH(QString, column);
        QFETCH(QString, pgType);
        PgConnection p = pg();
        pqxx::work tx(p.connection());
        const pqxx::result r = tx.exec_params(
            "SELECT format_type(atttypid, atttypmod), attidentity, attgenerated FROM pg_attribute "
            "WHERE attrelid = $1::regclass AND attname = $2 AND NOT attisdropped",
            pgTable().toStdString(), column.toStdString());
        QCOMPARE(int(r.size()), 1);
        QCOMPARE(QString::fromStdString(r[0][0].as<std::string>()), pgType);
        if (column == QLatin1String("id"))
            QCOMPARE(r[0][1].as<std::string>(), std::string("d")); // BY DEFAULT identity
        if (column == QLatin1String("g"))
            QCOMPARE(r[0][2].as<std::string>(), std::string("s")); // stored generated
    }

    void defaultsAndIndexes()
    {
        PgConnection p = pg();
        const QueryResult defaults = p.query(
            QStringLiteral("SELECT column_name, column_default FROM information_schema.columns WHERE table_schema = '%1' "
                           "AND column_default IS NOT NULL ORDER BY column_name").arg(kSchema));
        QStringList seen;
        for (int i = 0; i < defaults.rowCount(); ++i)
            seen << defaults.text(i, 0) + QLatin1Char('=') + defaults.text(i, 1);
        QVERIFY2(seen.contains(QStringLiteral("Mixed Case \"q\"='it''s'::character varying")), qPrintable(seen.join(QLatin1Char('|'))));
        QVERIFY2(seen.contains(QStringLiteral("back`tick %1=7")), qPrintable(seen.join(QLatin1Char('|'))));
        const QueryResult idx = p.query(
            QStringLiteral("SELECT indexname FROM pg_indexes WHERE schemaname = '%1' ORDER BY indexname").arg(kSchema));
        QStringList names;
        for (int i = 0; i < idx.rowCount(); ++i)
            names << idx.text(i, 0);
        QVERIFY2(names.contains(m_table.targetName + QStringLiteral("_idx dt")), qPrintable(names.join(QLatin1Char('|'))));
        QVERIFY2(names.contains(m_table.targetName + QStringLiteral("_uq_vc")), qPrintable(names.join(QLatin1Char('|'))));
    }

    void sequencePastSource()
    {
        PgConnection p = pg();
        const QueryResult r = p.query(
            QStringLiteral("SELECT nextval(pg_get_serial_sequence('%1', 'id'))").arg(pgTable().replace(QLatin1Char('\''), QStringLiteral("''"))));
        // AUTO_INCREMENT was 1000 at CREATE and the rows used explicit ids below it.
        QCOMPARE(r.scalar(), QStringLiteral("1000"));
    }

    void rejects_data()
    {
        QTest::addColumn<qint64>("id");
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("reasonFragment");
        QTest::newRow("tinyint(1) 2") << qint64(20) << "b1" << "neither 0 nor 1";
        QTest::newRow("enum error value") << qint64(21) << "en" << "error value";
        QTest::newRow("NUL byte") << qint64(22) << "vc" << "NUL";
        QTest::newRow("negative time") << qint64(23) << "tm" << "interval";
        QTest::newRow("jsonb \\u0000") << qint64(24) << "js" << "\\u0000";
    }

    void rejects()
    {
        QFETCH(qint64, id);
        QFETCH(QString, column);
        QFETCH(QString, reasonFragment);
        bool found = false;
        for (const Reject &r : m_rejects) {
            if (r.id == id) {
                QCOMPARE(r.column, column);
                QVERIFY2(r.reason.contains(reasonFragment), qPrintable(r.reason));
                found = true;
            }
        }
        QVERIFY(found);
        QVERIFY(!m_copiedIds.contains(id));
    }

    void onlyExpectedRejects()
    {
        QStringList seen;
        for (const Reject &r : m_rejects)
            seen << QStringLiteral("%1.%2: %3").arg(r.id).arg(r.column, r.reason);
        QVERIFY2(m_rejects.size() == 5, qPrintable(seen.join(QLatin1Char('\n'))));
        QCOMPARE(m_copiedIds, (QList<qint64>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
    }

    void sqlAndCppAgree()
    {
        const Sides s = readAll();
        QCOMPARE(s.targetCpp.keys(), m_copiedIds);
        int compared = 0;
        for (auto it = s.sourceCpp.constBegin(); it != s.sourceCpp.constEnd(); ++it) {
            const qint64 id = it.key();
            for (int i = 0; i < m_table.columns.size(); ++i) {
                const ColumnMapping &c = m_table.columns.at(i);
                const QString where = QStringLiteral("row %1 column %2").arg(id).arg(c.source.name);
                const Canonical::Value src = it.value().at(i);
                const bool rejected = src && src->startsWith('!');
                if (CanonicalSql::supported(c) && !rejected) {
                    QVERIFY2(s.sourceSql[id].at(i) == src,
                             qPrintable(where + QStringLiteral(": MySQL SQL %1 vs C++ %2")
                                            .arg(QString::fromUtf8(s.sourceSql[id].at(i).value_or("NULL")),
                                                 QString::fromUtf8(src.value_or("NULL")))));
                }
                if (!s.targetCpp.contains(id))
                    continue;
                const Canonical::Value tgt = s.targetCpp[id].at(i);
                if (CanonicalSql::supported(c)) {
                    QVERIFY2(s.targetSql[id].at(i) == tgt,
                             qPrintable(where + QStringLiteral(": PostgreSQL SQL %1 vs C++ %2")
                                            .arg(QString::fromUtf8(s.targetSql[id].at(i).value_or("NULL")),
                                                 QString::fromUtf8(tgt.value_or("NULL")))));
                }
                QVERIFY2(src == tgt, qPrintable(where + QStringLiteral(": source %1 vs target %2")
                                                            .arg(QString::fromUtf8(src.value_or("NULL")),
                                                                 QString::fromUtf8(tgt.value_or("NULL")))));
                ++compared;
            }
        }
        QVERIFY(compared >= 9 * 38);
    }

    void trickyValues_data()
    {
        QTest::addColumn<qint64>("id");
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("canonical"); // <NULL> for NULL

        auto row = [](const char *name, qint64 id, const char *col, const char *canonical) {
            QTest::newRow(name) << id << QString::fromUtf8(col) << QString::fromUtf8(canonical);
        };
        row("all NULL row", 1, "vc", "<NULL>");
        row("'' is not NULL", 2, "vc", "");
        row("'NULL' is text", 4, "tx", "NULL");
        row("bigint min", 2, "bi", "-9223372036854775808");
        row("2^64-1", 3, "biu", "18446744073709551615");
        row("2^63", 4, "biu", "9223372036854775808");
        row("decimal(65,30) max", 3, "d",
            "99999999999999999999999999999999999.999999999999999999999999999999");
        row("decimal 0.1", 4, "d", "0.1");
        row("decimal 1e-30", 6, "d", "0.000000000000000000000000000001");
        row("decimal 1.50", 4, "d2", "1.5");
        row("float 0.1", 4, "f", "3fb99999a0000000");
        row("double 0.1", 4, "dbl", "3fb999999999999a");
        row("double -0.0", 5, "dbl", "0000000000000000");
        row("float -0.0", 7, "f", "0000000000000000");
        row("double 2^63", 6, "dbl", "43e0000000000000");
        row("double min subnormal", 7, "dbl", "0000000000000001");
        row("double max", 3, "dbl", "7fefffffffffffff");
        row("0.1+0.2", 8, "dbl", "3fd3333333333334");
        row("char padding", 4, "c", "ab");
        row("varchar trailing space", 4, "vc", "a ");
        row("emoji", 5, "vc", "🚂😀");
        row("escapes", 5, "tx", "a\tb\nc\\d\re");
        row("binary padding", 4, "bin", "61000000");
        row("empty blob", 2, "bl", "");
        row("bit(10)", 3, "bits %2", "1111111111");
        row("datetime min", 2, "dtm", "-30610224000000000");
        row("datetime max", 3, "dtm", "253402300799999999");
        row("timestamp min", 2, "ts", "1000000");
        row("timestamp DST first 02:30", 4, "ts", "1635640200000000");
        row("timestamp DST second 02:30", 5, "ts", "1635643800000000");
        row("time -838h as interval", 2, "dur", "-3020399000000");
        row("time 838h as interval", 3, "dur", "3020399000000");
        row("time of day max", 3, "tm", "86399999999");
        row("zero date → NULL", 9, "dt", "<NULL>");
        row("zero-in-date → NULL", 9, "dtm", "<NULL>");
        row("zero timestamp → NULL", 9, "ts", "<NULL>");
        row("year 0", 4, "yr", "0");
        row("set sorted", 4, "st", "x,z");
        row("empty set", 2, "st", "");
        row("json canonical", 4, "js", "{\"a\":{\"c\":null,\"d\":[1,2.5,0]},\"b\":1}");
        row("json big numbers", 5, "js", "{\"f\":100,\"m\":-9223372036854775809,\"n\":12345678901234567890,\"s\":\"é\"}");
        row("generated", 4, "g", "a !");
        row("hostile default", 2, "Mixed Case \"q\"", "");
    }

    void trickyValues()
    {
        QFETCH(qint64, id);
        QFETCH(QString, column);
        QFETCH(QString, canonical);
        const Sides s = readAll();
        const int i = columnIndex(column);
        QVERIFY(i >= 0);
        const Canonical::Value expected = canonical == QLatin1String("<NULL>") ? Canonical::Value()
                                                                               : Canonical::Value(canonical.toUtf8());
        QCOMPARE(s.sourceCpp[id].at(i), expected);
        QCOMPARE(s.targetCpp[id].at(i), expected);
    }

    void changedTargetValueIsDetected_data()
    {
        QTest::addColumn<qint64>("id");
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("assignment"); // SQL for SET "<column>" = ...
        QTest::newRow("decimal off by a cent") << qint64(4) << "d2" << "1.51";
        QTest::newRow("double one ulp") << qint64(4) << "dbl" << "0.10000000000000002";
        QTest::newRow("'' becomes NULL") << qint64(2) << "vc" << "NULL";
        QTest::newRow("trailing space lost") << qint64(4) << "vc" << "'a'";
        QTest::newRow("timestamp one microsecond") << qint64(4) << "ts" << "'2021-10-31 00:30:00.000001+00'";
        QTest::newRow("json value") << qint64(4) << "js" << "'{\"a\":{\"c\":null,\"d\":[1,2.5,0]},\"b\":2}'";
        QTest::newRow("set member") << qint64(4) << "st" << "'{x}'";
        QTest::newRow("bytes") << qint64(4) << "bin" << "'\\x62000000'";
    }

    void changedTargetValueIsDetected()
    {
        QFETCH(qint64, id);
        QFETCH(QString, column);
        QFETCH(QString, assignment);
        const int i = columnIndex(column);
        const ColumnMapping &c = m_table.columns.at(i);
        PgConnection p = pg();
        const QString where = QStringLiteral(" WHERE \"id\" = %1").arg(id);
        const QueryResult before = p.query(QStringLiteral("SELECT %1::text FROM %2").arg(quotePgIdentifier(c.targetName), pgTable()) + where);
        p.exec(QStringLiteral("UPDATE %1 SET %2 = %3").arg(pgTable(), quotePgIdentifier(c.targetName), assignment) + where);
        const Sides s = readAll();
        // Restore before checking, so a failure leaves the corpus intact.
        const auto old = before.rows.first().first();
        p.exec(QStringLiteral("UPDATE %1 SET %2 = %3").arg(pgTable(), quotePgIdentifier(c.targetName),
                                                           old ? QStringLiteral("'%1'").arg(QString::fromUtf8(*old).replace(QLatin1Char('\''), QStringLiteral("''")))
                                                               : QStringLiteral("NULL"))
               + where);
        QVERIFY(s.sourceCpp[id].at(i) != s.targetCpp[id].at(i));
        if (CanonicalSql::supported(c))
            QVERIFY(s.sourceSql[id].at(i) != s.targetSql[id].at(i));
        // And after the restore they agree again.
        const Sides back = readAll();
        QCOMPARE(back.sourceCpp[id].at(i), back.targetCpp[id].at(i));
    }

    void caseInsensitiveCollisions()
    {
        MySqlConnection my = mysql(kDatabase);
        SchemaIntrospector introspector(my);
        const SourceTable t = introspector.table(kDatabase, kTable);
        const SourceIndex *uq = nullptr;
        for (const SourceIndex &i : t.indexes)
            if (i.name == QLatin1String("uq_vc"))
                uq = &i;
        QVERIFY(uq);
        const auto collisions = introspector.lowerCaseCollisions(t, *uq);
        QCOMPARE(collisions.size(), 1);
        QCOMPARE(collisions.first().values, QStringList{QStringLiteral("k")});
        QCOMPARE(collisions.first().rows, qint64(2));
        // The primary key (an integer) never collides.
        QVERIFY(introspector.lowerCaseCollisions(t, *t.primaryKey).isEmpty());
    }

    void dataFindingsPredictTheCopy()
    {
        MySqlConnection my = mysql(kDatabase);
        SchemaConversion conv;
        conv.sourceSchema = kDatabase;
        conv.targetSchema = kSchema;
        conv.tables << m_table;
        QStringList found;
        for (const DataFinding &f : checkData(conv, m_policies, my))
            found << QStringLiteral("%1 %2 %3").arg(f.column, QString::number(f.rows),
                                                    f.rejected ? QStringLiteral("rejected") : QStringLiteral("converted"));
        found.sort();
        QCOMPARE(found, (QStringList{QStringLiteral("b1 1 rejected"), QStringLiteral("dt 1 converted"),
                                     QStringLiteral("dtm 1 converted"), QStringLiteral("en 1 rejected"),
                                     QStringLiteral("tm 1 rejected"), QStringLiteral("ts 1 converted"),
                                     QStringLiteral("vc 1 rejected")}));
        // The scan predicts the copy: every rejected finding is a row that was rejected.
        int predicted = 0;
        for (const DataFinding &f : checkData(conv, m_policies, my))
            predicted += f.rejected ? int(f.rows) : 0;
        QCOMPARE(predicted, int(m_rejects.size()) - 1); // the jsonb \u0000 row is found only by the copy
    }

    void dstAcrossSessionTimeZones()
    {
        MySqlConnection my = mysql(kDatabase);
        QVERIFY2(ensureBerlin(my), "could not load the Europe/Berlin time zone into the sandbox");
        const QString table = QStringLiteral("dst");
        my.exec(QStringLiteral("CREATE TABLE `dst` (id int PRIMARY KEY, dtm datetime(6), ts timestamp(6) NULL DEFAULT NULL)"));
        // Written by an application whose session runs in Europe/Berlin.
        my.exec(QStringLiteral("SET time_zone = 'Europe/Berlin'"));
        my.exec(QStringLiteral("INSERT INTO `dst` VALUES (1, '2021-10-31 02:30:00', '2021-10-31 02:30:00'), "
                               "(2, '2021-03-28 01:59:59.999999', '2021-03-28 01:59:59.999999'), "
                               "(3, '2021-03-28 03:00:00', '2021-03-28 03:00:00')"));
        // The second 02:30 of the fall-back night only exists in UTC terms.
        my.exec(QStringLiteral("SET time_zone = '+00:00'"));
        my.exec(QStringLiteral("INSERT INTO `dst` VALUES (4, NULL, '2021-10-31 01:30:00')"));

        PgConnection p = pg();
        TableSpec spec;
        spec.name = table;
        QList<Reject> rejects;
        QList<qint64> ids;
        const TableMapping t = migrate(my, p, spec, rejects, ids);
        QVERIFY(rejects.isEmpty());
        QCOMPARE(ids, (QList<qint64>{1, 2, 3, 4}));

        // Source: C++ form from the binary protocol (session UTC, as readers
        // run), SQL form from a session in Europe/Berlin: they must agree.
        const int ts = 2, dtm = 1;
        QMap<qint64, QList<Canonical::Value>> cpp, sql, pgCpp, pgSql;
        {
            MySqlStatement st(my, QStringLiteral("SELECT id, dtm, ts FROM `dst` ORDER BY id"));
            st.execute();
            while (st.fetch())
                for (int i = 0; i < 3; ++i)
                    cpp[st.value(0).toInt64()] << ValueCodec(t.columns.at(i), m_policies).canonicalSource(SourceValue::fromMySql(st.value(i)));
        }
        my.exec(QStringLiteral("SET time_zone = 'Europe/Berlin'"));
        {
            MySqlStatement st(my, QStringLiteral("SELECT id, %1, %2, %3 FROM `dst` ORDER BY id")
                                      .arg(CanonicalSql::mysqlExpr(t.columns.at(0), m_policies),
                                           CanonicalSql::mysqlExpr(t.columns.at(1), m_policies),
                                           CanonicalSql::mysqlExpr(t.columns.at(2), m_policies)));
            st.execute();
            while (st.fetch())
                for (int i = 1; i < 4; ++i)
                    sql[st.value(0).toInt64()] << (st.value(i).isNull() ? Canonical::Value() : Canonical::Value(st.value(i).bytes().toByteArray()));
        }
        // Target read in a Europe/Berlin session too: text output carries +01/+02.
        p.exec(QStringLiteral("SET TIME ZONE 'Europe/Berlin'"));
        const QueryResult r = p.query(QStringLiteral("SELECT id, dtm, ts, %1, %2, %3 FROM %4 ORDER BY 1")
                                          .arg(CanonicalSql::pgExpr(t.columns.at(0)), CanonicalSql::pgExpr(t.columns.at(1)),
                                               CanonicalSql::pgExpr(t.columns.at(2)),
                                               quotePgQualifiedName(kSchema, t.targetName)));
        for (const auto &row : r.rows) {
            const qint64 id = row.at(0)->toLongLong();
            for (int i = 0; i < 3; ++i) {
                pgCpp[id] << Canonical::fromTarget(t.columns.at(i), row.at(i));
                pgSql[id] << row.at(3 + i);
            }
        }
        for (qint64 id : ids) {
            QCOMPARE(sql[id], cpp[id]);
            QCOMPARE(pgCpp[id], cpp[id]);
            QCOMPARE(pgSql[id], cpp[id]);
        }
        QCOMPARE(cpp[1].at(ts), Canonical::Value("1635640200000000")); // first 02:30 (CEST, 00:30 UTC)
        QCOMPARE(cpp[4].at(ts), Canonical::Value("1635643800000000")); // second 02:30 (CET, 01:30 UTC)
        QCOMPARE(cpp[2].at(ts), Canonical::Value("1616893199999999")); // 01:59:59.999999 CET
        QCOMPARE(cpp[3].at(ts), Canonical::Value("1616893200000000")); // 03:00 CEST: one µs later
        QCOMPARE(cpp[2].at(dtm), Canonical::Value("1616896799999999")); // DATETIME: the wall clock, as UTC
        QCOMPARE(cpp[3].at(dtm), Canonical::Value("1616900400000000"));
    }

    void cleanupTestCase()
    {
        if (!m_sandbox)
            return;
        // Keep the data when a test failed, for a look; drop it otherwise.
        if (QTest::currentTestFailed())
            return;
        MySqlConnection admin = mysql(m_sandbox->mysql.database);
        admin.exec(QStringLiteral("DROP DATABASE IF EXISTS %1").arg(quoteMySqlIdentifier(kDatabase)));
        pg().exec(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(quotePgIdentifier(kSchema)));
    }
};

QTEST_GUILESS_MAIN(TstTypeCorpus)
#include "tst_typecorpus.moc"
