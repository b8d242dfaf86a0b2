#include "client/FlagWatcher.h"

#include "flags/FlagReader.h"
#include "target/PgConnection.h"

#include <algorithm>
#include <stdexcept>
#include <chrono>

namespace switchyard::client {

using namespace switchyard::core;

FlagWatcher::FlagWatcher(const ConnectionSettings &target, int pollMs, int connectTimeoutSeconds)
    : m_target(target)
    , m_pollMs(std::clamp(pollMs, 10, 1000))
    , m_connectTimeoutSeconds(connectTimeoutSeconds)
{
}

FlagWatcher::~FlagWatcher()
{
    stop();
}

void FlagWatcher::start()
{
    if (m_thread.joinable())
        return;
    m_stop = false;
    m_thread = std::thread([this] { run(); });
}

void FlagWatcher::stop()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

FlagSet FlagWatcher::current() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_flags;
}

FlagWatcher::Status FlagWatcher::status() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_status;
}

bool FlagWatcher::waitForVersion(qint64 version, int timeoutMs) const
{
    std::unique_lock<std::mutex> lock(m_mutex);
    return m_changed.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] {
        return m_status.everRead && m_status.version >= version;
    });
}

void FlagWatcher::run()
{
    PgConnection pg;
    std::unique_ptr<FlagReader> reader;
    PgConnection::Options options;
    options.connectTimeoutSeconds = m_connectTimeoutSeconds;
    options.applicationName = QStringLiteral("switchyard-client-flags");
    while (!m_stop) {
        try {
            if (!pg.isOpen()) {
                reader.reset();
                pg.open(m_target, options);
                reader = std::make_unique<FlagReader>(pg);
                reader->listen();
            }
            const FlagSnapshot snap = reader->read();
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                if (!snap.published && m_status.published)
                    // Flags were published and now are gone (tables dropped,
                    // restored from an old backup): that is not "go back to
                    // the defaults", it is an outage. Keep the last known.
                    throw std::runtime_error("switchyard.flags is missing or empty on the "
                                             "target although flags were published before");
                if (snap.published && !snap.complete)
                    throw std::runtime_error("switchyard.flags lacks built-in flags although a "
                                             "version was published (table recreated or restored?)");
                if (snap.version < m_status.version)
                    throw std::runtime_error("switchyard.flags went back to an older version; "
                                             "keeping the newer flags");
                m_flags = snap.flags;
                m_status.everRead = true;
                m_status.published = snap.published;
                m_status.version = snap.version;
                m_status.lastRead = QDateTime::currentDateTimeUtc();
                m_status.lastError.clear();
                ++m_status.reads;
            }
            m_changed.notify_all();
            // Wake at once on NOTIFY; otherwise poll again after m_pollMs.
            reader->waitForNotification(m_pollMs);
        } catch (const std::exception &e) {
            // Keep the last known flags; only the status changes.
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_status.lastError = QString::fromUtf8(e.what());
                ++m_status.failures;
            }
            reader.reset();
            pg.close();
            for (int waited = 0; waited < m_pollMs && !m_stop; waited += 10)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    reader.reset();
    pg.close();
}

} // namespace switchyard::client
