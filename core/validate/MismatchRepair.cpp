#include "validate/MismatchRepair.h"

#include "backfill/KeysetSql.h"
#include "source/MySqlConnection.h"
#include "source/MySqlStatement.h"
#include "store/ControlStore.h"
#include "target/PgConnection.h"
#include "types/SchemaConversion.h"
#include "types/SourceValue.h"
#include "types/TypeMapping.h"
#include "types/ValueCodec.h"
#include "validate/TableComparer.h"
#include "validate/ValidationSql.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include <memory>

namespace switchyard::core {

namespace {

// One table's repair machinery.
struct TableRepairer
{
    TableMapping mapping;
    std::unique_ptr<TableComparer> cmp;
    QList<int> writable; // columns written (generated ones are computed by the target)
    QList<ValueCodec> codecs;
};

} // namespace

struct MismatchRepair::Tables
{
    QMap<QString, std::shared_ptr<TableRepairer>> tables;
};

MismatchRepair::MismatchRepair(const Plan &plan, const ControlStoreLocation &store, qint64 runId,
                               const QString &operatorName)
    : m_plan(plan)
    , m_store(store)
    , m_runId(runId)
    , m_operator(operatorName)
    , d(std::make_unique<Tables>())
{
}

MismatchRepair::~MismatchRepair() = default;

void MismatchRepair::disconnect()
{
    d->tables.clear();
}

QList<MismatchRepair::Outcome> MismatchRepair::repair(const QList<MismatchRecord> &mismatches)
{
    QList<Outcome> outcomes;
    std::unique_ptr<ControlStore> store;
    for (const MismatchRecord &m : mismatches) {
        Outcome out = repairKey(m.tableName, m.keyJson);
        out.mismatchId = m.id;
        if (out.repaired) {
            try {
                if (!store)
                    store = std::make_unique<ControlStore>(ControlStore::open(m_store));
                AuditEntry audit;
                audit.runId = m_runId;
                audit.operatorName = m_operator;
                audit.action = QStringLiteral("mismatch.repair");
                audit.target = QStringLiteral("table:%1 key:%2").arg(m.tableName, m.keyJson);
                audit.reason = QStringLiteral("copied the source row to the target (%1)").arg(out.action);
                QJsonObject details;
                details.insert(QStringLiteral("mismatch"), double(m.id));
                details.insert(QStringLiteral("kind"), storeName(m.kind));
                details.insert(QStringLiteral("action"), out.action);
                audit.detailsJson = QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact));
                store->mismatches().setMismatchStatus(m.id, MismatchStatus::Repaired, audit.reason, m_operator, audit);
            } catch (const std::exception &e) {
                out.repaired = false;
                out.message = QStringLiteral("the target row was repaired, but the control store could "
                                             "not record it: %1")
                                  .arg(QString::fromUtf8(e.what()));
            }
        }
        outcomes << out;
    }
    return outcomes;
}

