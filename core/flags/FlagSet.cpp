#include "flags/FlagSet.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <QRegularExpression>

namespace switchyard::core {

namespace {

const QRegularExpression &featurePattern()
{
    // Same rule as the plan loader (core/plan/PlanLoader.cpp).
    static const QRegularExpression re(QStringLiteral("^feature\\.[a-z0-9][a-z0-9_]{0,62}$"));
    return re;
}

QString unknownFlag(const QString &name)
{
    return QStringLiteral("unknown flag '%1' (expected write_target, write_source, read_from, "
                          "read_percent, shadow_read, shadow_sample_percent, active_side, or "
                          "feature.<name>)")
        .arg(name);
}

QString percentError(const QString &name)
{
    return QStringLiteral("flag '%1' is a percentage; expected a whole number from 0 to 100")
        .arg(name);
}

} // namespace

std::optional<FlagTypeInfo> FlagSet::typeOf(const QString &name)
{
    if (name == QLatin1String("write_target") || name == QLatin1String("write_source") ||
        name == QLatin1String("shadow_read"))
        return FlagTypeInfo{FlagType::Bool, {}};
    if (name == QLatin1String("read_percent") || name == QLatin1String("shadow_sample_percent") ||
        featurePattern().match(name).hasMatch())
        return FlagTypeInfo{FlagType::Percent, {}};
    if (name == QLatin1String("read_from"))
        return FlagTypeInfo{FlagType::Choice, {QStringLiteral("source"), QStringLiteral("target")}};
    if (name == QLatin1String("active_side"))
        return FlagTypeInfo{FlagType::Choice, {QStringLiteral("blue"), QStringLiteral("green")}};
    return std::nullopt;
}

QStringList FlagSet::builtInNames()
{
    return {QStringLiteral("write_source"), QStringLiteral("write_target"),
            QStringLiteral("read_from"),    QStringLiteral("read_percent"),
            QStringLiteral("shadow_read"),  QStringLiteral("shadow_sample_percent"),
            QStringLiteral("active_side")};
}

QString FlagSet::set(const QString &name, const QVariant &value)
{
    const auto info = typeOf(name);
    if (!info)
        return unknownFlag(name);
    switch (info->type) {
    case FlagType::Bool: {
        if (value.typeId() != QMetaType::Bool)
            return QStringLiteral("flag '%1' must be true/false (or on/off)").arg(name);
        const bool b = value.toBool();
        if (name == QLatin1String("write_source"))
            writeSource = b;
        else if (name == QLatin1String("write_target"))
            writeTarget = b;
        else
            shadowRead = b;
        return {};
    }
    case FlagType::Percent: {
        bool ok = false;
        const int p = value.typeId() == QMetaType::Bool ? -1 : value.toInt(&ok);
        if (!ok || p < 0 || p > 100 || value.toDouble() != double(p))
            return percentError(name);
        if (name == QLatin1String("read_percent"))
            readPercent = p;
        else if (name == QLatin1String("shadow_sample_percent"))
            shadowSamplePercent = p;
        else
            features.insert(name, p);
        return {};
    }
    case FlagType::Choice: {
        const QString s = value.typeId() == QMetaType::QString ? value.toString() : QString();
        if (!info->choices.contains(s))
            return QStringLiteral("flag '%1' expects one of: %2")
                .arg(name, info->choices.join(QStringLiteral(", ")));
        if (name == QLatin1String("read_from"))
            readFrom = s == QLatin1String("target") ? Side::Target : Side::Source;
        else
            activeSide = s == QLatin1String("green") ? Color::Green : Color::Blue;
        return {};
    }
    }
    return unknownFlag(name);
}

QString FlagSet::setFromText(const QString &name, const QString &text)
{
    const auto info = typeOf(name);
    if (!info)
        return unknownFlag(name);
    const QString t = text.trimmed();
    switch (info->type) {
    case FlagType::Bool: {
        const QString s = t.toLower();
        if (s == QLatin1String("true") || s == QLatin1String("yes") || s == QLatin1String("on"))
            return set(name, true);
        if (s == QLatin1String("false") || s == QLatin1String("no") || s == QLatin1String("off"))
            return set(name, false);
        return QStringLiteral("flag '%1' must be true/false (or on/off)").arg(name);
    }
    case FlagType::Percent: {
        static const QRegularExpression digits(QStringLiteral("^[0-9]{1,3}$"));
        if (!digits.match(t).hasMatch())
            return percentError(name);
        return set(name, t.toInt());
    }
    case FlagType::Choice:
        return set(name, t);
    }
    return unknownFlag(name);
}

QString FlagSet::apply(const QList<FlagSetting> &settings)
{
    FlagSet copy = *this;
    for (const FlagSetting &s : settings) {
        const QString e = copy.set(s.name, s.value);
        if (!e.isEmpty())
            return e;
    }
    *this = copy;
    return {};
}

QVariant FlagSet::value(const QString &name) const
{
    if (name == QLatin1String("write_source"))
        return writeSource;
    if (name == QLatin1String("write_target"))
        return writeTarget;
    if (name == QLatin1String("read_from"))
        return sideName(readFrom);
    if (name == QLatin1String("read_percent"))
        return readPercent;
    if (name == QLatin1String("shadow_read"))
        return shadowRead;
    if (name == QLatin1String("shadow_sample_percent"))
        return shadowSamplePercent;
    if (name == QLatin1String("active_side"))
        return colorName(activeSide);
    const auto it = features.constFind(name);
    return it == features.constEnd() ? QVariant() : QVariant(*it);
}

QStringList FlagSet::names() const
{
    QStringList n = builtInNames();
    n += features.keys(); // QMap: sorted
    return n;
}

QString FlagSet::jsonValue(const QString &name) const
{
    const QVariant v = value(name);
    switch (v.typeId()) {
    case QMetaType::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QMetaType::Int:
        return QString::number(v.toInt());
    case QMetaType::QString:
        // Choice values are plain ASCII words: no escaping needed, but go
        // through QJsonValue so it stays right if that ever changes.
        return QString::fromUtf8(
            QJsonDocument::fromVariant(QVariantList{v}).toJson(QJsonDocument::Compact).mid(1).chopped(1));
    default:
        return QStringLiteral("null");
    }
}

QString FlagSet::setFromJson(const QString &name, const QString &json)
{
    const QJsonDocument doc =
        QJsonDocument::fromJson(QStringLiteral("[%1]").arg(json).toUtf8());
    if (!doc.isArray() || doc.array().size() != 1)
        return QStringLiteral("flag '%1' has a value that is not JSON: %2").arg(name, json);
    const QJsonValue v = doc.array().at(0);
    if (v.isBool())
        return set(name, v.toBool());
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (d != double(int(d)))
            return percentError(name);
        return set(name, int(d));
    }
    if (v.isString())
        return set(name, v.toString());
    return QStringLiteral("flag '%1' has an unexpected value: %2").arg(name, json);
}

QString FlagSet::displayValue(const QString &name) const
{
    const QVariant v = value(name);
    if (v.typeId() == QMetaType::Bool)
        return v.toBool() ? QStringLiteral("on") : QStringLiteral("off");
    if (!v.isValid())
        return QStringLiteral("-");
    return v.toString();
}

QString FlagSet::sideName(Side s)
{
    return s == Side::Target ? QStringLiteral("target") : QStringLiteral("source");
}

QString FlagSet::colorName(Color c)
{
    return c == Color::Green ? QStringLiteral("green") : QStringLiteral("blue");
}

bool operator==(const FlagSet &a, const FlagSet &b)
{
    return a.writeSource == b.writeSource && a.writeTarget == b.writeTarget &&
           a.readFrom == b.readFrom && a.readPercent == b.readPercent &&
           a.shadowRead == b.shadowRead && a.shadowSamplePercent == b.shadowSamplePercent &&
           a.activeSide == b.activeSide && a.features == b.features;
}

} // namespace switchyard::core
