#include "panels/StoreReader.h"

#include "store/ControlStore.h"
#include "target/PgConnection.h"
#include "validate/MismatchActions.h"

#include <QThread>

namespace switchyard::ui {

using namespace switchyard::core;

StoreReader::Context::Context(const Plan &plan, const ControlStoreLocation &location, qint64 runId)
    : m_plan(plan)
    , m_location(location)
    , m_runId(runId)
{
}

StoreReader::Context::~Context()
{
    // MismatchActions refers to the store: destroy it first.
    m_actions.reset();
    m_target.reset();
    m_store.reset();
}

ControlStore &StoreReader::Context::store()
{
    if (!m_store)
        m_store = std::make_unique<ControlStore>(ControlStore::open(m_location));
    return *m_store;
}

PgConnection &StoreReader::Context::target()
{
    if (!m_target || !m_target->isOpen()) {
        auto pg = std::make_unique<PgConnection>();
        PgConnection::Options options;
        options.connectTimeoutSeconds = 5;
        options.applicationName = QStringLiteral("switchyard-cockpit");
        pg->open(m_plan.target, options);
        m_target = std::move(pg);
    }
    return *m_target;
}

void StoreReader::Context::dropTarget()
{
    m_target.reset();
}

MismatchActions &StoreReader::Context::mismatchActions()
{
    if (!m_actions)
        m_actions = std::make_unique<MismatchActions>(m_plan, store(), m_runId);
    return *m_actions;
}

StoreReader::StoreReader(const Plan &plan, const ControlStoreLocation &location, qint64 runId, QObject *parent)
    : QObject(parent)
    , m_plan(plan)
    , m_location(location)
    , m_runId(runId)
    , m_thread(new QThread)
    , m_worker(new QObject)
{
    m_thread->setObjectName(QStringLiteral("switchyard-store-reader"));
    m_worker->moveToThread(m_thread);
    m_thread->start();
}

StoreReader::~StoreReader()
{
    m_stopping = true;
    // Runs after the request in progress (if any); later ones return at once.
    QMetaObject::invokeMethod(m_worker, [this] { m_context.reset(); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
    delete m_thread;
}

void StoreReader::post(std::function<void()> fn)
{
    QMetaObject::invokeMethod(m_worker, std::move(fn), Qt::QueuedConnection);
}

StoreReader::Context *StoreReader::context()
{
    if (!m_context)
        m_context = std::make_unique<Context>(m_plan, m_location, m_runId);
    return m_context.get();
}

} // namespace switchyard::ui
