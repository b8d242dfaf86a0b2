#include "plan/PlanLoader.h"

#include "flags/FlagSet.h"

#include <yaml-cpp/yaml.h>

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace switchyard::core {

namespace {

// The plan's vocabulary. Each table is the whole set of keys a map may hold;
// anything else is an error, so a typo never silently drops a setting.
using Keys = std::initializer_list<const char *>;

const Keys kRootKeys = {"version",       "migration", "source", "target", "control_store",
                        "types",         "tables",    "strategy", "phases", "risks",
                        "timeline"};
const Keys kMigrationKeys = {"name", "owner", "why", "risk_level", "window"};
const Keys kWindowKeys = {"start", "end"};
const Keys kConnectionKeys = {"engine", "host", "port", "user", "database", "schema",
                              "ssl_mode", "ssl_ca"};
const Keys kControlStoreKeys = {"sqlite", "postgresql"};
const Keys kTypesKeys = {"zero_dates", "zero_date_sentinel", "nul_bytes", "enums", "tinyint1",
                         "defer_secondary_indexes"};
const Keys kTableKeys = {"name",   "target",     "key",        "include",
                         "exclude", "columns",   "batch_rows", "max_rows_per_second",
                         "consistency"};
const Keys kColumnOverrideKeys = {"type"};
const Keys kPhaseKeys = {"id",   "title", "description", "week",
                         "flags", "ramp", "jobs",        "gates",
                         "rollback"};
const Keys kRampKeys = {"flag", "steps"};
const Keys kJobKeys = {"type", "tables", "mode"};
const Keys kGateKeys = {"type",  "tables", "max_age_minutes", "below",         "window_minutes",
                        "minutes", "text", "allow_override"};
const Keys kRollbackKeys = {"flags", "stop_jobs", "wait_for_reverse_sync", "note"};
const Keys kRiskKeys = {"risk", "likelihood", "impact", "mitigation", "owner"};
const Keys kTimelineKeys = {"start"};

const QRegularExpression &namePattern()
{
    // The migration name is typed by operators to confirm transitions and
    // names the default control-store file, so it stays a plain token.
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"));
    return re;
}

const QRegularExpression &phaseIdPattern()
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9][a-z0-9-]{0,62}$"));
    return re;
}

bool looksLikeSecretKey(const QString &key)
{
    const QString k = key.toLower();
    return k == QLatin1String("password") || k == QLatin1String("passwd") ||
           k == QLatin1String("pwd") || k == QLatin1String("pass") ||
           k == QLatin1String("secret") || k.endsWith(QLatin1String("_password"));
}

QString q(const char *s)
{
    return QString::fromUtf8(s);
}

QString keyList(Keys keys)
{
    QStringList names;
    for (const char *k : keys)
        names << q(k);
    return names.join(QStringLiteral(", "));
}

// Flag names and types are owned by core/flags (FlagSet::typeOf).

// Walks one YAML document and fills a Plan, collecting every error.
class Reader
{
public:
    Reader(QString fileName, QList<PlanError> &errors)
        : m_file(std::move(fileName))
        , m_errors(errors)
    {
    }

    SourceLocation at(const YAML::Node &n) const
    {
        SourceLocation loc;
        loc.file = m_file;
        const YAML::Mark m = n.Mark();
        if (!m.is_null()) {
            loc.line = m.line + 1;
            loc.column = m.column + 1;
        }
        return loc;
    }

    void error(const SourceLocation &where, const QString &message)
    {
        m_errors.append(PlanError{where, message});
    }
    void error(const YAML::Node &n, const QString &message) { error(at(n), message); }

    // Rejects any key that could hold a secret, anywhere in the document.
    void rejectSecrets(const YAML::Node &n)
    {
        if (n.IsMap()) {
            for (auto it = n.begin(); it != n.end(); ++it) {
                if (it->first.IsScalar() && looksLikeSecretKey(scalar(it->first))) {
                    error(it->first,
                          QStringLiteral("'%1': a plan must not contain passwords or secrets; "
                                         "put the password in ~/.pgpass (PostgreSQL), ~/.my.cnf "
                                         "(MySQL/MariaDB), the desktop keyring, or the "
                                         "SWITCHYARD_SOURCE_PASSWORD / SWITCHYARD_TARGET_PASSWORD "
                                         "environment variables")
                              .arg(scalar(it->first)));
                }
                rejectSecrets(it->second);
            }
        } else if (n.IsSequence()) {
            for (const YAML::Node &child : n)
                rejectSecrets(child);
        }
    }

    static QString scalar(const YAML::Node &n) { return QString::fromStdString(n.Scalar()); }

    // Checks that `n` is a map whose keys are all in `allowed` (and not
    // repeated). Returns false (after reporting) when `n` is not a map.
    bool checkMap(const YAML::Node &n, const QString &what, Keys allowed)
    {
        if (!n.IsMap()) {
            error(n, QStringLiteral("%1 must be a mapping (key: value lines)").arg(what));
            return false;
        }
        QSet<QString> seen;
        for (auto it = n.begin(); it != n.end(); ++it) {
            const QString key = scalar(it->first);
            if (seen.contains(key)) {
                error(it->first, QStringLiteral("duplicate key '%1' in %2").arg(key, what));
                continue;
            }
            seen.insert(key);
            bool known = false;
            for (const char *k : allowed)
                known = known || key == QLatin1String(k);
            if (!known && !looksLikeSecretKey(key)) {
                error(it->first, QStringLiteral("unknown key '%1' in %2 (expected one of: %3)")
                                     .arg(key, what, keyList(allowed)));
            }
        }
        return true;
    }

