#include "validate/MismatchActions.h"

#include "source/MySqlConnection.h"
#include "store/ControlStore.h"
#include "types/SchemaConversion.h"
#include "validate/TableComparer.h"
#include "validate/ValidationTypes.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <stdexcept>

namespace switchyard::core {

struct MismatchActions::Table
{
    TableMapping mapping;
    std::unique_ptr<TableComparer> cmp;
};

MismatchActions::MismatchActions(const Plan &plan, ControlStore &store, qint64 runId)
    : m_plan(plan)
    , m_store(store)
    , m_runId(runId)
{
}

MismatchActions::~MismatchActions() = default;

MismatchActions::Table &MismatchActions::table(const QString &name)
{
    if (auto t = m_tables.value(name))
        return *t;
    const TableSpec *spec = m_plan.table(name);
    if (!spec)
        throw std::runtime_error(QStringLiteral("table '%1' is not in the plan; open the plan this run "
                                                "belongs to").arg(name).toStdString());
    auto t = std::make_shared<Table>();
    MySqlConnection conn;
    conn.open(m_plan.source);
    const SchemaConversion conversion = convertSchema(m_plan, conn);
    const TableMapping *mapped = conversion.table(spec->name);
    if (!mapped)
        throw std::runtime_error(QStringLiteral("table '%1' is not in the source database %2")
                                     .arg(name, m_plan.source.database).toStdString());
    t->mapping = *mapped;
    if (t->mapping.keyColumns.isEmpty() || t->mapping.hasErrors())
        throw std::runtime_error("the table has no usable key or its mapping has errors "
                                 "(see: switchyard-cli schema show)");
    t->cmp = std::make_unique<TableComparer>(m_plan, t->mapping, 10000, 30000);
    t->cmp->connect();
    m_tables.insert(name, t);
    return *t;
}

namespace {

AuditEntry auditFor(qint64 runId, const MismatchRecord &m, const QString &action, const QString &operatorName,
                    const QString &reason, const QString &result)
{
    AuditEntry a;
    a.runId = runId;
    a.operatorName = operatorName;
    a.action = action;
    a.target = QStringLiteral("table:%1 key:%2").arg(m.tableName, m.keyJson);
    a.reason = reason;
    QJsonObject details;
    details.insert(QStringLiteral("mismatch"), double(m.id));
    details.insert(QStringLiteral("kind"), storeName(m.kind));
    details.insert(QStringLiteral("previous_status"), storeName(m.status));
    details.insert(QStringLiteral("result"), result);
    a.detailsJson = QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact));
    return a;
}

} // namespace

MismatchActions::Outcome MismatchActions::recheck(qint64 mismatchId, const QString &operatorName)
{
    Outcome out;
    out.mismatchId = mismatchId;
    try {
        const std::optional<MismatchRecord> m = m_store.mismatches().mismatch(mismatchId);
        if (!m || m->runId != m_runId)
            throw std::runtime_error("no such mismatch in this run (refresh the list)");
        Table &t = table(m->tableName);
        const auto key = ValidationKey::fromJson(m->keyJson);
        if (!key || !t.cmp->keyLookupCapable())
            throw std::runtime_error("this key cannot be looked up one row at a time "
                                     "(see docs/validation.md); run validate again instead");
        RowSet src, dst;
        std::optional<RowImage> s = t.cmp->sourceRow(*key);
        std::optional<RowImage> d = t.cmp->targetRow(*key);
        if (s)
            src.insert(TableComparer::joinKey(*key), *s);
        if (d)
            dst.insert(TableComparer::joinKey(*key), *d);
        const QList<RowDifference> diff = diffRows(src, dst, t.mapping);
        const QString who = operatorName.isEmpty() ? QStringLiteral("cockpit") : operatorName;
        if (diff.isEmpty()) {
            const QString reason = QStringLiteral("equal on both sides when re-read");
            m_store.mismatches().setMismatchStatus(
                m->id, MismatchStatus::ResolvedOnRecheck, reason, who,
                auditFor(m_runId, *m, QStringLiteral("mismatch.recheck"), who, reason,
                         QStringLiteral("resolved_on_recheck")));
            out.resolved = true;
            out.message = QStringLiteral("Equal on both sides now: resolved on recheck.");
        } else {
            const RowDifference &rd = diff.first();
            MismatchRecord next = *m;
            next.kind = rd.kind;
            next.differingColumns = rd.columns;
            next.sourceRowJson = rowImageJson(rd.source, t.mapping);
            next.targetRowJson = rowImageJson(rd.target, t.mapping);
            const bool same = next.sourceRowJson == m->sourceRowJson && next.targetRowJson == m->targetRowJson;
            next.status = same ? MismatchStatus::Open : MismatchStatus::InFlight;
            const QString result = same ? QStringLiteral("still_different") : QStringLiteral("changed");
            const QString reason = same ? QStringLiteral("still different when re-read")
                                        : QStringLiteral("different, and changed since it was recorded");
            m_store.transaction(QStringLiteral("recording a recheck"), [&] {
                m_store.mismatches().upsertMismatch(next);
                m_store.audit().appendAudit(
                    auditFor(m_runId, *m, QStringLiteral("mismatch.recheck"), who, reason, result));
            });
            out.message = same ? QStringLiteral("Still different: %1.").arg(
                                     rd.columns.isEmpty() ? storeName(rd.kind) : rd.columns.join(QStringLiteral(", ")))
                               : QStringLiteral("Still different, and the row changed since it was recorded "
                                                "(a write in flight?): marked in flight, the images are refreshed.");
        }
        out.ok = true;
        out.record = m_store.mismatches().mismatch(mismatchId);
    } catch (const std::exception &e) {
        out.message = QStringLiteral("Recheck failed: %1").arg(QString::fromUtf8(e.what()));
    }
    return out;
}

MismatchActions::Outcome MismatchActions::accept(qint64 mismatchId, const QString &reason,
                                                 const QString &operatorName)
{
    Outcome out;
    out.mismatchId = mismatchId;
    try {
        if (reason.trimmed().isEmpty() || operatorName.trimmed().isEmpty())
            throw std::runtime_error("an accepted mismatch needs the operator's name and a reason");
        const std::optional<MismatchRecord> m = m_store.mismatches().mismatch(mismatchId);
        if (!m || m->runId != m_runId)
            throw std::runtime_error("no such mismatch in this run (refresh the list)");
        m_store.mismatches().setMismatchStatus(
            m->id, MismatchStatus::Accepted, reason.trimmed(), operatorName.trimmed(),
            auditFor(m_runId, *m, QStringLiteral("mismatch.accept"), operatorName.trimmed(), reason.trimmed(),
                     QStringLiteral("accepted")));
        out.ok = true;
        out.message = QStringLiteral("Accepted by %1: %2").arg(operatorName.trimmed(), reason.trimmed());
        out.record = m_store.mismatches().mismatch(mismatchId);
    } catch (const std::exception &e) {
        out.message = QStringLiteral("Accept failed: %1").arg(QString::fromUtf8(e.what()));
    }
    return out;
}

} // namespace switchyard::core
