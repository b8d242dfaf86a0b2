#include "client/TableClient.h"

#include "client/FlagWatcher.h"
#include "client/RepairRecorder.h"
#include "client/ShadowReader.h"
#include "client/TableAccess.h"
#include "flags/Bucketing.h"
#include "flags/FlagTables.h"
#include "source/MySqlConnection.h"
#include "target/PgConnection.h"

#include <QFileInfo>

#include <chrono>
#include <stdexcept>

namespace switchyard::client {

using namespace switchyard::core;
using Clock = std::chrono::steady_clock;

struct TableClient::Impl
{
    Plan plan;
    ClientOptions options;
    MySqlConnection source;
    PgConnection target;
    std::unique_ptr<TableAccess> table;
    std::unique_ptr<FlagWatcher> watcher;
    std::unique_ptr<ShadowReader> shadow;
    std::unique_ptr<RepairRecorder> repairs;
    Clock::time_point targetRetryAt;
    Stats stats;

    void ensureSource()
    {
        if (!source.isOpen())
            source.open(plan.source);
    }

    // The target connection, opened when needed; false while it is down (a
    // failed connect is retried after options.targetRetryMs, so a down
    // target costs one connect timeout per interval, not one per write).
    bool targetUsable()
    {
        if (target.isOpen())
            return true;
        if (Clock::now() < targetRetryAt)
            return false;
        try {
            PgConnection::Options o;
            o.connectTimeoutSeconds = options.targetConnectTimeoutSeconds;
            o.applicationName = QStringLiteral("switchyard-client");
            target.open(plan.target, o);
            TableAccess::prepareTargetSession(target);
            ensureTargetTablesIfPossible(target);
        } catch (const std::exception &) {
            target.close();
            targetRetryAt = Clock::now() + std::chrono::milliseconds(options.targetRetryMs);
            return false;
        }
        drainLocalRepairs();
        return true;
    }

    void targetFailed(const DbException &e)
    {
        if (e.error().needsReconnect()) {
            target.close();
            targetRetryAt = Clock::now() + std::chrono::milliseconds(options.targetRetryMs);
        }
    }

    void drainLocalRepairs()
    {
        const QFileInfo fi(repairs->localFile());
        if (!fi.exists() || fi.size() == 0)
            return;
        try {
            repairs->drainLocal(target);
        } catch (const DbException &e) {
            targetFailed(e); // stays in the file; tried again next time
        }
    }

    SecondaryOutcome writeSecondary(const FlagSet &flags, const QVariantList &key, bool isDelete,
                                    QString *error)
    {
        if (!flags.writeSource || !flags.writeTarget)
            return SecondaryOutcome::NotWritten;
        const QString entity = TableAccess::entityId(key);
        DbError failure;
        try {
            if (options.secondaryFault && options.secondaryFault(entity)) {
                failure = DbError{DbError::Engine::PostgreSQL, 0, QStringLiteral("08006"),
                                  QStringLiteral("injected secondary failure (test hook)"),
                                  QStringLiteral("secondary write")};
            } else if (!targetUsable()) {
                failure = DbError{DbError::Engine::PostgreSQL, 0, QStringLiteral("08001"),
                                  QStringLiteral("the target is unreachable"),
                                  QStringLiteral("secondary write")};
            } else {
                if (isDelete)
                    table->deleteTargetRow(target, key);
                else
                    table->copySourceRowToTarget(source, target, key);
                ++stats.secondaryWritten;
                return SecondaryOutcome::Written;
            }
        } catch (const DbException &e) {
            targetFailed(e);
            failure = e.error();
        } catch (const std::exception &e) {
            failure = DbError{DbError::Engine::PostgreSQL, 0, QString(),
                              QString::fromUtf8(e.what()), QStringLiteral("secondary write")};
        }
        RepairEntry entry;
        entry.table = table->table();
        entry.keyJson = table->keyJson(key);
        entry.entityId = entity;
        entry.operation = isDelete ? QStringLiteral("delete") : QStringLiteral("upsert");
        entry.error = failure.message;
        entry.sqlState = failure.sqlState;
        entry.failedAt = QDateTime::currentDateTimeUtc();
        *error = failure.toString();
        const auto where = repairs->record(entry, target.isOpen() ? &target : nullptr);
        if (where == RepairRecorder::Where::TargetQueue) {
            ++stats.queuedInTarget;
            return SecondaryOutcome::QueuedInTarget;
        }
        ++stats.queuedLocally;
        return SecondaryOutcome::QueuedLocally;
    }

