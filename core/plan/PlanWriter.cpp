#include "plan/PlanWriter.h"

#include <yaml-cpp/yaml.h>

#include <QRegularExpression>
#include <QSaveFile>

namespace switchyard::core {

namespace {

// Plain scalars only where YAML cannot misread them (a table called "yes" or
// "1e3" must stay a string); everything else is double-quoted.
bool isSafePlain(const QString &s)
{
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z_][A-Za-z0-9_.\\-/]*$"));
    static const QStringList keywords{
        QStringLiteral("true"), QStringLiteral("false"), QStringLiteral("yes"),
        QStringLiteral("no"),   QStringLiteral("on"),    QStringLiteral("off"),
        QStringLiteral("null"), QStringLiteral("y"),     QStringLiteral("n")};
    return safe.match(s).hasMatch() && !keywords.contains(s.toLower());
}

class Writer
{
public:
    YAML::Emitter out;

    Writer()
    {
        out.SetIndent(2);
        out.SetSeqFormat(YAML::Block);
        out.SetMapFormat(YAML::Block);
    }

    void key(const char *k) { out << YAML::Key << k << YAML::Value; }

    void text(const QString &s)
    {
        const std::string utf8 = s.toStdString();
        if (isSafePlain(s))
            out << utf8;
        else
            out << YAML::DoubleQuoted << utf8;
    }

    void field(const char *k, const QString &s)
    {
        key(k);
        text(s);
    }
    void optionalField(const char *k, const QString &s)
    {
        if (!s.isEmpty())
            field(k, s);
    }
    void field(const char *k, int v)
    {
        key(k);
        out << v;
    }
    void field(const char *k, bool v)
    {
        key(k);
        out << (v ? "true" : "false");
    }
    void dateField(const char *k, const QDate &d)
    {
        if (d.isValid())
            field(k, d.toString(Qt::ISODate));
    }
    void list(const char *k, const QStringList &items)
    {
        key(k);
        out << YAML::Flow << YAML::BeginSeq;
        for (const QString &i : items)
            text(i);
        out << YAML::EndSeq;
    }
    void optionalList(const char *k, const QStringList &items)
    {
        if (!items.isEmpty())
            list(k, items);
    }

    void flags(const char *k, const QList<FlagSetting> &flags)
    {
        key(k);
        out << YAML::BeginMap;
        for (const FlagSetting &f : flags) {
            out << YAML::Key << f.name.toStdString() << YAML::Value;
            if (f.value.typeId() == QMetaType::Bool)
                out << (f.value.toBool() ? "on" : "off");
            else if (f.value.typeId() == QMetaType::Int)
                out << f.value.toInt();
            else
                text(f.value.toString());
        }
        out << YAML::EndMap;
    }

    void connection(const char *k, const ConnectionSettings &c)
    {
        key(k);
        out << YAML::BeginMap;
        field("engine", ConnectionSettings::engineName(c.engine));
        field("host", c.host);
        if (c.port > 0)
            field("port", c.port);
        field("user", c.user);
        field("database", c.database);
        optionalField("schema", c.schema);
        optionalField("ssl_mode", c.sslMode);
        optionalField("ssl_ca", c.sslCa);
        out << YAML::EndMap;
    }

    void table(const TableSpec &t)
    {
        out << YAML::BeginMap;
        field("name", t.name);
        optionalField("target", t.targetName);
        optionalList("key", t.keyColumns);
        optionalList("include", t.includeColumns);
        optionalList("exclude", t.excludeColumns);
        if (!t.columnOverrides.isEmpty()) {
            key("columns");
            out << YAML::BeginMap;
            for (const ColumnOverride &o : t.columnOverrides) {
                out << YAML::Key;
                text(o.column);
                out << YAML::Value << YAML::Flow << YAML::BeginMap;
                field("type", o.targetType);
                out << YAML::EndMap;
            }
            out << YAML::EndMap;
        }
        if (t.batchRows > 0)
            field("batch_rows", t.batchRows);
        field("max_rows_per_second", t.maxRowsPerSecond);
        field("consistency", t.consistency == TableSpec::Consistency::Snapshot
                                 ? QStringLiteral("snapshot")
                                 : QStringLiteral("locking"));
        out << YAML::EndMap;
    }

    void gate(const GateSpec &g)
    {
        out << YAML::BeginMap;
        field("type", GateSpec::kindName(g.kind));
        switch (g.kind) {
        case GateSpec::Kind::BackfillComplete:
            optionalList("tables", g.tables);
            break;
        case GateSpec::Kind::ValidationClean:
            optionalList("tables", g.tables);
            if (g.maxAgeMinutes > 0)
                field("max_age_minutes", g.maxAgeMinutes);
            break;
        case GateSpec::Kind::ShadowMismatchRate:
            key("below");
            out << g.threshold;
            field("window_minutes", g.windowMinutes);
            break;
        case GateSpec::Kind::RepairQueueEmpty:
            break;
        case GateSpec::Kind::Soak:
            field("minutes", g.minutes);
            break;
        case GateSpec::Kind::Manual:
            field("text", g.text);
            break;
        }
        if (g.allowOverride)
            field("allow_override", true);
        out << YAML::EndMap;
    }