    // A mapping of names to values whose keys are free (flags, column
    // overrides): only duplicates are checked.
    bool checkFreeMap(const YAML::Node &n, const QString &what)
    {
        if (!n.IsMap()) {
            error(n, QStringLiteral("%1 must be a mapping (name: value lines)").arg(what));
            return false;
        }
        QSet<QString> seen;
        for (auto it = n.begin(); it != n.end(); ++it) {
            const QString key = scalar(it->first);
            if (seen.contains(key))
                error(it->first, QStringLiteral("duplicate key '%1' in %2").arg(key, what));
            seen.insert(key);
        }
        return true;
    }

    // Accessors: each returns the value or nullopt, after reporting what was
    // expected when the value is of the wrong kind. A missing optional key is
    // not an error; `required` reports it at the parent mapping.
    bool has(const YAML::Node &map, const char *key) const
    {
        return map.IsMap() && map[key].IsDefined() && !map[key].IsNull();
    }

    bool require(const YAML::Node &map, const char *key, const QString &what)
    {
        if (has(map, key))
            return true;
        error(map, QStringLiteral("%1 is missing the required key '%2'").arg(what, q(key)));
        return false;
    }

    std::optional<QString> str(const YAML::Node &map, const char *key)
    {
        if (!has(map, key))
            return std::nullopt;
        const YAML::Node n = map[key];
        if (!n.IsScalar()) {
            error(n, QStringLiteral("'%1' must be a text value").arg(q(key)));
            return std::nullopt;
        }
        return scalar(n);
    }

    std::optional<QString> nonEmptyStr(const YAML::Node &map, const char *key)
    {
        auto s = str(map, key);
        if (s && s->trimmed().isEmpty()) {
            error(map[key], QStringLiteral("'%1' must not be empty").arg(q(key)));
            return std::nullopt;
        }
        return s;
    }

    // A number within [min, max]; `parse` reads the scalar (whole numbers or
    // finite reals) and `kind` names what was expected.
    template<typename T, typename Parse>
    std::optional<T> numeric(const YAML::Node &map, const char *key, T min, T max, Parse parse,
                             const char *kind)
    {
        if (!has(map, key))
            return std::nullopt;
        const YAML::Node n = map[key];
        bool ok = false;
        const T v = n.IsScalar() ? parse(scalar(n), &ok) : T();
        if (!ok) {
            error(n, QStringLiteral("'%1' must be %2").arg(q(key), q(kind)));
            return std::nullopt;
        }
        if (v < min || v > max) {
            error(n, QStringLiteral("'%1' is %2; expected a number from %3 to %4")
                         .arg(q(key))
                         .arg(v)
                         .arg(min)
                         .arg(max));
            return std::nullopt;
        }
        return v;
    }

    std::optional<qint64> integer(const YAML::Node &map, const char *key, qint64 min, qint64 max)
    {
        return numeric<qint64>(
            map, key, min, max, [](const QString &s, bool *ok) { return s.toLongLong(ok); },
            "a whole number");
    }

    std::optional<double> number(const YAML::Node &map, const char *key, double min, double max)
    {
        return numeric<double>(
            map, key, min, max,
            [](const QString &s, bool *ok) {
                const double v = s.toDouble(ok);
                *ok = *ok && std::isfinite(v);
                return v;
            },
            "a number");
    }

    std::optional<bool> boolean(const YAML::Node &n, const QString &what)
    {
        const QString s = n.IsScalar() ? scalar(n).toLower() : QString();
        if (s == QLatin1String("true") || s == QLatin1String("yes") || s == QLatin1String("on"))
            return true;
        if (s == QLatin1String("false") || s == QLatin1String("no") || s == QLatin1String("off"))
            return false;
        error(n, QStringLiteral("%1 must be true/false (or on/off)").arg(what));
        return std::nullopt;
    }

    std::optional<bool> boolean(const YAML::Node &map, const char *key)
    {
        if (!has(map, key))
            return std::nullopt;
        return boolean(map[key], QStringLiteral("'%1'").arg(q(key)));
    }

    std::optional<QString> choice(const YAML::Node &map, const char *key,
                                  const QStringList &choices)
    {
        auto s = str(map, key);
        if (s && !choices.contains(*s)) {
            error(map[key], QStringLiteral("'%1' is '%2'; expected one of: %3")
                                .arg(q(key), *s, choices.join(QStringLiteral(", "))));
            return std::nullopt;
        }
        return s;
    }

    std::optional<QDate> date(const YAML::Node &map, const char *key)
    {
        auto s = str(map, key);
        if (!s)
            return std::nullopt;
        const QDate d = QDate::fromString(*s, Qt::ISODate);
        if (!d.isValid()) {
            error(map[key],
                  QStringLiteral("'%1' is '%2'; expected a date as YYYY-MM-DD").arg(q(key), *s));
            return std::nullopt;
        }
        return d;
    }

