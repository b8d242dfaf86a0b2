#include "cli/FlagsCommands.h"

#include "cli/CliApp.h"
#include "cli/CliCommon.h"
#include "flags/FlagPublisher.h"
#include "flags/FlagReader.h"
#include "store/ControlStore.h"
#include "target/PgConnection.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard::cli {

using namespace switchyard::core;

QString flagsCommandHelp()
{
    return QStringLiteral(
        "Usage: switchyard-cli flags show PLAN [--history N]\n"
        "       switchyard-cli flags set PLAN NAME=VALUE [NAME=VALUE …]\n"
        "                                --operator WHO --reason TEXT\n"
        "\n"
        "The flags the application reads, published on the plan's target database\n"
        "(table switchyard.flags; docs/flags.md describes the protocol).\n"
        "\n"
        "  show   the flags in force, their version, and the latest changes\n"
        "         (--history N: how many, default 10)\n"
        "  set    change flags in one transaction: the global version goes up by one\n"
        "         and listening applications are notified. Every NAME=VALUE is\n"
        "         checked first; when one is wrong nothing is written. The change is\n"
        "         recorded in the control store's audit log.\n"
        "\n"
        "Flags: write_source, write_target (on/off), read_from (source/target),\n"
        "read_percent (0-100), shadow_read (on/off), shadow_sample_percent (0-100),\n"
        "active_side (blue/green), feature.<name> (0-100).\n"
        "\n"
        "Exit status: 0 done, 1 nothing to change or the plan is invalid, 2 usage\n"
        "(including a bad flag name or value), 3 the target or the control store\n"
        "could not be reached.\n");
}

namespace {

int usageError(QTextStream &err, const QString &message)
{
    err << "switchyard-cli flags: " << message << "\n"
        << "Run 'switchyard-cli flags --help' for usage.\n";
    return Usage;
}

QString when(const QDateTime &t)
{
    return t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss'Z'"));
}

int show(const Plan &plan, int historyRows, QTextStream &out, QTextStream &err)
{
    FlagSnapshot snap;
    QList<FlagHistoryRow> history;
    try {
        PgConnection pg;
        pg.open(plan.target);
        FlagReader reader(pg);
        snap = reader.read();
        history = reader.history(historyRows);
    } catch (const DbException &e) {
        err << "switchyard-cli flags: cannot read the flags from the target: " << e.what() << "\n";
        return Failure;
    }
    if (!snap.published)
        out << "No flags published yet on " << plan.target.host << ":"
            << plan.target.effectivePort() << "/" << plan.target.database
            << "; applications use the defaults:\n";
    else
        out << "Flags version " << snap.version << " on " << plan.target.host << ":"
            << plan.target.effectivePort() << "/" << plan.target.database << "\n";
    QMap<QString, FlagRow> rows;
    for (const FlagRow &r : std::as_const(snap.rows))
        rows.insert(r.name, r);
    for (const QString &name : snap.flags.names()) {
        QString line = QStringLiteral("  %1 %2")
                           .arg(name.leftJustified(24), snap.flags.displayValue(name).leftJustified(8));
        const auto it = rows.constFind(name);
        if (it != rows.constEnd())
            line += QStringLiteral("  v%1  %2  %3: %4")
                        .arg(it->version)
                        .arg(when(it->changedAt), it->changedBy, it->reason);
        else
            line += QStringLiteral("  (default)");
        out << line << "\n";
    }
    for (const QString &p : std::as_const(snap.problems))
        out << "  ignored: " << p << "\n";
    if (!history.isEmpty()) {
        out << "\nLatest changes:\n";
        for (const FlagHistoryRow &h : std::as_const(history))
            out << "  v" << h.version << "  " << when(h.changedAt) << "  " << h.name << ": "
                << (h.oldJson.isEmpty() ? QStringLiteral("(unset)") : h.oldJson) << " -> "
                << (h.newJson.isEmpty() ? QStringLiteral("(removed)") : h.newJson) << "  by "
                << h.changedBy << ": " << h.reason << "\n";
    }
    return Ok;
}

int set(const Plan &plan, const QString &planPath, const QStringList &pairs, const QString &who,
        const QString &reason, QTextStream &out, QTextStream &err)
{
    // Validate every pair before touching any server.
    FlagSet check;
    QList<QPair<QString, QString>> changes;
    QStringList problems;
    for (const QString &pair : pairs) {
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            problems << QStringLiteral("'%1' is not NAME=VALUE").arg(pair);
            continue;
        }
        const QString name = pair.left(eq).trimmed();
        const QString value = pair.mid(eq + 1);
        const QString e = check.setFromText(name, value);
        if (!e.isEmpty())
            problems << e;
        else
            changes << qMakePair(name, value);
    }
    if (!problems.isEmpty()) {
        for (const QString &p : std::as_const(problems))
            err << "switchyard-cli flags: " << p << "\n";
        err << "Nothing was changed.\n";
        return Usage;
    }

