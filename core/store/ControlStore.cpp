#include "ControlStore.h"

#include "StoreConnection.h"
#include "StoreSchema.h"

namespace switchyard::core {

struct ControlStore::Impl
{
    explicit Impl(const ControlStoreLocation &location)
        : connection(location)
        , runs(connection)
        , jobs(connection)
        , metrics(connection)
        , mismatches(connection)
        , validations(connection)
        , audit(connection)
    {
    }

    // Declared first so that it is destroyed last.
    StoreConnection connection;
    RunRepository runs;
    JobRepository jobs;
    MetricRepository metrics;
    MismatchRepository mismatches;
    ValidationRepository validations;
    AuditLog audit;
};

ControlStore::ControlStore(std::unique_ptr<Impl> impl)
    : d(std::move(impl))
{
}

ControlStore::ControlStore(ControlStore &&other) noexcept = default;
ControlStore &ControlStore::operator=(ControlStore &&other) noexcept = default;
ControlStore::~ControlStore() = default;

ControlStore ControlStore::open(const ControlStoreLocation &location)
{
    ControlStore store(std::make_unique<Impl>(location));
    store.connect();
    return store;
}

ControlStore ControlStore::open(const ControlStoreSettings &settings, const QString &resolvedSqlitePath)
{
    return open(ControlStoreLocation::fromSettings(settings, resolvedSqlitePath));
}

ControlStore ControlStore::open(const Plan &plan)
{
    return open(ControlStoreLocation::fromPlan(plan));
}

ControlStore ControlStore::clone() const
{
    return ControlStore(std::make_unique<Impl>(d->connection.location()));
}

void ControlStore::connect()
{
    d->connection.ensureOpen();
}

void ControlStore::close()
{
    d->connection.close();
}

const ControlStoreLocation &ControlStore::location() const
{
    return d->connection.location();
}

StoreError::Backend ControlStore::backend() const
{
    return d->connection.backend();
}

int ControlStore::schemaVersion()
{
    d->connection.ensureOpen();
    return d->connection.schemaVersion();
}

int ControlStore::latestSchemaVersion()
{
    return StoreSchema::latestVersion();
}

void ControlStore::transaction(const QString &what, const std::function<void()> &work)
{
    d->connection.write(what, [&] { work(); });
}

RunRepository &ControlStore::runs() { return d->runs; }
JobRepository &ControlStore::jobs() { return d->jobs; }
MetricRepository &ControlStore::metrics() { return d->metrics; }
MismatchRepository &ControlStore::mismatches() { return d->mismatches; }
ValidationRepository &ControlStore::validations() { return d->validations; }
AuditLog &ControlStore::audit() { return d->audit; }

} // namespace switchyard::core
