#include "validate/ValidationCheckpoint.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard::core {

namespace {

QJsonValue keyValue(const std::optional<ValidationKey> &k, const QList<CanonicalKind> &kinds)
{
    return k ? QJsonValue(k->toJson(kinds)) : QJsonValue(QJsonValue::Null);
}

std::optional<ValidationKey> keyFrom(const QJsonValue &v)
{
    return v.isString() ? ValidationKey::fromJson(v.toString()) : std::nullopt;
}

} // namespace

QString ValidationCheckpoint::toJson(const QList<CanonicalKind> &keyKinds) const
{
    QJsonObject o;
    o.insert(QStringLiteral("v"), 1);
    o.insert(QStringLiteral("mode"), mode);
    o.insert(QStringLiteral("after"), keyValue(after, keyKinds));
    if (!phase.isEmpty())
        o.insert(QStringLiteral("phase"), phase);
    o.insert(QStringLiteral("done"), done);
    o.insert(QStringLiteral("rows"), double(rows));
    o.insert(QStringLiteral("chunks"), double(chunks));
    QJsonArray un;
    for (const UncheckedChunk &u : unchecked) {
        QJsonObject c;
        c.insert(QStringLiteral("lower"), keyValue(u.range.lower, keyKinds));
        c.insert(QStringLiteral("upper"), keyValue(u.range.upper, keyKinds));
        c.insert(QStringLiteral("error"), u.error);
        un.append(c);
    }
    o.insert(QStringLiteral("unchecked"), un);
    if (!verdict.isEmpty())
        o.insert(QStringLiteral("verdict"), verdict);
    if (sourceRows >= 0) {
        o.insert(QStringLiteral("source_rows"), double(sourceRows));
        o.insert(QStringLiteral("target_rows"), double(targetRows));
    }
    if (!statement.isEmpty())
        o.insert(QStringLiteral("statement"), statement);
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

std::optional<ValidationCheckpoint> ValidationCheckpoint::fromJson(const QString &json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
    const QJsonObject o = doc.object();
    if (!doc.isObject() || o.value(QStringLiteral("v")).toInt() != 1)
        return std::nullopt;
    ValidationCheckpoint cp;
    cp.mode = o.value(QStringLiteral("mode")).toString();
    cp.after = keyFrom(o.value(QStringLiteral("after")));
    cp.phase = o.value(QStringLiteral("phase")).toString();
    cp.done = o.value(QStringLiteral("done")).toBool();
    cp.rows = qint64(o.value(QStringLiteral("rows")).toDouble());
    cp.chunks = qint64(o.value(QStringLiteral("chunks")).toDouble());
    for (const QJsonValue &v : o.value(QStringLiteral("unchecked")).toArray()) {
        const QJsonObject c = v.toObject();
        cp.unchecked << UncheckedChunk{{keyFrom(c.value(QStringLiteral("lower"))), keyFrom(c.value(QStringLiteral("upper")))},
                                       c.value(QStringLiteral("error")).toString()};
    }
    cp.verdict = o.value(QStringLiteral("verdict")).toString();
    cp.sourceRows = qint64(o.value(QStringLiteral("source_rows")).toDouble(-1));
    cp.targetRows = qint64(o.value(QStringLiteral("target_rows")).toDouble(-1));
    cp.statement = o.value(QStringLiteral("statement")).toString();
    return cp;
}

} // namespace switchyard::core
