#include "PlanFormat.h"

#include <QRegularExpression>
#include <QStringList>

namespace switchyard::ui::format {

using core::FlagSetting;

namespace {
const QString kArrow = QStringLiteral(" \u2192 ");
const QString kDot = QStringLiteral(" \u00b7 ");

bool isPercentFlag(const QString &name)
{
    return name.endsWith(QLatin1String("_percent")) || name.startsWith(QLatin1String("feature."));
}

QString isoDate(const QDate &date)
{
    return date.toString(Qt::ISODate);
}
} // namespace

QString flagValue(const FlagSetting &flag)
{
    const QVariant &v = flag.value;
    switch (v.typeId()) {
    case QMetaType::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
        return isPercentFlag(flag.name) ? QString::number(v.toLongLong()) + QLatin1Char('%')
                                        : QString::number(v.toLongLong());
    default:
        return v.toString();
    }
}

QString flagSetting(const FlagSetting &flag)
{
    return flag.name + QStringLiteral(" = ") + flagValue(flag);
}

QString ramp(const core::RampSpec &ramp)
{
    if (ramp.isEmpty())
        return {};
    QStringList steps;
    steps.reserve(ramp.steps.size());
    for (int step : ramp.steps)
        steps << QString::number(step);
    QString text = steps.join(kArrow) + QLatin1Char('%');
    return ramp.flag.isEmpty() ? text : ramp.flag + QLatin1Char(' ') + text;
}

QString job(const core::JobSpec &job)
{
    QString text = jobKindName(job.kind);
    if (job.kind == core::JobSpec::Kind::Validate)
        text += QStringLiteral(" (") + core::JobSpec::modeName(job.mode) + QLatin1Char(')');
    text += QStringLiteral(": ");
    text += job.tables.isEmpty() ? QStringLiteral("all tables") : job.tables.join(QStringLiteral(", "));
    return text;
}

QString hostPort(const core::ConnectionSettings &connection)
{
    const QString host = connection.host.isEmpty() ? QStringLiteral("localhost") : connection.host;
    // IPv6 literals need brackets before a port.
    const QString shownHost = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return shownHost + QLatin1Char(':') + QString::number(connection.effectivePort());
}

QString connection(const core::ConnectionSettings &connection)
{
    QStringList parts{engineName(connection.engine), hostPort(connection)};
    QString database = connection.database.isEmpty() ? QStringLiteral("(no database)") : connection.database;
    if (connection.engine == core::ConnectionSettings::Engine::PostgreSQL)
        database += QStringLiteral(", schema ")
                    + (connection.schema.isEmpty() ? QStringLiteral("public") : connection.schema);
    parts << database;
    return redactSecrets(parts.join(kDot));
}

QString controlStore(const core::Plan &plan)
{
    const core::ControlStoreSettings &store = plan.controlStore;
    if (store.kind == core::ControlStoreSettings::Kind::Sqlite) {
        QString text = QStringLiteral("SQLite") + kDot + plan.controlStorePath();
        if (store.location.isEmpty())
            text += QStringLiteral(" (default)");
        return redactSecrets(text);
    }
    const QString location = store.location.isEmpty() ? QStringLiteral("(no connection string)")
                                                      : store.location;
    return QStringLiteral("PostgreSQL") + kDot + redactSecrets(location);
}

QString engineName(core::ConnectionSettings::Engine engine)
{
    switch (engine) {
    case core::ConnectionSettings::Engine::MariaDB:
        return QStringLiteral("MariaDB");
    case core::ConnectionSettings::Engine::MySQL:
        return QStringLiteral("MySQL");
    case core::ConnectionSettings::Engine::PostgreSQL:
        return QStringLiteral("PostgreSQL");
    }
    return core::ConnectionSettings::engineName(engine);
}

QString strategyName(core::Strategy strategy)
{
    switch (strategy) {
    case core::Strategy::FlagRamp:
        return QStringLiteral("Flag ramp");
    case core::Strategy::DualWrite:
        return QStringLiteral("Dual write");
    case core::Strategy::BlueGreen:
        return QStringLiteral("Blue/green");
    }
    return core::Plan::strategyName(strategy);
}

QString jobKindName(core::JobSpec::Kind kind)
{
    switch (kind) {
    case core::JobSpec::Kind::Backfill:
        return QStringLiteral("backfill");
    case core::JobSpec::Kind::Validate:
        return QStringLiteral("validate");
    case core::JobSpec::Kind::ReverseSync:
        return QStringLiteral("reverse sync");
    case core::JobSpec::Kind::Repair:
        return QStringLiteral("repair");
    }
    return core::JobSpec::kindName(kind);
}

QString window(const core::MigrationInfo &migration)
{
    const QDate &start = migration.windowStart;
    const QDate &end = migration.windowEnd;
    if (!start.isValid() && !end.isValid())
        return QStringLiteral("not set");
    if (!end.isValid())
        return QStringLiteral("from ") + isoDate(start);
    if (!start.isValid())
        return QStringLiteral("until ") + isoDate(end);
    const qint64 days = start.daysTo(end) + 1;
    const qint64 weeks = (days + 6) / 7;
    const QString length = days < 14 ? QStringLiteral("%1 days").arg(days)
                                     : QStringLiteral("%1 weeks").arg(weeks);
    return isoDate(start) + kArrow + isoDate(end) + QStringLiteral(" (") + length + QLatin1Char(')');
}

QString strategies(const QList<core::Strategy> &strategies)
{
    QStringList names;
    for (core::Strategy s : strategies)
        names << strategyName(s);
    return names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "));
}

QString week(int week, const QDate &timelineStart)
{
    if (week <= 0)
        return QStringLiteral("Unplanned");
    QString text = QStringLiteral("Week %1").arg(week);
    if (timelineStart.isValid())
        text += kDot + QStringLiteral("from ") + isoDate(timelineStart.addDays(7 * (week - 1)));
    return text;
}

QString errorPosition(const core::PlanError &error)
{
    if (error.where.line <= 0)
        return {};
    if (error.where.column <= 0)
        return QStringLiteral("line %1").arg(error.where.line);
    return QStringLiteral("line %1, column %2").arg(error.where.line).arg(error.where.column);
}

QString errorLine(const core::PlanError &error)
{
    const QString position = errorPosition(error);
    const QString message = error.message.isEmpty() ? QStringLiteral("unknown error") : error.message;
    return position.isEmpty() ? message : position + QStringLiteral(": ") + message;
}

QString redactSecrets(const QString &text)
{
    static const QRegularExpression urlUserInfo(QStringLiteral("(://[^:/@\\s]*):[^@\\s]*@"));
    static const QRegularExpression keyValue(
        QStringLiteral("\\b(password|passwd|pwd)(\\s*=\\s*)('[^']*'|\\S+)"),
        QRegularExpression::CaseInsensitiveOption);
    QString result = text;
    result.replace(urlUserInfo, QStringLiteral("\\1:\u2022\u2022\u2022@"));
    result.replace(keyValue, QStringLiteral("\\1\\2\u2022\u2022\u2022"));
    return result;
}

} // namespace switchyard::ui::format