    // A list of non-empty text values; a single scalar is accepted as a list
    // of one for convenience.
    std::optional<QStringList> stringList(const YAML::Node &map, const char *key)
    {
        if (!has(map, key))
            return std::nullopt;
        const YAML::Node n = map[key];
        QStringList out;
        if (n.IsScalar()) {
            out << scalar(n);
        } else if (n.IsSequence()) {
            for (const YAML::Node &item : n) {
                if (!item.IsScalar() || scalar(item).trimmed().isEmpty()) {
                    error(item, QStringLiteral("'%1' must list non-empty names").arg(q(key)));
                    return std::nullopt;
                }
                const QString v = scalar(item);
                if (out.contains(v)) {
                    error(item, QStringLiteral("'%1' lists '%2' twice").arg(q(key), v));
                    return std::nullopt;
                }
                out << v;
            }
        } else {
            error(n, QStringLiteral("'%1' must be a list, e.g. [a, b]").arg(q(key)));
            return std::nullopt;
        }
        return out;
    }

    // ---------------------------------------------------------------- sections

    void readMigration(const YAML::Node &n, MigrationInfo &m)
    {
        m.where = at(n);
        if (!checkMap(n, QStringLiteral("'migration'"), kMigrationKeys))
            return;
        if (require(n, "name", QStringLiteral("'migration'"))) {
            if (auto s = nonEmptyStr(n, "name")) {
                if (!namePattern().match(*s).hasMatch())
                    error(n["name"], QStringLiteral("migration name '%1' must be 1–63 letters, "
                                                    "digits, '.', '_' or '-', starting with a "
                                                    "letter or digit (operators type it to "
                                                    "confirm each transition)")
                                         .arg(*s));
                m.name = *s;
            }
        }
        if (require(n, "owner", QStringLiteral("'migration'")))
            m.owner = nonEmptyStr(n, "owner").value_or(QString());
        m.why = str(n, "why").value_or(QString());
        m.riskLevel = choice(n, "risk_level",
                             {QStringLiteral("low"), QStringLiteral("medium"),
                              QStringLiteral("high"), QStringLiteral("critical")})
                          .value_or(QStringLiteral("medium"));
        if (has(n, "window")) {
            const YAML::Node w = n["window"];
            if (checkMap(w, QStringLiteral("'window'"), kWindowKeys)) {
                m.windowStart = date(w, "start").value_or(QDate());
                m.windowEnd = date(w, "end").value_or(QDate());
                if (m.windowStart.isValid() && m.windowEnd.isValid() &&
                    m.windowEnd < m.windowStart)
                    error(w["end"], QStringLiteral("the window ends (%1) before it starts (%2)")
                                        .arg(m.windowEnd.toString(Qt::ISODate),
                                             m.windowStart.toString(Qt::ISODate)));
            }
        }
    }

    void readConnection(const YAML::Node &n, ConnectionSettings &c, bool isTarget)
    {
        const QString what = isTarget ? QStringLiteral("'target'") : QStringLiteral("'source'");
        c.where = at(n);
        if (!checkMap(n, what, kConnectionKeys))
            return;
        const QStringList engines = isTarget ? QStringList{QStringLiteral("postgresql")}
                                             : QStringList{QStringLiteral("mariadb"),
                                                           QStringLiteral("mysql")};
        if (require(n, "engine", what)) {
            const auto e = choice(n, "engine", engines);
            if (e == QLatin1String("postgresql"))
                c.engine = ConnectionSettings::Engine::PostgreSQL;
            else if (e == QLatin1String("mysql"))
                c.engine = ConnectionSettings::Engine::MySQL;
            else
                c.engine = ConnectionSettings::Engine::MariaDB;
        } else if (isTarget) {
            c.engine = ConnectionSettings::Engine::PostgreSQL;
        }
        if (require(n, "host", what))
            c.host = nonEmptyStr(n, "host").value_or(QString());
        c.port = int(integer(n, "port", 1, 65535).value_or(0));
        if (require(n, "user", what))
            c.user = nonEmptyStr(n, "user").value_or(QString());
        if (require(n, "database", what))
            c.database = nonEmptyStr(n, "database").value_or(QString());
        if (has(n, "schema")) {
            if (!isTarget)
                error(n["schema"], QStringLiteral("'schema' applies to the PostgreSQL target "
                                                  "only; on MySQL/MariaDB the database is the "
                                                  "schema"));
            else
                c.schema = nonEmptyStr(n, "schema").value_or(QString());
        }
        const QStringList sslModes =
            isTarget ? QStringList{QStringLiteral("disable"), QStringLiteral("allow"),
                                   QStringLiteral("prefer"), QStringLiteral("require"),
                                   QStringLiteral("verify-ca"), QStringLiteral("verify-full")}
                     : QStringList{QStringLiteral("disabled"), QStringLiteral("preferred"),
                                   QStringLiteral("required"), QStringLiteral("verify_ca"),
                                   QStringLiteral("verify_identity")};
        c.sslMode = choice(n, "ssl_mode", sslModes).value_or(QString());
        c.sslCa = str(n, "ssl_ca").value_or(QString());
    }

