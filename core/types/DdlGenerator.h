#pragma once
// DdlGenerator: PostgreSQL DDL for mapped tables, split by when it runs.
//
//   preData   CREATE TYPE (enum policy), CREATE TABLE with columns, identity,
//             defaults, generated columns, primary key, unique keys and CHECKs.
//             Unique keys are created with the table: the backfill's
//             ON CONFLICT needs the key, and dual writes must not be able to
//             insert what the source would refuse.
//   postData  secondary (non-unique) indexes and foreign keys. With
//             TypePolicies::deferSecondaryIndexes they run after the
//             backfill (faster bulk load); otherwise they belong to preData.
//
// Every statement is one string without a trailing semicolon; script()
// renders a reviewable file with comments (source types, notes, warnings).
// Identifiers are quoted with quotePgIdentifier only. Index names are
// "<table>_<index>" (MySQL index names are per table, PostgreSQL's per
// schema). Names longer than 63 bytes are truncated the way PostgreSQL does;
// two names that become equal are an error (severity Error).
//
// Sequences: sequenceResetSql() is what the backfill runs at the end, with a
// freshly read source AUTO_INCREMENT, so the next id is past both max(id) and
// what the source would hand out next.
//
// Thread-safe: pure functions.

#include "types/TypeMapping.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace switchyard::core {

struct SchemaDdl
{
    QString targetSchema;
    QStringList preData;
    QStringList postData;
    QList<SchemaWarning> warnings;
    bool postDataDeferred = true;

    bool hasErrors() const;
    /// The whole thing as a reviewable SQL script: a header, every warning as
    /// a comment, pre-data, then post-data under its own heading.
    QString script() const;
};

class DdlGenerator
{
public:
    /// DDL for all `tables` (foreign keys only to tables in the list; others
    /// are reported). Table warnings are copied into the result.
    static SchemaDdl generate(const QList<TableMapping> &tables, const TypePolicies &policies,
                              const QString &targetSchema = QStringLiteral("public"));

    /// SELECT setval(...) for an identity column, given the source's
    /// AUTO_INCREMENT at the end of the backfill (0 when unknown).
    static QString sequenceResetSql(const TableMapping &table, const ColumnMapping &identity,
                                    quint64 sourceAutoIncrement, const QString &targetSchema);

    /// `name` cut to PostgreSQL's 63-byte limit at a character boundary.
    static QString truncatedIdentifier(const QString &name);
};

} // namespace switchyard::core
