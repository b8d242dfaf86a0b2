#include "types/JsonCanonical.h"

#include "types/Utf8.h"

#include <QVarLengthArray>

#include <algorithm>
#include <vector>

namespace switchyard::core {

namespace {

constexpr int kMaxDepth = 512;

// Buffers reused from document to document on a thread: per nesting depth
// the keys and canonical values of the object being read, and the string
// token being decoded. resize(0) keeps their capacity, so a steady stream of
// similar documents (a validation reads one per row) allocates nothing here.
struct Scratch
{
    struct Level
    {
        QByteArray keys, values;
    };
    std::vector<Level> levels;
    QByteArray text;
};

class Parser
{
public:
    Parser(QByteArrayView in, Scratch &scratch) : m_in(in), m_text(scratch.text), m_scratch(scratch) {}

    bool parseDocument(QByteArray &out)
    {
        skipWs();
        if (!value(out, 0))
            return false;
        skipWs();
        if (m_pos != m_in.size())
            return fail("unexpected text after the JSON value");
        return true;
    }

    QString error;
    bool sawNul = false;

private:
    QByteArrayView m_in;
    qsizetype m_pos = 0;
    QByteArray &m_text; // the string token being decoded (reused)
    Scratch &m_scratch;

    bool fail(const char *what)
    {
        if (error.isEmpty())
            error = QStringLiteral("%1 at byte %2").arg(QLatin1String(what)).arg(m_pos);
        return false;
    }
    bool atEnd() const { return m_pos >= m_in.size(); }
    char peek() const { return atEnd() ? '\0' : m_in.at(m_pos); }
    void skipWs()
    {
        while (!atEnd()) {
            const char c = m_in.at(m_pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
                ++m_pos;
            else
                break;
        }
    }
    bool literal(const char *word, QByteArray &out)
    {
        const qsizetype n = qsizetype(qstrlen(word));
        if (m_in.size() - m_pos < n || m_in.sliced(m_pos, n) != QByteArrayView(word, n))
            return fail("invalid literal");
        m_pos += n;
        out.append(word, n);
        return true;
    }

    bool value(QByteArray &out, int depth)
    {
        if (depth > kMaxDepth)
            return fail("JSON nested too deeply");
        switch (peek()) {
        case '{': return object(out, depth);
        case '[': return array(out, depth);
        case '"':
            if (!string(m_text))
                return false;
            writeString(m_text, out);
            return true;
        case 't': return literal("true", out);
        case 'f': return literal("false", out);
        case 'n': return literal("null", out);
        default: return number(out);
        }
    }

    // Members are decoded into two buffers (keys, canonical values) and
    // written out in bytewise key order; the last of duplicate keys wins.
    // No allocation per member: this parser runs for every JSON value a
    // validation reads, on both sides.
    bool object(QByteArray &out, int depth)
    {
        ++m_pos; // '{'
        skipWs();
        if (peek() == '}') {
            ++m_pos;
            out.append("{}");
            return true;
        }
        struct Member
        {
            qsizetype key, keyLength, value, valueLength;
        };
        if (m_scratch.levels.size() <= size_t(depth))
            m_scratch.levels.resize(size_t(depth) + 1);
        // By index, not by reference: deeper objects may grow `levels`.
        const auto keysAt = [&]() -> QByteArray & { return m_scratch.levels[size_t(depth)].keys; };
        const auto valuesAt = [&]() -> QByteArray & { return m_scratch.levels[size_t(depth)].values; };
        keysAt().resize(0);
        valuesAt().resize(0);
        QVarLengthArray<Member, 16> members;
        for (;;) {
            skipWs();
            if (peek() != '"')
                return fail("expected a string key");
            if (!string(m_text))
                return false;
            Member m{keysAt().size(), m_text.size(), 0, 0};
            keysAt().append(m_text);
            skipWs();
            if (peek() != ':')
                return fail("expected ':'");
            ++m_pos;
            skipWs();
            // Parsed into a local buffer swapped in and out, so that `values`
            // is not referenced while deeper levels may reallocate `levels`.
            QByteArray values = std::move(valuesAt());
            m.value = values.size();
            const bool ok = value(values, depth + 1);
            m.valueLength = values.size() - m.value;
            valuesAt() = std::move(values);
            if (!ok)
                return false;
            members.append(m);
            skipWs();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == '}') {
                ++m_pos;
                break;
            }
            return fail("expected ',' or '}'");
        }
        const QByteArray &keys = keysAt();
        const QByteArray &values = valuesAt();
        const auto keyOf = [&](const Member &m) { return QByteArrayView(keys).sliced(m.key, m.keyLength); };
        std::stable_sort(members.begin(), members.end(), [&](const Member &a, const Member &b) {
            return QtPrivate::compareMemory(keyOf(a), keyOf(b)) < 0;
        });
        out.append('{');
        bool first = true;
        for (qsizetype i = 0; i < members.size(); ++i) {
            if (i + 1 < members.size() && keyOf(members[i]) == keyOf(members[i + 1]))
                continue; // a later duplicate follows (stable sort keeps input order)
            if (!first)
                out.append(',');
            first = false;
            writeString(keyOf(members[i]), out);
            out.append(':');
            out.append(QByteArrayView(values).sliced(members[i].value, members[i].valueLength));
        }
        out.append('}');
        return true;
    }

