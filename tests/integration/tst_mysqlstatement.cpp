// MySqlStatement against the sandbox's MariaDB/MySQL: 200k generated rows
// streamed through a prepared statement with bound parameters, every value
// of every basic type checked against what the generator put there, plus
// growing buffers for long values, discarding results, cursors and errors.

#include "TestSupport.h"

#include "source/MySqlConnection.h"
#include "source/MySqlStatement.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QTimeZone>
#include <QtTest>

#include <limits>

using namespace switchyard::core;
using switchyard::test::mysqlSettings;
using switchyard::test::pgSettings;

namespace {

const QString kDatabase = QStringLiteral("tst_mysqlstatement");
constexpr int kRows = 200000;

// The generator below, in C++. Rows 1–11 carry the extremes.
const char *const kGenerator = R"SQL(
INSERT INTO types
SELECT n,
  CASE n WHEN 1 THEN -9223372036854775808 WHEN 2 THEN 9223372036854775807
         ELSE n * 1000003 - 100000000000 END,
  CASE n WHEN 4 THEN 0 ELSE 18446744073709551615 - (n - 1) END,
  (n % 256) - 128,
  n % 256,
  n / 4,
  CASE n WHEN 5 THEN 1.7976931348623157e308 WHEN 6 THEN 2.2250738585072014e-308
         ELSE n / 7e0 END,
  CASE n WHEN 7 THEN -99999999999999999999999999999999999.999999999999999999999999999999
         ELSE CAST(n AS DECIMAL(65,30)) + 0.123456789012345678901234567890 END,
  CASE n WHEN 8 THEN '9999-12-31 23:59:59.999999' WHEN 9 THEN '1000-01-01 00:00:00'
         ELSE TIMESTAMP'2024-01-01 00:00:00' + INTERVAL (n * 1000001) MICROSECOND END,
  CASE n WHEN 8 THEN '9999-12-31' WHEN 9 THEN '1000-01-01'
         ELSE DATE'2000-01-01' + INTERVAL n DAY END,
  CASE n WHEN 10 THEN '838:59:59' WHEN 11 THEN '-838:59:59'
         ELSE SEC_TO_TIME((1 - 2 * (n % 2)) * ((n % 1000) * 3000 + (n % 997) * 0.000001)) END,
  CASE n % 3 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE CONCAT('row-', n) END,
  UNHEX(CONCAT('00', LPAD(HEX(n), 8, '0'), '00FF')),
  CONCAT('🚂', n, 'ß')
FROM %1
)SQL";

struct Expected
{
    qint64 i64;
    quint64 u64;
    qint64 ti;
    quint64 tu;
    double f;
    double d;
    QByteArray dec;
    MySqlTime dt;
    MySqlTime dd;
    MySqlTime tt;
    std::optional<QByteArray> s;
    QByteArray b;
    QByteArray e;
};

MySqlTime dateTime(const QDateTime &t, unsigned long us)
{
    MySqlTime r;
    r.kind = MySqlTime::Kind::DateTime;
    r.year = unsigned(t.date().year());
    r.month = unsigned(t.date().month());
    r.day = unsigned(t.date().day());
    r.hour = unsigned(t.time().hour());
    r.minute = unsigned(t.time().minute());
    r.second = unsigned(t.time().second());
    r.microsecond = us;
    return r;
}

MySqlTime date(const QDate &d)
{
    MySqlTime r;
    r.kind = MySqlTime::Kind::Date;
    r.year = unsigned(d.year());
    r.month = unsigned(d.month());
    r.day = unsigned(d.day());
    return r;
}

MySqlTime time(bool negative, qint64 seconds, unsigned long us)
{
    MySqlTime r;
    r.kind = MySqlTime::Kind::Time;
    r.negative = negative;
    r.hour = unsigned(seconds / 3600);
    r.minute = unsigned(seconds % 3600 / 60);
    r.second = unsigned(seconds % 60);
    r.microsecond = us;
    return r;
}

