#include "client/ClientTypes.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard::client {

QString sideName(Side s)
{
    return s == Side::Target ? QStringLiteral("target") : QStringLiteral("source");
}

QString secondaryOutcomeName(SecondaryOutcome o)
{
    switch (o) {
    case SecondaryOutcome::NotWritten: return QStringLiteral("not written");
    case SecondaryOutcome::Written: return QStringLiteral("written");
    case SecondaryOutcome::QueuedInTarget: return QStringLiteral("queued for repair");
    case SecondaryOutcome::QueuedLocally: return QStringLiteral("queued locally for repair");
    }
    return {};
}

std::optional<QByteArray> CanonicalRow::value(const QString &column) const
{
    const qsizetype i = columns.indexOf(column);
    return i < 0 ? std::nullopt : values.at(i);
}

QString CanonicalRow::toJson() const
{
    QJsonObject o;
    for (int i = 0; i < columns.size(); ++i) {
        const auto &v = values.at(i);
        o.insert(columns.at(i), v ? QJsonValue(QString::fromUtf8(*v)) : QJsonValue());
    }
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace switchyard::client
