#include "engine/CaptureControl.h"

#include "engine/ChangeCapture.h"
#include "target/PgConnection.h"

#include <QElapsedTimer>
#include <QThread>

namespace switchyard::core {

CaptureControl::CaptureControl(const Plan &plan, std::function<PgConnection &()> target)
    : m_plan(plan)
    , m_target(std::move(target))
{
}

void CaptureControl::install(const QStringList &tables)
{
    ChangeCapture(m_plan, m_target()).install(tables);
}

void CaptureControl::remove(const QStringList &tables)
{
    ChangeCapture(m_plan, m_target()).remove(tables);
}

bool CaptureControl::installedOnAny(const QStringList &tables)
{
    ChangeCapture capture(m_plan, m_target());
    for (const QString &t : tables) {
        if (capture.isInstalled(t))
            return true;
    }
    return false;
}

std::optional<ReverseLag> CaptureControl::lag(const QStringList &tables)
{
    if (tables.isEmpty() || !installedOnAny(tables))
        return std::nullopt;
    return ChangeCapture(m_plan, m_target()).lag(tables);
}

CaptureControl::Wait CaptureControl::waitForZero(const QStringList &tables, int timeoutSeconds, const std::function<bool()> &cancelled,
                                                 const std::function<void(const QString &)> &progress)
{
    Wait w;
    QElapsedTimer timer;
    timer.start();
    qint64 lastReportMs = -1000;
    ChangeCapture capture(m_plan, m_target());
    for (;;) {
        w.last = capture.lag(tables);
        w.waitedSeconds = double(timer.elapsed()) / 1000.0;
        if (w.last.pendingChanges == 0) {
            w.reachedZero = true;
            return w;
        }
        if (progress && timer.elapsed() - lastReportMs >= 1000) {
            lastReportMs = timer.elapsed();
            progress(QStringLiteral("waiting for the reverse sync: %1").arg(describe(w.last)));
        }
        if (cancelled && cancelled()) {
            w.cancelled = true;
            return w;
        }
        if (timer.elapsed() >= qint64(timeoutSeconds) * 1000)
            return w;
        QThread::msleep(200);
    }
}

QString CaptureControl::describe(const ReverseLag &lag)
{
    if (lag.pendingChanges == 0)
        return QStringLiteral("0 changes behind");
    return QStringLiteral("%1 change(s) behind, oldest %2 s").arg(lag.pendingChanges).arg(lag.oldestPendingSeconds, 0, 'f', 1);
}

} // namespace switchyard::core