Expected expected(qint64 n)
{
    Expected x;
    x.i64 = n == 1   ? std::numeric_limits<qint64>::min()
            : n == 2 ? std::numeric_limits<qint64>::max()
                     : n * 1000003 - 100000000000;
    x.u64 = n == 4 ? 0 : std::numeric_limits<quint64>::max() - quint64(n - 1);
    x.ti = n % 256 - 128;
    x.tu = quint64(n % 256);
    x.f = double(float(n) / 4.0f);
    x.d = n == 5 ? 1.7976931348623157e308 : n == 6 ? 2.2250738585072014e-308 : double(n) / 7.0;
    x.dec = n == 7
                ? QByteArray("-99999999999999999999999999999999999.999999999999999999999999999999")
                : QByteArray::number(n) + ".123456789012345678901234567890";
    if (n == 8) {
        x.dt =
            dateTime(QDateTime(QDate(9999, 12, 31), QTime(23, 59, 59), QTimeZone::utc()), 999999);
        x.dd = date(QDate(9999, 12, 31));
    } else if (n == 9) {
        x.dt = dateTime(QDateTime(QDate(1000, 1, 1), QTime(0, 0), QTimeZone::utc()), 0);
        x.dd = date(QDate(1000, 1, 1));
    } else {
        const qint64 us = n * 1000001;
        const QDateTime base(QDate(2024, 1, 1), QTime(0, 0), QTimeZone::utc());
        x.dt = dateTime(base.addSecs(us / 1000000), static_cast<unsigned long>(us % 1000000));
        x.dd = date(QDate(2000, 1, 1).addDays(n));
    }
    if (n == 10 || n == 11) {
        x.tt = time(n == 11, 838 * 3600 + 59 * 60 + 59, 0);
    } else {
        const qint64 secs = (n % 1000) * 3000;
        const unsigned long us = static_cast<unsigned long>(n % 997);
        x.tt = time(n % 2 == 1 && (secs != 0 || us != 0), secs, us);
    }
    if (n % 3 == 0)
        x.s = std::nullopt;
    else if (n % 3 == 1)
        x.s = QByteArray("");
    else
        x.s = "row-" + QByteArray::number(n);
    x.b = QByteArray(1, '\0');
    for (int shift = 24; shift >= 0; shift -= 8)
        x.b += char((n >> shift) & 0xff);
    x.b += QByteArray::fromHex("00FF");
    x.e = QString::fromUtf8("🚂%1ß").arg(n).toUtf8();
    return x;
}

QString describe(const MySqlTime &t)
{
    return QString::asprintf("%s%04u-%02u-%02u %02u:%02u:%02u.%06lu kind=%d", t.negative ? "-" : "",
                             t.year, t.month, t.day, t.hour, t.minute, t.second, t.microsecond,
                             int(t.kind));
}

/// A byte pattern with NULs and every byte value, `size` long.
QByteArray pattern(qsizetype size, int seed)
{
    QByteArray b(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        b[i] = char((i * 31 + seed) % 256);
    return b;
}

} // namespace

class TestMySqlStatement : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void metadata();
    void streamsEveryValue();
    void streamingSpeed();
    void boundParametersCompareAsTheirTypes();
    void growsBuffersForLongValues();
    void discardResultFreesTheConnection();
    void readOnlyCursorLeavesConnectionFree();
    void errors();

private:
    QString selectAll() const;

    std::optional<switchyard::test::Sandbox> m_sb;
    MySqlConnection m_conn;
};