    void phase(const PhaseSpec &p)
    {
        out << YAML::BeginMap;
        field("id", p.id);
        field("title", p.title);
        optionalField("description", p.description);
        if (p.week > 0)
            field("week", p.week);
        if (!p.flags.isEmpty())
            flags("flags", p.flags);
        if (!p.ramp.isEmpty()) {
            key("ramp");
            out << YAML::Flow << YAML::BeginMap;
            field("flag", p.ramp.flag);
            key("steps");
            out << YAML::Flow << YAML::BeginSeq;
            for (int s : p.ramp.steps)
                out << s;
            out << YAML::EndSeq << YAML::EndMap;
        }
        if (!p.jobs.isEmpty()) {
            key("jobs");
            out << YAML::BeginSeq;
            for (const JobSpec &j : p.jobs) {
                out << YAML::Flow << YAML::BeginMap;
                field("type", JobSpec::kindName(j.kind));
                optionalList("tables", j.tables);
                if (j.kind == JobSpec::Kind::Validate)
                    field("mode", JobSpec::modeName(j.mode));
                out << YAML::EndMap;
            }
            out << YAML::EndSeq;
        }
        if (!p.gates.isEmpty()) {
            key("gates");
            out << YAML::BeginSeq;
            for (const GateSpec &g : p.gates)
                gate(g);
            out << YAML::EndSeq;
        }
        key("rollback");
        out << YAML::BeginMap;
        if (!p.rollback.flags.isEmpty())
            flags("flags", p.rollback.flags);
        field("stop_jobs", p.rollback.stopJobs);
        if (p.rollback.waitForReverseSync)
            field("wait_for_reverse_sync", *p.rollback.waitForReverseSync);
        optionalField("note", p.rollback.note);
        out << YAML::EndMap;
        out << YAML::EndMap;
    }

    void plan(const Plan &plan)
    {
        out << YAML::BeginMap;
        field("version", plan.version);

        key("migration");
        out << YAML::BeginMap;
        field("name", plan.migration.name);
        field("owner", plan.migration.owner);
        optionalField("why", plan.migration.why);
        field("risk_level", plan.migration.riskLevel);
        if (plan.migration.windowStart.isValid() || plan.migration.windowEnd.isValid()) {
            key("window");
            out << YAML::BeginMap;
            dateField("start", plan.migration.windowStart);
            dateField("end", plan.migration.windowEnd);
            out << YAML::EndMap;
        }
        out << YAML::EndMap;

        connection("source", plan.source);
        connection("target", plan.target);

        if (!plan.controlStore.location.isEmpty()) {
            key("control_store");
            out << YAML::BeginMap;
            field(plan.controlStore.kind == ControlStoreSettings::Kind::Sqlite ? "sqlite"
                                                                              : "postgresql",
                  plan.controlStore.location);
            out << YAML::EndMap;
        }

        const TypePolicies &t = plan.types;
        key("types");
        out << YAML::BeginMap;
        field("zero_dates", t.zeroDates == TypePolicies::ZeroDate::Null       ? QStringLiteral("null")
                            : t.zeroDates == TypePolicies::ZeroDate::Sentinel ? QStringLiteral("sentinel")
                                                                              : QStringLiteral("reject"));
        if (t.zeroDates == TypePolicies::ZeroDate::Sentinel)
            field("zero_date_sentinel", t.zeroDateSentinel);
        field("nul_bytes", t.nulBytes == TypePolicies::NulBytes::Strip ? QStringLiteral("strip")
                                                                       : QStringLiteral("reject"));
        field("enums", t.enums == TypePolicies::EnumAs::EnumType ? QStringLiteral("enum_type")
                                                                 : QStringLiteral("check"));
        field("tinyint1", t.tinyint1AsBoolean ? QStringLiteral("boolean")
                                              : QStringLiteral("smallint"));
        field("defer_secondary_indexes", t.deferSecondaryIndexes);
        out << YAML::EndMap;

        key("tables");
        out << YAML::BeginSeq;
        for (const TableSpec &tab : plan.tables)
            table(tab);
        out << YAML::EndSeq;

        QStringList strategies;
        for (Strategy s : plan.strategies)
            strategies << Plan::strategyName(s);
        list("strategy", strategies);

        key("phases");
        out << YAML::BeginSeq;
        for (const PhaseSpec &p : plan.phases)
            phase(p);
        out << YAML::EndSeq;

        if (!plan.risks.isEmpty()) {
            key("risks");
            out << YAML::BeginSeq;
            for (const Risk &r : plan.risks) {
                out << YAML::BeginMap;
                field("risk", r.risk);
                field("likelihood", r.likelihood);
                field("impact", r.impact);
                field("mitigation", r.mitigation);
                optionalField("owner", r.owner);
                out << YAML::EndMap;
            }
            out << YAML::EndSeq;
        }
        if (plan.timelineStart.isValid()) {
            key("timeline");
            out << YAML::BeginMap;
            dateField("start", plan.timelineStart);
            out << YAML::EndMap;
        }
        out << YAML::EndMap;
    }
};

} // namespace

QByteArray PlanWriter::toYaml(const Plan &plan)
{
    Writer w;
    w.plan(plan);
    QByteArray yaml("# Switchyard migration plan (format: docs/plan-format.md)\n");
    yaml += QByteArray(w.out.c_str());
    yaml += '\n';
    return yaml;
}

bool PlanWriter::saveFile(const Plan &plan, const QString &path, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
        return false;
    }
    file.write(toYaml(plan));
    if (!file.commit()) {
        if (error)
            *error = QStringLiteral("%1: cannot save: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace switchyard::core
