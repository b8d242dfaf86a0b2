#pragma once
// The tables Switchyard keeps on the TARGET database, in schema `switchyard`,
// for the application protocol (docs/flags.md has the full description):
//
//   switchyard.flag_version      one row: the global flag version
//   switchyard.flags             name → JSON value, with the version, who, when, why
//   switchyard.flag_history      every change of every flag (old and new value)
//   switchyard.repair_queue      secondary writes that failed: the key to re-copy
//   switchyard.shadow_mismatches rows a shadow read found different, both images
//   switchyard.shadow_stats      comparisons and mismatches per table and minute
//
// ensureTargetTables() creates whatever is missing (idempotent; safe when
// several processes call it at once: it takes an advisory lock). Throws
// DbException. Not thread-safe per connection, like PgConnection.

#include <QString>
#include <QStringList>

namespace switchyard::core {

class PgConnection;

/// The NOTIFY channel a publish signals on; the payload is the new version.
inline constexpr const char *kFlagsChannel = "switchyard_flags";

/// The DDL ensureTargetTables() runs, in order (for docs and tests).
QStringList targetTablesDdl();

/// Creates the schema and tables above when missing. Needs the CREATE
/// privilege on the database (CREATE SCHEMA checks it even when the schema
/// exists): the operator's tools call it, applications use the next one.
void ensureTargetTables(PgConnection &target);

/// True when every table above exists (no privilege needed beyond USAGE).
bool targetTablesExist(PgConnection &target);

/// For applications, whose database user usually may not run DDL: creates
/// the tables only when some are missing, and ignores a failure to do so
/// (the writes into them then fail and are handled like a target outage).
void ensureTargetTablesIfPossible(PgConnection &target) noexcept;

} // namespace switchyard::core