    FlagSet writableFlags() const
    {
        const FlagSet f = watcher->current();
        if (!f.writeSource && !f.writeTarget)
            throw std::runtime_error("the flags say neither side is written (write_source and "
                                     "write_target are both off): refusing the write");
        return f;
    }

    // Runs a primary operation on the source; a lost connection is reopened
    // on the next call (never silently retried: the caller decides).
    template<typename Fn> auto onSource(Fn &&fn)
    {
        ensureSource();
        try {
            return fn();
        } catch (const DbException &e) {
            if (e.error().needsReconnect())
                source.close();
            throw;
        }
    }
    template<typename Fn> auto onTargetPrimary(Fn &&fn)
    {
        if (!targetUsable())
            throw DbException(DbError{DbError::Engine::PostgreSQL, 0, QStringLiteral("08001"),
                                      QStringLiteral("the target is unreachable"),
                                      QStringLiteral("write on the target")});
        try {
            return fn();
        } catch (const DbException &e) {
            targetFailed(e);
            throw;
        }
    }
};

TableClient::TableClient(const Plan &plan, const QString &table, ClientOptions options)
    : d(std::make_unique<Impl>())
{
    d->plan = plan;
    d->options = options;
    d->source.open(plan.source);
    d->table = std::make_unique<TableAccess>(TableAccess::load(plan, table, d->source));
    const QString file = options.localRepairFile.isEmpty()
                             ? RepairRecorder::defaultLocalFile(plan.migration.name)
                             : options.localRepairFile;
    d->repairs = std::make_unique<RepairRecorder>(file);
    d->watcher = std::make_unique<FlagWatcher>(plan.target, options.flagPollMs,
                                               options.targetConnectTimeoutSeconds);
    d->watcher->start();
    d->watcher->waitForVersion(0, options.firstFlagsWaitMs);
    d->shadow = std::make_unique<ShadowReader>(plan, *d->table, options.shadowQueueLimit,
                                               options.shadowRecheckMs);
    d->shadow->start();
    d->targetUsable();
}

TableClient::~TableClient()
{
    d->shadow->stop();
    d->watcher->stop();
}

WriteResult TableClient::insert(const QVariantMap &values)
{
    const FlagSet flags = d->writableFlags();
    WriteResult w;
    if (flags.writeSource) {
        w.primary = Side::Source;
        w.key = d->onSource([&] { return d->table->insertSource(d->source, values); });
        w.rowsAffected = 1;
        w.secondary = d->writeSecondary(flags, w.key, false, &w.secondaryError);
    } else {
        w.primary = Side::Target;
        w.key = d->onTargetPrimary([&] { return d->table->insertTarget(d->target, values); });
        w.rowsAffected = 1;
    }
    w.entityId = TableAccess::entityId(w.key);
    return w;
}

WriteResult TableClient::update(const QVariantList &key, const QVariantMap &changes)
{
    const FlagSet flags = d->writableFlags();
    WriteResult w;
    w.key = key;
    w.entityId = TableAccess::entityId(key);
    if (flags.writeSource) {
        w.primary = Side::Source;
        w.rowsAffected = d->onSource([&] { return d->table->updateSource(d->source, key, changes); });
        w.secondary = d->writeSecondary(flags, key, false, &w.secondaryError);
    } else {
        w.primary = Side::Target;
        w.rowsAffected =
            d->onTargetPrimary([&] { return d->table->updateTarget(d->target, key, changes); });
    }
    return w;
}

WriteResult TableClient::remove(const QVariantList &key)
{
    const FlagSet flags = d->writableFlags();
    WriteResult w;
    w.key = key;
    w.entityId = TableAccess::entityId(key);
    if (flags.writeSource) {
        w.primary = Side::Source;
        w.rowsAffected = d->onSource([&] { return d->table->deleteSource(d->source, key); });
        w.secondary = d->writeSecondary(flags, key, true, &w.secondaryError);
    } else {
        w.primary = Side::Target;
        w.rowsAffected = d->onTargetPrimary([&] { return d->table->deleteTargetRow(d->target, key); });
    }
    return w;
}

namespace {

Side routeRead(const FlagSet &f, const QString &entity)
{
    // A side that is not written is never read.
    if (!f.writeSource)
        return Side::Target;
    if (!f.writeTarget)
        return Side::Source;
    if (f.readFrom == FlagSet::Side::Target && inRamp(QStringLiteral("read_percent"), entity, f.readPercent))
        return Side::Target;
    return Side::Source;
}

} // namespace

Side TableClient::readSide(const QVariantList &key) const
{
    return routeRead(d->watcher->current(), TableAccess::entityId(key));
}

ReadResult TableClient::read(const QVariantList &key)
{
    const FlagSet flags = d->watcher->current();
    const QString entity = TableAccess::entityId(key);
    ReadResult r;
    r.servedBy = routeRead(flags, entity);
    // A target that is down while the source is still written: the source
    // has the truth, serve from it rather than fail the application.
    if (r.servedBy == Side::Target && flags.writeSource && !d->targetUsable())
        r.servedBy = Side::Source;
    std::optional<CanonicalRow> row;
    if (r.servedBy == Side::Source) {
        row = d->onSource([&] { return d->table->readSource(d->source, key); });
        ++d->stats.readsFromSource;
    } else {
        try {
            row = d->onTargetPrimary([&] { return d->table->readTarget(d->target, key); });
            ++d->stats.readsFromTarget;
        } catch (const DbException &e) {
            // The connection broke under the read: the same fallback as above.
            if (!flags.writeSource || !e.error().needsReconnect())
                throw;
            r.servedBy = Side::Source;
            row = d->onSource([&] { return d->table->readSource(d->source, key); });
            ++d->stats.readsFromSource;
        }
    }
    r.found = row.has_value();
    if (row)
        r.row = *row;
    if (flags.shadowRead && flags.writeSource && flags.writeTarget &&
        inRamp(QStringLiteral("shadow_sample_percent"), entity, flags.shadowSamplePercent)) {
        d->shadow->enqueue(key);
        ++d->stats.shadowQueued;
        r.shadowed = true;
    }
    return r;
}

FlagSet TableClient::flags() const
{
    return d->watcher->current();
}

TableClient::Stats TableClient::stats() const
{
    Stats s = d->stats;
    const ShadowReader::Counters c = d->shadow->counters();
    s.shadowCompared = c.compared;
    s.shadowMismatched = c.mismatched;
    s.shadowErrors = c.errors;
    s.shadowDropped = c.dropped;
    const FlagWatcher::Status w = d->watcher->status();
    s.flagsVersion = w.version;
    s.flagsEverRead = w.everRead;
    s.flagsError = w.lastError;
    return s;
}

const TableAccess &TableClient::table() const
{
    return *d->table;
}

bool TableClient::waitForFlagsVersion(qint64 version, int timeoutMs) const
{
    return d->watcher->waitForVersion(version, timeoutMs);
}

bool TableClient::waitForShadowIdle(int timeoutMs) const
{
    return d->shadow->waitIdle(timeoutMs);
}

QString TableClient::localRepairFile() const
{
    return d->repairs->localFile();
}

} // namespace switchyard::client
