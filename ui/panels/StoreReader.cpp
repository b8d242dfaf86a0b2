#include "panels/StoreReader.h"

#include "store/ControlStore.h"
#include "target/PgConnection.h"
#include "validate/MismatchActions.h"

#include <QCoreApplication>
#include <QMutex>
#include <QSet>
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

namespace {

// Reader threads whose StoreReader is gone but whose last request still
// runs: the application waits for them when it quits, so none is destroyed
// while running.
QMutex retiredMutex;
QSet<QThread *> retired;
bool exitHookInstalled = false;

void waitForRetiredThreads()
{
    QList<QThread *> threads;
    {
        QMutexLocker lock(&retiredMutex);
        threads = retired.values();
    }
    for (QThread *t : threads)
        t->wait();
}

} // namespace

StoreReader::Context &StoreReader::Shared::context()
{
    if (!ctx)
        ctx = std::make_unique<Context>(plan, location, runId);
    return *ctx;
}

StoreReader::StoreReader(const Plan &plan, const ControlStoreLocation &location, qint64 runId, QObject *parent)
    : QObject(parent)
    , m_plan(plan)
    , m_runId(runId)
    , m_shared(std::make_shared<Shared>())
    , m_thread(new QThread)
    , m_worker(new QObject)
{
    m_shared->plan = plan;
    m_shared->location = location;
    m_shared->runId = runId;
    m_thread->setObjectName(QStringLiteral("switchyard-store-reader"));
    m_worker->moveToThread(m_thread);
    m_thread->start();
    QMutexLocker lock(&retiredMutex);
    if (!exitHookInstalled && QCoreApplication::instance()) {
        qAddPostRoutine(waitForRetiredThreads);
        exitHookInstalled = true;
    }
}

StoreReader::~StoreReader()
{
    m_shared->stopping = true;
    QThread *thread = m_thread;
    {
        QMutexLocker lock(&retiredMutex);
        retired.insert(thread);
    }
    // The worker and the thread go away once the running request (if any)
    // is over; nothing here waits for it.
    QObject::connect(thread, &QThread::finished, m_worker, &QObject::deleteLater);
    QObject::connect(
        thread, &QThread::finished, thread,
        [thread] {
            QMutexLocker lock(&retiredMutex);
            retired.remove(thread);
        },
        Qt::DirectConnection);
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    QMetaObject::invokeMethod(
        m_worker,
        [shared = m_shared] {
            shared->ctx.reset(); // closes the connections on their own thread
            QThread::currentThread()->quit();
        },
        Qt::QueuedConnection);
}

void StoreReader::post(std::function<void()> fn)
{
    QMetaObject::invokeMethod(m_worker, std::move(fn), Qt::QueuedConnection);
}

} // namespace switchyard::ui
