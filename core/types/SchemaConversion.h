#pragma once
// SchemaConversion: the plan's tables, read from the source, mapped and
// turned into PostgreSQL DDL — and applying that DDL to the target.
//
// This is what `switchyard-cli schema show|apply` run; the engine uses the
// same functions, so the CLI stays a thin wrapper.
//
// Not thread-safe per connection: use your own connections. Errors from the
// servers arrive as DbException; plan-level problems are SchemaWarnings.

#include "plan/Plan.h"
#include "types/DdlGenerator.h"
#include "types/TypeMapping.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace switchyard::core {

class MySqlConnection;
class PgConnection;

struct SchemaConversion
{
    QString sourceSchema;
    QString targetSchema;
    QList<TableMapping> tables;
    SchemaDdl ddl;

    const TableMapping *table(const QString &sourceName) const;
};

struct SchemaApplyOptions
{
    enum class Existing { Refuse, Skip, Replace };
    Existing existing = Existing::Refuse;
    /// Run the post-data part (secondary indexes, foreign keys) and reset the
    /// identity sequences instead of creating tables: what runs after the backfill.
    bool postData = false;
};

struct SchemaApplyResult
{
    bool applied = false;
    QStringList existingTables;   // target tables that were there already
    QStringList statements;       // what ran, in order (one transaction)
    QString refusal;              // why nothing ran, when !applied
};

/// What a scan of the source data finds before the migration: values the
/// policies will convert or reject, counted per column (one full scan per
/// table; `schema show --check-data`).
struct DataFinding
{
    QString table;
    QString column;
    qint64 rows = 0;
    QString what;     // "values other than 0/1", "zero or invalid dates", …
    QString outcome;  // what the copy will do with them, and what to change
    bool rejected = false; // the rows will go to the reject table
};

/// Introspects the plan's tables (all base tables of the source database when
/// the plan lists none) and maps them with the plan's policies.
SchemaConversion convertSchema(const Plan &plan, MySqlConnection &source);

/// Scans the source tables for values the mapping cannot copy unchanged.
QList<DataFinding> checkData(const SchemaConversion &conversion, const TypePolicies &policies,
                             MySqlConnection &source);

/// What a job (backfill, validation) copies or compares for one plan table:
/// the table mapped with the whole plan, as `schema apply` maps it (so
/// foreign-key columns take their referenced column's type), or — in
/// `error` — why it cannot run, in words a DBA can act on: the table is not
/// in the source, the mapping has errors, or the table has no key.
struct JobTableMapping
{
    std::optional<TableMapping> mapping;
    QString error;
};
JobTableMapping mapTableForJob(const Plan &plan, MySqlConnection &source, const QString &table);

/// Applies `conversion` in one transaction. Refuses (nothing runs) when the
/// DDL has errors, or when tables exist and options say Refuse.
/// With postData, reads each identity table's AUTO_INCREMENT from `source`.
SchemaApplyResult applySchema(const SchemaConversion &conversion, PgConnection &target,
                              MySqlConnection &source, const SchemaApplyOptions &options);

} // namespace switchyard::core
