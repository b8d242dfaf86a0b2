#include "validate/Rechecker.h"

#include "store/MismatchRepository.h"
#include "validate/TableComparer.h"

namespace switchyard::core {

Rechecker::Rechecker(TableComparer &comparer, MismatchRepository &mismatches, qint64 runId,
                     const QString &table, std::chrono::milliseconds delay, RetryFn retry, SleepFn sleep)
    : m_cmp(comparer)
    , m_repo(mismatches)
    , m_runId(runId)
    , m_table(table)
    , m_delay(delay)
    , m_retry(std::move(retry))
    , m_sleep(std::move(sleep))
{
}

std::optional<RowDifference> Rechecker::observe(const ValidationKey &key)
{
    std::optional<RowDifference> d;
    m_retry([&] {
        RowSet src, dst;
        if (auto r = m_cmp.sourceRow(key))
            src.insert(TableComparer::joinKey(key), *r);
        if (auto r = m_cmp.targetRow(key))
            dst.insert(TableComparer::joinKey(key), *r);
        const QList<RowDifference> diffs = diffRows(src, dst, m_cmp.mapping());
        d = diffs.isEmpty() ? std::nullopt : std::optional<RowDifference>(diffs.first());
    });
    return d;
}

void Rechecker::record(const RowDifference &d, MismatchStatus status)
{
    MismatchRecord m;
    m.runId = m_runId;
    m.tableName = m_table;
    m.keyJson = d.key.toJson(m_cmp.keyKinds());
    m.kind = d.kind;
    m.differingColumns = d.columns;
    m.sourceRowJson = rowImageJson(d.source, m_cmp.mapping());
    m.targetRowJson = rowImageJson(d.target, m_cmp.mapping());
    m.status = status;
    const MismatchRecord stored = m_repo.upsertMismatch(m);
    m_recordedKeys.insert(m.keyJson);
    if (stored.status == MismatchStatus::Open || stored.status == MismatchStatus::InFlight)
        m_known.insert(m.keyJson, stored.id);
}

void Rechecker::resolve(const ValidationKey &key)
{
    const auto it = m_known.find(key.toJson(m_cmp.keyKinds()));
    if (it == m_known.end())
        return;
    m_repo.setMismatchStatus(*it, MismatchStatus::ResolvedOnRecheck, QStringLiteral("equal on recheck"));
    m_known.erase(it);
    ++m_resolved;
}

void Rechecker::confirm(const RowDifference &first)
{
    if (m_beforeRecheck)
        m_beforeRecheck();
    if (!m_sleep(m_delay))
        return;
    const auto again = observe(first.key);
    if (!again) {
        resolve(first.key);
        return;
    }
    if (again->sameAs(first)) {
        record(*again, MismatchStatus::Open);
        return;
    }
    record(*again, MismatchStatus::InFlight);
    if (!m_sleep(m_delay))
        return;
    const auto last = observe(first.key);
    if (!last)
        resolve(first.key);
    else
        record(*last, last->sameAs(*again) ? MismatchStatus::Open : MismatchStatus::InFlight);
}

void Rechecker::recheckKnown(bool inFlightOnly, const std::atomic_bool &cancel)
{
    QList<MismatchRecord> list;
    for (MismatchStatus st : {MismatchStatus::Open, MismatchStatus::InFlight}) {
        if (inFlightOnly && st == MismatchStatus::Open)
            continue;
        MismatchFilter f;
        f.table = m_table;
        f.status = st;
        for (int offset = 0;; offset += 500) {
            const QList<MismatchRecord> page = m_repo.mismatches(m_runId, f, offset, 500);
            list += page;
            if (page.size() < 500)
                break;
        }
    }
    for (const MismatchRecord &m : std::as_const(list)) {
        m_known.insert(m.keyJson, m.id);
        const auto key = ValidationKey::fromJson(m.keyJson);
        if (!key || cancel)
            continue;
        try {
            const auto d = observe(*key);
            if (!d)
                resolve(*key);
            else if (m.status == MismatchStatus::InFlight)
                confirm(*d);
        } catch (const ReadFailed &) {
            // Left as it is: still counted against the verdict.
        }
    }
}

} // namespace switchyard::core