    bool array(QByteArray &out, int depth)
    {
        ++m_pos; // '['
        out.append('[');
        skipWs();
        if (peek() == ']') {
            ++m_pos;
            out.append(']');
            return true;
        }
        for (bool first = true;; first = false) {
            skipWs();
            if (!first)
                out.append(',');
            if (!value(out, depth + 1))
                return false;
            skipWs();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == ']') {
                ++m_pos;
                out.append(']');
                return true;
            }
            return fail("expected ',' or ']'");
        }
    }

    static int hexValue(char c)
    {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    }

    bool hex4(uint &cp)
    {
        if (m_in.size() - m_pos < 4)
            return fail("truncated \\u escape");
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            const int h = hexValue(m_in.at(m_pos + i));
            if (h < 0)
                return fail("invalid \\u escape");
            cp = cp * 16 + uint(h);
        }
        m_pos += 4;
        return true;
    }

    // Decodes a string token into raw UTF-8 bytes (replacing `s`).
    bool string(QByteArray &s)
    {
        s.resize(0);
        ++m_pos; // '"'
        const qsizetype start = m_pos;
        for (;;) {
            // The run of bytes that need no decoding, appended at once.
            qsizetype run = m_pos;
            while (run < m_in.size()) {
                const char c = m_in.at(run);
                if (c == '"' || c == '\\' || uchar(c) < 0x20)
                    break;
                ++run;
            }
            s.append(m_in.sliced(m_pos, run - m_pos));
            m_pos = run;
            if (atEnd())
                return fail("unterminated string");
            const char c = m_in.at(m_pos);
            if (c == '"') {
                ++m_pos;
                break;
            }
            if (uchar(c) < 0x20)
                return fail("control character in string");
            ++m_pos;
            if (atEnd())
                return fail("unterminated escape");
            const char e = m_in.at(m_pos++);
            switch (e) {
            case '"': s.append('"'); break;
            case '\\': s.append('\\'); break;
            case '/': s.append('/'); break;
            case 'b': s.append('\b'); break;
            case 'f': s.append('\f'); break;
            case 'n': s.append('\n'); break;
            case 'r': s.append('\r'); break;
            case 't': s.append('\t'); break;
            case 'u': {
                uint cp = 0;
                if (!hex4(cp))
                    return false;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (m_in.size() - m_pos < 6 || m_in.at(m_pos) != '\\' || m_in.at(m_pos + 1) != 'u')
                        return fail("unpaired surrogate in \\u escape");
                    m_pos += 2;
                    uint low = 0;
                    if (!hex4(low))
                        return false;
                    if (low < 0xDC00 || low > 0xDFFF)
                        return fail("unpaired surrogate in \\u escape");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return fail("unpaired surrogate in \\u escape");
                }
                if (cp == 0)
                    sawNul = true;
                utf8::appendCodePoint(s, cp);
                break;
            }
            default:
                return fail("invalid escape");
            }
        }
        if (!utf8::isValid(QByteArrayView(s))) {
            m_pos = start;
            return fail("invalid UTF-8 in string");
        }
        return true;
    }

    static void writeString(QByteArrayView s, QByteArray &out)
    {
        static const char hex[] = "0123456789abcdef";
        out.append('"');
        qsizetype plain = 0; // start of the run of bytes written as they are
        for (qsizetype i = 0; i < s.size(); ++i) {
            const char c = s.at(i);
            if (c != '"' && c != '\\' && uchar(c) >= 0x20)
                continue;
            out.append(s.sliced(plain, i - plain));
            plain = i + 1;
            switch (c) {
            case '"': out.append("\\\""); break;
            case '\\': out.append("\\\\"); break;
            case '\b': out.append("\\b"); break;
            case '\f': out.append("\\f"); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            case '\t': out.append("\\t"); break;
            default:
                out.append("\\u00");
                out.append(hex[uchar(c) >> 4]);
                out.append(hex[uchar(c) & 15]);
            }
        }
        out.append(s.sliced(plain));
        out.append('"');
    }

    bool number(QByteArray &out)
    {
        const qsizetype start = m_pos;
        if (peek() == '-')
            ++m_pos;
        while (!atEnd() && std::string_view("0123456789.eE+-").find(peek()) != std::string_view::npos)
            ++m_pos;
        const auto n = JsonCanonical::canonicalNumber(m_in.sliced(start, m_pos - start));
        if (!n) {
            m_pos = start;
            return fail("invalid number");
        }
        out.append(*n);
        return true;
    }
};

} // namespace

