#include "cli/WorkloadCommand.h"

#include "cli/CliApp.h"
#include "cli/CliCommon.h"
#include "client/TableAccess.h"
#include "client/TableClient.h"
#include "source/MySqlConnection.h"
#include "target/PgConnection.h"

#include <QElapsedTimer>
#include <QRandomGenerator>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <chrono>
#include <thread>
#include <unistd.h>

namespace switchyard::cli {

using namespace switchyard::core;
using namespace switchyard::client;

QString workloadCommandHelp()
{
    return QStringLiteral(
        "Usage: switchyard-cli workload PLAN --rate N [--mix I:U:D:R] [--duration S]\n"
        "                                    [--fail-secondary P] [--corrupt-secondary P]\n"
        "                                    [--max-corrupt N] [--table users]\n"
        "                                    [--report-every S]\n"
        "\n"
        "Simulates an application on the demo users table through Switchyard::Client,\n"
        "the library an application links: writes go to the primary, then to the\n"
        "secondary when the flags say so; reads are routed and shadowed as the flags\n"
        "say. Change the flags meanwhile with 'switchyard-cli flags set' and watch\n"
        "the routing follow within a second.\n"
        "\n"
        "  --rate N               operations per second (required)\n"
        "  --mix I:U:D:R          weights of inserts, updates, deletes and reads\n"
        "                         (default 10:30:5:55); deletes only touch rows this\n"
        "                         run inserted\n"
        "  --duration S           stop after S seconds (default: run until Ctrl-C)\n"
        "  --fail-secondary P     make a fraction P (0..1) of secondary writes fail, to\n"
        "                         exercise the repair queue\n"
        "  --corrupt-secondary P  after a fraction P of successful secondary writes,\n"
        "                         change the target row behind the client's back, to\n"
        "                         exercise shadow reads and validation\n"
        "  --max-corrupt N        stop corrupting after N rows (default: no limit), so a\n"
        "                         demo shows a few mismatches and can then pass its gates\n"
        "  --report-every S       seconds between progress lines (default 5)\n"
        "\n"
        "Exit status: 0 done (also after Ctrl-C), 1 operations failed, 2 usage,\n"
        "3 the servers could not be reached.\n");
}

namespace {

enum Op { Insert, Update, Delete, Read, OpCount };
const char *const kOpNames[OpCount] = {"insert", "update", "delete", "read"};

// Latencies of one operation kind, in microseconds (a bounded reservoir so
// a run of days keeps constant memory).
class Latencies
{
public:
    void add(qint64 micros)
    {
        ++m_seen;
        if (m_values.size() < kCapacity) {
            m_values.push_back(micros);
        } else {
            const quint64 slot = QRandomGenerator::global()->bounded(quint64(m_seen));
            if (slot < quint64(kCapacity))
                m_values[size_t(slot)] = micros;
        }
    }
    qint64 count() const { return m_seen; }
    double percentileMs(double p) const
    {
        if (m_values.empty())
            return 0;
        std::vector<qint64> v = m_values;
        const size_t i = std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5));
        std::nth_element(v.begin(), v.begin() + qsizetype(i), v.end());
        return double(v[i]) / 1000.0;
    }
    void clear()
    {
        m_values.clear();
        m_seen = 0;
    }

private:
    static constexpr size_t kCapacity = 100000;
    std::vector<qint64> m_values;
    qint64 m_seen = 0;
};

struct Totals
{
    Latencies all[OpCount];
    Latencies window; // since the last progress line
    qint64 errors[OpCount] = {0, 0, 0, 0};
    QString lastError;
};

std::optional<QList<int>> parseMix(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char(':'));
    if (parts.size() != 4)
        return std::nullopt;
    QList<int> mix;
    int sum = 0;
    for (const QString &p : parts) {
        bool ok = false;
        const int v = p.toInt(&ok);
        if (!ok || v < 0)
            return std::nullopt;
        mix << v;
        sum += v;
    }
    if (sum == 0)
        return std::nullopt;
    return mix;
}

