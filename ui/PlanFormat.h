#pragma once
// How plan values read on screen: one short, plain line per value, in the
// words a DBA uses. Shared by the overview, the timeline and the error dialog
// so a flag or a gate reads the same everywhere.
//
// Pure functions, no widgets; safe from any thread. Nothing returned here ever
// contains a secret: connection strings pass through redactSecrets().

#include "plan/Plan.h"

#include <QString>

namespace switchyard::ui::format {

/// "true", "10%", "target" (percent flags get a % sign).
QString flagValue(const core::FlagSetting &flag);
/// "read_from = target"
QString flagSetting(const core::FlagSetting &flag);
/// "read_percent 1 → 10 → 50 → 100%"; empty for an empty ramp.
QString ramp(const core::RampSpec &ramp);
/// "backfill: users, orders", "validate (checksum): all tables"
QString job(const core::JobSpec &job);
/// "db1.internal:3306" (the engine's default port when none is set).
QString hostPort(const core::ConnectionSettings &connection);
/// "MariaDB · db1.internal:3306 · shop" (plus the schema for PostgreSQL).
QString connection(const core::ConnectionSettings &connection);
/// "SQLite · /var/lib/switchyard/users.sqlite" (the resolved file, marked
/// "default" when the plan names none), or "PostgreSQL · <conninfo>" without a password.
QString controlStore(const core::Plan &plan);
/// "2025-03-03 → 2025-05-02 (9 weeks)"; "not set" when both are missing.
QString window(const core::MigrationInfo &migration);
/// Display names: "MariaDB", "Dual write", "reverse sync".
QString engineName(core::ConnectionSettings::Engine engine);
QString strategyName(core::Strategy strategy);
QString jobKindName(core::JobSpec::Kind kind);

/// "Dual write, Flag ramp"
QString strategies(const QList<core::Strategy> &strategies);
/// "Week 3" (or "Week 3 · from 2025-03-17" with a timeline start); "Unplanned".
QString week(int week, const QDate &timelineStart);

/// "line 3, column 3"; "line 3" without a column; empty without a position.
QString errorPosition(const core::PlanError &error);
/// "line 3, column 3: <message>", or just the message without a position.
QString errorLine(const core::PlanError &error);

/// Replaces passwords in connection strings (URL user info and key=value
/// pairs) with "•••". Plans must not hold secrets; this is the belt to the
/// loader's braces.
QString redactSecrets(const QString &text);

} // namespace switchyard::ui::format