    void readControlStore(const YAML::Node &n, ControlStoreSettings &s)
    {
        s.where = at(n);
        if (!checkMap(n, QStringLiteral("'control_store'"), kControlStoreKeys))
            return;
        const bool sqlite = has(n, "sqlite");
        const bool pg = has(n, "postgresql");
        if (sqlite == pg) {
            error(n, QStringLiteral("'control_store' takes exactly one of 'sqlite: FILE' or "
                                    "'postgresql: CONNINFO'"));
            return;
        }
        if (sqlite) {
            s.kind = ControlStoreSettings::Kind::Sqlite;
            s.location = nonEmptyStr(n, "sqlite").value_or(QString());
            return;
        }
        s.kind = ControlStoreSettings::Kind::PostgreSQL;
        s.location = nonEmptyStr(n, "postgresql").value_or(QString());
        // postgresql://user:secret@host/db or "password=…" in a conninfo.
        static const QRegularExpression urlSecret(QStringLiteral("^[a-z]+://[^/@:]*:[^/@]*@"));
        static const QRegularExpression kvSecret(QStringLiteral("(^|\\s)password\\s*="),
                                                 QRegularExpression::CaseInsensitiveOption);
        if (urlSecret.match(s.location).hasMatch() || kvSecret.match(s.location).hasMatch())
            error(n["postgresql"],
                  QStringLiteral("the control store connection string contains a password; "
                                 "remove it and put it in ~/.pgpass instead"));
    }

    void readTypes(const YAML::Node &n, TypePolicies &t)
    {
        t.where = at(n);
        if (!checkMap(n, QStringLiteral("'types'"), kTypesKeys))
            return;
        const auto zero = choice(n, "zero_dates",
                                 {QStringLiteral("null"), QStringLiteral("sentinel"),
                                  QStringLiteral("reject")});
        if (zero == QLatin1String("sentinel"))
            t.zeroDates = TypePolicies::ZeroDate::Sentinel;
        else if (zero == QLatin1String("reject"))
            t.zeroDates = TypePolicies::ZeroDate::Reject;
        if (auto d = date(n, "zero_date_sentinel"))
            t.zeroDateSentinel = d->toString(Qt::ISODate);
        if (has(n, "zero_date_sentinel") && t.zeroDates != TypePolicies::ZeroDate::Sentinel)
            error(n["zero_date_sentinel"],
                  QStringLiteral("'zero_date_sentinel' is used only with 'zero_dates: sentinel'"));
        if (choice(n, "nul_bytes", {QStringLiteral("reject"), QStringLiteral("strip")}) ==
            QLatin1String("strip"))
            t.nulBytes = TypePolicies::NulBytes::Strip;
        if (choice(n, "enums", {QStringLiteral("check"), QStringLiteral("enum_type")}) ==
            QLatin1String("enum_type"))
            t.enums = TypePolicies::EnumAs::EnumType;
        if (auto m = choice(n, "tinyint1", {QStringLiteral("boolean"), QStringLiteral("smallint")}))
            t.tinyint1AsBoolean = *m == QLatin1String("boolean");
        if (auto b = boolean(n, "defer_secondary_indexes"))
            t.deferSecondaryIndexes = *b;
    }

    void readTable(const YAML::Node &n, TableSpec &t)
    {
        t.where = at(n);
        if (!checkMap(n, QStringLiteral("a table"), kTableKeys))
            return;
        if (require(n, "name", QStringLiteral("a table")))
            t.name = nonEmptyStr(n, "name").value_or(QString());
        t.targetName = nonEmptyStr(n, "target").value_or(QString());
        t.keyColumns = stringList(n, "key").value_or(QStringList());
        t.includeColumns = stringList(n, "include").value_or(QStringList());
        t.excludeColumns = stringList(n, "exclude").value_or(QStringList());
        for (const QString &c : std::as_const(t.excludeColumns)) {
            if (t.includeColumns.contains(c))
                error(n["exclude"],
                      QStringLiteral("column '%1' is both included and excluded").arg(c));
            if (t.keyColumns.contains(c))
                error(n["exclude"],
                      QStringLiteral("key column '%1' cannot be excluded: rows are copied and "
                                     "compared by their key")
                          .arg(c));
        }
        if (!t.includeColumns.isEmpty()) {
            for (const QString &c : std::as_const(t.keyColumns)) {
                if (!t.includeColumns.contains(c))
                    error(n["include"],
                          QStringLiteral("'include' must list the key column '%1'").arg(c));
            }
        }
        if (has(n, "columns")) {
            const YAML::Node cols = n["columns"];
            if (checkFreeMap(cols, QStringLiteral("'columns'"))) {
                for (auto it = cols.begin(); it != cols.end(); ++it) {
                    ColumnOverride o;
                    o.column = scalar(it->first);
                    o.where = at(it->first);
                    const QString what = QStringLiteral("column '%1'").arg(o.column);
                    if (checkMap(it->second, what, kColumnOverrideKeys) &&
                        require(it->second, "type", what))
                        o.targetType = nonEmptyStr(it->second, "type").value_or(QString());
                    if (t.excludeColumns.contains(o.column))
                        error(it->first, QStringLiteral("column '%1' is excluded; its override "
                                                        "would never apply")
                                             .arg(o.column));
                    t.columnOverrides << o;
                }
            }
        }
        t.batchRows = int(integer(n, "batch_rows", 1, 1000000).value_or(0));
        t.maxRowsPerSecond = int(integer(n, "max_rows_per_second", 0, 100000000).value_or(0));
        if (choice(n, "consistency", {QStringLiteral("locking"), QStringLiteral("snapshot")}) ==
            QLatin1String("snapshot"))
            t.consistency = TableSpec::Consistency::Snapshot;
    }