std::optional<QByteArray> JsonCanonical::canonicalNumber(QByteArrayView t)
{
    qsizetype i = 0;
    const qsizetype n = t.size();
    bool negative = false;
    if (i < n && t.at(i) == '-') {
        negative = true;
        ++i;
    }
    // JSON grammar: int = 0 | [1-9][0-9]*
    if (i >= n || !(t.at(i) >= '0' && t.at(i) <= '9'))
        return std::nullopt;
    QByteArray digits;
    qint64 exponent = 0;
    if (t.at(i) == '0') {
        ++i;
    } else {
        while (i < n && t.at(i) >= '0' && t.at(i) <= '9')
            digits.append(t.at(i++));
    }
    if (i < n && t.at(i) == '.') {
        ++i;
        if (i >= n || !(t.at(i) >= '0' && t.at(i) <= '9'))
            return std::nullopt;
        while (i < n && t.at(i) >= '0' && t.at(i) <= '9') {
            digits.append(t.at(i++));
            --exponent;
        }
    }
    if (i < n && (t.at(i) == 'e' || t.at(i) == 'E')) {
        ++i;
        bool expNegative = false;
        if (i < n && (t.at(i) == '+' || t.at(i) == '-'))
            expNegative = t.at(i++) == '-';
        if (i >= n || !(t.at(i) >= '0' && t.at(i) <= '9'))
            return std::nullopt;
        qint64 e = 0;
        while (i < n && t.at(i) >= '0' && t.at(i) <= '9') {
            if (e < 100000000)
                e = e * 10 + (t.at(i) - '0');
            ++i;
        }
        exponent += expNegative ? -e : e;
    }
    if (i != n)
        return std::nullopt;

    // Strip leading zeros (from "0.001" the digits are "0001"), trailing zeros.
    qsizetype lead = 0;
    while (lead < digits.size() && digits.at(lead) == '0')
        ++lead;
    digits.remove(0, lead);
    while (!digits.isEmpty() && digits.endsWith('0')) {
        digits.chop(1);
        ++exponent;
    }
    if (digits.isEmpty())
        return QByteArray("0");

    QByteArray out;
    if (negative)
        out.append('-');
    const qint64 len = digits.size();
    const qint64 pointPos = len + exponent; // digits before the decimal point
    if (exponent >= 0 && pointPos <= 40) {
        out.append(digits);
        out.append(QByteArray(qsizetype(exponent), '0'));
    } else if (exponent < 0 && pointPos > 0) {
        out.append(digits.left(qsizetype(pointPos)));
        out.append('.');
        out.append(digits.mid(qsizetype(pointPos)));
    } else if (exponent < 0 && pointPos > -40) {
        out.append("0.");
        out.append(QByteArray(qsizetype(-pointPos), '0'));
        out.append(digits);
    } else {
        out.append(digits.at(0));
        if (len > 1) {
            out.append('.');
            out.append(digits.mid(1));
        }
        out.append('e');
        const qint64 e = pointPos - 1;
        out.append(e >= 0 ? "+" : "-");
        out.append(QByteArray::number(e >= 0 ? e : -e));
    }
    return out;
}

JsonCanonicalResult JsonCanonical::canonicalize(QByteArrayView json)
{
    JsonCanonicalResult r;
    thread_local Scratch scratch;
    Parser p(json, scratch);
    QByteArray out;
    out.reserve(json.size());
    if (p.parseDocument(out))
        r.text = out;
    else
        r.error = p.error;
    r.containsNulCharacter = p.sawNul;
    if (json.size() > (1 << 20))
        scratch = Scratch(); // do not keep a huge document's buffers for good
    return r;
}

} // namespace switchyard::core
