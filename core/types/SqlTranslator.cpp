#include "types/SqlTranslator.h"

#include "target/PgConnection.h"
#include "types/ValueText.h"

#include <QRegularExpression>

#include <vector>

namespace switchyard::core {

QString SqlTranslator::pgLiteral(const QString &text)
{
    QString s = text;
    s.replace(QLatin1Char('\''), QStringLiteral("''"));
    return QLatin1Char('\'') + s + QLatin1Char('\'');
}

namespace {

struct Token
{
    enum class Kind { Identifier, String, Number, Word, Symbol };
    Kind kind;
    QString text; // decoded for identifiers and strings
};

Translation fail(const QString &reason)
{
    Translation t;
    t.reason = reason;
    return t;
}

// Decodes a MySQL string literal body (backslash escapes, doubled quotes).
bool tokenize(const QString &in, std::vector<Token> &out, QString &error)
{
    const int n = int(in.size());
    int i = 0;
    while (i < n) {
        const QChar c = in.at(i);
        if (c.isSpace()) {
            ++i;
            continue;
        }
        if (c == QLatin1Char('`')) {
            QString name;
            ++i;
            while (i < n) {
                if (in.at(i) == QLatin1Char('`')) {
                    if (i + 1 < n && in.at(i + 1) == QLatin1Char('`')) {
                        name += QLatin1Char('`');
                        i += 2;
                        continue;
                    }
                    break;
                }
                name += in.at(i++);
            }
            if (i >= n) {
                error = QStringLiteral("unterminated identifier");
                return false;
            }
            ++i;
            out.push_back({Token::Kind::Identifier, name});
            continue;
        }
        // Charset introducer before a string: _utf8mb4'abc'
        if (c == QLatin1Char('_')) {
            int j = i + 1;
            while (j < n && (in.at(j).isLetterOrNumber() || in.at(j) == QLatin1Char('_')))
                ++j;
            if (j < n && (in.at(j) == QLatin1Char('\'') || in.at(j) == QLatin1Char('"'))) {
                i = j;
                continue;
            }
        }
        if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            const QChar quote = c;
            QString value;
            ++i;
            while (i < n) {
                const QChar ch = in.at(i);
                if (ch == quote) {
                    if (i + 1 < n && in.at(i + 1) == quote) {
                        value += quote;
                        i += 2;
                        continue;
                    }
                    break;
                }
                if (ch == QLatin1Char('\\') && i + 1 < n) {
                    const QChar e = in.at(i + 1);
                    switch (e.unicode()) {
                    case 'n': value += QLatin1Char('\n'); break;
                    case 't': value += QLatin1Char('\t'); break;
                    case 'r': value += QLatin1Char('\r'); break;
                    case '0': value += QChar(0); break;
                    case 'Z': value += QChar(26); break;
                    case 'b': value += QLatin1Char('\b'); break;
                    default: value += e; break;
                    }
                    i += 2;
                    continue;
                }
                value += ch;
                ++i;
            }
            if (i >= n) {
                error = QStringLiteral("unterminated string");
                return false;
            }
            ++i;
            out.push_back({Token::Kind::String, value});
            continue;
        }
        if (c.isDigit() || (c == QLatin1Char('.') && i + 1 < n && in.at(i + 1).isDigit())) {
            int j = i;
            while (j < n && (in.at(j).isDigit() || in.at(j) == QLatin1Char('.')))
                ++j;
            if (j < n && (in.at(j) == QLatin1Char('e') || in.at(j) == QLatin1Char('E'))) {
                ++j;
                if (j < n && (in.at(j) == QLatin1Char('+') || in.at(j) == QLatin1Char('-')))
                    ++j;
                while (j < n && in.at(j).isDigit())
                    ++j;
            }
            out.push_back({Token::Kind::Number, in.mid(i, j - i)});
            i = j;
            continue;
        }
        if (c.isLetter() || c == QLatin1Char('_')) {
            int j = i;
            while (j < n && (in.at(j).isLetterOrNumber() || in.at(j) == QLatin1Char('_')
                             || in.at(j) == QLatin1Char('$')))
                ++j;
            out.push_back({Token::Kind::Word, in.mid(i, j - i)});
            i = j;
            continue;
        }
        static const QStringList symbols{QStringLiteral("<=>"), QStringLiteral("->>"),
                                         QStringLiteral("<="),  QStringLiteral(">="),
                                         QStringLiteral("<>"),  QStringLiteral("!="),
                                         QStringLiteral("||"),  QStringLiteral("&&"),
                                         QStringLiteral("->"),  QStringLiteral("<<"),
                                         QStringLiteral(">>")};
        bool matched = false;
        for (const QString &s : symbols) {
            if (in.mid(i, s.size()) == s) {
                out.push_back({Token::Kind::Symbol, s});
                i += int(s.size());
                matched = true;
                break;
            }
        }
        if (matched)
            continue;
        out.push_back({Token::Kind::Symbol, QString(c)});
        ++i;
    }
    return true;
}

class Translator
{
public:
    explicit Translator(const std::vector<Token> &t) : m_t(t) {}