    QList<FlagSetting> readFlags(const YAML::Node &n, const QString &what)
    {
        QList<FlagSetting> flags;
        if (!checkFreeMap(n, what))
            return flags;
        for (auto it = n.begin(); it != n.end(); ++it) {
            FlagSetting f;
            f.name = scalar(it->first);
            f.where = at(it->first);
            const auto info = FlagSet::typeOf(f.name);
            if (!info) {
                error(it->first,
                      QStringLiteral("unknown flag '%1' (expected write_target, write_source, "
                                     "read_from, read_percent, shadow_read, "
                                     "shadow_sample_percent, active_side, or feature.<name>)")
                          .arg(f.name));
                continue;
            }
            const YAML::Node v = it->second;
            switch (info->type) {
            case FlagType::Bool: {
                const auto b = boolean(v, QStringLiteral("flag '%1'").arg(f.name));
                if (!b)
                    continue;
                f.value = *b;
                break;
            }
            case FlagType::Percent: {
                bool ok = false;
                const int p = v.IsScalar() ? scalar(v).toInt(&ok) : -1;
                if (!ok || p < 0 || p > 100) {
                    error(v, QStringLiteral("flag '%1' is a percentage; expected a whole number "
                                            "from 0 to 100")
                                 .arg(f.name));
                    continue;
                }
                f.value = p;
                break;
            }
            case FlagType::Choice: {
                const QString s = v.IsScalar() ? scalar(v) : QString();
                if (!info->choices.contains(s)) {
                    error(v, QStringLiteral("flag '%1' expects one of: %2")
                                 .arg(f.name, info->choices.join(QStringLiteral(", "))));
                    continue;
                }
                f.value = s;
                break;
            }
            }
            flags << f;
        }
        return flags;
    }

    void readRamp(const YAML::Node &n, RampSpec &r)
    {
        r.where = at(n);
        if (!checkMap(n, QStringLiteral("'ramp'"), kRampKeys))
            return;
        if (require(n, "flag", QStringLiteral("'ramp'"))) {
            r.flag = nonEmptyStr(n, "flag").value_or(QString());
            const auto info = FlagSet::typeOf(r.flag);
            if (!r.flag.isEmpty() && (!info || info->type != FlagType::Percent))
                error(n["flag"], QStringLiteral("ramp flag '%1' must be a percentage flag "
                                                "(read_percent, shadow_sample_percent or "
                                                "feature.<name>)")
                                     .arg(r.flag));
        }
        if (!require(n, "steps", QStringLiteral("'ramp'")))
            return;
        const YAML::Node steps = n["steps"];
        if (!steps.IsSequence() || steps.size() == 0) {
            error(steps, QStringLiteral("'steps' must be a list of percentages, e.g. "
                                        "[1, 10, 50, 100]"));
            return;
        }
        int previous = 0;
        for (const YAML::Node &s : steps) {
            bool ok = false;
            const int p = s.IsScalar() ? scalar(s).toInt(&ok) : -1;
            if (!ok || p < 1 || p > 100) {
                error(s, QStringLiteral("a ramp step is a whole percentage from 1 to 100"));
                return;
            }
            if (p <= previous) {
                error(s, QStringLiteral("ramp steps must rise: %1 comes after %2")
                             .arg(p)
                             .arg(previous));
                return;
            }
            previous = p;
            r.steps << p;
        }
    }

    void readJob(const YAML::Node &n, JobSpec &j)
    {
        j.where = at(n);
        if (!checkMap(n, QStringLiteral("a job"), kJobKeys))
            return;
        if (!require(n, "type", QStringLiteral("a job")))
            return;
        const auto type = choice(n, "type",
                                 {QStringLiteral("backfill"), QStringLiteral("validate"),
                                  QStringLiteral("reverse_sync"), QStringLiteral("repair")});
        if (!type)
            return;
        if (*type == QLatin1String("validate"))
            j.kind = JobSpec::Kind::Validate;
        else if (*type == QLatin1String("reverse_sync"))
            j.kind = JobSpec::Kind::ReverseSync;
        else if (*type == QLatin1String("repair"))
            j.kind = JobSpec::Kind::Repair;
        j.tables = stringList(n, "tables").value_or(QStringList());
        if (has(n, "mode")) {
            if (j.kind != JobSpec::Kind::Validate) {
                error(n["mode"], QStringLiteral("'mode' applies to validate jobs only"));
            } else if (auto m = choice(n, "mode",
                                       {QStringLiteral("count"), QStringLiteral("sample"),
                                        QStringLiteral("checksum"), QStringLiteral("full")})) {
                j.mode = *m == QLatin1String("count")    ? JobSpec::ValidateMode::Count
                         : *m == QLatin1String("sample") ? JobSpec::ValidateMode::Sample
                         : *m == QLatin1String("full")   ? JobSpec::ValidateMode::Full
                                                         : JobSpec::ValidateMode::Checksum;
            }
        }
    }

