#pragma once
// The control store's own schema, as an ordered list of migrations.
//
// Each migration has a version (1, 2, 3…), a one-line description and its
// statements written once with the SqlDialect tokens ({ID}, {TS}, …), plus
// the few statements that only one dialect needs (the append-only triggers).
// The table schema_migrations (version, description, applied_at, applied_by)
// records what has been applied.
//
// ensure() brings a store up to date and is safe when several threads or
// processes open the same store at once: the check and the migrations run in
// one transaction that holds the schema lock (SQLite: BEGIN IMMEDIATE;
// PostgreSQL: pg_advisory_xact_lock(kPgSchemaLockKey), also covering CREATE
// SCHEMA switchyard), and the version is read again under the lock, so each
// migration is applied exactly once. DDL is transactional on both back ends:
// a failed migration leaves the store as it was.
//
// A store whose schema is newer than this build knows is refused
// (StoreError::Kind::SchemaTooNew) before anything is written: an older
// Switchyard must not write into tables it does not understand.
//
// To change the schema, append a migration; never edit one that has shipped.

namespace switchyard::core {

class StoreConnection;

class StoreSchema
{
public:
    /// "SWITCHYD" in ASCII: the advisory lock key that serialises migrations
    /// on PostgreSQL (per database).
    static constexpr long long kPgSchemaLockKey = 0x5357495443485944LL;

    /// The newest schema version this build knows.
    static int latestVersion();
    /// The version applied in the store, 0 for an empty store.
    static int currentVersion(StoreConnection &connection);
    /// Applies what is missing; returns the version now in force. Throws
    /// StoreException (SchemaTooNew when the store is newer than this build).
    static int ensure(StoreConnection &connection);
};

} // namespace switchyard::core
