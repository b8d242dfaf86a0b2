#pragma once
// The migration plan: what a DBA writes in YAML, as plain values.
//
// A Plan is a value type (copyable, no Qt object, safe to send across
// threads). It is produced by PlanLoader (YAML → Plan, with line:column
// errors) and written back by PlanWriter (Plan → YAML). Nothing here touches a
// database; the engine and the jobs read these settings and act on them.
//
// Every element remembers where it was written (`SourceLocation`), so later
// layers (the engine refusing a gate, the schema generator refusing a column
// override) can point the DBA at the exact line of the plan.

#include <QDate>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

namespace switchyard::core {

/// Where something was written in a plan file. Lines and columns are 1-based;
/// 0 means "not from a file" (a plan built in code).
struct SourceLocation
{
    QString file;
    int line = 0;
    int column = 0;

    bool isValid() const { return line > 0; }
    /// "plan.yaml:12:5" (or just the file name when there is no position).
    QString toString() const;
};

/// One problem found in a plan: where, and what is wrong / what is expected.
struct PlanError
{
    SourceLocation where;
    QString message;

    /// "plan.yaml:12:5: error: <message>", the form compilers use, so editors
    /// can jump to it.
    QString toString() const;
};

/// Connection settings without secrets. Passwords never live in a plan: they
/// come from the environment (SWITCHYARD_SOURCE_PASSWORD /
/// SWITCHYARD_TARGET_PASSWORD), ~/.my.cnf, ~/.pgpass, or the keychain.
struct ConnectionSettings
{
    enum class Engine { MariaDB, MySQL, PostgreSQL };
    Engine engine = Engine::MariaDB;
    QString host = QStringLiteral("127.0.0.1");
    int port = 0; // 0: the engine's default (3306 / 5432)
    QString user;
    QString database;
    QString schema;   // PostgreSQL only: target schema (default "public")
    QString sslMode;  // MariaDB: disabled|preferred|required|verify_ca|verify_identity;
                      // PostgreSQL: disable|allow|prefer|require|verify-ca|verify-full
    QString sslCa;    // path to a CA bundle, optional
    SourceLocation where;

    int effectivePort() const;
    static QString engineName(Engine e);
};

/// Where the cockpit keeps what it must not lose (runs, checkpoints, audit).
struct ControlStoreSettings
{
    enum class Kind { Sqlite, PostgreSQL };
    Kind kind = Kind::Sqlite;
    /// As written in the plan. Sqlite: a file path, empty for the default
    /// (see Plan::controlStorePath()). PostgreSQL: a libpq URL or key=value
    /// string without a password.
    QString location;
    SourceLocation where;
};

/// How MySQL values that have no faithful PostgreSQL form are treated.
/// The semantics live in core/types; the plan only carries the choice.
struct TypePolicies
{
    enum class ZeroDate { Null, Sentinel, Reject };
    enum class NulBytes { Reject, Strip };
    enum class EnumAs { Check, EnumType };
    ZeroDate zeroDates = ZeroDate::Null;
    QString zeroDateSentinel = QStringLiteral("0001-01-01"); // used with ZeroDate::Sentinel
    NulBytes nulBytes = NulBytes::Reject;
    EnumAs enums = EnumAs::Check;
    bool tinyint1AsBoolean = true;
    bool deferSecondaryIndexes = true; // create secondary indexes and FKs after the backfill
    SourceLocation where;
};

/// A per-column override of the type mapping.
struct ColumnOverride
{
    QString column;
    QString targetType; // a PostgreSQL type, e.g. "smallint", "numeric(30,10)"
    SourceLocation where;
};

struct TableSpec
{
    enum class Consistency { Locking, Snapshot };
    QString name;          // source table
    QString targetName;    // target table (defaults to name)
    QStringList keyColumns; // empty: use the source's primary key
    QStringList includeColumns; // empty: all columns
    QStringList excludeColumns;
    QList<ColumnOverride> columnOverrides;
    int batchRows = 0;        // 0: adaptive, starting at the engine default
    int maxRowsPerSecond = 0; // 0: unlimited
    Consistency consistency = Consistency::Locking;
    SourceLocation where;

    QString effectiveTargetName() const { return targetName.isEmpty() ? name : targetName; }
};

/// The flags the application reads (see docs/flags.md). Built-in names:
///   write_target (bool), write_source (bool), read_from ("source"|"target"),
///   read_percent (0..100), shadow_read (bool), shadow_sample_percent (0..100),
///   active_side ("blue"|"green"); plus application features "feature.<name>"
///   (0..100 percent of entities).
/// Values are stored as QVariant holding bool, int or QString.
struct FlagSetting
{
    QString name;
    QVariant value;
    SourceLocation where;
};

/// Ramp steps of one percentage flag inside a phase, e.g. read_percent
/// 1 → 10 → 50 → 100.
struct RampSpec
{
    QString flag;
    QList<int> steps;
    SourceLocation where;

