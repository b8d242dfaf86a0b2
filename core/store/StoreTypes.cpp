#include "StoreTypes.h"

#include "PgConnInfo.h"

#include <array>
#include <utility>

namespace switchyard::core {

namespace {

template <typename E, std::size_t N>
QString nameOf(const std::array<std::pair<E, const char *>, N> &table, E value)
{
    for (const auto &[e, name] : table) {
        if (e == value)
            return QString::fromLatin1(name);
    }
    return {};
}

template <typename E, std::size_t N>
std::optional<E> valueOf(const std::array<std::pair<E, const char *>, N> &table, const QString &name)
{
    for (const auto &[e, n] : table) {
        if (name == QLatin1String(n))
            return e;
    }
    return std::nullopt;
}

const std::array<std::pair<PhaseStatus, const char *>, 5> kPhaseStatus{{
    {PhaseStatus::Pending, "pending"},
    {PhaseStatus::Active, "active"},
    {PhaseStatus::AwaitingConfirmation, "awaiting_confirmation"},
    {PhaseStatus::Complete, "complete"},
    {PhaseStatus::RolledBack, "rolled_back"},
}};

const std::array<std::pair<JobState, const char *>, 6> kJobState{{
    {JobState::Queued, "queued"},
    {JobState::Running, "running"},
    {JobState::Paused, "paused"},
    {JobState::Completed, "completed"},
    {JobState::Failed, "failed"},
    {JobState::Cancelled, "cancelled"},
}};

const std::array<std::pair<MismatchKind, const char *>, 3> kMismatchKind{{
    {MismatchKind::MissingInTarget, "missing_in_target"},
    {MismatchKind::MissingInSource, "missing_in_source"},
    {MismatchKind::Different, "different"},
}};

const std::array<std::pair<MismatchStatus, const char *>, 5> kMismatchStatus{{
    {MismatchStatus::Open, "open"},
    {MismatchStatus::InFlight, "in_flight"},
    {MismatchStatus::ResolvedOnRecheck, "resolved_on_recheck"},
    {MismatchStatus::Repaired, "repaired"},
    {MismatchStatus::Accepted, "accepted"},
}};

} // namespace

QString storeName(PhaseStatus s) { return nameOf(kPhaseStatus, s); }
QString storeName(JobState s) { return nameOf(kJobState, s); }
QString storeName(MismatchKind k) { return nameOf(kMismatchKind, k); }
QString storeName(MismatchStatus s) { return nameOf(kMismatchStatus, s); }
QString storeName(JobSpec::Kind k) { return JobSpec::kindName(k); }

std::optional<PhaseStatus> phaseStatusFromName(const QString &name) { return valueOf(kPhaseStatus, name); }
std::optional<JobState> jobStateFromName(const QString &name) { return valueOf(kJobState, name); }
std::optional<MismatchKind> mismatchKindFromName(const QString &name) { return valueOf(kMismatchKind, name); }
std::optional<MismatchStatus> mismatchStatusFromName(const QString &name) { return valueOf(kMismatchStatus, name); }

std::optional<JobSpec::Kind> jobKindFromName(const QString &name)
{
    for (auto k : {JobSpec::Kind::Backfill, JobSpec::Kind::Validate, JobSpec::Kind::ReverseSync,
                   JobSpec::Kind::Repair}) {
        if (JobSpec::kindName(k) == name)
            return k;
    }
    return std::nullopt;
}

bool isTerminal(JobState s)
{
    return s == JobState::Completed || s == JobState::Failed || s == JobState::Cancelled;
}

ControlStoreLocation ControlStoreLocation::sqlite(const QString &path)
{
    ControlStoreLocation l;
    l.kind = ControlStoreSettings::Kind::Sqlite;
    l.sqlitePath = path;
    return l;
}

ControlStoreLocation ControlStoreLocation::postgresql(const QString &connInfo)
{
    ControlStoreLocation l;
    l.kind = ControlStoreSettings::Kind::PostgreSQL;
    l.pgConnInfo = connInfo;
    return l;
}

ControlStoreLocation ControlStoreLocation::fromSettings(const ControlStoreSettings &settings,
                                                        const QString &resolvedSqlitePath)
{
    return settings.kind == ControlStoreSettings::Kind::Sqlite ? sqlite(resolvedSqlitePath)
                                                               : postgresql(settings.location);
}

ControlStoreLocation ControlStoreLocation::fromPlan(const Plan &plan)
{
    return fromSettings(plan.controlStore, plan.controlStorePath());
}

QString ControlStoreLocation::describe() const
{
    if (kind == ControlStoreSettings::Kind::Sqlite)
        return QStringLiteral("SQLite file %1").arg(sqlitePath);
    const PgConnInfo info = PgConnInfo::parse(pgConnInfo);
    if (!info.error.isEmpty())
        return QStringLiteral("PostgreSQL (unreadable connection string), schema switchyard");
    return QStringLiteral("PostgreSQL %1, schema switchyard").arg(info.describe());
}

} // namespace switchyard::core