void TestMySqlStatement::initTestCase()
{
    SWITCHYARD_NEED_SANDBOX(sb);
    m_sb = sb;
    {
        MySqlConnection admin;
        admin.open(mysqlSettings(sb, sb.mysql.database));
        admin.exec("DROP DATABASE IF EXISTS " + quoteMySqlIdentifier(kDatabase));
        admin.exec("CREATE DATABASE " + quoteMySqlIdentifier(kDatabase) + " CHARACTER SET utf8mb4");
    }
    m_conn.open(mysqlSettings(sb, kDatabase));
    m_conn.exec(R"SQL(
        CREATE TABLE types (
          id BIGINT NOT NULL PRIMARY KEY,
          i64 BIGINT NOT NULL,
          u64 BIGINT UNSIGNED NOT NULL,
          ti TINYINT NOT NULL,
          tu TINYINT UNSIGNED NOT NULL,
          f FLOAT NOT NULL,
          d DOUBLE NOT NULL,
          dec65 DECIMAL(65,30) NOT NULL,
          dt DATETIME(6) NOT NULL,
          dd DATE NOT NULL,
          tt TIME(6) NOT NULL,
          s VARCHAR(100) NULL,
          b BLOB NOT NULL,
          e VARCHAR(20) CHARACTER SET utf8mb4 NOT NULL
        ) ENGINE=InnoDB)SQL");

    QString source;
    if (m_conn.isMariaDB()) {
        source =
            QStringLiteral("(SELECT CAST(seq AS SIGNED) AS n FROM seq_1_to_%1) AS g").arg(kRows);
    } else {
        m_conn.exec(QStringLiteral("SET SESSION cte_max_recursion_depth = %1").arg(kRows + 1));
        source = QStringLiteral("(WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g "
                                "WHERE n < %1) SELECT n FROM g) AS g")
                     .arg(kRows);
    }
    QElapsedTimer timer;
    timer.start();
    m_conn.exec(QString::fromUtf8(kGenerator).arg(source));
    QCOMPARE(m_conn.affectedRows(), quint64(kRows));
    qInfo("generated %d rows in %lld ms", kRows, timer.elapsed());
}

void TestMySqlStatement::cleanupTestCase()
{
    if (m_conn.isOpen()) {
        m_conn.exec("DROP DATABASE IF EXISTS " + quoteMySqlIdentifier(kDatabase));
        m_conn.close();
    }
}

QString TestMySqlStatement::selectAll() const
{
    return QStringLiteral("SELECT id, i64, u64, ti, tu, f, d, dec65, dt, dd, tt, s, b, e "
                          "FROM types WHERE id > ? AND id <= ? AND d >= ? AND e LIKE ? "
                          "AND b <> ? AND (? IS NULL) ORDER BY id");
}

void TestMySqlStatement::metadata()
{
    MySqlStatement st(m_conn, selectAll());
    QCOMPARE(st.parameterCount(), 6);
    QCOMPARE(st.columnCount(), 14);
    QCOMPARE(st.column(0).name, QString("id"));
    QCOMPARE(st.column(0).type, MySqlFieldType::LongLong);
    QVERIFY(st.column(0).hasFlag(MySqlColumn::PrimaryKey));
    QVERIFY(st.column(0).isNotNull());
    QVERIFY(!st.column(1).isUnsigned());
    QVERIFY(st.column(2).isUnsigned());
    QCOMPARE(st.column(3).type, MySqlFieldType::Tiny);
    QVERIFY(st.column(4).isUnsigned());
    QCOMPARE(st.column(5).type, MySqlFieldType::Float);
    QCOMPARE(st.column(6).type, MySqlFieldType::Double);
    QCOMPARE(st.column(7).type, MySqlFieldType::NewDecimal);
    QCOMPARE(st.column(7).decimals, 30u);
    QCOMPARE(st.column(8).type, MySqlFieldType::DateTime);
    QCOMPARE(st.column(8).decimals, 6u);
    QCOMPARE(st.column(9).type, MySqlFieldType::Date);
    QCOMPARE(st.column(10).type, MySqlFieldType::Time);
    QCOMPARE(st.column(11).type, MySqlFieldType::VarString);
    QVERIFY(!st.column(11).isNotNull());
    QVERIFY(!st.column(11).isBinaryCharset());
    QCOMPARE(st.column(12).type, MySqlFieldType::Blob);
    QVERIFY(st.column(12).isBinaryCharset());
    QVERIFY(st.column(12).hasFlag(MySqlColumn::Binary));
    QCOMPARE(st.column(13).originalTable, QString("types"));
    QCOMPARE(st.column(13).database, kDatabase);
    QCOMPARE(st.column(13).length, 80ul); // 20 characters × 4 bytes
}