    Translation run(int begin, int end)
    {
        QStringList parts;
        int i = begin;
        while (i < end) {
            const Token &tok = m_t[size_t(i)];
            switch (tok.kind) {
            case Token::Kind::Identifier:
                parts << quotePgIdentifier(tok.text);
                ++i;
                break;
            case Token::Kind::String:
                if (tok.text.contains(QChar(0)))
                    return fail(QStringLiteral("string literal holds a NUL character"));
                parts << SqlTranslator::pgLiteral(tok.text);
                ++i;
                break;
            case Token::Kind::Number:
                parts << tok.text;
                ++i;
                break;
            case Token::Kind::Symbol: {
                const QString &s = tok.text;
                static const QStringList same{QStringLiteral("+"), QStringLiteral("-"),
                                              QStringLiteral("*"), QStringLiteral("%"),
                                              QStringLiteral("("), QStringLiteral(")"),
                                              QStringLiteral(","), QStringLiteral("="),
                                              QStringLiteral("<>"), QStringLiteral("!="),
                                              QStringLiteral("<"), QStringLiteral(">"),
                                              QStringLiteral("<="), QStringLiteral(">=")};
                if (same.contains(s))
                    parts << s;
                else if (s == QLatin1String("||"))
                    parts << QStringLiteral("OR"); // MySQL's || is OR (no PIPES_AS_CONCAT)
                else if (s == QLatin1String("&&"))
                    parts << QStringLiteral("AND");
                else if (s == QLatin1String("!"))
                    parts << QStringLiteral("NOT");
                else if (s == QLatin1String("<=>"))
                    parts << QStringLiteral("IS NOT DISTINCT FROM");
                else if (s == QLatin1String("/"))
                    return fail(QStringLiteral("'/' divides integers exactly in MySQL but truncates in "
                                               "PostgreSQL"));
                else
                    return fail(QStringLiteral("operator '%1' has no direct PostgreSQL equivalent").arg(s));
                ++i;
                break;
            }
            case Token::Kind::Word: {
                const QString w = tok.text.toLower();
                const bool call = i + 1 < end && m_t[size_t(i + 1)].text == QLatin1String("(")
                    && m_t[size_t(i + 1)].kind == Token::Kind::Symbol;
                if (call) {
                    const int close = matching(i + 1, end);
                    if (close < 0)
                        return fail(QStringLiteral("unbalanced parentheses"));
                    const Translation f = function(w, i + 2, close);
                    if (!f.ok)
                        return f;
                    parts << f.sql;
                    i = close + 1;
                    break;
                }
                static const QStringList keywords{
                    QStringLiteral("and"),  QStringLiteral("or"),   QStringLiteral("not"),
                    QStringLiteral("is"),   QStringLiteral("null"), QStringLiteral("true"),
                    QStringLiteral("false"), QStringLiteral("case"), QStringLiteral("when"),
                    QStringLiteral("then"), QStringLiteral("else"), QStringLiteral("end"),
                    QStringLiteral("in"),   QStringLiteral("between")};
                if (keywords.contains(w)) {
                    parts << w.toUpper();
                } else if (w == QLatin1String("current_timestamp") || w == QLatin1String("localtimestamp")) {
                    parts << QStringLiteral("CURRENT_TIMESTAMP");
                } else if (w == QLatin1String("current_date")) {
                    parts << QStringLiteral("CURRENT_DATE");
                } else if (w == QLatin1String("xor") || w == QLatin1String("div")
                           || w == QLatin1String("mod") || w == QLatin1String("like")
                           || w == QLatin1String("regexp") || w == QLatin1String("rlike")
                           || w == QLatin1String("collate") || w == QLatin1String("binary")) {
                    return fail(QStringLiteral("'%1' behaves differently in PostgreSQL").arg(tok.text));
                } else {
                    parts << quotePgIdentifier(tok.text); // a bare column name
                }
                ++i;
                break;
            }
            }
        }
        Translation t;
        t.ok = true;
        t.sql = parts.join(QLatin1Char(' '));
        t.sql.replace(QStringLiteral("( "), QStringLiteral("("));
        t.sql.replace(QStringLiteral(" )"), QStringLiteral(")"));
        t.sql.replace(QStringLiteral(" ,"), QStringLiteral(","));
        return t;
    }

private:
    const std::vector<Token> &m_t;

