#include "types/SourceSchema.h"

#include <QRegularExpression>

namespace switchyard::core {

bool SourceColumn::isCaseInsensitive() const
{
    return collation.endsWith(QLatin1String("_ci")) || collation.contains(QLatin1String("_ai_"))
        || collation.endsWith(QLatin1String("_ai"));
}

const SourceColumn *SourceTable::column(const QString &columnName) const
{
    for (const SourceColumn &c : columns) {
        if (c.name.compare(columnName, Qt::CaseInsensitive) == 0)
            return &c;
    }
    return nullptr;
}

namespace {

// Parses the quoted member list of enum('a','b''c') / set(...). Members are
// written with '' for a quote; MariaDB and MySQL also print a backslash as \\.
QStringList parseMembers(const QString &list)
{
    QStringList members;
    int i = 0;
    const int n = int(list.size());
    while (i < n) {
        while (i < n && list.at(i) != QLatin1Char('\''))
            ++i;
        if (i >= n)
            break;
        ++i; // opening quote
        QString value;
        while (i < n) {
            const QChar c = list.at(i);
            if (c == QLatin1Char('\'')) {
                if (i + 1 < n && list.at(i + 1) == QLatin1Char('\'')) {
                    value += QLatin1Char('\'');
                    i += 2;
                    continue;
                }
                ++i;
                break;
            }
            if (c == QLatin1Char('\\') && i + 1 < n) {
                value += list.at(i + 1);
                i += 2;
                continue;
            }
            value += c;
            ++i;
        }
        members << value;
    }
    return members;
}

} // namespace

SourceColumn SourceColumn::fromDefinition(const QString &name, const QString &columnType,
                                          bool isNullable)
{
    SourceColumn c;
    c.name = name;
    c.columnType = columnType.trimmed();
    c.nullable = isNullable;
    static const QRegularExpression re(
        QStringLiteral(R"(^\s*([a-zA-Z]+)\s*(?:\((.*)\))?\s*(.*)$)"),
        QRegularExpression::DotMatchesEverythingOption);
    const auto m = re.match(c.columnType);
    if (!m.hasMatch())
        return c;
    c.dataType = m.captured(1).toLower();
    const QString args = m.captured(2);
    const QString tail = m.captured(3).toLower();
    c.isUnsigned = tail.contains(QLatin1String("unsigned"));
    if (c.dataType == QLatin1String("integer"))
        c.dataType = QStringLiteral("int");
    if (c.dataType == QLatin1String("numeric") || c.dataType == QLatin1String("dec")
        || c.dataType == QLatin1String("fixed"))
        c.dataType = QStringLiteral("decimal");
    if (c.dataType == QLatin1String("real") || c.dataType == QLatin1String("double precision"))
        c.dataType = QStringLiteral("double");
    if (c.dataType == QLatin1String("bool") || c.dataType == QLatin1String("boolean")) {
        c.dataType = QStringLiteral("tinyint");
        c.displayWidth = 1;
    }

    const QStringList parts = args.split(QLatin1Char(','), Qt::SkipEmptyParts);
    const auto num = [&](int i) -> std::optional<int> {
        if (i >= parts.size())
            return std::nullopt;
        bool ok = false;
        const int v = parts.at(i).trimmed().toInt(&ok);
        return ok ? std::optional<int>(v) : std::nullopt;
    };

    const QString &t = c.dataType;
    if (t == QLatin1String("tinyint") || t == QLatin1String("smallint")
        || t == QLatin1String("mediumint") || t == QLatin1String("int")
        || t == QLatin1String("bigint")) {
        if (auto w = num(0))
            c.displayWidth = *w;
        static const QMap<QString, int> digits{{QStringLiteral("tinyint"), 3},
                                               {QStringLiteral("smallint"), 5},
                                               {QStringLiteral("mediumint"), 7},
                                               {QStringLiteral("int"), 10},
                                               {QStringLiteral("bigint"), c.isUnsigned ? 20 : 19}};
        c.precision = digits.value(t);
        c.scale = 0;
    } else if (t == QLatin1String("decimal")) {
        c.precision = num(0).value_or(10);
        c.scale = num(1).value_or(0);
    } else if (t == QLatin1String("float") || t == QLatin1String("double")) {
        if (t == QLatin1String("float") && num(0) && !num(1) && *num(0) > 24)
            c.dataType = QStringLiteral("double");
        c.precision = c.dataType == QLatin1String("float") ? 12 : 22;
    } else if (t == QLatin1String("bit")) {
        c.precision = num(0).value_or(1);
    } else if (t == QLatin1String("char") || t == QLatin1String("varchar")
               || t == QLatin1String("binary") || t == QLatin1String("varbinary")) {
        c.charLength = num(0).value_or(1);
    } else if (t == QLatin1String("tinytext") || t == QLatin1String("tinyblob")) {
        c.charLength = 255;
    } else if (t == QLatin1String("text") || t == QLatin1String("blob")) {
        c.charLength = 65535;
    } else if (t == QLatin1String("mediumtext") || t == QLatin1String("mediumblob")) {
        c.charLength = 16777215;
    } else if (t == QLatin1String("longtext") || t == QLatin1String("longblob")) {
        c.charLength = 4294967295LL;
    } else if (t == QLatin1String("datetime") || t == QLatin1String("timestamp")
               || t == QLatin1String("time")) {
        c.fractionalSeconds = num(0).value_or(0);
    } else if (t == QLatin1String("enum") || t == QLatin1String("set")) {
        c.enumValues = parseMembers(args);
    }
    const bool textual = t.endsWith(QLatin1String("char")) || t.endsWith(QLatin1String("text"))
        || t == QLatin1String("enum") || t == QLatin1String("set");
    if (textual) {
        c.characterSet = QStringLiteral("utf8mb4");
        c.collation = QStringLiteral("utf8mb4_general_ci");
    }
    return c;
}

} // namespace switchyard::core
