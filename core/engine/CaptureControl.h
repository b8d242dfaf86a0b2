#pragma once
// CaptureControl: the engine's use of change capture (ChangeCapture.h) — install
// and remove the capture triggers on the target tables, read the reverse lag,
// and wait, bounded and cancellable, until the reverse sync has applied every
// captured change. One thread; uses the engine's target connection.

#include "engine/ReverseLag.h"
#include "plan/Plan.h"

#include <QStringList>

#include <functional>
#include <optional>

namespace switchyard::core {

class PgConnection;

class CaptureControl
{
public:
    CaptureControl(const Plan &plan, std::function<PgConnection &()> target);

    void install(const QStringList &tables);
    void remove(const QStringList &tables);
    /// True when capture is installed on at least one of the tables.
    bool installedOnAny(const QStringList &tables);
    /// The reverse lag, or nullopt when no capture is installed on `tables`.
    std::optional<ReverseLag> lag(const QStringList &tables);

    struct Wait
    {
        bool reachedZero = false;
        bool cancelled = false;
        ReverseLag last;
        double waitedSeconds = 0;
    };
    /// Polls lag() every 200 ms until pendingChanges is 0, timeoutSeconds
    /// pass, or cancelled() returns true. progress() hears the lag about once a second.
    Wait waitForZero(const QStringList &tables, int timeoutSeconds, const std::function<bool()> &cancelled,
                     const std::function<void(const QString &)> &progress);

    static QString describe(const ReverseLag &lag);

private:
    const Plan &m_plan;
    std::function<PgConnection &()> m_target;
};

} // namespace switchyard::core