    int matching(int open, int end) const
    {
        int depth = 0;
        for (int i = open; i < end; ++i) {
            const Token &t = m_t[size_t(i)];
            if (t.kind != Token::Kind::Symbol)
                continue;
            if (t.text == QLatin1String("("))
                ++depth;
            else if (t.text == QLatin1String(")") && --depth == 0)
                return i;
        }
        return -1;
    }

    // Translated arguments of a call whose tokens are [begin, end).
    bool arguments(int begin, int end, QStringList &args, QString &error)
    {
        int depth = 0;
        int start = begin;
        for (int i = begin; i <= end; ++i) {
            const bool atEnd = i == end;
            if (!atEnd && m_t[size_t(i)].kind == Token::Kind::Symbol) {
                if (m_t[size_t(i)].text == QLatin1String("("))
                    ++depth;
                else if (m_t[size_t(i)].text == QLatin1String(")"))
                    --depth;
            }
            if (atEnd || (depth == 0 && m_t[size_t(i)].kind == Token::Kind::Symbol
                          && m_t[size_t(i)].text == QLatin1String(","))) {
                if (start == i && atEnd && args.isEmpty())
                    return true; // f()
                const Translation t = run(start, i);
                if (!t.ok) {
                    error = t.reason;
                    return false;
                }
                args << t.sql;
                start = i + 1;
            }
        }
        return true;
    }

