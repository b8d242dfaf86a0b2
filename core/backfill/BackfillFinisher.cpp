#include "backfill/BackfillFinisher.h"

#include "source/MySqlConnection.h"
#include "source/SchemaIntrospector.h"
#include "target/PgConnection.h"
#include "types/DdlGenerator.h"

#include <pqxx/pqxx>

namespace switchyard::core {

namespace {

QString targetSchema(const Plan &plan)
{
    return plan.target.schema.isEmpty() ? QStringLiteral("public") : plan.target.schema;
}

void execute(PgConnection &target, const QString &what, const QString &sql)
{
    target.run(what, [&] {
        pqxx::nontransaction tx(target.connection());
        tx.exec(sql.toStdString());
    });
}

} // namespace

void BackfillFinisher::advanceSequences(PgConnection &target, const TableMapping &mapping,
                                        const Plan &plan)
{
    std::optional<quint64> autoIncrement;
    for (const ColumnMapping &c : mapping.columns) {
        if (!c.identity)
            continue;
        if (!autoIncrement) {
            // Read fresh: the value introspected at the start is as old as the job.
            MySqlConnection source;
            source.open(plan.source);
            autoIncrement = SchemaIntrospector(source)
                                .autoIncrement(plan.source.database, mapping.source.name)
                                .value_or(0);
        }
        execute(target, QStringLiteral("setting the sequence of %1.%2").arg(mapping.targetName, c.targetName),
                DdlGenerator::sequenceResetSql(mapping, c, *autoIncrement, targetSchema(plan)));
    }
}

void BackfillFinisher::finish(PgConnection &target, const TableMapping &mapping, const Plan &plan)
{
    advanceSequences(target, mapping, plan);
    if (!plan.types.deferSecondaryIndexes)
        return;
    // The secondary indexes the schema step left for after the copy. Foreign
    // keys to other tables wait for those tables (schema apply --post-data).
    const SchemaDdl ddl = DdlGenerator::generate({mapping}, plan.types, targetSchema(plan));
    for (const QString &statement : ddl.postData) {
        try {
            execute(target,
                    QStringLiteral("creating the deferred indexes of %1").arg(mapping.targetName),
                    statement);
        } catch (const DbException &e) {
            // Already there from an earlier finish that was interrupted:
            // 42P07 duplicate relation (index), 42710 duplicate object (constraint).
            if (e.error().sqlState != QLatin1String("42P07") &&
                e.error().sqlState != QLatin1String("42710"))
                throw;
        }
    }
}

} // namespace switchyard::core
