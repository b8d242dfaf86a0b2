#include "cli/SchemaCommands.h"

#include "cli/CliApp.h"
#include "common/DbError.h"
#include "plan/PlanLoader.h"
#include "source/MySqlConnection.h"
#include "source/SchemaIntrospector.h"
#include "target/PgConnection.h"
#include "types/SchemaConversion.h"

namespace switchyard::cli {

using namespace switchyard::core;

QString schemaCommandHelp()
{
    return QStringLiteral(
        "Usage:\n"
        "  switchyard-cli schema show PLAN [--check-data]\n"
        "      read the plan's tables from the source and print the PostgreSQL DDL with\n"
        "      every warning, for review. --check-data also scans the data: values the\n"
        "      copy will convert or reject (per column, with the policy that decides),\n"
        "      and unique-key values that would collide under lower() in PostgreSQL.\n"
        "  switchyard-cli schema apply PLAN [--skip-existing | --include-existing]\n"
        "      create the tables (and, unless the plan defers them, indexes and foreign\n"
        "      keys) in one transaction. Existing tables are refused unless\n"
        "      --skip-existing (leave them alone) or --include-existing (drop and\n"
        "      re-create them: their data is lost).\n"
        "  switchyard-cli schema apply PLAN --post-data\n"
        "      after the backfill: create the deferred indexes and foreign keys and move\n"
        "      each identity sequence past max(id) and the source's AUTO_INCREMENT.\n"
        "\n"
        "Exit status: 0 done (show: no errors), 1 errors in the schema or refused,\n"
        "2 usage error, 3 a server could not be reached or failed.\n");
}

namespace {

struct Options
{
    QString sub;
    QString planPath;
    bool checkData = false;
    bool postData = false;
    SchemaApplyOptions::Existing existing = SchemaApplyOptions::Existing::Refuse;
};

int usage(QTextStream &err, const QString &message)
{
    err << "switchyard-cli schema: " << message << "\n\n" << schemaCommandHelp();
    return Usage;
}

void printDataChecks(const SchemaConversion &c, const TypePolicies &policies, MySqlConnection &source,
                     QTextStream &out)
{
    SchemaIntrospector introspector(source);
    out << "-- Data check: unique keys on case-insensitive columns, values equal under lower()\n";
    int checked = 0;
    for (const TableMapping &t : c.tables) {
        QList<SourceIndex> keys;
        if (t.source.primaryKey)
            keys << *t.source.primaryKey;
        for (const SourceIndex &i : t.source.indexes) {
            if (i.unique)
                keys << i;
        }
        for (const SourceIndex &k : keys) {
            bool ci = false;
            for (const QString &col : k.columns) {
                const ColumnMapping *m = t.column(col);
                ci = ci || (m && m->source.isCaseInsensitive());
            }
            if (!ci)
                continue;
            ++checked;
            const auto collisions = introspector.lowerCaseCollisions(t.source, k);
            if (collisions.isEmpty()) {
                out << "--   " << t.source.name << "." << k.name << ": no collisions\n";
                continue;
            }
            out << "--   " << t.source.name << "." << k.name << ": " << collisions.size()
                << " value group(s) would collide in a unique index on lower():\n";
            for (const auto &col : collisions)
                out << "--     (" << col.values.join(QStringLiteral(", ")) << ") × " << col.rows << "\n";
        }
    }
    if (checked == 0)
        out << "--   no unique key uses a case-insensitive column\n";

    out << "-- Data check: values the copy will convert or reject\n";
    const QList<DataFinding> findings = checkData(c, policies, source);
    for (const DataFinding &f : findings) {
        out << "--   " << f.table << "." << f.column << ": " << f.rows << " row(s) with " << f.what << ": "
            << f.outcome << "\n";
    }
    if (findings.isEmpty())
        out << "--   none: every value copies unchanged\n";
    out << "\n";
}

} // namespace

int runSchemaCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.isEmpty() || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h")) {
        (args.isEmpty() ? err : out) << schemaCommandHelp();
        return args.isEmpty() ? Usage : Ok;
    }
    Options o;
    o.sub = args.first();
    if (o.sub != QLatin1String("show") && o.sub != QLatin1String("apply"))
        return usage(err, QStringLiteral("unknown command '%1'").arg(o.sub));
    for (int i = 1; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--check-data") && o.sub == QLatin1String("show"))
            o.checkData = true;
        else if (a == QLatin1String("--post-data") && o.sub == QLatin1String("apply"))
            o.postData = true;
        else if (a == QLatin1String("--skip-existing") && o.sub == QLatin1String("apply"))
            o.existing = SchemaApplyOptions::Existing::Skip;
        else if (a == QLatin1String("--include-existing") && o.sub == QLatin1String("apply"))
            o.existing = SchemaApplyOptions::Existing::Replace;
        else if (a.startsWith(QLatin1Char('-')))
            return usage(err, QStringLiteral("unknown option '%1' for schema %2").arg(a, o.sub));
        else if (o.planPath.isEmpty())
            o.planPath = a;
        else
            return usage(err, QStringLiteral("unexpected argument '%1'").arg(a));
    }
    if (o.planPath.isEmpty())
        return usage(err, QStringLiteral("missing PLAN"));
    if (o.postData && o.existing != SchemaApplyOptions::Existing::Refuse)
        return usage(err, QStringLiteral("--post-data cannot be combined with --skip-existing/--include-existing"));

    const PlanLoadResult loaded = PlanLoader::loadFile(o.planPath);
    if (!loaded.ok()) {
        err << loaded.errorText() << "\n";
        return Problem;
    }
    const Plan &plan = *loaded.plan;

    try {
        MySqlConnection source;
        source.open(plan.source);
        const SchemaConversion conversion = convertSchema(plan, source);

        if (o.sub == QLatin1String("show")) {
            out << "-- source: " << source.describe() << " (" << source.serverVersion() << ")\n";
            if (o.checkData)
                printDataChecks(conversion, plan.types, source, out);
            out << conversion.ddl.script();
            out.flush();
            if (conversion.ddl.hasErrors()) {
                err << "the schema has errors (see the comments at the top); `schema apply` will refuse it\n";
                return Problem;
            }
            return Ok;
        }

        for (const SchemaWarning &w : conversion.ddl.warnings)
            err << w.toString() << "\n";
        PgConnection target;
        target.open(plan.target);
        SchemaApplyOptions options;
        options.existing = o.existing;
        options.postData = o.postData;
        const SchemaApplyResult r = applySchema(conversion, target, source, options);
        if (!r.applied) {
            err << "schema apply: " << r.refusal << "\n";
            return Problem;
        }
        out << "Applied " << r.statements.size() << " statement(s) to " << target.describe() << " in one transaction";
        if (!o.postData && conversion.ddl.postDataDeferred && !conversion.ddl.postData.isEmpty())
            out << "; " << conversion.ddl.postData.size()
                << " index/foreign-key statement(s) wait for `schema apply --post-data` after the backfill";
        out << ".\n";
        return Ok;
    } catch (const DbException &e) {
        err << "schema " << o.sub << ": " << e.error().toString() << "\n";
        return Failure;
    }
}

} // namespace switchyard::cli