    bool isEmpty() const { return steps.isEmpty(); }
};

struct JobSpec
{
    enum class Kind { Backfill, Validate, ReverseSync, Repair };
    enum class ValidateMode { Count, Sample, Checksum, Full };
    Kind kind = Kind::Backfill;
    QStringList tables; // empty: every table of the plan
    ValidateMode mode = ValidateMode::Checksum; // Validate only
    SourceLocation where;

    static QString kindName(Kind k);
    static QString modeName(ValidateMode m);
};

struct GateSpec
{
    enum class Kind {
        BackfillComplete,   // every listed table fully copied
        ValidationClean,    // last validation clean and younger than maxAgeMinutes
        ShadowMismatchRate, // shadow-read mismatch rate < threshold over windowMinutes
        RepairQueueEmpty,   // no pending secondary-write repairs
        Soak,               // at least `minutes` in the current step
        Manual,             // a person ticks `text`
    };
    Kind kind = Kind::Manual;
    QStringList tables;        // BackfillComplete / ValidationClean; empty: all
    int maxAgeMinutes = 0;     // ValidationClean; 0: no age limit
    double threshold = 0.0;    // ShadowMismatchRate: maximum rate (0..1)
    int windowMinutes = 0;     // ShadowMismatchRate
    int minutes = 0;           // Soak
    QString text;              // Manual: the checklist item
    bool allowOverride = false; // may an operator pass it failing, with a reason?
    SourceLocation where;

    static QString kindName(Kind k);
    /// A one-line description a DBA can read, e.g. "shadow mismatch rate < 0.1% over 30 min".
    QString describe() const;
};

struct RollbackSpec
{
    /// Flags to set on rollback. Empty: restore the flags in force before the
    /// phase was entered (the engine knows them).
    QList<FlagSetting> flags;
    bool stopJobs = true;
    /// Wait for reverse sync to reach zero lag before the flags revert.
    /// Defaults to true for phases in which the source is no longer written.
    std::optional<bool> waitForReverseSync;
    QString note; // manual steps for the operator, shown in the rollback dialog
    SourceLocation where;
};

struct PhaseSpec
{
    QString id;    // stable identifier, [a-z0-9-]+
    QString title; // what a person reads
    QString description;
    QList<FlagSetting> flags; // set on entering the phase
    RampSpec ramp;
    QList<JobSpec> jobs; // started on entering the phase
    QList<GateSpec> gates; // required to leave the phase
    RollbackSpec rollback;
    int week = 0; // planned week in the timeline (1-based), 0: unplanned
    SourceLocation where;
};

struct Risk
{
    QString risk;
    QString likelihood = QStringLiteral("medium"); // low|medium|high
    QString impact = QStringLiteral("medium");     // low|medium|high
    QString mitigation;
    QString owner;
    SourceLocation where;
};

struct MigrationInfo
{
    QString name; // also the phrase an operator types to confirm a transition
    QString owner;
    QString why;
    QString riskLevel = QStringLiteral("medium"); // low|medium|high|critical
    QDate windowStart;
    QDate windowEnd;
    SourceLocation where;
};

enum class Strategy { FlagRamp, DualWrite, BlueGreen };

struct Plan
{
    static constexpr int kCurrentVersion = 1;

    int version = kCurrentVersion;
    QString filePath; // where it was loaded from (not written back)
    MigrationInfo migration;
    ConnectionSettings source;
    ConnectionSettings target;
    ControlStoreSettings controlStore;
    TypePolicies types;
    QList<TableSpec> tables;
    QList<Strategy> strategies;
    QList<PhaseSpec> phases;
    QList<Risk> risks;
    QDate timelineStart; // week 1 starts here (optional)

    const TableSpec *table(const QString &name) const;
    const PhaseSpec *phase(const QString &id) const;
    int phaseIndex(const QString &id) const; // -1 when absent
    bool uses(Strategy s) const { return strategies.contains(s); }

    /// The control store's SQLite file with `~/` expanded and relative paths
    /// resolved against the plan's folder; the default, when the plan names
    /// none, is $XDG_DATA_HOME/switchyard/<migration name>.sqlite. Empty for a
    /// PostgreSQL control store.
    QString controlStorePath() const;

    static QString strategyName(Strategy s);
};

} // namespace switchyard::core
