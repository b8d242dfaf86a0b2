#include "backfill/KeyCursor.h"

#include "backfill/KeysetSql.h"
#include "source/MySqlStatement.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <cstring>

namespace switchyard::core {

namespace {

QByteArray timeText(const MySqlTime &t)
{
    char buf[64];
    int n = 0;
    if (t.kind == MySqlTime::Kind::Date) {
        n = std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", t.year, t.month, t.day);
    } else if (t.kind == MySqlTime::Kind::Time) {
        n = std::snprintf(buf, sizeof buf, "%s%02u:%02u:%02u.%06lu", t.negative ? "-" : "",
                          t.day * 24 + t.hour, t.minute, t.second, t.microsecond);
    } else {
        n = std::snprintf(buf, sizeof buf, "%04u-%02u-%02u %02u:%02u:%02u.%06lu", t.year, t.month,
                          t.day, t.hour, t.minute, t.second, t.microsecond);
    }
    return QByteArray(buf, n);
}

const char *tagOf(KeyPart::Kind k)
{
    switch (k) {
    case KeyPart::Kind::Int:
        return "i";
    case KeyPart::Kind::UInt:
        return "u";
    case KeyPart::Kind::Text:
        return "t";
    case KeyPart::Kind::Bytes:
        return "b";
    case KeyPart::Kind::Time:
        return "d";
    }
    return "?";
}

} // namespace

QByteArray KeyPart::pgText() const
{
    switch (kind) {
    case Kind::Int:
        return QByteArray::number(i);
    case Kind::UInt:
        return QByteArray::number(u);
    case Kind::Bytes:
        return QByteArrayLiteral("\\x") + bytes.toHex();
    case Kind::Text:
    case Kind::Time:
        return bytes;
    }
    return {};
}

QString KeyPart::display() const
{
    if (kind == Kind::Bytes)
        return QStringLiteral("0x") + QString::fromLatin1(bytes.toHex());
    return QString::fromUtf8(pgText());
}

std::optional<double> KeyPart::number() const
{
    if (kind == Kind::Int)
        return double(i);
    if (kind == Kind::UInt)
        return double(u);
    return std::nullopt;
}

void KeyCursor::capture(const MySqlStatement &statement, const QList<int> &columnIndexes,
                        const QList<bool> &binaryColumns)
{
    m_parts.resize(columnIndexes.size());
    for (int k = 0; k < columnIndexes.size(); ++k) {
        const MySqlValue v = statement.value(columnIndexes.at(k));
        KeyPart &p = m_parts[k];
        switch (v.kind()) {
        case MySqlValue::Kind::Int:
            p.kind = KeyPart::Kind::Int;
            p.i = v.toInt64();
            break;
        case MySqlValue::Kind::UInt:
            p.kind = KeyPart::Kind::UInt;
            p.u = v.toUInt64();
            break;
        case MySqlValue::Kind::Time:
            p.kind = KeyPart::Kind::Time;
            p.bytes = timeText(v.toTime());
            break;
        case MySqlValue::Kind::Double: // a float key: keep its exact text
            p.kind = KeyPart::Kind::Text;
            p.bytes = QByteArray::number(v.toDouble(), 'g', 17);
            break;
        case MySqlValue::Kind::Bytes: {
            p.kind = binaryColumns.value(k) ? KeyPart::Kind::Bytes : KeyPart::Kind::Text;
            const QByteArrayView b = v.bytes();
            // assign() reuses the buffer's capacity when it is not shared.
            p.bytes.resize(b.size());
            if (b.size() > 0)
                std::memcpy(p.bytes.data(), b.data(), size_t(b.size()));
            break;
        }
        case MySqlValue::Kind::Null:
            // Key columns are NOT NULL (the mapper refuses nullable keys).
            p.kind = KeyPart::Kind::Text;
            p.bytes.clear();
            break;
        }
    }
}

void KeyCursor::bind(MySqlStatement &statement, int firstParameter) const
{
    const QList<int> order = KeysetSql::cursorBindOrder(int(m_parts.size()));
    for (int i = 0; i < order.size(); ++i) {
        const KeyPart &p = m_parts.at(order.at(i));
        const int param = firstParameter + i;
        switch (p.kind) {
        case KeyPart::Kind::Int:
            statement.bindInt64(param, p.i);
            break;
        case KeyPart::Kind::UInt:
            statement.bindUInt64(param, p.u);
            break;
        case KeyPart::Kind::Bytes:
            statement.bindBytes(param, p.bytes);
            break;
        case KeyPart::Kind::Text:
        case KeyPart::Kind::Time:
            statement.bindText(param, p.bytes);
            break;
        }
    }
}

QByteArray KeyCursor::toJson() const
{
    QJsonArray array;
    for (const KeyPart &p : m_parts) {
        QJsonObject o;
        const QString value = p.kind == KeyPart::Kind::Bytes
                                  ? QString::fromLatin1(p.bytes.toHex())
                                  : QString::fromUtf8(p.pgText());
        o.insert(QLatin1String(tagOf(p.kind)), value);
        array.append(o);
    }
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

std::optional<KeyCursor> KeyCursor::fromJson(const QByteArray &json)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray())
        return std::nullopt;
    KeyCursor cursor;
    for (const QJsonValue &v : doc.array()) {
        const QJsonObject o = v.toObject();
        if (o.size() != 1)
            return std::nullopt;
        const QString tag = o.begin().key();
        const QString value = o.begin().value().toString();
        KeyPart p;
        bool ok = true;
        if (tag == QLatin1String("i")) {
            p.kind = KeyPart::Kind::Int;
            p.i = value.toLongLong(&ok);
        } else if (tag == QLatin1String("u")) {
            p.kind = KeyPart::Kind::UInt;
            p.u = value.toULongLong(&ok);
        } else if (tag == QLatin1String("t")) {
            p.kind = KeyPart::Kind::Text;
            p.bytes = value.toUtf8();
        } else if (tag == QLatin1String("b")) {
            p.kind = KeyPart::Kind::Bytes;
            p.bytes = QByteArray::fromHex(value.toLatin1());
        } else if (tag == QLatin1String("d")) {
            p.kind = KeyPart::Kind::Time;
            p.bytes = value.toUtf8();
        } else {
            ok = false;
        }
        if (!ok)
            return std::nullopt;
        cursor.m_parts << p;
    }
    return cursor;
}

QString KeyCursor::display() const
{
    if (m_parts.isEmpty())
        return {};
    QStringList parts;
    for (const KeyPart &p : m_parts)
        parts << p.display();
    return parts.size() == 1 ? parts.first() : QLatin1Char('(') + parts.join(QStringLiteral(", ")) + QLatin1Char(')');
}

} // namespace switchyard::core
