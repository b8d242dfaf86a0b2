#include "client/ShadowReader.h"

#include "flags/FlagTables.h"
#include "source/MySqlConnection.h"
#include "target/PgConnection.h"

#include <QDateTime>

#include <pqxx/pqxx>

#include <chrono>

namespace switchyard::client {

using namespace switchyard::core;

ShadowReader::ShadowReader(const Plan &plan, const TableAccess &table, int queueLimit, int recheckMs)
    : m_plan(plan)
    , m_table(table)
    , m_queueLimit(queueLimit)
    , m_recheckMs(recheckMs)
{
}

ShadowReader::~ShadowReader()
{
    stop();
}

void ShadowReader::start()
{
    if (m_thread.joinable())
        return;
    m_stop = false;
    m_thread = std::thread([this] { run(); });
}

void ShadowReader::stop()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void ShadowReader::enqueue(const QVariantList &key)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (int(m_queue.size()) >= m_queueLimit) {
            ++m_counters.dropped;
            return;
        }
        m_queue.push_back(key);
        m_counters.pending = qint64(m_queue.size());
    }
    m_wake.notify_one();
}

ShadowReader::Counters ShadowReader::counters() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_counters;
}

bool ShadowReader::waitIdle(int timeoutMs) const
{
    std::unique_lock<std::mutex> lock(m_mutex);
    return m_idle.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                           [&] { return m_queue.empty() && !m_busy && !m_unflushed; });
}

namespace {

QStringList differingColumns(const std::optional<CanonicalRow> &a, const std::optional<CanonicalRow> &b)
{
    if (!a && !b)
        return {};
    if (!a || !b)
        return {QStringLiteral("(row)")};
    QStringList out;
    for (int i = 0; i < a->columns.size(); ++i) {
        if (a->values.at(i) != b->values.at(i))
            out << a->columns.at(i);
    }
    return out;
}

std::string textArray(const QStringList &names)
{
    // A PostgreSQL text[] literal with every element quoted.
    QStringList quoted;
    for (QString n : names) {
        n.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
        quoted << QLatin1Char('"') + n + QLatin1Char('"');
    }
    return (QLatin1Char('{') + quoted.join(QLatin1Char(',')) + QLatin1Char('}')).toStdString();
}

} // namespace

void ShadowReader::run()
{
    MySqlConnection source;
    PgConnection target;
    PgConnection::Options pgOptions;
    pgOptions.connectTimeoutSeconds = 2;
    pgOptions.applicationName = QStringLiteral("switchyard-client-shadow");
    qint64 pendingCompared = 0;
    qint64 pendingMismatched = 0;
    auto lastFlush = std::chrono::steady_clock::now();

    auto flush = [&] {
        if (pendingCompared == 0 && pendingMismatched == 0)
            return;
        const QDateTime minute = QDateTime::fromSecsSinceEpoch(
            (QDateTime::currentSecsSinceEpoch() / 60) * 60, Qt::UTC);
        target.run(QStringLiteral("counting shadow comparisons"), [&] {
            pqxx::work tx(target.connection());
            tx.exec_params("INSERT INTO switchyard.shadow_stats (table_name, minute, comparisons, "
                           "mismatches) VALUES ($1, $2::timestamptz, $3, $4) "
                           "ON CONFLICT (table_name, minute) DO UPDATE SET "
                           "comparisons = shadow_stats.comparisons + EXCLUDED.comparisons, "
                           "mismatches = shadow_stats.mismatches + EXCLUDED.mismatches",
                           m_table.table().toStdString(),
                           minute.toString(Qt::ISODate).toStdString(), pendingCompared,
                           pendingMismatched);
            tx.commit();
        });
        pendingCompared = 0;
        pendingMismatched = 0;
        lastFlush = std::chrono::steady_clock::now();
    };

    auto ensureOpen = [&] {
        if (!source.isOpen())
            source.open(m_plan.source);
        if (!target.isOpen()) {
            target.open(m_plan.target, pgOptions);
            TableAccess::prepareTargetSession(target);
            ensureTargetTablesIfPossible(target);
        }
    };

    for (;;) {
        QVariantList key;
        bool haveTask = false;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait_for(lock, std::chrono::milliseconds(200),
                            [&] { return m_stop || !m_queue.empty(); });
            if (!m_queue.empty()) {
                key = m_queue.front();
                m_queue.pop_front();
                m_counters.pending = qint64(m_queue.size());
                m_busy = true;
                haveTask = true;
            }
            if (!haveTask && m_stop)
                break;
        }
        try {
            ensureOpen();
            if (haveTask) {
                auto a = m_table.readSource(source, key);
                auto b = m_table.readTarget(target, key);
                QStringList diff = differingColumns(a, b);
                if (!diff.isEmpty() && m_recheckMs > 0) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(m_recheckMs));
                    a = m_table.readSource(source, key);
                    b = m_table.readTarget(target, key);
                    diff = differingColumns(a, b);
                }
                if (!diff.isEmpty()) {
                    target.run(QStringLiteral("recording a shadow mismatch"), [&] {
                        pqxx::work tx(target.connection());
                        tx.exec_params(
                            "INSERT INTO switchyard.shadow_mismatches (table_name, key_json, "
                            "entity_id, columns, source_row, target_row) "
                            "VALUES ($1, $2::jsonb, $3, $4::text[], $5::jsonb, $6::jsonb)",
                            m_table.table().toStdString(), m_table.keyJson(key).toStdString(),
                            TableAccess::entityId(key).toStdString(), textArray(diff),
                            a ? std::optional<std::string>(a->toJson().toStdString()) : std::nullopt,
                            b ? std::optional<std::string>(b->toJson().toStdString()) : std::nullopt);
                        tx.commit();
                    });
                    ++pendingMismatched;
                }
                ++pendingCompared;
                std::lock_guard<std::mutex> lock(m_mutex);
                ++m_counters.compared;
                if (!diff.isEmpty())
                    ++m_counters.mismatched;
                m_unflushed = true;
            }
            bool queueEmpty = false;
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                queueEmpty = m_queue.empty();
            }
            if (queueEmpty || std::chrono::steady_clock::now() - lastFlush > std::chrono::seconds(1)) {
                flush();
                std::lock_guard<std::mutex> lock(m_mutex);
                m_unflushed = false;
            }
        } catch (const std::exception &) {
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                if (haveTask)
                    ++m_counters.errors;
            }
            source.close();
            target.close();
            // Back off briefly so a down server does not spin this thread.
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_busy = false;
        }
        m_idle.notify_all();
    }
    try {
        if (target.isOpen())
            flush();
    } catch (const std::exception &) {
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_unflushed = false;
    }
    m_idle.notify_all();
}

} // namespace switchyard::client