    void readGate(const YAML::Node &n, GateSpec &g)
    {
        g.where = at(n);
        if (!checkMap(n, QStringLiteral("a gate"), kGateKeys))
            return;
        if (!require(n, "type", QStringLiteral("a gate")))
            return;
        const auto type =
            choice(n, "type",
                   {QStringLiteral("backfill_complete"), QStringLiteral("validation_clean"),
                    QStringLiteral("shadow_mismatch_rate"), QStringLiteral("repair_queue_empty"),
                    QStringLiteral("soak"), QStringLiteral("manual")});
        if (!type)
            return;
        // Which parameters each gate takes; any other is an error.
        QSet<QString> allowed{QStringLiteral("type"), QStringLiteral("allow_override")};
        if (*type == QLatin1String("backfill_complete")) {
            g.kind = GateSpec::Kind::BackfillComplete;
            allowed << QStringLiteral("tables");
        } else if (*type == QLatin1String("validation_clean")) {
            g.kind = GateSpec::Kind::ValidationClean;
            allowed << QStringLiteral("tables") << QStringLiteral("max_age_minutes");
        } else if (*type == QLatin1String("shadow_mismatch_rate")) {
            g.kind = GateSpec::Kind::ShadowMismatchRate;
            allowed << QStringLiteral("below") << QStringLiteral("window_minutes");
            if (require(n, "below", QStringLiteral("a shadow_mismatch_rate gate")))
                g.threshold = number(n, "below", 0.0, 1.0).value_or(0.0);
            if (require(n, "window_minutes", QStringLiteral("a shadow_mismatch_rate gate")))
                g.windowMinutes = int(integer(n, "window_minutes", 1, 10080).value_or(0));
        } else if (*type == QLatin1String("repair_queue_empty")) {
            g.kind = GateSpec::Kind::RepairQueueEmpty;
        } else if (*type == QLatin1String("soak")) {
            g.kind = GateSpec::Kind::Soak;
            allowed << QStringLiteral("minutes");
            if (require(n, "minutes", QStringLiteral("a soak gate")))
                g.minutes = int(integer(n, "minutes", 1, 525600).value_or(0));
        } else {
            g.kind = GateSpec::Kind::Manual;
            allowed << QStringLiteral("text");
            if (require(n, "text", QStringLiteral("a manual gate")))
                g.text = nonEmptyStr(n, "text").value_or(QString());
        }
        for (auto it = n.begin(); it != n.end(); ++it) {
            const QString key = scalar(it->first);
            bool known = false; // unknown keys were reported by checkMap already
            for (const char *k : kGateKeys)
                known = known || key == QLatin1String(k);
            if (known && !allowed.contains(key))
                error(it->first,
                      QStringLiteral("'%1' does not apply to a %2 gate").arg(key, *type));
        }
        g.tables = stringList(n, "tables").value_or(QStringList());
        g.maxAgeMinutes = int(integer(n, "max_age_minutes", 1, 525600).value_or(0));
        g.allowOverride = boolean(n, "allow_override").value_or(false);
    }

    void readRollback(const YAML::Node &n, RollbackSpec &r)
    {
        r.where = at(n);
        if (!checkMap(n, QStringLiteral("'rollback'"), kRollbackKeys))
            return;
        if (has(n, "flags"))
            r.flags = readFlags(n["flags"], QStringLiteral("rollback 'flags'"));
        r.stopJobs = boolean(n, "stop_jobs").value_or(true);
        if (auto b = boolean(n, "wait_for_reverse_sync"))
            r.waitForReverseSync = *b;
        r.note = str(n, "note").value_or(QString());
    }

    void readPhase(const YAML::Node &n, PhaseSpec &p)
    {
        p.where = at(n);
        if (!checkMap(n, QStringLiteral("a phase"), kPhaseKeys))
            return;
        if (require(n, "id", QStringLiteral("a phase"))) {
            p.id = nonEmptyStr(n, "id").value_or(QString());
            if (!p.id.isEmpty() && !phaseIdPattern().match(p.id).hasMatch())
                error(n["id"], QStringLiteral("phase id '%1' must be lower-case letters, digits "
                                              "and '-' (it is stored in the control store and "
                                              "used on the command line)")
                                   .arg(p.id));
        }
        if (require(n, "title", QStringLiteral("a phase")))
            p.title = nonEmptyStr(n, "title").value_or(QString());
        p.description = str(n, "description").value_or(QString());
        p.week = int(integer(n, "week", 1, 520).value_or(0));
        if (has(n, "flags"))
            p.flags = readFlags(n["flags"], QStringLiteral("phase 'flags'"));
        if (has(n, "ramp")) {
            readRamp(n["ramp"], p.ramp);
            for (const FlagSetting &f : std::as_const(p.flags)) {
                if (f.name == p.ramp.flag)
                    error(f.where, QStringLiteral("flag '%1' is ramped in this phase; set it "
                                                  "through 'ramp' only")
                                       .arg(f.name));
            }
        }
        readList(n, "jobs", QStringLiteral("'jobs'"), p.jobs,
                 [this](const YAML::Node &item, JobSpec &j) { readJob(item, j); });
        readList(n, "gates", QStringLiteral("'gates'"), p.gates,
                 [this](const YAML::Node &item, GateSpec &g) { readGate(item, g); });
        if (has(n, "rollback"))
            readRollback(n["rollback"], p.rollback);
    }

    void readRisk(const YAML::Node &n, Risk &r)
    {
        r.where = at(n);
        if (!checkMap(n, QStringLiteral("a risk"), kRiskKeys))
            return;
        const QStringList levels{QStringLiteral("low"), QStringLiteral("medium"),
                                 QStringLiteral("high")};
        if (require(n, "risk", QStringLiteral("a risk")))
            r.risk = nonEmptyStr(n, "risk").value_or(QString());
        r.likelihood = choice(n, "likelihood", levels).value_or(QStringLiteral("medium"));
        r.impact = choice(n, "impact", levels).value_or(QStringLiteral("medium"));
        if (require(n, "mitigation", QStringLiteral("a risk")))
            r.mitigation = nonEmptyStr(n, "mitigation").value_or(QString());
        r.owner = str(n, "owner").value_or(QString());
    }

