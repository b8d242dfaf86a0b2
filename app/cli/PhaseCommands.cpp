#include "cli/PhaseCommands.h"

#include "cli/CliApp.h"
#include "cli/CliCommon.h"
#include "common/DbError.h"
#include "engine/PhaseEngine.h"
#include "store/StoreError.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <poll.h>
#include <unistd.h>

#include <cstdio>
#include <optional>

namespace switchyard::cli {

using namespace switchyard::core;

QString phaseCommandHelp()
{
    return QStringLiteral(
        "Usage: switchyard-cli phase status PLAN [--json]\n"
        "       switchyard-cli phase advance PLAN [--confirm NAME --operator WHO --reason TEXT]\n"
        "                                         [--override] [--check \"manual item\"]… [--yes-all-manual]\n"
        "       switchyard-cli phase rollback PLAN [same options] [--wait-timeout SEC]\n"
        "\n"
        "Drive a plan's phases (docs/engine.md). The state lives in the control store;\n"
        "nothing moves without a person.\n"
        "\n"
        "  status    phases, the current phase and ramp step, its gates with the measured\n"
        "            figure and the threshold, the jobs, the reverse-sync lag\n"
        "  advance   start the run, go to the next ramp step, leave the phase (its gates\n"
        "            must pass), or finish the last phase\n"
        "  rollback  one step back: the previous ramp step, the previous phase, or pending.\n"
        "            Rolling back to writing MySQL waits (--wait-timeout, default 120 s)\n"
        "            until the reverse sync has applied every change PostgreSQL took alone.\n"
        "\n"
        "Without --confirm the transition and its evidence are shown, then the plan's\n"
        "name, the operator and the reason are read from stdin (one line each), and each\n"
        "manual gate is asked (y/N). --confirm NAME (the plan's migration name),\n"
        "--operator and --reason do it without asking; --check TEXT ticks a manual gate\n"
        "(repeatable), --yes-all-manual ticks every one; --override passes failing gates\n"
        "that the plan allows to override (recorded as an override forever).\n"
        "Every request, confirmation, refusal, flag change and job change is audited\n"
        "(switchyard-cli audit show|verify PLAN).\n"
        "\n"
        "Exit status: 0 applied (status: shown), 1 refused (gates, phrase, stale state,\n"
        "reverse lag) with the reason, 2 usage, 3 the control store or the target could\n"
        "not be reached, 130 interrupted.\n");
}

namespace {

constexpr int kInterrupted = 130;

int usageError(QTextStream &err, const QString &message)
{
    err << "switchyard-cli phase: " << message << "\n"
        << "Run 'switchyard-cli phase --help' for usage.\n";
    return Usage;
}

QString when(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss'Z'")) : QStringLiteral("-");
}

QString duration(qint64 seconds)
{
    if (seconds < 120)
        return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 7200)
        return QStringLiteral("%1 min").arg(seconds / 60);
    return QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

void printGates(const QList<GateResult> &gates, QTextStream &out)
{
    for (const GateResult &g : gates) {
        out << "  [" << (g.passed ? "PASS" : (g.manual ? "TICK" : "FAIL")) << "] " << g.name
            << (g.overridable ? "  (override allowed)" : "") << "\n"
            << "         measured: " << g.measured << "   threshold: " << g.threshold << "   at "
            << when(g.measuredAt) << "\n";
        if (!g.passed && !g.detail.isEmpty())
            out << "         " << g.detail << "\n";
    }
}

QJsonObject stateJson(const PhaseState &s)
{
    QJsonObject o;
    o.insert(QStringLiteral("phase_index"), s.phaseIndex);
    o.insert(QStringLiteral("ramp_step"), s.rampStep);
    o.insert(QStringLiteral("status"), storeName(s.status));
    o.insert(QStringLiteral("entered_at"), when(s.enteredAt));
    o.insert(QStringLiteral("updated_by"), s.updatedBy);
    o.insert(QStringLiteral("version"), s.version);
    return o;
}

int status(PhaseEngine &engine, bool json, QTextStream &out)
{
    const EngineSnapshot s = engine.snapshot();
    const Plan &plan = engine.plan();
    if (json) {
        QJsonObject o;
        o.insert(QStringLiteral("plan"), plan.migration.name);
        o.insert(QStringLiteral("run_id"), s.runId);
        o.insert(QStringLiteral("state"), stateJson(s.state));
        QJsonArray phases;
        for (const PhaseView &v : s.phases) {
            QJsonObject p;
            p.insert(QStringLiteral("id"), v.id);
            p.insert(QStringLiteral("title"), v.title);
            p.insert(QStringLiteral("status"), storeName(v.status));
            p.insert(QStringLiteral("ramp_step"), v.rampStep);
            QJsonArray steps;
            for (int st : v.rampSteps)
                steps.append(st);
            p.insert(QStringLiteral("ramp_steps"), steps);
            p.insert(QStringLiteral("ramp_flag"), v.rampFlag);
            p.insert(QStringLiteral("seconds_in_phase"), v.secondsInPhase);
            phases.append(p);
        }
        o.insert(QStringLiteral("phases"), phases);
        o.insert(QStringLiteral("gates"), gateResultsToJsonArray(s.gates));
        QJsonObject flags;
        for (const QString &n : s.flags.names())
            flags.insert(n, QJsonValue::fromVariant(s.flags.value(n)));
        o.insert(QStringLiteral("flags"), flags);
        QJsonArray jobs;
        for (const JobRecord &j : s.jobs) {
            QJsonObject jo;
            jo.insert(QStringLiteral("id"), j.id);
            jo.insert(QStringLiteral("kind"), JobSpec::kindName(j.kind));
            jo.insert(QStringLiteral("table"), j.tableName);
            jo.insert(QStringLiteral("state"), storeName(j.state));
            jo.insert(QStringLiteral("params"), QJsonDocument::fromJson(j.paramsJson.toUtf8()).object());
            jo.insert(QStringLiteral("last_error"), j.lastError);
            jobs.append(jo);
        }
        o.insert(QStringLiteral("jobs"), jobs);
        o.insert(QStringLiteral("can_advance"), s.canAdvance);
        o.insert(QStringLiteral("can_rollback"), s.canRollback);
        if (s.reverseLag) {
            QJsonObject lag;
            lag.insert(QStringLiteral("pending_changes"), s.reverseLag->pendingChanges);
            lag.insert(QStringLiteral("oldest_pending_seconds"), s.reverseLag->oldestPendingSeconds);
            lag.insert(QStringLiteral("last_applied_change_id"), s.reverseLag->lastAppliedChangeId);
            o.insert(QStringLiteral("reverse_lag"), lag);
        }
        out << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return Ok;
    }

    out << "Plan " << plan.migration.name << " (run " << s.runId << ")\n";
    out << "State: ";
    if (s.state.status == PhaseStatus::Pending)
        out << "pending: not started (phase advance starts phase 1)";
    else if (s.state.status == PhaseStatus::Complete)
        out << "complete: every phase done";
    else
        out << plan.phases.at(s.state.phaseIndex).id << " " << storeName(s.state.status) << ", entered "
            << when(s.state.enteredAt);
    out << "  (version " << s.state.version << ", last change by "
        << (s.state.updatedBy.isEmpty() ? QStringLiteral("-") : s.state.updatedBy) << ")\n\nPhases:\n";
    for (int i = 0; i < s.phases.size(); ++i) {
        const PhaseView &v = s.phases.at(i);
        const bool current = s.state.status != PhaseStatus::Pending && s.state.status != PhaseStatus::Complete
            && i == s.state.phaseIndex;
        out << (current ? "  > " : "    ") << (i + 1) << ". " << v.id.leftJustified(22) << " "
            << storeName(v.status).leftJustified(9);
        if (!v.rampSteps.isEmpty()) {
            QStringList steps;
            for (int k = 0; k < v.rampSteps.size(); ++k) {
                const QString st = QString::number(v.rampSteps.at(k));
                steps << (current && k == v.rampStep ? QStringLiteral("[%1]").arg(st) : st);
            }
            out << " " << v.rampFlag << ": " << steps.join(QStringLiteral(" → "));
        }
        if (current)
            out << "  (" << duration(v.secondsInPhase) << " in this step)";
        out << "  " << v.title << "\n";
    }
    if (!s.gates.isEmpty()) {
        out << "\nGates to leave " << (s.state.status == PhaseStatus::Active ? plan.phases.at(s.state.phaseIndex).id : QString())
            << " (manual ones are ticked when confirming):\n";
        printGates(s.gates, out);
    }
    out << "\nFlags in force: ";
    QStringList flags;
    for (const QString &n : s.flags.names())
        flags << QStringLiteral("%1=%2").arg(n, s.flags.displayValue(n));
    out << flags.join(QStringLiteral(" ")) << "\n";
    if (!s.jobs.isEmpty()) {
        out << "\nJobs:\n";
        for (const JobRecord &j : s.jobs) {
            out << "  " << j.id << "  " << JobSpec::kindName(j.kind).leftJustified(12) << " "
                << j.tableName.leftJustified(16) << " " << storeName(j.state).leftJustified(9) << " "
                << j.paramsJson;
            if (!j.lastError.isEmpty())
                out << "  error: " << j.lastError;
            out << "\n";
        }
    }
    if (s.reverseLag)
        out << "\nReverse sync: " << s.reverseLag->pendingChanges << " change(s) behind, oldest "
            << QString::number(s.reverseLag->oldestPendingSeconds, 'f', 1) << " s, last applied change "
            << s.reverseLag->lastAppliedChangeId << "\n";
    return Ok;
}

void printRequest(const TransitionRequest &r, QTextStream &out)
{
    out << r.title << "\n";
    if (!r.gates.isEmpty()) {
        out << "\nGates (measured now; confirm measures them again):\n";
        printGates(r.gates, out);
    }
    if (!r.flagChanges.isEmpty()) {
        out << "\nFlags to publish:\n";
        for (const FlagChange &c : r.flagChanges)
            out << "  " << describeFlagChange(c) << "\n";
    }
    if (!r.jobsToStart.isEmpty())
        out << "\nJobs to enqueue: " << r.jobsToStart.join(QStringLiteral("; ")) << "\n";
    if (!r.jobsToStop.isEmpty())
        out << "Jobs to cancel: " << r.jobsToStop.join(QStringLiteral("; ")) << "\n";
    if (r.waitsForReverseSync) {
        out << "\nWaits for the reverse sync to reach lag 0";
        if (r.reverseLag)
            out << " (now " << r.reverseLag->pendingChanges << " change(s) behind)";
        out << ".\n";
    }
    if (!r.note.isEmpty())
        out << "\n" << r.note << "\n";
    if (!r.gatesPass)
        out << "\nSome gates fail" << (r.overridePossible ? "; the plan allows overriding them (--override, with a reason).\n"
                                                         : " and the plan does not allow an override: the transition will be refused.\n");
}

/// One line from stdin. A terminal waits for the person; anything else must
/// already have data (or EOF) within a moment, so a detached stdin never hangs.
std::optional<QString> readLine(bool terminal)
{
    if (!terminal) {
        pollfd p{STDIN_FILENO, POLLIN, 0};
        if (::poll(&p, 1, 2000) <= 0)
            return std::nullopt;
    }
    char buf[4096];
    if (!std::fgets(buf, sizeof buf, stdin))
        return std::nullopt;
    QString line = QString::fromUtf8(buf);
    while (line.endsWith(QLatin1Char('\n')) || line.endsWith(QLatin1Char('\r')))
        line.chop(1);
    return line;
}

int transition(PhaseEngine &engine, bool rollback, const Options &opts, const QStringList &checks,
               InterruptGuard &guard, QTextStream &out, QTextStream &err)
{
    const QString envUser = qEnvironmentVariable("USER");
    const QString requester = opts.value(QStringLiteral("operator")).trimmed().isEmpty()
        ? envUser
        : opts.value(QStringLiteral("operator")).trimmed();
    const TransitionRequest r = rollback ? engine.requestRollback(requester) : engine.requestAdvance(requester);
    if (!r.allowed) {
        err << "switchyard-cli phase: refused: " << r.refusal << "\n";
        return Problem;
    }
    printRequest(r, out);

    Confirmation c;
    c.override = opts.has(QStringLiteral("override"));
    c.checkedManualItems = checks;
    if (opts.has(QStringLiteral("yes-all-manual")))
        c.checkedManualItems += r.manualItems;
    if (opts.has(QStringLiteral("confirm"))) {
        c.typedPhrase = opts.value(QStringLiteral("confirm"));
        c.operatorName = opts.value(QStringLiteral("operator"));
        c.reason = opts.value(QStringLiteral("reason"));
    } else {
        const bool terminal = ::isatty(STDIN_FILENO) == 1;
        auto ask = [&](const QString &prompt) -> std::optional<QString> {
            out << prompt << Qt::flush;
            return readLine(terminal);
        };
        for (const QString &item : r.manualItems) {
            if (c.checkedManualItems.contains(item))
                continue;
            const auto a = ask(QStringLiteral("\nManual gate: %1\nConfirmed? [y/N] ").arg(item));
            if (!a)
                return usageError(err, QStringLiteral("no confirmation on stdin: give --confirm NAME --operator WHO "
                                                      "--reason TEXT, or answer the questions on a terminal"));
            if (a->trimmed().toLower().startsWith(QLatin1Char('y')))
                c.checkedManualItems << item;
        }
        const auto phrase = ask(QStringLiteral("\nType the plan's name (%1) to confirm: ").arg(r.confirmationPhrase));
        const auto who = phrase ? ask(QStringLiteral("Operator: ")) : std::nullopt;
        const auto why = who ? ask(QStringLiteral("Reason: ")) : std::nullopt;
        if (!why)
            return usageError(err, QStringLiteral("no confirmation on stdin: give --confirm NAME --operator WHO "
                                                  "--reason TEXT, or answer the questions on a terminal"));
        c.typedPhrase = *phrase;
        c.operatorName = *who;
        c.reason = *why;
        out << "\n";
    }
    const TransitionOutcome o = engine.confirm(r, c);
    if (guard.interrupted() && !o.applied) {
        err << "switchyard-cli phase: interrupted: " << o.refusal << "\n";
        return kInterrupted;
    }
    if (!o.applied) {
        err << "switchyard-cli phase: refused: " << o.refusal << "\n";
        return Problem;
    }
    out << (o.overridden ? "Applied WITH OVERRIDE" : "Applied") << " by " << c.operatorName.trimmed() << ": now "
        << (o.state.status == PhaseStatus::Pending
                ? QStringLiteral("pending")
                : (o.state.status == PhaseStatus::Complete
                       ? QStringLiteral("complete")
                       : QStringLiteral("%1 %2, step %3")
                             .arg(engine.plan().phases.at(o.state.phaseIndex).id, storeName(o.state.status))
                             .arg(o.state.rampStep + 1)))
        << " (version " << o.state.version << ").\n";
    if (!o.warning.isEmpty())
        err << "switchyard-cli phase: warning: " << o.warning << "\n";
    return Ok;
}

} // namespace

int runPhaseCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.isEmpty())
        return usageError(err, QStringLiteral("expected status, advance or rollback"));
    if (args.contains(QLatin1String("--help")) || args.contains(QLatin1String("-h"))) {
        out << phaseCommandHelp();
        return Ok;
    }
    const QString verb = args.first();
    if (verb != QLatin1String("status") && verb != QLatin1String("advance") && verb != QLatin1String("rollback"))
        return usageError(err, QStringLiteral("unknown subcommand '%1' (expected status, advance or rollback)").arg(verb));

    // --check may be repeated: take them out before the option reader (which keeps one value per name).
    QStringList rest;
    QStringList checks;
    const QStringList in = args.mid(1);
    for (int i = 0; i < in.size(); ++i) {
        const QString &a = in.at(i);
        if (a == QLatin1String("--check")) {
            if (i + 1 >= in.size())
                return usageError(err, QStringLiteral("--check needs the manual gate's text"));
            checks << in.at(++i);
        } else if (a.startsWith(QLatin1String("--check="))) {
            checks << a.mid(8);
        } else {
            rest << a;
        }
    }
    const bool isStatus = verb == QLatin1String("status");
    Options opts(rest,
                 isStatus ? QStringList{}
                          : QStringList{QStringLiteral("confirm"), QStringLiteral("operator"), QStringLiteral("reason"),
                                        QStringLiteral("wait-timeout")},
                 isStatus ? QStringList{QStringLiteral("json")}
                          : QStringList{QStringLiteral("override"), QStringLiteral("yes-all-manual")});
    std::optional<double> waitTimeout;
    if (!isStatus && opts.has(QStringLiteral("wait-timeout")))
        waitTimeout = opts.number(QStringLiteral("wait-timeout"));
    if (!opts.ok())
        return usageError(err, opts.error());
    if (opts.positional().size() != 1)
        return usageError(err, QStringLiteral("phase %1 takes one plan file").arg(verb));
    if (isStatus && !checks.isEmpty())
        return usageError(err, QStringLiteral("--check belongs to advance and rollback"));
    if (opts.has(QStringLiteral("confirm"))
        && (opts.value(QStringLiteral("operator")).trimmed().isEmpty()
            || opts.value(QStringLiteral("reason")).trimmed().isEmpty()))
        return usageError(err, QStringLiteral("--confirm needs --operator WHO and --reason TEXT (both are audited)"));

    const QString planPath = opts.positional().first();
    const auto plan = loadPlan(planPath, err);
    if (!plan)
        return Problem;

    InterruptGuard guard([] {});
    PhaseEngine::Options engineOptions;
    engineOptions.reverseSyncTimeoutSeconds = waitTimeout ? int(*waitTimeout) : 120;
    engineOptions.cancelled = [&guard] { return guard.interrupted(); };
    engineOptions.progress = [&err](const QString &text) { err << text << "\n" << Qt::flush; };
    try {
        PhaseEngine engine(*plan, planSha256(planPath), ControlStoreLocation::fromPlan(*plan), engineOptions);
        if (isStatus)
            return status(engine, opts.has(QStringLiteral("json")), out);
        return transition(engine, verb == QLatin1String("rollback"), opts, checks, guard, out, err);
    } catch (const StoreException &e) {
        err << "switchyard-cli phase: the control store (" << ControlStoreLocation::fromPlan(*plan).describe()
            << ") failed: " << e.what() << "\n";
        return Failure;
    } catch (const DbException &e) {
        err << "switchyard-cli phase: the target failed: " << e.what()
            << "\nIf a transition was being confirmed, its state change may be recorded already: run "
               "'switchyard-cli phase status' and 'switchyard-cli flags show' before retrying.\n";
        return Failure;
    } catch (const std::exception &e) {
        err << "switchyard-cli phase: " << e.what() << "\n";
        return Failure;
    }
}

} // namespace switchyard::cli
