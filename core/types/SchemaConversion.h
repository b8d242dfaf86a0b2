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

/// Introspects the plan's tables (all base tables of the source database when
/// the plan lists none) and maps them with the plan's policies.
SchemaConversion convertSchema(const Plan &plan, MySqlConnection &source);

/// Applies `conversion` in one transaction. Refuses (nothing runs) when the
/// DDL has errors, or when tables exist and options say Refuse.
/// With postData, reads each identity table's AUTO_INCREMENT from `source`.
SchemaApplyResult applySchema(const SchemaConversion &conversion, PgConnection &target,
                              MySqlConnection &source, const SchemaApplyOptions &options);

} // namespace switchyard::core
