#pragma once
// StoreReader: the cockpit panels' window on the control store and on the
// databases, on a thread of its own, so the GUI thread does no database I/O.
//
// It owns a QThread and, on that thread, a Context: a clone of the run's
// ControlStore (opened there, on first use), and, opened lazily when a
// request needs them, a PostgreSQL connection to the plan's target (shadow
// statistics) and a MismatchActions (recheck / accept). Panels hand it work
// as a function of the Context that returns a plain value; the value (or the
// error text) comes back to the receiver on the receiver's thread:
//
//   m_reader->request<QList<AuditEntry>>(this,
//       [run](StoreReader::Context &c) { return c.store().audit().entries(run, 1, 200); },
//       [this, gen = ++m_generation](const QList<AuditEntry> &entries, const QString &error) {
//           if (gen != m_generation) return;      // a newer request superseded it
//           …
//       });
//
// Promises:
// - Requests run one at a time, in the order they were made.
// - `work` runs on the reader's thread: it must capture values only (no
//   widget, no model) and may throw; the exception's text arrives as
//   `error` (the value is then default-constructed).
// - `done` runs on the receiver's thread, through its event loop; never
//   after the StoreReader is destroyed. Destroy the StoreReader before the
//   receiver (panels hold it in a unique_ptr and reset it first).
// - Destruction never waits: requests that have not started are skipped,
//   the one running finishes on its own (its answer is dropped), then the
//   connections close on the reader's thread and the thread ends. Threads
//   still running when the application quits are waited for then.
// Stale answers are the caller's business: keep a generation counter, as
// above (a new filter or a new source bumps it).

#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace switchyard::core {
class ControlStore;
class MismatchActions;
class PgConnection;
} // namespace switchyard::core

namespace switchyard::ui {

class StoreReader : public QObject
{
    Q_OBJECT
public:
    /// What a request's work may use; lives on the reader's thread.
    class Context
    {
    public:
        Context(const core::Plan &plan, const core::ControlStoreLocation &location, qint64 runId);
        ~Context();
        const core::Plan &plan() const { return m_plan; }
        qint64 runId() const { return m_runId; }
        core::ControlStore &store();
        /// Connection to the plan's target, opened on first use (reopened
        /// after a failure on the next call). Throws DbException.
        core::PgConnection &target();
        /// Forget the target connection (after an error on it).
        void dropTarget();
        core::MismatchActions &mismatchActions();

    private:
        core::Plan m_plan;
        core::ControlStoreLocation m_location;
        qint64 m_runId;
        std::unique_ptr<core::ControlStore> m_store;
        std::unique_ptr<core::PgConnection> m_target;
        std::unique_ptr<core::MismatchActions> m_actions;
    };

    StoreReader(const core::Plan &plan, const core::ControlStoreLocation &location, qint64 runId,
                QObject *parent = nullptr);
    ~StoreReader() override;

    qint64 runId() const { return m_runId; }
    const core::Plan &plan() const { return m_plan; }

    template <typename R>
    void request(QObject *receiver, std::function<R(Context &)> work,
                 std::function<void(const R &, const QString &)> done)
    {
        auto run = [shared = m_shared, receiver = QPointer<QObject>(receiver), work = std::move(work),
                    done = std::move(done)]() {
            if (shared->stopping.load())
                return;
            R value{};
            QString error;
            try {
                value = work(shared->context());
            } catch (const std::exception &e) {
                error = QString::fromUtf8(e.what());
            } catch (...) {
                error = QStringLiteral("unexpected error");
            }
            if (shared->stopping.load() || !receiver)
                return;
            QMetaObject::invokeMethod(
                receiver.data(), [done, value = std::move(value), error] { done(value, error); },
                Qt::QueuedConnection);
        };
        post(std::move(run));
    }

private:
    // What the queued work shares with the reader: it may outlive the
    // StoreReader (see the destructor).
    struct Shared
    {
        core::Plan plan;
        core::ControlStoreLocation location;
        qint64 runId = 0;
        std::atomic_bool stopping{false};
        std::unique_ptr<Context> ctx; // created and destroyed on the reader's thread
        Context &context();
    };
    void post(std::function<void()> fn);

    core::Plan m_plan;
    qint64 m_runId;
    std::shared_ptr<Shared> m_shared;
    QThread *m_thread = nullptr;
    QObject *m_worker = nullptr; // lives on m_thread
};

} // namespace switchyard::ui
