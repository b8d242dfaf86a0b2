#pragma once
// What Switchyard knows about a source (MySQL/MariaDB) table: plain values
// filled by SchemaIntrospector from information_schema, read by TypeMapper and
// DdlGenerator.
//
// Value types: copyable, no Qt objects, safe to send across threads. Names are
// kept exactly as the source spells them (case, spaces, quotes); quoting is
// done only where SQL is written, by the dialect's quoting function.

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace switchyard::core {

/// One column of a source table, as information_schema describes it.
struct SourceColumn
{
    QString name;
    int ordinal = 0;          // 1-based position in the table
    QString dataType;         // lower case DATA_TYPE: "int", "varchar", "enum", ...
    QString columnType;       // COLUMN_TYPE as the server prints it: "int(10) unsigned"
    std::optional<qint64> charLength; // CHARACTER_MAXIMUM_LENGTH (characters; bytes for binary types)
    std::optional<int> precision;     // NUMERIC_PRECISION (decimal digits), bit(n): n
    std::optional<int> scale;         // NUMERIC_SCALE
    std::optional<int> fractionalSeconds; // DATETIME_PRECISION: time/datetime/timestamp (0..6)
    int displayWidth = 0;     // tinyint(1): 1; 0 when COLUMN_TYPE has none
    bool isUnsigned = false;
    bool nullable = true;
    /// COLUMN_DEFAULT. MariaDB (10.2.7+) reports literals quoted ('abc') and
    /// expressions bare (current_timestamp()); MySQL reports literals bare.
    /// `defaultIsExpression` tells which, as far as the introspector could.
    std::optional<QString> defaultValue;
    bool defaultIsExpression = false;
    QString generationExpression;     // GENERATION_EXPRESSION, empty when not generated
    bool generatedStored = false;     // STORED (true) or VIRTUAL (false)
    QString characterSet;             // "utf8mb4", empty for non-text types
    QString collation;                // "utf8mb4_general_ci"
    bool autoIncrement = false;
    bool onUpdateCurrentTimestamp = false;
    QStringList enumValues;           // enum/set members in declaration order
    QString comment;
    QString extra;                    // EXTRA as reported, for notes

    bool isGenerated() const { return !generationExpression.isEmpty(); }
    /// True for collations that compare case- (or accent-) insensitively (_ci, _ai).
    bool isCaseInsensitive() const;

    /// A column built from a COLUMN_TYPE string, as if introspected: fills
    /// dataType, precision, scale, lengths, unsigned, enum values. For tests and
    /// for plans that describe a column without a server.
    static SourceColumn fromDefinition(const QString &name, const QString &columnType,
                                       bool nullable = true);
};

/// A primary key, unique key or secondary index.
struct SourceIndex
{
    QString name;               // "PRIMARY" for the primary key
    QStringList columns;        // in key order
    QList<int> prefixLengths;   // SUB_PART per column, 0 = whole column
    QList<bool> descending;     // per column (MySQL 8 descending indexes)
    bool unique = false;
    bool primary = false;
    QString method;             // BTREE, HASH, FULLTEXT, SPATIAL
};

struct SourceForeignKey
{
    QString name;
    QStringList columns;
    QString referencedTable;    // in the same source database
    QStringList referencedColumns;
    QString onUpdate = QStringLiteral("RESTRICT"); // CASCADE, SET NULL, NO ACTION, RESTRICT, SET DEFAULT
    QString onDelete = QStringLiteral("RESTRICT");
};

struct SourceCheck
{
    QString name;
    QString expression; // as the server prints it (MySQL dialect)
};

struct SourceTable
{
    QString schema;   // the source database
    QString name;
    QString engine;   // InnoDB, ...
    QString collation;
    QString comment;
    QList<SourceColumn> columns; // in ordinal order
    std::optional<SourceIndex> primaryKey;
    QList<SourceIndex> indexes;  // unique and non-unique, primary excluded
    QList<SourceForeignKey> foreignKeys;
    QList<SourceCheck> checks;
    qint64 approxRows = 0;       // TABLE_ROWS (an estimate for InnoDB)
    qint64 approxBytes = 0;      // DATA_LENGTH + INDEX_LENGTH
    std::optional<quint64> autoIncrement; // AUTO_INCREMENT: the next value

    const SourceColumn *column(const QString &name) const;
};

} // namespace switchyard::core
