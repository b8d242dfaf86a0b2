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

QList<DataFinding> checkData(const SchemaConversion &conversion, const TypePolicies &policies,
                             MySqlConnection &source)
{
    QList<DataFinding> findings;
    for (const TableMapping &t : conversion.tables) {
        QStringList sums;
        QList<DataFinding> pending;
        auto check = [&](const ColumnMapping &c, const QString &condition, const QString &what,
                         const QString &outcome, bool rejected) {
            sums << QStringLiteral("SUM(CASE WHEN %1 THEN 1 ELSE 0 END)").arg(condition);
            DataFinding f;
            f.table = t.source.name;
            f.column = c.source.name;
            f.what = what;
            f.outcome = outcome;
            f.rejected = rejected;
            pending << f;
        };
        for (const ColumnMapping &c : t.columns) {
            if (!c.generatedExpression.isEmpty())
                continue; // PostgreSQL computes it; the copy never sends it
            const QString q = quoteMySqlIdentifier(c.source.name);
            const QString &type = c.source.dataType;
            if (c.canonical == CanonicalKind::Boolean && type == QLatin1String("tinyint")) {
                check(c, QStringLiteral("%1 NOT IN (0, 1)").arg(q), QStringLiteral("values other than 0 and 1"),
                      QStringLiteral("rejected; override the column to smallint to keep them"), true);
            }
            if (c.family == TargetFamily::BigInt && type == QLatin1String("bigint") && c.source.isUnsigned) {
                check(c, QStringLiteral("%1 > 9223372036854775807").arg(q), QStringLiteral("values above 2^63-1"),
                      QStringLiteral("rejected; they do not fit bigint"), true);
            }
            if (c.family == TargetFamily::Time) {
                check(c, QStringLiteral("(%1 < '00:00:00' OR %1 > '24:00:00')").arg(q),
                      QStringLiteral("durations outside 00:00:00..24:00:00"),
                      QStringLiteral("rejected; override the column to interval to keep them"), true);
            }
            if (c.canonical == CanonicalKind::Date || c.canonical == CanonicalKind::Timestamp
                || c.canonical == CanonicalKind::TimestampUtc) {
                const bool reject = policies.zeroDates == TypePolicies::ZeroDate::Reject
                    || (policies.zeroDates == TypePolicies::ZeroDate::Null && !c.nullable);
                const QString outcome = reject ? QStringLiteral("rejected (policy zero_dates%1)")
                                                     .arg(c.nullable ? QString() : QStringLiteral(", NOT NULL column"))
                    : policies.zeroDates == TypePolicies::ZeroDate::Null
                    ? QStringLiteral("copied as NULL (policy zero_dates: null)")
                    : QStringLiteral("copied as %1 (policy zero_dates: sentinel)").arg(policies.zeroDateSentinel);
                check(c, QStringLiteral("(YEAR(%1) = 0 OR MONTH(%1) = 0 OR DAYOFMONTH(%1) = 0)").arg(q),
                      QStringLiteral("zero or invalid dates"), outcome, reject);
            }
            if (c.canonical == CanonicalKind::Text || c.canonical == CanonicalKind::PaddedText) {
                const bool reject = policies.nulBytes == TypePolicies::NulBytes::Reject;
                check(c, QStringLiteral("LOCATE(X'00', CAST(%1 AS BINARY)) > 0").arg(q), QStringLiteral("NUL bytes"),
                      reject ? QStringLiteral("rejected (policy nul_bytes: reject)")
                             : QStringLiteral("copied without the NUL bytes (policy nul_bytes: strip)"),
                      reject);
            }
            if (c.isEnum() && !c.labels.contains(QString())
                && (c.family == TargetFamily::Enum || (!c.overridden && c.family == TargetFamily::Text))) {
                check(c, QStringLiteral("%1 + 0 = 0").arg(q), QStringLiteral("the enum error value ''"),
                      QStringLiteral("rejected; fix the rows on the source or override the column to text"), true);
            }
        }
        if (sums.isEmpty())
            continue;
        const QueryResult r = source.query(QStringLiteral("SELECT %1 FROM %2")
                                               .arg(sums.join(QStringLiteral(", ")),
                                                    quoteMySqlQualifiedName(conversion.sourceSchema, t.source.name)));
        for (int i = 0; i < pending.size(); ++i) {
            DataFinding f = pending.at(i);
            f.rows = r.isEmpty() ? 0 : r.text(0, i).toLongLong();
            if (f.rows > 0)
                findings << f;
        }
    }
    return findings;
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
        // Post-data statements an earlier run (or the backfill's own finish,
        // BackfillFinisher) may already have applied: each runs in its own
        // savepoint and "already exists" leaves it as it is.
        QStringList idempotent;
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
                idempotent << conversion.ddl.postData;
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
        QStringList applied;
        for (const QString &s : std::as_const(idempotent)) {
            try {
                pqxx::subtransaction savepoint{tx, "post_data"};
                savepoint.exec(s.toStdString());
                savepoint.commit();
                applied << s;
            } catch (const pqxx::sql_error &e) {
                // 42P07 duplicate relation (index), 42710 duplicate object (constraint).
                if (e.sqlstate() != "42P07" && e.sqlstate() != "42710")
                    throw;
            }
        }
        for (const QString &s : statements)
            tx.exec(s.toStdString());
        tx.commit();
        result.statements = applied + statements;
        result.applied = true;
    });
    return result;
}

JobTableMapping mapTableForJob(const Plan &plan, MySqlConnection &source, const QString &table)
{
    JobTableMapping result;
    const SchemaConversion conversion = convertSchema(plan, source);
    const TableMapping *mapped = conversion.table(table);
    if (!mapped) {
        result.error = QStringLiteral("table '%1' was not found in source database '%2'")
                           .arg(table, plan.source.database);
        return result;
    }
    if (mapped->hasErrors()) {
        QStringList problems;
        for (const SchemaWarning &w : mapped->warnings) {
            if (w.severity == SchemaWarning::Severity::Error)
                problems << w.toString();
        }
        result.error = problems.join(QLatin1Char('\n'));
        return result;
    }
    if (mapped->keyColumns.isEmpty()) {
        result.error = QStringLiteral("table '%1' has no primary key: Switchyard copies and compares "
                                      "rows by key. Add a primary key, or name a unique NOT NULL key "
                                      "in the plan (tables: - name: %1, key: [col, …])")
                           .arg(table);
        return result;
    }
    result.mapping = *mapped;
    return result;
}

} // namespace switchyard::core
