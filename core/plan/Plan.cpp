#include "plan/Plan.h"

#include <QDir>
#include <QFileInfo>

namespace switchyard::core {

QString SourceLocation::toString() const
{
    const QString name = file.isEmpty() ? QStringLiteral("<plan>") : file;
    if (line <= 0)
        return name;
    return QStringLiteral("%1:%2:%3").arg(name).arg(line).arg(column);
}

QString PlanError::toString() const
{
    return QStringLiteral("%1: error: %2").arg(where.toString(), message);
}

int ConnectionSettings::effectivePort() const
{
    if (port > 0)
        return port;
    return engine == Engine::PostgreSQL ? 5432 : 3306;
}

QString ConnectionSettings::engineName(Engine e)
{
    switch (e) {
    case Engine::MariaDB:
        return QStringLiteral("mariadb");
    case Engine::MySQL:
        return QStringLiteral("mysql");
    case Engine::PostgreSQL:
        return QStringLiteral("postgresql");
    }
    return {};
}

QString JobSpec::kindName(Kind k)
{
    switch (k) {
    case Kind::Backfill:
        return QStringLiteral("backfill");
    case Kind::Validate:
        return QStringLiteral("validate");
    case Kind::ReverseSync:
        return QStringLiteral("reverse_sync");
    case Kind::Repair:
        return QStringLiteral("repair");
    }
    return {};
}

QString JobSpec::modeName(ValidateMode m)
{
    switch (m) {
    case ValidateMode::Count:
        return QStringLiteral("count");
    case ValidateMode::Sample:
        return QStringLiteral("sample");
    case ValidateMode::Checksum:
        return QStringLiteral("checksum");
    case ValidateMode::Full:
        return QStringLiteral("full");
    }
    return {};
}

QString GateSpec::kindName(Kind k)
{
    switch (k) {
    case Kind::BackfillComplete:
        return QStringLiteral("backfill_complete");
    case Kind::ValidationClean:
        return QStringLiteral("validation_clean");
    case Kind::ShadowMismatchRate:
        return QStringLiteral("shadow_mismatch_rate");
    case Kind::RepairQueueEmpty:
        return QStringLiteral("repair_queue_empty");
    case Kind::Soak:
        return QStringLiteral("soak");
    case Kind::Manual:
        return QStringLiteral("manual");
    }
    return {};
}

QString GateSpec::describe() const
{
    const QString tableList =
        tables.isEmpty() ? QStringLiteral("every table") : tables.join(QStringLiteral(", "));
    switch (kind) {
    case Kind::BackfillComplete:
        return QStringLiteral("backfill complete for %1").arg(tableList);
    case Kind::ValidationClean:
        if (maxAgeMinutes > 0)
            return QStringLiteral("validation clean for %1, at most %2 min old")
                .arg(tableList)
                .arg(maxAgeMinutes);
        return QStringLiteral("validation clean for %1").arg(tableList);
    case Kind::ShadowMismatchRate:
        return QStringLiteral("shadow-read mismatch rate below %1% over %2 min")
            .arg(threshold * 100.0, 0, 'g', 6)
            .arg(windowMinutes);
    case Kind::RepairQueueEmpty:
        return QStringLiteral("repair queue empty");
    case Kind::Soak:
        return QStringLiteral("soak at least %1 min in the current step").arg(minutes);
    case Kind::Manual:
        return QStringLiteral("confirmed: %1").arg(text);
    }
    return {};
}

const TableSpec *Plan::table(const QString &name) const
{
    for (const TableSpec &t : tables) {
        if (t.name == name)
            return &t;
    }
    return nullptr;
}

const PhaseSpec *Plan::phase(const QString &id) const
{
    const int i = phaseIndex(id);
    return i < 0 ? nullptr : &phases.at(i);
}

int Plan::phaseIndex(const QString &id) const
{
    for (int i = 0; i < phases.size(); ++i) {
        if (phases.at(i).id == id)
            return i;
    }
    return -1;
}

QString Plan::controlStorePath() const
{
    if (controlStore.kind != ControlStoreSettings::Kind::Sqlite)
        return {};
    QString path = controlStore.location;
    if (path.isEmpty()) {
        QString dataHome = qEnvironmentVariable("XDG_DATA_HOME");
        if (dataHome.isEmpty())
            dataHome = QDir::home().filePath(QStringLiteral(".local/share"));
        return QDir(dataHome).filePath(QStringLiteral("switchyard/%1.sqlite").arg(migration.name));
    }
    if (path == QLatin1String("~") || path.startsWith(QLatin1String("~/")))
        path = QDir::homePath() + path.mid(1);
    if (QFileInfo(path).isRelative() && !filePath.isEmpty())
        path = QFileInfo(filePath).absoluteDir().filePath(path);
    return QDir::cleanPath(path);
}

QString Plan::strategyName(Strategy s)
{
    switch (s) {
    case Strategy::FlagRamp:
        return QStringLiteral("flag_ramp");
    case Strategy::DualWrite:
        return QStringLiteral("dual_write");
    case Strategy::BlueGreen:
        return QStringLiteral("blue_green");
    }
    return {};
}

} // namespace switchyard::core