    // The audit log must be writable before anything changes.
    const ControlStoreLocation location = ControlStoreLocation::fromPlan(plan);
    std::optional<ControlStore> store;
    qint64 runId = 0;
    try {
        store.emplace(ControlStore::open(location));
        runId = store->runs().ensureRun(plan.migration.name, plan.filePath, planSha256(planPath));
    } catch (const std::exception &e) {
        err << "switchyard-cli flags: cannot open the control store (" << location.describe()
            << "): " << e.what() << "\nNothing was changed.\n";
        return Failure;
    }

    FlagSnapshot before;
    FlagPublisher::Result result;
    FlagSet after;
    try {
        PgConnection pg;
        pg.open(plan.target);
        before = FlagReader(pg).read();
        after = before.flags;
        for (const auto &c : std::as_const(changes))
            after.setFromText(c.first, c.second); // validated above
        result = FlagPublisher(pg).publish(after, who, reason);
    } catch (const DbException &e) {
        err << "switchyard-cli flags: cannot publish the flags on the target: " << e.what()
            << "\n";
        return Failure;
    }
    if (result.changed.isEmpty()) {
        out << "Nothing to change: the flags already have these values (version "
            << result.version << ").\n";
        return Problem;
    }

    QStringList stored; // names that had a row before (others were defaults)
    for (const FlagRow &r : std::as_const(before.rows))
        stored << r.name;
    QJsonObject changed;
    for (const QString &name : std::as_const(result.changed)) {
        QJsonObject c;
        c.insert(QStringLiteral("old"), stored.contains(name) && before.flags.value(name).isValid()
                                            ? QJsonValue::fromVariant(before.flags.value(name))
                                            : QJsonValue());
        c.insert(QStringLiteral("new"), after.value(name).isValid()
                                            ? QJsonValue::fromVariant(after.value(name))
                                            : QJsonValue());
        changed.insert(name, c);
    }
    QJsonObject details;
    details.insert(QStringLiteral("version"), double(result.version));
    details.insert(QStringLiteral("changes"), changed);
    try {
        AuditEntry entry;
        entry.runId = runId;
        entry.operatorName = who;
        entry.action = QStringLiteral("flags.set");
        entry.target = QStringLiteral("flags:v%1").arg(result.version);
        entry.reason = reason;
        entry.detailsJson =
            QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact));
        store->audit().appendAudit(entry);
    } catch (const std::exception &e) {
        err << "switchyard-cli flags: the flags WERE published (version " << result.version
            << ") but the audit entry could not be written: " << e.what() << "\n";
        return Failure;
    }
    out << "Published flags version " << result.version << ":\n";
    for (const QString &name : std::as_const(result.changed))
        out << "  " << name << ": "
            << (stored.contains(name) ? before.flags.displayValue(name)
                                      : QStringLiteral("(default %1)").arg(before.flags.displayValue(name)))
            << " -> "
            << after.displayValue(name) << "\n";
    return Ok;
}

} // namespace

int runFlagsCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.isEmpty())
        return usageError(err, QStringLiteral("expected 'show' or 'set'"));
    if (args.contains(QLatin1String("--help")) || args.contains(QLatin1String("-h"))) {
        out << flagsCommandHelp();
        return Ok;
    }
    const QString verb = args.first();
    if (verb == QLatin1String("show")) {
        Options opts(args.mid(1), {QStringLiteral("history")}, {});
        const auto history = opts.number(QStringLiteral("history"));
        if (!opts.ok())
            return usageError(err, opts.error());
        if (opts.positional().size() != 1)
            return usageError(err, QStringLiteral("flags show takes one plan file"));
        const QString planPath = opts.positional().first();
        const auto plan = loadPlan(planPath, err);
        if (!plan)
            return Problem;
        return show(*plan, history ? int(*history) : 10, out, err);
    }
    if (verb == QLatin1String("set")) {
        Options opts(args.mid(1), {QStringLiteral("operator"), QStringLiteral("reason")}, {});
        if (!opts.ok())
            return usageError(err, opts.error());
        if (opts.positional().size() < 2)
            return usageError(err, QStringLiteral("flags set takes a plan file and at least one "
                                                  "NAME=VALUE"));
        const QString who = opts.value(QStringLiteral("operator")).trimmed();
        const QString reason = opts.value(QStringLiteral("reason")).trimmed();
        if (who.isEmpty() || reason.isEmpty())
            return usageError(err, QStringLiteral("flags set needs --operator WHO and --reason "
                                                  "TEXT (both go to the audit log)"));
        const QString planPath = opts.positional().first();
        const auto plan = loadPlan(planPath, err);
        if (!plan)
            return Problem;
        return set(*plan, planPath, opts.positional().mid(1), who, reason, out, err);
    }
    return usageError(err, QStringLiteral("unknown subcommand '%1' (expected show or set)").arg(verb));
}

} // namespace switchyard::cli
