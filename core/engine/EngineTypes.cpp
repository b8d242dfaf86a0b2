#include "engine/EngineTypes.h"

#include <QJsonDocument>

namespace switchyard::core {

namespace {

QString isoMs(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

std::optional<GateSpec::Kind> gateKindFromName(const QString &name)
{
    for (GateSpec::Kind k : {GateSpec::Kind::BackfillComplete, GateSpec::Kind::ValidationClean,
                             GateSpec::Kind::ShadowMismatchRate, GateSpec::Kind::RepairQueueEmpty,
                             GateSpec::Kind::Soak, GateSpec::Kind::Manual}) {
        if (GateSpec::kindName(k) == name)
            return k;
    }
    return std::nullopt;
}

QString flagValueText(const QVariant &v)
{
    if (!v.isValid())
        return QStringLiteral("(unset)");
    if (v.typeId() == QMetaType::Bool)
        return v.toBool() ? QStringLiteral("on") : QStringLiteral("off");
    return v.toString();
}

} // namespace

QString transitionKindName(TransitionKind k)
{
    switch (k) {
    case TransitionKind::Start:
        return QStringLiteral("start");
    case TransitionKind::NextStep:
        return QStringLiteral("next_step");
    case TransitionKind::NextPhase:
        return QStringLiteral("next_phase");
    case TransitionKind::Finish:
        return QStringLiteral("finish");
    case TransitionKind::Rollback:
        return QStringLiteral("rollback");
    }
    return {};
}

QJsonObject gateResultToJson(const GateResult &gate)
{
    QJsonObject o;
    o.insert(QStringLiteral("index"), gate.index);
    o.insert(QStringLiteral("kind"), GateSpec::kindName(gate.kind));
    o.insert(QStringLiteral("name"), gate.name);
    o.insert(QStringLiteral("passed"), gate.passed);
    o.insert(QStringLiteral("overridable"), gate.overridable);
    o.insert(QStringLiteral("manual"), gate.manual);
    o.insert(QStringLiteral("measured"), gate.measured);
    o.insert(QStringLiteral("threshold"), gate.threshold);
    o.insert(QStringLiteral("measured_at"), isoMs(gate.measuredAt));
    o.insert(QStringLiteral("detail"), gate.detail);
    o.insert(QStringLiteral("where"), gate.where.isValid() ? gate.where.toString() : QString());
    return o;
}

GateResult gateResultFromJson(const QJsonObject &o)
{
    GateResult g;
    g.index = o.value(QStringLiteral("index")).toInt();
    g.kind = gateKindFromName(o.value(QStringLiteral("kind")).toString()).value_or(GateSpec::Kind::Manual);
    g.name = o.value(QStringLiteral("name")).toString();
    g.passed = o.value(QStringLiteral("passed")).toBool();
    g.overridable = o.value(QStringLiteral("overridable")).toBool();
    g.manual = o.value(QStringLiteral("manual")).toBool();
    g.measured = o.value(QStringLiteral("measured")).toString();
    g.threshold = o.value(QStringLiteral("threshold")).toString();
    g.measuredAt = QDateTime::fromString(o.value(QStringLiteral("measured_at")).toString(), Qt::ISODateWithMs);
    g.detail = o.value(QStringLiteral("detail")).toString();
    // "file:line:column": split from the right so a file name may hold colons.
    const QString where = o.value(QStringLiteral("where")).toString();
    const int c2 = int(where.lastIndexOf(QLatin1Char(':')));
    const int c1 = c2 > 0 ? int(where.lastIndexOf(QLatin1Char(':'), c2 - 1)) : -1;
    if (c1 > 0) {
        g.where.file = where.left(c1);
        g.where.line = where.mid(c1 + 1, c2 - c1 - 1).toInt();
        g.where.column = where.mid(c2 + 1).toInt();
    }
    return g;
}

QJsonArray gateResultsToJsonArray(const QList<GateResult> &gates)
{
    QJsonArray a;
    for (const GateResult &g : gates)
        a.append(gateResultToJson(g));
    return a;
}

QString gateResultsToJson(const QList<GateResult> &gates)
{
    return QString::fromUtf8(QJsonDocument(gateResultsToJsonArray(gates)).toJson(QJsonDocument::Compact));
}

QList<GateResult> gateResultsFromJson(const QString &json)
{
    QList<GateResult> list;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
    QJsonArray array;
    if (doc.isArray())
        array = doc.array();
    else if (doc.isObject()) // audit details: {"gates":[…], …}
        array = doc.object().value(QStringLiteral("gates")).toArray();
    for (const QJsonValue &v : std::as_const(array)) {
        if (v.isObject())
            list.append(gateResultFromJson(v.toObject()));
    }
    return list;
}

AuditEntry engineAuditEntry(qint64 runId, const QString &operatorName, const QString &action,
                            const QString &target, const QString &reason, const QJsonObject &details)
{
    AuditEntry a;
    a.runId = runId;
    a.operatorName = operatorName;
    a.action = action;
    a.target = target;
    a.reason = reason;
    a.detailsJson = QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact));
    return a;
}

QString describeFlagChange(const FlagChange &change)
{
    return QStringLiteral("%1: %2 → %3").arg(change.name, flagValueText(change.from), flagValueText(change.to));
}

} // namespace switchyard::core