    Translation function(const QString &name, int begin, int end)
    {
        QStringList args;
        QString error;
        if (!arguments(begin, end, args, error))
            return fail(error);
        Translation t;
        t.ok = true;
        static const QMap<QString, QString> same{
            {QStringLiteral("lower"), QStringLiteral("lower")},
            {QStringLiteral("upper"), QStringLiteral("upper")},
            {QStringLiteral("abs"), QStringLiteral("abs")},
            {QStringLiteral("floor"), QStringLiteral("floor")},
            {QStringLiteral("ceil"), QStringLiteral("ceil")},
            {QStringLiteral("ceiling"), QStringLiteral("ceil")},
            {QStringLiteral("coalesce"), QStringLiteral("coalesce")},
            {QStringLiteral("ifnull"), QStringLiteral("coalesce")},
            {QStringLiteral("nullif"), QStringLiteral("nullif")},
            {QStringLiteral("length"), QStringLiteral("octet_length")},
            {QStringLiteral("octet_length"), QStringLiteral("octet_length")},
            {QStringLiteral("char_length"), QStringLiteral("char_length")},
            {QStringLiteral("character_length"), QStringLiteral("char_length")},
            {QStringLiteral("md5"), QStringLiteral("md5")},
            {QStringLiteral("trim"), QStringLiteral("btrim")},
            {QStringLiteral("ltrim"), QStringLiteral("ltrim")},
            {QStringLiteral("rtrim"), QStringLiteral("rtrim")},
        };
        if (same.contains(name)) {
            t.sql = same.value(name) + QLatin1Char('(') + args.join(QStringLiteral(", ")) + QLatin1Char(')');
        } else if (name == QLatin1String("concat")) {
            // MySQL CONCAT is NULL when any argument is, like ||; PostgreSQL's
            // concat() is not IMMUTABLE and ignores NULLs.
            QStringList casted;
            for (const QString &a : args)
                casted << QStringLiteral("(%1)::text").arg(a);
            t.sql = QLatin1Char('(') + casted.join(QStringLiteral(" || ")) + QLatin1Char(')');
        } else if (name == QLatin1String("if") && args.size() == 3) {
            t.sql = QStringLiteral("CASE WHEN %1 THEN %2 ELSE %3 END").arg(args[0], args[1], args[2]);
        } else if ((name == QLatin1String("current_timestamp") || name == QLatin1String("now")
                    || name == QLatin1String("localtimestamp"))) {
            t.sql = QStringLiteral("CURRENT_TIMESTAMP");
        } else if (name == QLatin1String("curdate") || name == QLatin1String("current_date")) {
            t.sql = QStringLiteral("CURRENT_DATE");
        } else if (name == QLatin1String("uuid") && args.isEmpty()) {
            t.sql = QStringLiteral("gen_random_uuid()::text");
        } else {
            return fail(QStringLiteral("function %1() has no known PostgreSQL equivalent").arg(name));
        }
        return t;
    }
};

bool isTimestampNow(const QString &v)
{
    static const QRegularExpression re(
        QStringLiteral(R"(^\s*(current_timestamp|now|localtimestamp|localtime)\s*(\(\s*\d*\s*\))?\s*$)"),
        QRegularExpression::CaseInsensitiveOption);
    return re.match(v).hasMatch();
}

} // namespace

Translation SqlTranslator::expression(const QString &mysqlExpression)
{
    std::vector<Token> tokens;
    QString error;
    if (!tokenize(mysqlExpression, tokens, error))
        return fail(error);
    if (tokens.empty())
        return fail(QStringLiteral("empty expression"));
    Translator tr(tokens);
    return tr.run(0, int(tokens.size()));
}

