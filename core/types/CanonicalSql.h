#pragma once
// SQL expressions that compute the canonical text (Canonical.h) inside each
// database, for chunk checksums computed where the data lives.
//
// mysqlExpr() reads the source column (MariaDB 10.5+/MySQL 8 session set up
// by MySqlConnection: utf8mb4, time_zone +00:00); pgExpr() reads the target
// column. Both yield SQL NULL for NULL and, for every value the codec writes
// unchanged or converts, the same bytes as the C++ form
// (tests/types/tst_typecorpus.cpp proves it value by value on real
// servers).
//
// Not every column can be canonicalised in SQL: JSON (key order and number
// spelling need a parser; MariaDB's JSON is plain text), and float columns
// read from a DECIMAL through an override. For those supported() is false and
// the expressions are empty: a checksum must compare such columns on the
// client (Canonical::fromSource / fromTarget) instead of in SQL.
//
// Values the codec rejects have no guaranteed SQL form (they are not in the
// target, so the row differs anyway).
//
// Identifiers are quoted with quoteMySqlIdentifier / quotePgIdentifier;
// schema-derived literals (set members, sentinels) are written as hex or
// standard literals, never pasted.
// Thread-safe: pure functions.

#include "types/TypeMapping.h"

#include <QString>

namespace switchyard::core {

class CanonicalSql
{
public:
    static bool supported(const ColumnMapping &mapping);

    /// Canonical text of the source column, or an empty string when !supported().
    /// `tableAlias`, when set, qualifies the column (`alias`.`col`).
    static QString mysqlExpr(const ColumnMapping &mapping, const TypePolicies &policies,
                             const QString &tableAlias = QString());
    /// Canonical text of the target column, or an empty string when !supported().
    static QString pgExpr(const ColumnMapping &mapping, const QString &tableAlias = QString());

    /// Never NULL, the same bytes as Canonical::tagged(), safe to concatenate
    /// per row: fixed-alphabet kinds CONCAT(<canonical> or 'N', ';') (one
    /// evaluation of the expression), others 'N' for NULL, else
    /// CONCAT(<byte length>, ':', <canonical>).
    static QString mysqlTaggedExpr(const ColumnMapping &mapping, const TypePolicies &policies,
                                   const QString &tableAlias = QString());
    static QString pgTaggedExpr(const ColumnMapping &mapping, const QString &tableAlias = QString());
};

} // namespace switchyard::core
