#include "types/SchemaConversion.h"

#include "source/MySqlConnection.h"
#include "source/SchemaIntrospector.h"
#include "target/PgConnection.h"

#include <pqxx/pqxx>

#include <QSet>

namespace switchyard::core {

const TableMapping *SchemaConversion::table(const QString &sourceName) const
{
    for (const TableMapping &t : tables) {
        if (t.source.name == sourceName)
            return &t;
    }
    return nullptr;
}

SchemaConversion convertSchema(const Plan &plan, MySqlConnection &source)
{
    SchemaConversion c;
    c.sourceSchema = plan.source.database;
    c.targetSchema = plan.target.schema.isEmpty() ? QStringLiteral("public") : plan.target.schema;
    SchemaIntrospector introspector(source);

    QList<TableSpec> specs = plan.tables;
    if (specs.isEmpty()) {
        for (const QString &name : introspector.tableNames(c.sourceSchema)) {
            TableSpec spec;
            spec.name = name;
            specs << spec;
        }
    }
    for (const TableSpec &spec : specs) {
        const SourceTable table = introspector.table(c.sourceSchema, spec.name);
        c.tables << TypeMapper::mapTable(table, spec, plan.types);
    }
    TypeMapper::alignForeignKeys(c.tables);
    c.ddl = DdlGenerator::generate(c.tables, plan.types, c.targetSchema);
    return c;
}

SchemaApplyResult applySchema(const SchemaConversion &conversion, PgConnection &target, MySqlConnection &source,
                              const SchemaApplyOptions &options)
{
    SchemaApplyResult result;
    if (conversion.ddl.hasErrors()) {
        result.refusal = QStringLiteral("the schema has errors; fix them (see `schema show`) before applying");
        return result;
    }

    target.run(QStringLiteral("schema apply"), [&] {
        pqxx::work tx{target.connection()};
        const pqxx::result existing = tx.exec_params(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
            conversion.targetSchema.toStdString());
        QSet<QString> existingNames;
        for (const auto &row : existing)
            existingNames.insert(QString::fromStdString(row[0].as<std::string>()));

        QSet<QString> skip; // target table names left alone
        for (const TableMapping &t : conversion.tables) {
            if (existingNames.contains(t.targetName))
                result.existingTables << t.targetName;
        }

        QStringList statements;
        if (options.postData) {
            QStringList missing;
            for (const TableMapping &t : conversion.tables) {
                if (!existingNames.contains(t.targetName))
                    missing << t.targetName;
            }
            if (!missing.isEmpty()) {
                result.refusal = QStringLiteral("post-data needs the tables; missing in the target: %1")
                                     .arg(missing.join(QStringLiteral(", ")));
                return;
            }
            if (conversion.ddl.postDataDeferred)
                statements << conversion.ddl.postData;
            for (const TableMapping &t : conversion.tables) {
                for (const ColumnMapping &c : t.columns) {
                    if (!c.identity)
                        continue;
                    SchemaIntrospector introspector(source);
                    const quint64 ai = introspector.autoIncrement(conversion.sourceSchema, t.source.name).value_or(0);
                    statements << DdlGenerator::sequenceResetSql(t, c, ai, conversion.targetSchema);
                }
            }
        } else {
            if (!result.existingTables.isEmpty() && options.existing == SchemaApplyOptions::Existing::Refuse) {
                result.refusal = QStringLiteral("these tables already exist in schema %1: %2; nothing was changed "
                                                "(use --skip-existing to leave them alone, or --include-existing "
                                                "to drop and re-create them)")
                                     .arg(conversion.targetSchema, result.existingTables.join(QStringLiteral(", ")));
                return;
            }
            statements << QStringLiteral("CREATE SCHEMA IF NOT EXISTS %1").arg(quotePgIdentifier(conversion.targetSchema));
            if (options.existing == SchemaApplyOptions::Existing::Replace) {
                for (const TableMapping &t : conversion.tables) {
                    statements << QStringLiteral("DROP TABLE IF EXISTS %1 CASCADE")
                                      .arg(quotePgQualifiedName(conversion.targetSchema, t.targetName));
                    for (const ColumnMapping &c : t.columns) {
                        if (c.family == TargetFamily::Enum && !c.overridden)
                            statements << QStringLiteral("DROP TYPE IF EXISTS %1")
                                              .arg(quotePgQualifiedName(conversion.targetSchema, c.enumTypeName));
                    }
                }
            } else if (options.existing == SchemaApplyOptions::Existing::Skip) {
                for (const QString &name : result.existingTables)
                    skip.insert(name);
            }
            // Re-generate without the skipped tables so their indexes/FKs are left alone too.
            if (!skip.isEmpty()) {
                QList<TableMapping> kept;
                for (const TableMapping &t : conversion.tables) {
                    if (!skip.contains(t.targetName))
                        kept << t;
                }
                TypePolicies policies;
                policies.deferSecondaryIndexes = conversion.ddl.postDataDeferred;
                const SchemaDdl ddl = DdlGenerator::generate(kept, policies, conversion.targetSchema);
                statements << ddl.preData;
            } else {
                statements << conversion.ddl.preData;
            }
        }
        for (const QString &s : statements)
            tx.exec(s.toStdString());
        tx.commit();
        result.statements = statements;
        result.applied = true;
    });
    return result;
}

} // namespace switchyard::core