    template<typename T, typename F>
    void readList(const YAML::Node &map, const char *key, const QString &what, QList<T> &out,
                  F readItem)
    {
        if (!has(map, key))
            return;
        const YAML::Node n = map[key];
        if (!n.IsSequence()) {
            error(n, QStringLiteral("%1 must be a list (lines starting with '- ')").arg(what));
            return;
        }
        for (const YAML::Node &item : n) {
            T value;
            readItem(item, value);
            out << value;
        }
    }

    void readStrategy(const YAML::Node &n, QList<Strategy> &out)
    {
        const QStringList names{QStringLiteral("flag_ramp"), QStringLiteral("dual_write"),
                                QStringLiteral("blue_green")};
        QList<YAML::Node> items;
        if (n.IsScalar())
            items << n;
        else if (n.IsSequence())
            for (const YAML::Node &i : n)
                items << i;
        else
            error(n, QStringLiteral("'strategy' must be one of %1, or a list of them")
                         .arg(names.join(QStringLiteral(", "))));
        for (const YAML::Node &i : items) {
            const QString s = i.IsScalar() ? scalar(i) : QString();
            const int idx = names.indexOf(s);
            if (idx < 0) {
                error(i, QStringLiteral("unknown strategy '%1' (expected %2)")
                             .arg(s, names.join(QStringLiteral(", "))));
                continue;
            }
            const auto st = Strategy(idx);
            if (out.contains(st))
                error(i, QStringLiteral("strategy '%1' is listed twice").arg(s));
            else
                out << st;
        }
    }

    // Rules that look across sections: names refer to things that exist, and
    // each strategy has the phases it needs.
    void crossCheck(const YAML::Node &root, Plan &plan)
    {
        QSet<QString> tableNames;
        QSet<QString> targetNames;
        for (const TableSpec &t : std::as_const(plan.tables)) {
            if (t.name.isEmpty())
                continue;
            if (tableNames.contains(t.name))
                error(t.where, QStringLiteral("table '%1' is listed twice").arg(t.name));
            tableNames.insert(t.name);
            const QString target = t.effectiveTargetName();
            if (targetNames.contains(target))
                error(t.where,
                      QStringLiteral("two tables are copied into the same target table '%1'")
                          .arg(target));
            targetNames.insert(target);
        }
        auto checkTables = [&](const QStringList &names, const SourceLocation &where) {
            for (const QString &name : names) {
                if (!tableNames.contains(name))
                    error(where, QStringLiteral("table '%1' is not in the plan's 'tables'")
                                     .arg(name));
            }
        };
        QSet<QString> ids;
        int lastWeek = 0;
        bool setsWriteTarget = false;
        bool setsActiveSide = false;
        bool rampsFeature = false;
        for (const PhaseSpec &p : std::as_const(plan.phases)) {
            if (!p.id.isEmpty()) {
                if (ids.contains(p.id))
                    error(p.where, QStringLiteral("phase id '%1' is used twice").arg(p.id));
                ids.insert(p.id);
            }
            if (p.week > 0) {
                if (p.week < lastWeek)
                    error(p.where, QStringLiteral("phase '%1' is planned for week %2, before "
                                                  "the previous phase (week %3); phases run in "
                                                  "order")
                                       .arg(p.id)
                                       .arg(p.week)
                                       .arg(lastWeek));
                lastWeek = p.week;
            }
            for (const JobSpec &j : p.jobs)
                checkTables(j.tables, j.where);
            for (const GateSpec &g : p.gates)
                checkTables(g.tables, g.where);
            for (const FlagSetting &f : p.flags) {
                setsWriteTarget = setsWriteTarget ||
                                  (f.name == QLatin1String("write_target") && f.value.toBool());
                setsActiveSide = setsActiveSide || f.name == QLatin1String("active_side");
            }
            rampsFeature = rampsFeature || p.ramp.flag.startsWith(QLatin1String("feature."));
        }
        const SourceLocation strategyAt = at(root["strategy"]);
        if (plan.uses(Strategy::DualWrite) && !setsWriteTarget)
            error(strategyAt, QStringLiteral("a dual_write plan needs a phase that sets "
                                             "'write_target: on'"));
        if (plan.uses(Strategy::BlueGreen) && !setsActiveSide)
            error(strategyAt, QStringLiteral("a blue_green plan needs a phase that sets "
                                             "'active_side'"));
        if (plan.uses(Strategy::FlagRamp) && !rampsFeature)
            error(strategyAt, QStringLiteral("a flag_ramp plan needs a phase with a 'ramp' on "
                                             "a feature.<name> flag"));
    }