Translation SqlTranslator::columnDefault(const ColumnMapping &m, const TypePolicies &policies)
{
    Translation ok;
    ok.ok = true;
    if (!m.source.defaultValue || m.identity)
        return ok;
    const QString v = *m.source.defaultValue;

    if (m.source.defaultIsExpression || isTimestampNow(v)) {
        if (isTimestampNow(v)) {
            if (m.family == TargetFamily::Timestamptz)
                ok.sql = QStringLiteral("CURRENT_TIMESTAMP");
            else if (m.family == TargetFamily::Timestamp)
                ok.sql = QStringLiteral("LOCALTIMESTAMP"); // DATETIME holds session-local time
            else
                return fail(QStringLiteral("CURRENT_TIMESTAMP default on a %1 column").arg(m.targetType));
            return ok;
        }
        QString expr = v.trimmed();
        if (expr.startsWith(QLatin1Char('(')) && expr.endsWith(QLatin1Char(')')))
            expr = expr.mid(1, expr.size() - 2);
        return expression(expr);
    }

    switch (m.family) {
    case TargetFamily::Boolean: {
        QString bits = v;
        if (bits.startsWith(QLatin1String("b'")))
            bits = bits.mid(2, bits.size() - 3);
        if (bits == QLatin1String("0") || bits == QLatin1String("1")) {
            ok.sql = bits == QLatin1String("1") ? QStringLiteral("true") : QStringLiteral("false");
            return ok;
        }
        return fail(QStringLiteral("'%1' is not 0 or 1").arg(v));
    }
    case TargetFamily::SmallInt:
    case TargetFamily::Integer:
    case TargetFamily::BigInt:
    case TargetFamily::Numeric:
    case TargetFamily::Real:
    case TargetFamily::Double: {
        const auto n = valuetext::normalizeDecimal(v.toUtf8());
        if (!n)
            return fail(QStringLiteral("'%1' is not a number").arg(v));
        ok.sql = QString::fromLatin1(*n);
        return ok;
    }
    case TargetFamily::Text:
    case TargetFamily::Char:
    case TargetFamily::Enum:
        ok.sql = pgLiteral(v);
        return ok;
    case TargetFamily::Bytea:
        ok.sql = QStringLiteral("'\\x%1'::bytea").arg(QString::fromLatin1(v.toUtf8().toHex()));
        return ok;
    case TargetFamily::Date:
    case TargetFamily::Timestamp:
    case TargetFamily::Timestamptz: {
        SourceDateTime dt;
        if (!valuetext::parseDateTime(v.toUtf8(), dt))
            return fail(QStringLiteral("'%1' is not a date/time").arg(v));
        if (!valuetext::isRealDate(dt.year, dt.month, dt.day)) {
            if (policies.zeroDates == TypePolicies::ZeroDate::Sentinel) {
                ok.sql = pgLiteral(policies.zeroDateSentinel);
                return ok;
            }
            return fail(QStringLiteral("zero date default (policy zero_dates: %1)")
                            .arg(policies.zeroDates == TypePolicies::ZeroDate::Null
                                     ? QStringLiteral("null")
                                     : QStringLiteral("reject")));
        }
        QByteArray text;
        if (m.family == TargetFamily::Date) {
            valuetext::appendDate(text, dt);
        } else {
            valuetext::appendDateTime(text, dt);
            if (m.family == TargetFamily::Timestamptz)
                text += "+00";
        }
        ok.sql = pgLiteral(QString::fromLatin1(text));
        return ok;
    }
    case TargetFamily::Time:
    case TargetFamily::Interval:
        ok.sql = pgLiteral(v);
        return ok;
    case TargetFamily::Jsonb:
    case TargetFamily::Json:
        ok.sql = pgLiteral(v);
        return ok;
    case TargetFamily::TextArray: {
        QStringList members;
        if (!v.isEmpty()) {
            for (QString s : v.split(QLatin1Char(','))) {
                s.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
                s.replace(QLatin1Char('"'), QStringLiteral("\\\""));
                members << QLatin1Char('"') + s + QLatin1Char('"');
            }
        }
        ok.sql = pgLiteral(QLatin1Char('{') + members.join(QLatin1Char(',')) + QLatin1Char('}'));
        return ok;
    }
    case TargetFamily::VarBit: {
        QString bits = v;
        if (bits.startsWith(QLatin1String("b'")))
            bits = bits.mid(2, bits.size() - 3);
        bool isNumber = false;
        const quint64 value = bits.toULongLong(&isNumber, 2);
        if (!isNumber)
            return fail(QStringLiteral("'%1' is not a bit value").arg(v));
        QString s = QString::number(value, 2).rightJustified(m.bitLength, QLatin1Char('0'));
        ok.sql = QStringLiteral("B'%1'").arg(s);
        return ok;
    }
    }
    return fail(QStringLiteral("no translation"));
}

} // namespace switchyard::core
