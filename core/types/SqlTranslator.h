#pragma once
// Translation of MySQL/MariaDB column defaults and generated-column
// expressions into PostgreSQL. Deliberately conservative: a small, known
// subset translates (literals, CURRENT_TIMESTAMP, column references,
// arithmetic without '/', comparison, boolean logic, a whitelist of functions
// whose semantics match); anything else is reported as untranslatable with
// the reason, never guessed.
//
// Identifiers in the output are quoted with the PostgreSQL quoting function;
// literals are written in standard_conforming_strings form ('it''s').
// Thread-safe: pure functions.

#include "types/TypeMapping.h"

#include <QString>

namespace switchyard::core {

struct Translation
{
    bool ok = false;
    QString sql;    // the PostgreSQL expression when ok
    QString reason; // why it does not translate when !ok
};

class SqlTranslator
{
public:
    /// A PostgreSQL string literal: 'it''s'. Control characters pass as is
    /// (standard_conforming_strings = on, the default since 9.1).
    static QString pgLiteral(const QString &text);

    /// Translates a generated-column / check / default expression.
    static Translation expression(const QString &mysqlExpression);

    /// Translates the column's DEFAULT for its mapped target type. A column
    /// without default gives ok with an empty sql.
    static Translation columnDefault(const ColumnMapping &mapping, const TypePolicies &policies);
};

} // namespace switchyard::core