void TestMySqlStatement::streamsEveryValue()
{
    MySqlStatement st(m_conn, selectAll());
    st.bindInt64(0, 0);
    st.bindUInt64(1, kRows);
    st.bindDouble(2, -1.0);
    st.bindString(3, QString::fromUtf8("🚂%"));
    st.bindBytes(4, QByteArray(2, '\0'));
    st.bindNull(5);
    st.execute();

    qint64 n = 0;
    while (st.fetch()) {
        ++n;
        const Expected x = expected(n);
        const auto where = [&](int col) {
            return QString("row %1, column %2").arg(n).arg(st.column(col).name);
        };
#define CHECK(col, cond)                                                                           \
    if (!(cond))                                                                                   \
        QFAIL(qPrintable(where(col) + ": " #cond));

        CHECK(0, st.value(0).toInt64() == n);
        CHECK(1, st.value(1).kind() == MySqlValue::Kind::Int && st.value(1).toInt64() == x.i64);
        CHECK(2, st.value(2).kind() == MySqlValue::Kind::UInt && st.value(2).toUInt64() == x.u64);
        CHECK(3, st.value(3).toInt64() == x.ti);
        CHECK(4, st.value(4).toUInt64() == x.tu);
        CHECK(5, st.value(5).toDouble() == x.f);
        CHECK(6, st.value(6).toDouble() == x.d);
        CHECK(7, st.value(7).bytes() == x.dec);
        if (st.value(8).toTime() != x.dt)
            QFAIL(qPrintable(where(8) + ": " + describe(st.value(8).toTime()) +
                             " != " + describe(x.dt)));
        if (st.value(9).toTime() != x.dd)
            QFAIL(qPrintable(where(9) + ": " + describe(st.value(9).toTime()) +
                             " != " + describe(x.dd)));
        if (st.value(10).toTime() != x.tt)
            QFAIL(qPrintable(where(10) + ": " + describe(st.value(10).toTime()) +
                             " != " + describe(x.tt)));
        CHECK(11, st.isNull(11) == !x.s.has_value());
        CHECK(11, !x.s || st.value(11).bytes() == *x.s);
        CHECK(12, st.value(12).bytes() == x.b);
        CHECK(13, st.value(13).bytes() == x.e);
#undef CHECK
    }
    QCOMPARE(n, qint64(kRows));
    QCOMPARE(st.rowsFetched(), quint64(kRows));
    QVERIFY(!st.fetch()); // stays at the end
    // The connection is free again once the result is read.
    QCOMPARE(m_conn.query("SELECT 1").scalar(), QString("1"));
}

void TestMySqlStatement::streamingSpeed()
{
    // The backfill's shape: every column read, nothing verified.
    MySqlStatement st(m_conn, selectAll());
    st.bindInt64(0, 0);
    st.bindUInt64(1, kRows);
    st.bindDouble(2, -1.0);
    st.bindString(3, QString::fromUtf8("🚂%"));
    st.bindBytes(4, QByteArray(2, '\0'));
    st.bindNull(5);
    QElapsedTimer timer;
    timer.start();
    st.execute();
    quint64 checksum = 0;
    const int columns = st.columnCount();
    while (st.fetch()) {
        for (int c = 0; c < columns; ++c) {
            const MySqlValue v = st.value(c);
            switch (v.kind()) {
            case MySqlValue::Kind::Int:
                checksum += quint64(v.toInt64());
                break;
            case MySqlValue::Kind::UInt:
                checksum += v.toUInt64();
                break;
            case MySqlValue::Kind::Double:
                checksum += quint64(v.toDouble() > 0);
                break;
            case MySqlValue::Kind::Time:
                checksum += v.toTime().second;
                break;
            case MySqlValue::Kind::Bytes:
                checksum += quint64(v.bytes().size());
                break;
            case MySqlValue::Kind::Null:
                break;
            }
        }
    }
    const qint64 ms = qMax<qint64>(1, timer.elapsed());
    QCOMPARE(st.rowsFetched(), quint64(kRows));
    QVERIFY(checksum != 0);
    qInfo("streamed %d rows x %d columns in %lld ms: %lld rows/s", kRows, columns, ms,
          qint64(kRows) * 1000 / ms);
}

void TestMySqlStatement::boundParametersCompareAsTheirTypes()
{
    MySqlStatement byI64(m_conn, "SELECT id FROM types WHERE i64 = ?");
    byI64.bindInt64(0, std::numeric_limits<qint64>::min());
    byI64.execute();
    QVERIFY(byI64.fetch());
    QCOMPARE(byI64.value(0).toInt64(), qint64(1));
    QVERIFY(!byI64.fetch());

    MySqlStatement byU64(m_conn, "SELECT id FROM types WHERE u64 = ?");
    byU64.bindUInt64(0, std::numeric_limits<quint64>::max());
    byU64.execute();
    QVERIFY(byU64.fetch());
    QCOMPARE(byU64.value(0).toInt64(), qint64(1));
    QVERIFY(!byU64.fetch());

    MySqlStatement byTime(m_conn, "SELECT id FROM types WHERE dt = ? AND dd = ? AND tt = ?");
    const Expected x = expected(12345);
    byTime.bindTime(0, x.dt);
    byTime.bindTime(1, x.dd);
    byTime.bindTime(2, x.tt);
    byTime.execute();
    QVERIFY(byTime.fetch());
    QCOMPARE(byTime.value(0).toInt64(), qint64(12345));
    QVERIFY(!byTime.fetch());

    // Text compares under the column's collation (case-insensitive here).
    MySqlStatement byS(m_conn, "SELECT COUNT(*) FROM types WHERE s = ?");
    byS.bindText(0, "ROW-5");
    byS.execute();
    QVERIFY(byS.fetch());
    QCOMPARE(byS.value(0).toInt64(), qint64(1));
    // One row read, but the result is not finished until fetch() says so:
    // the connection is still busy with it, and says which statement holds it.
    try {
        MySqlStatement other(m_conn, "SELECT 1");
        QFAIL("prepared while another statement was streaming");
    } catch (const DbException &e) {
        QCOMPARE(e.error().nativeCode, 2014);
        QVERIFY2(e.error().message.contains("SELECT COUNT(*) FROM types"),
                 qPrintable(e.error().message));
    }
    QVERIFY(!byS.fetch());

    // Bytes are a binary string: no conversion, no validation, NULs kept;
    // text is utf8mb4.
    MySqlStatement echo(m_conn, "SELECT ?, ?, ?");
    const QByteArray raw("\xff\x00\xfe", 3);
    echo.bindBytes(0, raw);
    echo.bindText(1, QString::fromUtf8("ß🚂").toUtf8());
    echo.bindBytes(2, QByteArray());
    echo.execute();
    QVERIFY(echo.fetch());
    QVERIFY(echo.value(0).bytes() == raw);
    QVERIFY(echo.column(0).isBinaryCharset());
    QVERIFY(echo.value(1).bytes() == QString::fromUtf8("ß🚂").toUtf8());
    QVERIFY(!echo.column(1).isBinaryCharset());
    QVERIFY(!echo.isNull(2));
    QCOMPARE(echo.value(2).bytes().size(), 0);
    QVERIFY(!echo.fetch());

    MySqlStatement byB(m_conn, "SELECT id FROM types WHERE b = ?");
    byB.bindBytes(0, expected(777).b);
    byB.execute();
    QVERIFY(byB.fetch());
    QCOMPARE(byB.value(0).toInt64(), qint64(777));
    QVERIFY(!byB.fetch());

    // An empty string is '', not NULL; a NULL parameter matches nothing.
    byS.bindString(0, QString(""));
    byS.execute();
    QVERIFY(byS.fetch());
    QCOMPARE(byS.value(0).toInt64(), qint64(kRows / 3 + (kRows % 3 >= 1 ? 1 : 0)));
    byS.bindNull(0);
    byS.execute();
    QVERIFY(byS.fetch());
    QCOMPARE(byS.value(0).toInt64(), qint64(0));
    QVERIFY(!byS.fetch());

    // Keyset pagination: re-executing with new bounds, batch after batch.
    MySqlStatement page(m_conn, "SELECT id FROM types WHERE id > ? ORDER BY id LIMIT 1000");
    qint64 last = 0;
    qint64 seen = 0;
    for (int batch = 0; batch < 5; ++batch) {
        page.bindInt64(0, last);
        page.execute();
        while (page.fetch()) {
            const qint64 id = page.value(0).toInt64();
            QCOMPARE(id, last + 1);
            last = id;
            ++seen;
        }
    }
    QCOMPARE(seen, qint64(5000));
}

void TestMySqlStatement::growsBuffersForLongValues()
{
    m_conn.exec("CREATE TABLE big (id INT PRIMARY KEY, b LONGBLOB NULL, t MEDIUMTEXT NULL)");
    const QByteArray oneMiB = pattern(1 << 20, 1);
    const QByteArray threeMiB = pattern(3 << 20, 7);
    const QByteArray emojiText = QString::fromUtf8("🚂ß").repeated(100000).toUtf8(); // 600 kB
    const QList<std::optional<QByteArray>> blobs = {
        QByteArray("abc"), oneMiB, QByteArray("x"), threeMiB, std::nullopt, QByteArray()};
    {
        MySqlStatement insert(m_conn, "INSERT INTO big VALUES (?, ?, ?)");
        for (int i = 0; i < blobs.size(); ++i) {
            insert.bindInt64(0, i + 1);
            if (blobs[i])
                insert.bindBytes(1, *blobs[i]);
            else
                insert.bindNull(1);
            insert.bindText(2, i == 1 ? emojiText : QByteArray("short"));
            insert.execute();
            QCOMPARE(insert.affectedRows(), quint64(1));
        }
    }
    MySqlStatement st(m_conn, "SELECT id, b, t FROM big ORDER BY id");
    for (int round = 0; round < 2; ++round) { // the second round reuses grown buffers
        st.execute();
        for (int i = 0; i < blobs.size(); ++i) {
            QVERIFY(st.fetch());
            QCOMPARE(st.value(0).toInt64(), qint64(i + 1));
            if (!blobs[i]) {
                QVERIFY(st.isNull(1));
            } else {
                QVERIFY(!st.isNull(1));
                QCOMPARE(st.value(1).bytes().size(), blobs[i]->size());
                QVERIFY(st.value(1).bytes() == *blobs[i]);
            }
            QVERIFY(st.value(2).bytes() == (i == 1 ? emojiText : QByteArray("short")));
        }
        QVERIFY(!st.fetch());
    }
    m_conn.exec("DROP TABLE big");
}

void TestMySqlStatement::discardResultFreesTheConnection()
{
    MySqlStatement st(m_conn, "SELECT id FROM types WHERE id <= ? ORDER BY id");
    st.bindInt64(0, 50000);
    st.execute();
    for (int i = 0; i < 10; ++i)
        QVERIFY(st.fetch());
    st.discardResult();
    QVERIFY(!st.fetch());
    QCOMPARE(m_conn.query("SELECT 42").scalar(), QString("42"));

    // execute() discards an unread result by itself.
    st.execute();
    QVERIFY(st.fetch());
    st.bindInt64(0, 3);
    st.execute();
    int n = 0;
    while (st.fetch())
        ++n;
    QCOMPARE(n, 3);

    // Without discarding, the connection is busy, and says with what.
    st.execute();
    QVERIFY(st.fetch());
    try {
        m_conn.query("SELECT 1");
        QFAIL("the connection ran a query in the middle of a streamed result");
    } catch (const DbException &e) {
        QCOMPARE(e.error().nativeCode, 2014); // commands out of sync
        QVERIFY(e.error().message.contains("WHERE id <= ?"));
        QVERIFY(!e.error().isRetryable());
    }
    st.discardResult();
    QCOMPARE(m_conn.query("SELECT 1").scalar(), QString("1"));
}

void TestMySqlStatement::readOnlyCursorLeavesConnectionFree()
{
    MySqlStatement st(m_conn, "SELECT id, e FROM types WHERE id <= ? ORDER BY id");
    st.setCursor(MySqlStatement::Cursor::ReadOnly);
    st.setPrefetchRows(100);
    st.bindInt64(0, 1000);
    st.execute();
    for (int i = 1; i <= 250; ++i) {
        QVERIFY(st.fetch());
        QCOMPARE(st.value(0).toInt64(), qint64(i));
    }
    // Between round trips the connection is free for other work.
    QCOMPARE(m_conn.query("SELECT 7").scalar(), QString("7"));
    int n = 250;
    while (st.fetch()) {
        ++n;
        QCOMPARE(st.value(0).toInt64(), qint64(n));
        QVERIFY(st.value(1).bytes() == expected(n).e);
    }
    QCOMPARE(n, 1000);
    st.execute();
    QVERIFY(st.fetch());
    st.discardResult();
    QCOMPARE(m_conn.query("SELECT 8").scalar(), QString("8"));
}

void TestMySqlStatement::errors()
{
    try {
        MySqlStatement st(m_conn, "SELEC id FROM types");
        QFAIL("a syntax error prepared");
    } catch (const DbException &e) {
        QCOMPARE(e.error().nativeCode, 1064);
        QCOMPARE(e.error().sqlState, QString("42000"));
        QCOMPARE(e.error().context, QString("SELEC id FROM types"));
    }

    MySqlStatement st(m_conn, "SELECT id FROM types WHERE id = ? OR id = ?");
    st.bindInt64(0, 1);
    try {
        st.execute();
        QFAIL("executed with an unbound parameter");
    } catch (const DbException &e) {
        QVERIFY(e.error().message.contains("parameter 1"));
        QVERIFY(!e.error().isRetryable());
    }
    try {
        st.bindInt64(2, 1);
        QFAIL("bound a parameter that does not exist");
    } catch (const DbException &e) {
        QVERIFY(e.error().message.contains("out of range"));
    }

    MySqlStatement dup(m_conn,
                       "INSERT INTO types (id, i64, u64, ti, tu, f, d, dec65, dt, dd, tt, b, e) "
                       "SELECT id, i64, u64, ti, tu, f, d, dec65, dt, dd, tt, b, e "
                       "FROM types WHERE id = ?");
    dup.bindInt64(0, 1);
    try {
        dup.execute();
        QFAIL("a duplicate key passed");
    } catch (const DbException &e) {
        QCOMPARE(e.error().nativeCode, 1062);
        QCOMPARE(e.error().sqlState, QString("23000"));
    }
    // The statement and the connection are still usable.
    st.bindInt64(1, 2);
    st.execute();
    int n = 0;
    while (st.fetch())
        ++n;
    QCOMPARE(n, 2);
}

QTEST_GUILESS_MAIN(TestMySqlStatement)
#include "tst_mysqlstatement.moc"