QVariantMap newUser(qint64 n)
{
    const quint32 r = QRandomGenerator::global()->generate();
    return {{QStringLiteral("email"),
             QStringLiteral("wl-%1-%2-%3@example.com").arg(::getpid()).arg(n).arg(r, 8, 16, QLatin1Char('0'))},
            {QStringLiteral("name"), QStringLiteral("Workload User %1 🚂").arg(n)},
            {QStringLiteral("status"), QStringLiteral("pending")},
            {QStringLiteral("is_admin"), false},
            {QStringLiteral("balance"), QStringLiteral("%1.%2").arg(r % 10000).arg(r % 100, 2, 10, QLatin1Char('0'))},
            {QStringLiteral("score"), double(r % 1000) / 8.0},
            {QStringLiteral("prefs"), QStringLiteral("{\"lang\": \"en\", \"n\": %1}").arg(n)},
            {QStringLiteral("avatar_hash"), QByteArray::number(r, 16)},
            {QStringLiteral("created_at"),
             QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))}};
}

QVariantMap someChange()
{
    const quint32 r = QRandomGenerator::global()->generate();
    static const char *const statuses[] = {"active", "pending", "suspended", "closed"};
    switch (r % 3) {
    case 0:
        return {{QStringLiteral("status"), QString::fromLatin1(statuses[(r / 3) % 4])}};
    case 1:
        return {{QStringLiteral("balance"), QStringLiteral("%1.%2").arg(r % 100000).arg(r % 100, 2, 10, QLatin1Char('0'))}};
    default:
        return {{QStringLiteral("score"), double(r % 100000) / 16.0},
                {QStringLiteral("name"), QStringLiteral("Renamed %1").arg(r % 100000)}};
    }
}

} // namespace

int runWorkloadCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.contains(QLatin1String("--help")) || args.contains(QLatin1String("-h"))) {
        out << workloadCommandHelp();
        return Ok;
    }
    Options opts(args,
                 {QStringLiteral("rate"), QStringLiteral("mix"), QStringLiteral("duration"),
                  QStringLiteral("fail-secondary"), QStringLiteral("corrupt-secondary"),
                  QStringLiteral("max-corrupt"), QStringLiteral("table"), QStringLiteral("report-every")},
                 {});
    const auto rate = opts.number(QStringLiteral("rate"));
    const auto duration = opts.number(QStringLiteral("duration"));
    const auto failP = opts.number(QStringLiteral("fail-secondary"));
    const auto corruptP = opts.number(QStringLiteral("corrupt-secondary"));
    const auto maxCorrupt = opts.number(QStringLiteral("max-corrupt"));
    const auto reportEvery = opts.number(QStringLiteral("report-every"));
    auto usage = [&](const QString &m) {
        err << "switchyard-cli workload: " << m << "\n" << workloadCommandHelp();
        return int(Usage);
    };
    if (!opts.ok())
        return usage(opts.error());
    if (opts.positional().size() != 1)
        return usage(QStringLiteral("expected one plan file"));
    if (!rate || *rate <= 0)
        return usage(QStringLiteral("--rate N (operations per second, > 0) is required"));
    if ((failP && *failP > 1) || (corruptP && *corruptP > 1))
        return usage(QStringLiteral("--fail-secondary and --corrupt-secondary take a fraction from 0 to 1"));
    if (maxCorrupt && (*maxCorrupt < 0 || *maxCorrupt != std::floor(*maxCorrupt)))
        return usage(QStringLiteral("--max-corrupt takes a whole number of rows (0 or more)"));
    const auto mix = parseMix(opts.has(QStringLiteral("mix")) ? opts.value(QStringLiteral("mix"))
                                                              : QStringLiteral("10:30:5:55"));
    if (!mix)
        return usage(QStringLiteral("--mix takes four whole weights I:U:D:R, e.g. 10:30:5:55"));
    const auto plan = loadPlan(opts.positional().first(), err);
    if (!plan)
        return Problem;
    const QString table = opts.has(QStringLiteral("table")) ? opts.value(QStringLiteral("table"))
                                                           : QStringLiteral("users");
    if (!plan->table(table))
        return usage(QStringLiteral("table '%1' is not in the plan").arg(table));

    ClientOptions co;
    const double fail = failP.value_or(0);
    if (fail > 0)
        co.secondaryFault = [fail](const QString &) {
            return QRandomGenerator::global()->generateDouble() < fail;
        };

    std::unique_ptr<TableClient> client;
    MySqlConnection source;
    PgConnection target; // for --corrupt-secondary only
    QList<QVariantList> existing;
    try {
        client = std::make_unique<TableClient>(*plan, table, co);
        for (const QString &c : {QStringLiteral("email"), QStringLiteral("name"),
                                 QStringLiteral("status"), QStringLiteral("created_at")}) {
            if (!client->table().mapping().column(c))
                return usage(QStringLiteral("table '%1' has no column '%2': the workload simulates "
                                            "the demo users table (resources/demo/shop-mariadb.sql)")
                                 .arg(table, c));
        }
        source.open(plan->source);
        // Keys to update and read: the newest existing rows.
        const QueryResult ids = source.query(
            QStringLiteral("SELECT %1 FROM %2 ORDER BY %1 DESC LIMIT 10000")
                .arg(quoteMySqlIdentifier(client->table().keyColumns().first()),
                     quoteMySqlIdentifier(table)));
        for (const auto &row : ids.rows)
            existing << QVariantList{QVariant::fromValue(row.value(0).value_or("0").toULongLong())};
        source.close();
        if (corruptP && *corruptP > 0) {
            target.open(plan->target);
        }
    } catch (const std::exception &e) {
        err << "switchyard-cli workload: cannot start: " << e.what() << "\n";
        return Failure;
    }

    const TableClient::Stats startStats = client->stats();
    out << "workload on " << table << ": " << *rate << " ops/s, mix insert:update:delete:read = "
        << (*mix)[0] << ":" << (*mix)[1] << ":" << (*mix)[2] << ":" << (*mix)[3]
        << ", flags version " << startStats.flagsVersion
        << (startStats.flagsEverRead ? "" : " (flags NOT read yet: using the defaults)") << "\n";
    out.flush();

    std::atomic<bool> stop{false};
    InterruptGuard guard([&stop] { stop = true; });
    Totals totals;
    QList<QVariantList> inserted; // the only rows this run deletes
    const int mixSum = (*mix)[0] + (*mix)[1] + (*mix)[2] + (*mix)[3];
    const double reportSeconds = reportEvery && *reportEvery > 0 ? *reportEvery : 5.0;
    const qint64 durationMs = duration ? qint64(*duration * 1000) : 0;
    QElapsedTimer clock;
    clock.start();
    qint64 nextReportMs = qint64(reportSeconds * 1000);
    qint64 opIndex = 0;
    qint64 corrupted = 0;
    const QString keyColumn = client->table().keyColumns().first();
    const QString targetTable = plan->table(table)->effectiveTargetName();
    const QString targetSchema = plan->target.schema.isEmpty() ? QStringLiteral("public") : plan->target.schema;

    auto report = [&](bool final) {
        const TableClient::Stats s = client->stats();
        const double secs = double(clock.elapsed()) / 1000.0;
        QString line = QStringLiteral("%1 %2s  ").arg(final ? QStringLiteral("total") : QStringLiteral("at"))
                           .arg(secs, 0, 'f', 1);
        for (int op = 0; op < OpCount; ++op)
            line += QStringLiteral("%1 %2  ").arg(QString::fromLatin1(kOpNames[op])).arg(totals.all[op].count());
        const Latencies &l = totals.window;
        line += QStringLiteral("p50 %1 ms  p99 %2 ms").arg(l.percentileMs(0.50), 0, 'f', 2).arg(l.percentileMs(0.99), 0, 'f', 2);
        line += QStringLiteral("  | secondary written %1, queued %2 (+%3 local)  reads source %4 / target %5"
                               "  shadow %6 compared, %7 mismatched  flags v%8")
                    .arg(s.secondaryWritten)
                    .arg(s.queuedInTarget)
                    .arg(s.queuedLocally)
                    .arg(s.readsFromSource)
                    .arg(s.readsFromTarget)
                    .arg(s.shadowCompared)
                    .arg(s.shadowMismatched)
                    .arg(s.flagsVersion);
        qint64 errors = 0;
        for (qint64 e : totals.errors)
            errors += e;
        if (errors > 0)
            line += QStringLiteral("  errors %1 (last: %2)").arg(errors).arg(totals.lastError.left(200));
        if (!s.flagsError.isEmpty())
            line += QStringLiteral("  [flags unreadable, keeping version %1: %2]").arg(s.flagsVersion).arg(s.flagsError.left(120));
        out << line << "\n";
        out.flush();
    };

    while (!stop) {
        const qint64 now = clock.elapsed();
        if (durationMs > 0 && now >= durationMs)
            break;
        if (now >= nextReportMs) {
            report(false);
            totals.window.clear();
            nextReportMs += qint64(reportSeconds * 1000);
        }
        // Open-loop schedule: operation i starts at i / rate seconds.
        const qint64 dueMs = qint64(double(opIndex) * 1000.0 / *rate);
        if (dueMs > now) {
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min<qint64>(dueMs - now, 50)));
            continue;
        }
        ++opIndex;
        const int pick = int(QRandomGenerator::global()->bounded(mixSum));
        Op op = Read;
        if (pick < (*mix)[0])
            op = Insert;
        else if (pick < (*mix)[0] + (*mix)[1])
            op = Update;
        else if (pick < (*mix)[0] + (*mix)[1] + (*mix)[2])
            op = Delete;
        if ((op == Update || op == Read) && existing.isEmpty() && inserted.isEmpty())
            op = Insert;
        if (op == Delete && inserted.isEmpty())
            op = Insert;
        QElapsedTimer t;
        t.start();
        try {
            std::optional<WriteResult> w;
            switch (op) {
            case Insert:
                w = client->insert(newUser(opIndex));
                inserted << w->key;
                break;
            case Update: {
                const bool ours = !inserted.isEmpty() && (existing.isEmpty() || QRandomGenerator::global()->bounded(2) == 0);
                const QList<QVariantList> &pool = ours ? inserted : existing;
                w = client->update(pool.at(int(QRandomGenerator::global()->bounded(pool.size()))), someChange());
                break;
            }
            case Delete: {
                const int i = int(QRandomGenerator::global()->bounded(inserted.size()));
                w = client->remove(inserted.at(i));
                inserted.removeAt(i);
                break;
            }
            case Read:
            case OpCount: {
                const bool ours = !inserted.isEmpty() && (existing.isEmpty() || QRandomGenerator::global()->bounded(4) == 0);
                const QList<QVariantList> &pool = ours ? inserted : existing;
                client->read(pool.at(int(QRandomGenerator::global()->bounded(pool.size()))));
                break;
            }
            }
            const qint64 micros = t.nsecsElapsed() / 1000;
            totals.all[op].add(micros);
            totals.window.add(micros);
            if (w && op != Delete && w->secondary == SecondaryOutcome::Written && corruptP &&
                (!maxCorrupt || corrupted < qint64(*maxCorrupt)) &&
                QRandomGenerator::global()->generateDouble() < *corruptP) {
                // Drift behind the client's back, as a buggy job or a manual fix would.
                target.exec(QStringLiteral("UPDATE %1 SET name = name || ' (corrupt)' WHERE %2 = %3")
                                .arg(quotePgQualifiedName(targetSchema, targetTable),
                                     quotePgIdentifier(keyColumn), w->key.first().toString()));
                ++corrupted;
            }
        } catch (const std::exception &e) {
            ++totals.errors[op];
            totals.lastError = QString::fromUtf8(e.what());
            // Do not hammer a server that is down.
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    client->waitForShadowIdle(3000);
    out << (stop ? "stopped (Ctrl-C)\n" : "done\n");
    report(true);
    qint64 errors = 0;
    for (int op = 0; op < OpCount; ++op) {
        out << "  " << QString::fromLatin1(kOpNames[op]).leftJustified(7) << totals.all[op].count()
            << " ops, " << totals.errors[op] << " errors, p50 "
            << QString::number(totals.all[op].percentileMs(0.50), 'f', 2) << " ms, p99 "
            << QString::number(totals.all[op].percentileMs(0.99), 'f', 2) << " ms\n";
        errors += totals.errors[op];
    }
    if (corrupted > 0)
        out << "  corrupted " << corrupted << " target rows on purpose (--corrupt-secondary)\n";
    const TableClient::Stats s = client->stats();
    if (s.queuedLocally > 0)
        out << "  " << s.queuedLocally << " failed secondary writes wait in " << client->localRepairFile()
            << " until the target is reachable\n";
    return errors > 0 ? Problem : Ok;
}

} // namespace switchyard::cli
