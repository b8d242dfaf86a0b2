#include "validate/ValidationTypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace switchyard::core {

QString ValidationKey::toJson(const QList<CanonicalKind> &kinds) const
{
    QString out = QStringLiteral("[");
    for (int i = 0; i < parts.size(); ++i) {
        if (i > 0)
            out += QLatin1Char(',');
        if (kinds.value(i, CanonicalKind::Text) == CanonicalKind::Integer) {
            out += QString::fromLatin1(parts.at(i));
        } else {
            // QJsonDocument escapes exactly as JSON requires; strip the brackets.
            const QByteArray one = QJsonDocument(QJsonArray{QString::fromUtf8(parts.at(i))})
                                       .toJson(QJsonDocument::Compact);
            out += QString::fromUtf8(one.mid(1, one.size() - 2));
        }
    }
    return out + QLatin1Char(']');
}

std::optional<ValidationKey> ValidationKey::fromJson(const QString &json)
{
    // Integers may exceed 2^53: read them as text, not through double.
    const QString t = json.trimmed();
    if (!t.startsWith(QLatin1Char('[')) || !t.endsWith(QLatin1Char(']')))
        return std::nullopt;
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(t.toUtf8(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isArray())
        return std::nullopt;
    ValidationKey key;
    // Split the raw text on top-level commas to keep integer digits exact.
    QStringList raw;
    {
        int depth = 0;
        bool inString = false;
        QString cur;
        const QString body = t.mid(1, t.size() - 2);
        for (int i = 0; i < body.size(); ++i) {
            const QChar c = body.at(i);
            if (inString) {
                cur += c;
                if (c == QLatin1Char('\\') && i + 1 < body.size())
                    cur += body.at(++i);
                else if (c == QLatin1Char('"'))
                    inString = false;
                continue;
            }
            if (c == QLatin1Char('"'))
                inString = true;
            if (c == QLatin1Char('[') || c == QLatin1Char('{'))
                ++depth;
            if (c == QLatin1Char(']') || c == QLatin1Char('}'))
                --depth;
            if (c == QLatin1Char(',') && depth == 0) {
                raw << cur.trimmed();
                cur.clear();
                continue;
            }
            cur += c;
        }
        if (!cur.trimmed().isEmpty())
            raw << cur.trimmed();
    }
    const QJsonArray arr = doc.array();
    if (raw.size() != arr.size())
        return std::nullopt;
    for (int i = 0; i < arr.size(); ++i) {
        if (arr.at(i).isString())
            key.parts << arr.at(i).toString().toUtf8();
        else if (arr.at(i).isDouble())
            key.parts << raw.at(i).toLatin1();
        else
            return std::nullopt;
    }
    return key;
}

QString ValidationKey::display() const
{
    QStringList p;
    for (const QByteArray &b : parts)
        p << QString::fromUtf8(b);
    return p.join(QStringLiteral(", "));
}

QString KeyRange::display() const
{
    return QStringLiteral("(%1 .. %2]")
        .arg(lower ? lower->display() : QStringLiteral("start"),
             upper ? upper->display() : QStringLiteral("end"));
}

QList<RowDifference> diffRows(const RowSet &source, const RowSet &target, const TableMapping &mapping)
{
    QList<RowDifference> out;
    for (auto it = source.begin(); it != source.end(); ++it) {
        const auto other = target.find(it.key());
        if (other == target.end()) {
            out << RowDifference{MismatchKind::MissingInTarget, it->key, {}, *it, std::nullopt};
            continue;
        }
        QStringList columns;
        for (int c = 0; c < mapping.columns.size(); ++c) {
            if (it->values.value(c) != other->values.value(c))
                columns << mapping.columns.at(c).targetName;
        }
        if (!columns.isEmpty())
            out << RowDifference{MismatchKind::Different, it->key, columns, *it, *other};
    }
    for (auto it = target.begin(); it != target.end(); ++it) {
        if (!source.contains(it.key()))
            out << RowDifference{MismatchKind::MissingInSource, it->key, {}, std::nullopt, *it};
    }
    return out;
}

QString rowImageJson(const std::optional<RowImage> &row, const TableMapping &mapping)
{
    if (!row)
        return QStringLiteral("null");
    QJsonObject o;
    for (int c = 0; c < mapping.columns.size(); ++c) {
        const CanonicalValue &v = row->values.value(c);
        o.insert(mapping.columns.at(c).targetName,
                 v ? QJsonValue(QString::fromUtf8(*v)) : QJsonValue(QJsonValue::Null));
    }
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QString verdictName(ValidationVerdict v)
{
    switch (v) {
    case ValidationVerdict::Pass:
        return QStringLiteral("pass");
    case ValidationVerdict::Fail:
        return QStringLiteral("fail");
    case ValidationVerdict::InFlight:
        return QStringLiteral("in_flight");
    case ValidationVerdict::Unchecked:
        return QStringLiteral("unchecked");
    }
    return {};
}

QString validationStateName(ValidationState s)
{
    switch (s) {
    case ValidationState::Starting:
        return QStringLiteral("starting");
    case ValidationState::Running:
        return QStringLiteral("running");
    case ValidationState::Rechecking:
        return QStringLiteral("rechecking");
    case ValidationState::Completed:
        return QStringLiteral("completed");
    case ValidationState::Failed:
        return QStringLiteral("failed");
    case ValidationState::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

} // namespace switchyard::core
