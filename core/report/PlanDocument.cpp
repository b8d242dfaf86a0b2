#include "report/PlanDocument.h"

#include "report/ReportData.h"
#include "report/ReportRenderer.h"
#include "source/MySqlConnection.h"
#include "source/SchemaIntrospector.h"
#include "target/PgConnection.h"
#include "types/SourceSchema.h"

#include <switchyard/Version.h>

#include <QElapsedTimer>
#include <QLocale>
#include <QTextDocument>

#include <thread>

namespace switchyard::core {

namespace {

QString cell(const QString &text)
{
    QString t = text.simplified();
    t.replace(QLatin1Char('|'), QStringLiteral("\\|"));
    return t.isEmpty() ? QStringLiteral("—") : t;
}

QString num(qint64 v)
{
    return QLocale(QLocale::English).toString(v);
}

QString bytes(qint64 b)
{
    if (b < 0)
        return QStringLiteral("not measured");
    return QLocale(QLocale::English).formattedDataSize(b, 1, QLocale::DataSizeTraditionalFormat);
}

QString rate(double r)
{
    return r < 0 ? QStringLiteral("not measured") : QLocale(QLocale::English).toString(r, 'f', 1) + QStringLiteral("/s");
}

QString flagValue(const QVariant &v)
{
    if (v.typeId() == QMetaType::Bool)
        return v.toBool() ? QStringLiteral("on") : QStringLiteral("off");
    return v.toString();
}

QString flags(const QList<FlagSetting> &list)
{
    QStringList parts;
    for (const FlagSetting &f : list)
        parts << QStringLiteral("`%1` = %2").arg(f.name, flagValue(f.value));
    return parts.join(QStringLiteral(", "));
}

QString endpoint(const ConnectionSettings &c)
{
    return QStringLiteral("%1 at %2:%3, database `%4`, user `%5`%6")
        .arg(engineDisplayName(c.engine), c.host)
        .arg(c.effectivePort())
        .arg(c.database, c.user,
             c.schema.isEmpty() ? QString() : QStringLiteral(", schema `%1`").arg(c.schema));
}

QDate weekStart(const Plan &plan, int week)
{
    const QDate start = plan.timelineStart.isValid() ? plan.timelineStart : plan.migration.windowStart;
    return start.isValid() && week > 0 ? start.addDays(7 * (week - 1)) : QDate();
}

QMap<QString, qint64> comCounters(MySqlConnection &my)
{
    QMap<QString, qint64> out;
    const QueryResult r = my.query(QStringLiteral(
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_insert','Com_update','Com_delete','Com_replace',"
        "'Com_select','Com_insert_select','Com_update_multi','Com_delete_multi')"));
    for (int i = 0; i < r.rowCount(); ++i)
        out.insert(r.text(i, 0).toLower(), r.text(i, 1).toLongLong());
    return out;
}

QString phaseSection(const Plan &plan, int index)
{
    const PhaseSpec &p = plan.phases.at(index);
    QString md = QStringLiteral("### Phase %1 — %2\n\n").arg(index + 1).arg(p.title);
    QStringList facts;
    facts << QStringLiteral("id `%1`").arg(p.id);
    if (p.week > 0) {
        const QDate d = weekStart(plan, p.week);
        facts << (d.isValid() ? QStringLiteral("week %1 (from %2)").arg(p.week).arg(d.toString(Qt::ISODate))
                              : QStringLiteral("week %1").arg(p.week));
    }
    md += QStringLiteral("*%1*\n\n").arg(facts.join(QStringLiteral(", ")));
    if (!p.description.isEmpty())
        md += p.description.simplified() + QStringLiteral("\n\n");
    md += QStringLiteral("- **Flags on entry:** %1\n")
              .arg(p.flags.isEmpty() ? QStringLiteral("none changed") : flags(p.flags));
    if (!p.ramp.isEmpty()) {
        QStringList steps;
        for (int s : p.ramp.steps)
            steps << QString::number(s);
        md += QStringLiteral("- **Ramp:** `%1` %2 %, one step at a time, each confirmed\n")
                  .arg(p.ramp.flag, steps.join(QStringLiteral(" → ")));
    }
    QStringList jobs;
    for (const JobSpec &j : p.jobs) {
        QString text = JobSpec::kindName(j.kind);
        if (j.kind == JobSpec::Kind::Validate)
            text += QStringLiteral(" (%1)").arg(JobSpec::modeName(j.mode));
        text += QStringLiteral(" of ") +
                (j.tables.isEmpty() ? QStringLiteral("every table") : j.tables.join(QStringLiteral(", ")));
        jobs << text;
    }
    md += QStringLiteral("- **Jobs started:** %1\n").arg(jobs.isEmpty() ? QStringLiteral("none") : jobs.join(QStringLiteral("; ")));
    md += QStringLiteral("- **Gates to leave the phase:**%1\n").arg(p.gates.isEmpty() ? QStringLiteral(" none") : QString());
    for (const GateSpec &g : p.gates)
        md += QStringLiteral("    - %1%2\n")
                  .arg(g.describe(), g.allowOverride ? QStringLiteral(" (an operator may override, with a reason)")
                                                     : QString());
    const RollbackSpec &r = p.rollback;
    QStringList rb;
    rb << (r.flags.isEmpty() ? QStringLiteral("restore the flags in force before the phase")
                             : QStringLiteral("set %1").arg(flags(r.flags)));
    rb << (r.stopJobs ? QStringLiteral("stop the phase's jobs (checkpoints kept)") : QStringLiteral("jobs keep running"));
    if (r.waitForReverseSync.value_or(false))
        rb << QStringLiteral("wait until reverse sync has applied every change before the flags revert");
    md += QStringLiteral("- **Rollback:** %1\n").arg(rb.join(QStringLiteral("; ")));
    if (!r.note.isEmpty())
        md += QStringLiteral("- **Rollback note:** %1\n").arg(r.note.simplified());
    return md + QLatin1Char('\n');
}

} // namespace

PlanMeasurements PlanDocument::measure(const Plan &plan, int sampleSeconds)
{
    PlanMeasurements m;
    m.attempted = true;
    m.at = QDateTime::currentDateTimeUtc();
    MySqlConnection::Options mo;
    mo.connectTimeoutSeconds = 5;
    MySqlConnection my;
    try {
        my.open(plan.source, mo);
        m.sourceVersion = my.serverVersion();
    } catch (const std::exception &e) {
        m.sourceError = QString::fromUtf8(e.what()).simplified();
    }
    if (my.isOpen()) {
        SchemaIntrospector introspector(my);
        for (const TableSpec &spec : plan.tables) {
            PlanMeasurements::Table t;
            t.name = spec.name;
            try {
                const SourceTable st = introspector.table(plan.source.database, spec.name);
                t.bytes = st.approxBytes;
                t.rows = st.approxRows;
                if (st.approxRows < kExactCountLimit) {
                    t.rows = my.query(QStringLiteral("SELECT COUNT(*) FROM %1")
                                          .arg(quoteMySqlQualifiedName(plan.source.database, spec.name)))
                                 .scalar()
                                 .toLongLong();
                    t.rowsExact = true;
                }
            } catch (const std::exception &e) {
                t.error = QString::fromUtf8(e.what()).simplified();
            }
            m.tables << t;
        }
        try {
            const QMap<QString, qint64> before = comCounters(my);
            QElapsedTimer timer;
            timer.start();
            std::this_thread::sleep_for(std::chrono::seconds(std::max(1, sampleSeconds)));
            const QMap<QString, qint64> after = comCounters(my);
            m.sampleSeconds = double(timer.elapsed()) / 1000.0;
            auto delta = [&](const char *name) {
                const QString k = QLatin1String(name);
                return double(after.value(k) - before.value(k));
            };
            // Our own two SHOW statements are not counted in Com_select.
            m.writesPerSecond = (delta("com_insert") + delta("com_update") + delta("com_delete") +
                                 delta("com_replace") + delta("com_insert_select") + delta("com_update_multi") +
                                 delta("com_delete_multi")) /
                                m.sampleSeconds;
            m.readsPerSecond = delta("com_select") / m.sampleSeconds;
        } catch (const std::exception &e) {
            m.ratesError = QString::fromUtf8(e.what()).simplified();
        }
    }
    PgConnection::Options po;
    po.connectTimeoutSeconds = 5;
    try {
        PgConnection pg;
        pg.open(plan.target, po);
        m.targetVersion = pg.serverVersion();
    } catch (const std::exception &e) {
        m.targetError = QString::fromUtf8(e.what()).simplified();
    }
    return m;
}

QString PlanDocument::markdown(const Plan &plan, const QString &planSha256, const PlanMeasurements &m)
{
    const MigrationInfo &mi = plan.migration;
    QString md = QStringLiteral("# Migration plan — %1\n\n").arg(mi.name);
    md += QStringLiteral("*Plan file %1, SHA-256 `%2`; document generated %3 by switchyard %4.*\n\n")
              .arg(plan.filePath.isEmpty() ? QStringLiteral("(not from a file)") : plan.filePath, planSha256,
                   QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")),
                   QStringLiteral(SWITCHYARD_VERSION));

    QStringList strategies, tables;
    for (Strategy s : plan.strategies)
        strategies << Plan::strategyName(s);
    for (const TableSpec &t : plan.tables)
        tables << t.name;
    md += QStringLiteral("## 1. Overview\n\n| Item | Plan |\n|---|---|\n");
    md += QStringLiteral("| **What** | Move %1 from %2 to %3 with the %4 strategy, without downtime |\n")
              .arg(cell(tables.join(QStringLiteral(", "))), engineDisplayName(plan.source.engine),
                   engineDisplayName(plan.target.engine), cell(strategies.join(QStringLiteral(" + ")).replace(QLatin1Char('_'), QLatin1Char('-'))));
    md += QStringLiteral("| **Why** | %1 |\n").arg(cell(mi.why));
    md += QStringLiteral("| **When** | %1 |\n")
              .arg(mi.windowStart.isValid()
                       ? QStringLiteral("%1 to %2").arg(mi.windowStart.toString(Qt::ISODate), mi.windowEnd.toString(Qt::ISODate))
                       : QStringLiteral("no window set"));
    md += QStringLiteral("| **Owner** | %1 |\n").arg(cell(mi.owner));
    md += QStringLiteral("| **Risk level** | %1 |\n").arg(cell(mi.riskLevel));
    md += QStringLiteral("| **Phases** | %1, each left only through its gates, each with a rollback |\n")
              .arg(plan.phases.size());
    md += QStringLiteral("| **Risks** | %1 in the register (section 6) |\n\n").arg(plan.risks.size());

    md += QStringLiteral("## 2. Current state (measured on the source)\n\n");
    if (!m.attempted) {
        md += QStringLiteral("Not measured: the document was made without connecting to the servers.\n\n");
    } else if (!m.sourceError.isEmpty()) {
        md += QStringLiteral("Not measured: the source could not be reached (%1).\n\n").arg(m.sourceError);
    } else {
        md += QStringLiteral("Measured %1 on %2 (%3).\n\n")
                  .arg(m.at.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'")), endpoint(plan.source), m.sourceVersion);
        md += QStringLiteral("| Table | Rows | Data + index size |\n|---|---:|---:|\n");
        qint64 totalRows = 0, totalBytes = 0;
        for (const PlanMeasurements::Table &t : m.tables) {
            if (!t.error.isEmpty()) {
                md += QStringLiteral("| %1 | not measured: %2 | |\n").arg(cell(t.name), cell(t.error));
                continue;
            }
            totalRows += std::max<qint64>(0, t.rows);
            totalBytes += std::max<qint64>(0, t.bytes);
            md += QStringLiteral("| %1 | %2%3 | %4 |\n")
                      .arg(cell(t.name), t.rowsExact ? QString() : QStringLiteral("≈ "), num(t.rows), bytes(t.bytes));
        }
        md += QStringLiteral("| **Total** | **%1** | **%2** |\n\n").arg(num(totalRows), bytes(totalBytes));
        if (!m.ratesError.isEmpty())
            md += QStringLiteral("Statement rates not measured: %1.\n\n").arg(m.ratesError);
        else
            md += QStringLiteral("Server-wide statement rates over %1 s (GLOBAL STATUS, all schemas): "
                                 "**%2 writes** (insert, update, delete, replace) and **%3 reads** (select).\n\n")
                      .arg(QLocale(QLocale::English).toString(m.sampleSeconds, 'f', 1), rate(m.writesPerSecond),
                           rate(m.readsPerSecond));
    }

    md += QStringLiteral("## 3. Target state\n\n");
    md += QStringLiteral("- **Target:** %1%2\n")
              .arg(endpoint(plan.target),
                   !m.targetVersion.isEmpty() ? QStringLiteral(" (%1)").arg(m.targetVersion)
                   : m.attempted ? QStringLiteral(" (not reached: %1)").arg(m.targetError)
                                 : QString());
    md += QStringLiteral("- **Types:** zero dates → %1; NUL bytes → %2; ENUM → %3; TINYINT(1) → %4; secondary "
                         "indexes and foreign keys %5\n")
              .arg(plan.types.zeroDates == TypePolicies::ZeroDate::Null       ? QStringLiteral("NULL")
                   : plan.types.zeroDates == TypePolicies::ZeroDate::Sentinel ? plan.types.zeroDateSentinel
                                                                              : QStringLiteral("rejected"),
                   plan.types.nulBytes == TypePolicies::NulBytes::Reject ? QStringLiteral("rejected") : QStringLiteral("stripped"),
                   plan.types.enums == TypePolicies::EnumAs::Check ? QStringLiteral("text with a CHECK") : QStringLiteral("enum type"),
                   plan.types.tinyint1AsBoolean ? QStringLiteral("boolean") : QStringLiteral("smallint"),
                   plan.types.deferSecondaryIndexes ? QStringLiteral("created after the backfill")
                                                    : QStringLiteral("created with the tables"));
    md += QStringLiteral("\n| Source table | Target table | Key | Consistency | Batch rows | Throttle |\n"
                         "|---|---|---|---|---:|---:|\n");
    for (const TableSpec &t : plan.tables)
        md += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 |\n")
                  .arg(cell(t.name), cell(t.effectiveTargetName()),
                       cell(t.keyColumns.isEmpty() ? QStringLiteral("primary key") : t.keyColumns.join(QStringLiteral(", "))),
                       t.consistency == TableSpec::Consistency::Locking ? QStringLiteral("locking") : QStringLiteral("snapshot"),
                       t.batchRows > 0 ? num(t.batchRows) : QStringLiteral("adaptive"),
                       t.maxRowsPerSecond > 0 ? num(t.maxRowsPerSecond) + QStringLiteral(" rows/s") : QStringLiteral("none"));
    md += QLatin1Char('\n');

    md += QStringLiteral("## 4. Phases\n\n");
    for (int i = 0; i < plan.phases.size(); ++i)
        md += phaseSection(plan, i);

    md += QStringLiteral("## 5. Timeline\n\n| Week | Starts | Phase |\n|---:|---|---|\n");
    for (int i = 0; i < plan.phases.size(); ++i) {
        const PhaseSpec &p = plan.phases.at(i);
        const QDate d = weekStart(plan, p.week);
        md += QStringLiteral("| %1 | %2 | %3. %4 |\n")
                  .arg(p.week > 0 ? QString::number(p.week) : QStringLiteral("—"),
                       d.isValid() ? d.toString(Qt::ISODate) : QStringLiteral("unplanned"))
                  .arg(i + 1)
                  .arg(cell(p.title));
    }
    md += QLatin1Char('\n');

    md += QStringLiteral("## 6. Risk register\n\n");
    if (plan.risks.isEmpty()) {
        md += QStringLiteral("The plan lists no risk. A reviewer should ask why.\n\n");
    } else {
        md += QStringLiteral("| # | Risk | Likelihood | Impact | Mitigation | Owner |\n|---:|---|---|---|---|---|\n");
        for (int i = 0; i < plan.risks.size(); ++i) {
            const Risk &r = plan.risks.at(i);
            md += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 |\n")
                      .arg(i + 1)
                      .arg(cell(r.risk), cell(r.likelihood), cell(r.impact), cell(r.mitigation), cell(r.owner));
        }
        md += QLatin1Char('\n');
    }

    md += QStringLiteral("## 7. Review\n\n"
                         "Every transition between phases is confirmed by a person in the Switchyard cockpit, who "
                         "sees the gate results first; every phase can be rolled back as described above. The "
                         "validation report signed at the end proves the data equal on both sides.\n\n"
                         "| Reviewer | Role | Date | Signature |\n|---|---|---|---|\n"
                         "| \u00a0 | \u00a0 | \u00a0 | \u00a0 |\n| \u00a0 | \u00a0 | \u00a0 | \u00a0 |\n");
    return md;
}

QByteArray PlanDocument::pdf(const Plan &plan, const QString &planSha256, const PlanMeasurements &m)
{
    QTextDocument doc;
    QFont base(QStringLiteral("DejaVu Sans"));
    base.setPointSizeF(9);
    doc.setDefaultFont(base);
    doc.setPageSize(PdfPages::contentSize());
    doc.setMarkdown(markdown(plan, planSha256, m));
    PdfPages::styleMarkdownDocument(doc);
    return PdfPages::print(doc, QStringLiteral("Migration plan — %1").arg(plan.migration.name),
                           QStringLiteral("%1 — migration plan, SHA-256 %2…").arg(plan.migration.name, planSha256.left(12)));
}

} // namespace switchyard::core