    void read(const YAML::Node &root, Plan &plan)
    {
        const SourceLocation top{m_file, 1, 1};
        if (!root.IsMap()) {
            error(root.IsNull() ? top : at(root), root.IsNull() ? QStringLiteral("the plan is empty; expected a mapping "
                                                       "starting with 'version: 1'")
                                      : QStringLiteral("a plan must be a mapping of sections "
                                                       "(version, migration, source, …)"));
            return;
        }
        rejectSecrets(root);
        checkMap(root, QStringLiteral("the plan"), kRootKeys);
        if (!has(root, "version")) {
            error(top, QStringLiteral("the plan is missing 'version: 1' (the plan format "
                                      "version) at the top"));
        } else if (auto v = integer(root, "version", 1, 1000); v && *v != Plan::kCurrentVersion) {
            error(root["version"],
                  QStringLiteral("plan format version %1 is not supported; this Switchyard "
                                 "reads version %2")
                      .arg(*v)
                      .arg(Plan::kCurrentVersion));
        }
        auto section = [&](const char *key) {
            if (!has(root, key))
                error(top, QStringLiteral("the plan is missing the required section '%1'")
                               .arg(q(key)));
            return has(root, key);
        };
        if (section("migration"))
            readMigration(root["migration"], plan.migration);
        if (section("source"))
            readConnection(root["source"], plan.source, false);
        if (section("target"))
            readConnection(root["target"], plan.target, true);
        if (has(root, "control_store"))
            readControlStore(root["control_store"], plan.controlStore);
        if (has(root, "types"))
            readTypes(root["types"], plan.types);
        if (section("tables")) {
            readList(root, "tables", QStringLiteral("'tables'"), plan.tables,
                     [this](const YAML::Node &i, TableSpec &t) { readTable(i, t); });
            if (root["tables"].IsSequence() && root["tables"].size() == 0)
                error(root["tables"], QStringLiteral("'tables' lists no table"));
        }
        if (section("strategy"))
            readStrategy(root["strategy"], plan.strategies);
        if (section("phases")) {
            readList(root, "phases", QStringLiteral("'phases'"), plan.phases,
                     [this](const YAML::Node &i, PhaseSpec &p) { readPhase(i, p); });
            if (root["phases"].IsSequence() && root["phases"].size() == 0)
                error(root["phases"], QStringLiteral("'phases' lists no phase"));
        }
        readList(root, "risks", QStringLiteral("'risks'"), plan.risks,
                 [this](const YAML::Node &i, Risk &r) { readRisk(i, r); });
        if (has(root, "timeline")) {
            const YAML::Node t = root["timeline"];
            if (checkMap(t, QStringLiteral("'timeline'"), kTimelineKeys))
                plan.timelineStart = date(t, "start").value_or(QDate());
        }
        if (m_errors.isEmpty())
            crossCheck(root, plan);
    }

private:
    QString m_file;
    QList<PlanError> &m_errors;
};

} // namespace

QString PlanLoadResult::errorText() const
{
    QStringList lines;
    for (const PlanError &e : errors)
        lines << e.toString();
    return lines.join(QLatin1Char('\n'));
}

PlanLoadResult PlanLoader::loadFile(const QString &path)
{
    QFile file(path);
    if (!file.exists()) {
        PlanLoadResult r;
        r.errors << PlanError{SourceLocation{path, 0, 0},
                              QStringLiteral("no such file; check the path")};
        return r;
    }
    if (QFileInfo(path).isDir() || !file.open(QIODevice::ReadOnly)) {
        PlanLoadResult r;
        r.errors << PlanError{SourceLocation{path, 0, 0},
                              QStringLiteral("cannot read the file: %1").arg(file.errorString())};
        return r;
    }
    // Plans are small; a multi-megabyte "plan" is a wrong file, not a plan.
    constexpr qint64 kMaxPlanBytes = 4 * 1024 * 1024;
    if (file.size() > kMaxPlanBytes) {
        PlanLoadResult r;
        r.errors << PlanError{SourceLocation{path, 0, 0},
                              QStringLiteral("the file is %1 bytes; a plan is at most %2 bytes. "
                                             "Is this the right file?")
                                  .arg(file.size())
                                  .arg(kMaxPlanBytes)};
        return r;
    }
    PlanLoadResult r = loadText(file.readAll(), path);
    if (r.plan)
        r.plan->filePath = QFileInfo(path).absoluteFilePath();
    return r;
}

PlanLoadResult PlanLoader::loadText(const QByteArray &yaml, const QString &fileName)
{
    PlanLoadResult result;
    if (yaml.contains('\0')) {
        const int offset = int(yaml.indexOf('\0'));
        const int line = int(yaml.left(offset).count('\n')) + 1;
        const int column = offset - int(yaml.lastIndexOf('\n', offset - 1));
        result.errors << PlanError{SourceLocation{fileName, line, column},
                                   QStringLiteral("the file holds a NUL byte; a plan is UTF-8 "
                                                  "text (is this a binary file?)")};
        return result;
    }
    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::ParserException &e) {
        SourceLocation where{fileName, 0, 0};
        if (!e.mark.is_null()) {
            where.line = e.mark.line + 1;
            where.column = e.mark.column + 1;
        }
        result.errors << PlanError{where, QStringLiteral("YAML syntax error: %1")
                                              .arg(QString::fromStdString(e.msg))};
        return result;
    }
    Plan plan;
    plan.filePath = fileName;
    try {
        Reader reader(fileName, result.errors);
        reader.read(root, plan);
    } catch (const YAML::Exception &e) {
        // yaml-cpp throws on shapes we did not foresee; report, never crash.
        SourceLocation where{fileName, 0, 0};
        if (!e.mark.is_null()) {
            where.line = e.mark.line + 1;
            where.column = e.mark.column + 1;
        }
        result.errors << PlanError{where, QStringLiteral("cannot read this part of the plan: %1")
                                              .arg(QString::fromStdString(e.msg))};
    }
    std::stable_sort(result.errors.begin(), result.errors.end(),
                     [](const PlanError &a, const PlanError &b) {
                         return std::pair(a.where.line, a.where.column) <
                                std::pair(b.where.line, b.where.column);
                     });
    if (result.errors.isEmpty())
        result.plan = std::move(plan);
    return result;
}

} // namespace switchyard::core