MismatchRepair::Outcome MismatchRepair::repairKey(const QString &tableName, const QString &keyJson)
{
    Outcome out;
    out.table = tableName;
    out.keyJson = keyJson;
    try {
        const TableSpec *spec = m_plan.table(tableName);
        if (!spec)
            throw std::runtime_error(
                QStringLiteral("table '%1' is not in the plan").arg(tableName).toStdString());
        std::shared_ptr<TableRepairer> t = d->tables.value(tableName);
        if (!t) {
            t = std::make_shared<TableRepairer>();
            MySqlConnection conn;
            conn.open(m_plan.source);
            const SchemaConversion conversion = convertSchema(m_plan, conn);
            const TableMapping *mapped = conversion.table(spec->name);
            if (!mapped)
                throw std::runtime_error("the table is not in the source database");
            t->mapping = *mapped;
            if (t->mapping.keyColumns.isEmpty() || t->mapping.hasErrors())
                throw std::runtime_error("the table has no usable key or its mapping has errors "
                                         "(see: switchyard-cli schema show)");
            t->cmp = std::make_unique<TableComparer>(m_plan, t->mapping, 10000, 0);
            t->cmp->connect();
            for (int c = 0; c < t->mapping.columns.size(); ++c) {
                t->codecs << ValueCodec(t->mapping.columns.at(c), m_plan.types);
                if (t->mapping.columns.at(c).generatedExpression.isEmpty())
                    t->writable << c;
            }
            d->tables.insert(tableName, t);
        }
        const auto key = ValidationKey::fromJson(keyJson);
        if (!key || key->parts.size() != t->mapping.keyColumns.size())
            throw std::runtime_error(QStringLiteral("'%1' is not a key of %2 (a JSON array of %3 value(s), "
                                                    "e.g. [42])")
                                         .arg(keyJson, tableName)
                                         .arg(t->mapping.keyColumns.size())
                                         .toStdString());
        if (!t->cmp->keyLookupCapable())
            throw std::runtime_error("this key cannot be looked up by the repair (see docs/validation.md)");
        // The source row, encoded as one COPY line.
        QStringList sourceColumns, targetColumns, keyTargets;
        for (int c : std::as_const(t->writable)) {
            sourceColumns << t->mapping.columns.at(c).source.name;
            targetColumns << t->mapping.columns.at(c).targetName;
        }
        for (const QString &k : t->mapping.keyColumns)
            keyTargets << t->mapping.column(k)->targetName;
        MySqlStatement st(t->cmp->source(),
                          ValidationSql::mysqlSelectKey(m_plan.source.database, t->mapping.source.name,
                                                        sourceColumns, t->mapping.keyColumns));
        int index = 0;
        t->cmp->bindSourceKey(st, index, *key);
        st.execute();
        QByteArray line;
        bool found = false;
        QString rejected;
        while (st.fetch()) {
            // A case-insensitive key may match a row whose key differs in case.
            ValidationKey k;
            for (const QString &kc : t->mapping.keyColumns) {
                const int pos = int(sourceColumns.indexOf(kc));
                const int col = t->writable.at(pos);
                k.parts << t->codecs.at(col).canonicalSource(SourceValue::fromMySql(st.value(pos))).value_or(QByteArray());
            }
            if (!(k == *key))
                continue;
            found = true;
            line.clear();
            for (int i = 0; i < t->writable.size(); ++i) {
                if (i > 0)
                    line += '\t';
                const CodecResult r = t->codecs.at(t->writable.at(i)).encodeCopy(SourceValue::fromMySql(st.value(i)), line);
                if (r.isRejected())
                    rejected = QStringLiteral("column %1: %2").arg(sourceColumns.at(i), r.reason);
            }
        }
        if (!rejected.isEmpty())
            throw std::runtime_error(
                QStringLiteral("the source value cannot be written: %1").arg(rejected).toStdString());

        const QString table = quotePgQualifiedName(t->cmp->targetSchema(), t->cmp->targetTable());
        const std::vector<std::string> keyParams = t->cmp->targetKeyParams(*key);
        t->cmp->target().run(QStringLiteral("repairing %1 %2").arg(tableName, keyJson), [&] {
            pqxx::work tx(t->cmp->target().connection());
            if (!found) {
                tx.exec_params(QStringLiteral("DELETE FROM %1 WHERE %2")
                                   .arg(table, ValidationSql::pgKeyEquals(keyTargets))
                                   .toStdString(),
                               pqxx::prepare::make_dynamic_params(keyParams));
                out.action = QStringLiteral("delete");
            } else {
                const std::string staging = "switchyard_repair";
                tx.exec(QStringLiteral("CREATE TEMP TABLE switchyard_repair (LIKE %1) ON COMMIT DROP")
                            .arg(table)
                            .toStdString());
                std::vector<std::string> cols;
                for (const QString &c : targetColumns)
                    cols.push_back(quotePgIdentifier(c).toStdString());
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
                pqxx::tablewriter writer(tx, staging, cols.begin(), cols.end());
#pragma GCC diagnostic pop
                writer.write_raw_line(line.toStdString());
                writer.complete();
                QStringList updates;
                for (const QString &c : targetColumns) {
                    if (!keyTargets.contains(c))
                        updates << quotePgIdentifier(c) + QStringLiteral(" = EXCLUDED.") + quotePgIdentifier(c);
                }
                const QString list = KeysetSql::pgColumnList(targetColumns);
                tx.exec((QStringLiteral("INSERT INTO ") + table + QStringLiteral(" (") + list +
                         QStringLiteral(") SELECT ") + list + QStringLiteral(" FROM switchyard_repair ON CONFLICT (") +
                         KeysetSql::pgColumnList(keyTargets) + QStringLiteral(") ") +
                         (updates.isEmpty() ? QStringLiteral("DO NOTHING")
                                            : QStringLiteral("DO UPDATE SET ") + updates.join(QStringLiteral(", "))))
                            .toStdString());
                out.action = QStringLiteral("upsert");
            }
            tx.commit();
        });

        // Recheck: only an equal row counts as repaired.
        RowSet src, dst;
        if (auto r = t->cmp->sourceRow(*key))
            src.insert(TableComparer::joinKey(*key), *r);
        if (auto r = t->cmp->targetRow(*key))
            dst.insert(TableComparer::joinKey(*key), *r);
        if (!diffRows(src, dst, t->mapping).isEmpty()) {
            out.message = QStringLiteral("written, but the row still differs on recheck (a write "
                                         "in flight?); it stays open — run validate again");
            return out;
        }
        out.repaired = true;
    } catch (const std::exception &e) {
        out.message = QString::fromUtf8(e.what());
        // A lost connection stays lost: reconnect on the next call.
        d->tables.remove(tableName);
    }
    return out;
}

} // namespace switchyard::core
