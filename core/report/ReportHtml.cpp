#include "report/ReportHtml.h"

#include <QLocale>

namespace switchyard::core {

namespace html {

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString number(qint64 v)
{
    return v < 0 ? QStringLiteral("—") : QLocale(QLocale::English).toString(v);
}

QString utc(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral(" UTC")
                       : QStringLiteral("—");
}

QString heading(int level, const QString &text, bool pageBreak)
{
    return QStringLiteral("<h%1%2>%3</h%1>\n")
        .arg(level)
        .arg(pageBreak ? QStringLiteral(" style=\"page-break-before: always\"") : QString())
        .arg(esc(text));
}

QString table(const QStringList &headers, const QList<QStringList> &rows, const QList<int> &widthsPercent)
{
    QString out = QStringLiteral(
        "<table width=\"100%\" border=\"1\" cellspacing=\"0\" cellpadding=\"3\" "
        "style=\"border-collapse: collapse; border-color: #9a9a9a; margin-top: 4px; margin-bottom: 8px\">\n<thead><tr>");
    for (int i = 0; i < headers.size(); ++i) {
        const QString width = i < widthsPercent.size() && widthsPercent.at(i) > 0
                                  ? QStringLiteral(" width=\"%1%\"").arg(widthsPercent.at(i))
                                  : QString();
        out += QStringLiteral("<th bgcolor=\"#e8ecf1\" align=\"left\"%1>%2</th>").arg(width, esc(headers.at(i)));
    }
    out += QStringLiteral("</tr></thead>\n");
    for (const QStringList &row : rows) {
        out += QStringLiteral("<tr>");
        for (const QString &cell : row)
            out += QStringLiteral("<td>%1</td>").arg(cell);
        out += QStringLiteral("</tr>\n");
    }
    return out + QStringLiteral("</table>\n");
}

QString keyValues(const QList<QPair<QString, QString>> &rows)
{
    QString out = QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"2\" "
                                 "style=\"margin-bottom: 6px\">\n");
    for (const auto &r : rows)
        out += QStringLiteral("<tr><td width=\"24%\"><b>%1</b></td><td>%2</td></tr>\n").arg(esc(r.first), r.second);
    return out + QStringLiteral("</table>\n");
}

QString list(const QStringList &itemsHtml)
{
    QString out = QStringLiteral("<ul>");
    for (const QString &i : itemsHtml)
        out += QStringLiteral("<li>%1</li>").arg(i);
    return out + QStringLiteral("</ul>\n");
}

QString pageStyle()
{
    return QStringLiteral(
        "<style>"
        "body { font-family: 'DejaVu Sans'; font-size: 8.5pt; color: #1a1a1a; }"
        "h1 { font-size: 17pt; margin-bottom: 2px; }"
        "h2 { font-size: 12.5pt; margin-top: 14px; margin-bottom: 4px; color: #17365d; }"
        "h3 { font-size: 10pt; margin-top: 10px; margin-bottom: 3px; }"
        "th { font-size: 8pt; }"
        "td { font-size: 8pt; }"
        ".mono { font-family: 'DejaVu Sans Mono'; font-size: 7.5pt; }"
        ".muted { color: #555555; }"
        "</style>");
}

} // namespace html

namespace {

using namespace html;

QString mono(const QString &text)
{
    return QStringLiteral("<span class=\"mono\">%1</span>").arg(esc(text));
}

QString endpointText(const ReportEndpoint &e)
{
    QString s = QStringLiteral("%1 %2 — %3@%4:%5, database %6")
                    .arg(esc(e.engine), e.version.isEmpty() ? QString() : esc(e.version), esc(e.user), esc(e.host))
                    .arg(e.port)
                    .arg(esc(e.database));
    if (!e.measureError.isEmpty())
        s += QStringLiteral("<br/><span class=\"muted\">version not measured: %1</span>").arg(esc(e.measureError));
    return s;
}

QString verdictBox(const ReportVerdict &v)
{
    const QString color = v.pass ? QStringLiteral("#1e7b34") : QStringLiteral("#b3261e");
    const QString bg = v.pass ? QStringLiteral("#e6f4ea") : QStringLiteral("#fce8e6");
    QString body;
    if (v.pass) {
        body = QStringLiteral("Every table of the plan was fully checked and nothing is open.");
    } else {
        QStringList items;
        for (const QString &r : v.reasons)
            items << esc(r);
        body = QStringLiteral("<b>Why:</b>") + list(items);
    }
    if (!v.warnings.isEmpty()) {
        QStringList items;
        for (const QString &w : v.warnings)
            items << esc(w);
        body += QStringLiteral("<b>Notes:</b>") + list(items);
    }
    return QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"8\" border=\"1\" "
                          "style=\"border-collapse: collapse; border-color: %1; margin-top: 8px\">"
                          "<tr><td bgcolor=\"%2\"><span style=\"font-size: 20pt; font-weight: bold; color: %1\">"
                          "Verdict: %3</span><br/>%4</td></tr></table>\n")
        .arg(color, bg, v.label(), body);
}

QString signOffBox(const ReportSignOff &s, const ReportVerdict &v)
{
    if (s.isEmpty())
        return QStringLiteral("<p><b>Sign-off:</b> UNSIGNED DRAFT — not signed by anyone; do not use it as an "
                              "approval.</p>\n");
    QList<QPair<QString, QString>> rows{
        {QStringLiteral("Signed as"),
         QStringLiteral("<b>%1</b>%2")
             .arg(esc(s.label()), s.withExceptions && !v.pass
                                      ? QStringLiteral(" (the report is NOT READY; the statement names the exceptions)")
                                      : QString())},
        {QStringLiteral("Signer"), esc(s.signer)},
        {QStringLiteral("Role"), esc(s.role)},
        {QStringLiteral("Statement"), esc(s.statement).replace(QLatin1Char('\n'), QStringLiteral("<br/>"))},
        {QStringLiteral("Signed at"), utc(s.at)},
        {QStringLiteral("Signing key"), mono(s.keyFingerprint) + QStringLiteral(" (Ed25519)")},
    };
    return heading(2, QStringLiteral("Sign-off")) + keyValues(rows);
}

QString summaryTable(const ReportData &d)
{
    QList<QStringList> rows, mismatchRows;
    for (const ReportTable &t : d.tables) {
        const QString verdict = !t.validationFound ? QStringLiteral("not validated")
                                : !t.validationDone ? QStringLiteral("not finished (%1)").arg(t.validationState)
                                                    : t.validationVerdict;
        rows << QStringList{esc(t.name),
                            number(t.sourceRowsNow),
                            number(t.targetRowsNow),
                            esc(t.mode.isEmpty() ? QStringLiteral("—") : t.mode),
                            QStringLiteral("%1 / %2").arg(number(t.chunksChecked), number(t.chunksChecked + t.chunksUnchecked)),
                            number(t.rowsChecked),
                            QStringLiteral("<b>%1</b>").arg(esc(verdict))};
        mismatchRows << QStringList{esc(t.name),         number(t.found),    number(t.open),
                                    number(t.inFlight),  number(t.resolvedOnRecheck), number(t.repaired),
                                    number(t.accepted)};
    }
    return table({QStringLiteral("Table"), QStringLiteral("Source rows"), QStringLiteral("Target rows"),
                  QStringLiteral("Validation mode"), QStringLiteral("Chunks checked / total"),
                  QStringLiteral("Rows checked"), QStringLiteral("Verdict")},
                 rows, {18, 13, 13, 14, 16, 13, 13}) +
           heading(3, QStringLiteral("Mismatches by table")) +
           table({QStringLiteral("Table"), QStringLiteral("Found"), QStringLiteral("Open"), QStringLiteral("In flight"),
                  QStringLiteral("Resolved on recheck"), QStringLiteral("Repaired"), QStringLiteral("Accepted")},
                 mismatchRows, {18, 12, 12, 12, 18, 14, 14});
}

QString tableDetails(const ReportTable &t)
{
    QString out = heading(3, QStringLiteral("Table %1 → %2").arg(t.name, t.targetName));
    QList<QPair<QString, QString>> kv;
    kv << qMakePair(QStringLiteral("Row counts now"),
                    t.countError.isEmpty()
                        ? QStringLiteral("source %1, target %2 (COUNT(*) at report time)")
                              .arg(number(t.sourceRowsNow), number(t.targetRowsNow))
                        : QStringLiteral("not measured: %1").arg(esc(t.countError)));
    kv << qMakePair(QStringLiteral("Backfill"),
                    t.backfillFound ? QStringLiteral("%1, %2 rows copied, finished %3")
                                          .arg(esc(t.backfillState), number(t.backfillRows), utc(t.backfillFinishedAt))
                                    : QStringLiteral("no backfill job recorded"));
    if (t.validationFound) {
        kv << qMakePair(QStringLiteral("Validation"),
                        QStringLiteral("job %1, %2 mode, %3, %4")
                            .arg(t.validationJobId)
                            .arg(esc(t.mode), esc(t.validationState), utc(t.validatedAt)));
        kv << qMakePair(QStringLiteral("Coverage"),
                        QStringLiteral("%1 of %2 chunk(s) checked, %3 row(s) checked")
                            .arg(number(t.chunksChecked), number(t.chunksChecked + t.chunksUnchecked),
                                 number(t.rowsChecked)));
        if (t.validatedSourceRows >= 0 || t.validatedTargetRows >= 0)
            kv << qMakePair(QStringLiteral("Counted by validation"),
                            QStringLiteral("source %1, target %2")
                                .arg(number(t.validatedSourceRows), number(t.validatedTargetRows)));
        kv << qMakePair(QStringLiteral("What it proves"),
                        t.statement.isEmpty() ? QStringLiteral("—") : esc(t.statement));
    } else {
        kv << qMakePair(QStringLiteral("Validation"), QStringLiteral("<b>never validated</b>"));
    }
    kv << qMakePair(QStringLiteral("Mismatches"),
                    QStringLiteral("%1 found: %2 open, %3 in flight, %4 resolved on recheck, %5 repaired, %6 accepted")
                        .arg(number(t.found), number(t.open), number(t.inFlight), number(t.resolvedOnRecheck),
                             number(t.repaired), number(t.accepted)));
    if (t.rejects > 0)
        kv << qMakePair(QStringLiteral("Rejected rows"), number(t.rejects));
    out += keyValues(kv);
    if (!t.uncheckedRanges.isEmpty()) {
        QStringList items;
        for (const QString &r : t.uncheckedRanges)
            items << esc(r);
        out += QStringLiteral("<p><b>Unchecked key ranges</b> (never counted as a pass):</p>") + list(items);
    }
    if (!t.openList.isEmpty()) {
        QList<QStringList> rows;
        for (const ReportOpenMismatch &m : t.openList)
            rows << QStringList{mono(m.keyJson), esc(m.kind), esc(m.status), esc(m.columns.join(QStringLiteral(", "))),
                                utc(m.firstSeen), utc(m.lastChecked)};
        out += QStringLiteral("<p><b>Open mismatches</b>%1</p>")
                   .arg(t.open + t.inFlight > t.openList.size()
                            ? QStringLiteral(" (the first %1 of %2; switchyard-cli mismatches lists them all)")
                                  .arg(t.openList.size())
                                  .arg(t.open + t.inFlight)
                            : QString()) +
               table({QStringLiteral("Key"), QStringLiteral("Kind"), QStringLiteral("Status"),
                      QStringLiteral("Differing columns"), QStringLiteral("First seen"), QStringLiteral("Last checked")},
                     rows, {12, 16, 10, 22, 20, 20});
    }
    if (!t.acceptedList.isEmpty()) {
        QList<QStringList> rows;
        for (const ReportAccepted &a : t.acceptedList)
            rows << QStringList{mono(a.keyJson), esc(a.kind), esc(a.reason), esc(a.by), utc(a.at)};
        out += QStringLiteral("<p><b>Accepted mismatches</b></p>") +
               table({QStringLiteral("Key"), QStringLiteral("Kind"), QStringLiteral("Reason"),
                      QStringLiteral("Accepted by"), QStringLiteral("At")},
                     rows, {14, 16, 40, 14, 16});
    }
    return out;
}

QString gatesSection(const ReportData &d)
{
    QString out = heading(2, QStringLiteral("3. Gates at each transition"));
    if (d.transitions.isEmpty())
        return out + QStringLiteral("<p>No phase transition has been made in this run yet: no gate has been "
                                    "evaluated for a transition.</p>\n");
    for (const ReportTransition &t : d.transitions) {
        out += QStringLiteral("<p><b>%1</b> — %2 (%3) → %4 (%5), by %6%7%8</p>\n")
                   .arg(utc(t.at), esc(t.fromPhase), esc(t.fromStatus), esc(t.toPhase), esc(t.toStatus),
                        esc(t.operatorName.isEmpty() ? QStringLiteral("—") : t.operatorName),
                        t.reason.isEmpty() ? QString() : QStringLiteral(": “%1”").arg(esc(t.reason)),
                        t.overridden ? QStringLiteral(" <b style=\"color:#b3261e\">[failing gate overridden]</b>")
                                     : QString());
        if (t.evidenceUnreadable) {
            out += QStringLiteral("<p class=\"muted\">The gate evidence recorded with this transition could not "
                                  "be read by this version.</p>\n");
            continue;
        }
        if (t.gates.isEmpty()) {
            out += QStringLiteral("<p class=\"muted\">No gate applied to this transition.</p>\n");
            continue;
        }
        QList<QStringList> rows;
        for (const ReportGate &g : t.gates)
            rows << QStringList{esc(g.name) + (g.manual ? QStringLiteral(" (manual)") : QString()),
                                g.passed ? QStringLiteral("<b style=\"color:#1e7b34\">passed</b>")
                                         : QStringLiteral("<b style=\"color:#b3261e\">failed</b>"),
                                esc(g.measured), esc(g.threshold), esc(g.detail)};
        out += table({QStringLiteral("Gate"), QStringLiteral("Result"), QStringLiteral("Measured"),
                      QStringLiteral("Threshold"), QStringLiteral("Detail")},
                     rows, {30, 9, 18, 15, 28});
    }
    return out;
}

QString historySection(const ReportData &d)
{
    QString out = heading(2, QStringLiteral("4. Phase history"));
    out += QStringLiteral("<p>Phases of the plan: %1. The run now stands in <b>%2</b> (%3%4).</p>\n")
               .arg(esc(d.phaseTitles.join(QStringLiteral("; "))), esc(d.currentPhase), esc(d.currentStatus),
                    d.currentRampStep > 0 ? QStringLiteral(", ramp step %1").arg(d.currentRampStep + 1) : QString());
    if (d.transitions.isEmpty())
        return out + QStringLiteral("<p>No transition recorded yet.</p>\n");
    QList<QStringList> rows;
    for (const ReportTransition &t : d.transitions)
        rows << QStringList{utc(t.at), esc(t.fromPhase) + QStringLiteral(" (") + esc(t.fromStatus) + QLatin1Char(')'),
                            esc(t.toPhase) + QStringLiteral(" (") + esc(t.toStatus) + QLatin1Char(')'),
                            esc(t.operatorName), esc(t.reason), t.overridden ? QStringLiteral("yes") : QStringLiteral("no")};
    return out + table({QStringLiteral("When"), QStringLiteral("From"), QStringLiteral("To"),
                        QStringLiteral("Operator"), QStringLiteral("Reason"), QStringLiteral("Override")},
                       rows, {17, 22, 22, 12, 20, 7});
}

QString auditSection(const ReportData &d)
{
    QString out = heading(2, QStringLiteral("6. Audit trail"), true);
    const ReportAudit &a = d.audit;
    if (a.verified)
        out += QStringLiteral("<p><b style=\"color:#1e7b34\">Chain verified:</b> all %1 entries of run %2 re-hashed "
                              "and linked (SHA-256, hash chain). The report covers the chain up to entry %3, whose "
                              "hash is %4.</p>\n")
                   .arg(number(a.total))
                   .arg(d.runId)
                   .arg(a.headSeq)
                   .arg(mono(a.headHash.isEmpty() ? QStringLiteral("—") : a.headHash));
    else
        out += QStringLiteral("<p><b style=\"color:#b3261e\">Chain broken:</b> %1</p>\n").arg(esc(a.problem));
    if (a.entries.size() < a.total)
        out += QStringLiteral("<p class=\"muted\">The %1 newest entries are listed; the whole chain was verified "
                              "(report.json and the control store hold every entry).</p>\n")
                   .arg(a.entries.size());
    QList<QStringList> rows;
    for (const AuditEntry &e : a.entries)
        rows << QStringList{QString::number(e.seq),
                            esc(QString(e.at).replace(QLatin1Char('T'), QLatin1Char(' ')).left(19)),
                            esc(e.operatorName), esc(e.action), esc(e.target), esc(e.reason)};
    return out + table({QStringLiteral("#"), QStringLiteral("At (UTC)"), QStringLiteral("Operator"),
                        QStringLiteral("Action"), QStringLiteral("Target"), QStringLiteral("Reason")},
                       rows, {4, 19, 13, 17, 14, 33});
}

QString aboutSection(const ReportData &d, const ReportSignOff &s)
{
    QString out = heading(2, QStringLiteral("7. About this report"));
    QStringList items;
    items << QStringLiteral("Every figure was read from the control store (%1) or measured on the servers by %2 "
                            "at %3; none was typed by hand.")
                 .arg(esc(d.controlStore), esc(d.generator), utc(d.generatedAt));
    items << QStringLiteral("report.json beside this file holds the same evidence for machines.");
    if (!s.isEmpty())
        items << QStringLiteral("The bytes of this PDF are signed with the Ed25519 key %1 (report.pdf.sig). "
                                "Check it with: <span class=\"mono\">switchyard-cli report verify report.pdf "
                                "--pubkey signing-key.pub.pem</span>. Any change to the file fails that check.")
                     .arg(mono(s.keyFingerprint));
    for (const SignOff &e : d.earlierSignOffs)
        items << QStringLiteral("Earlier sign-off of this run: %1 (%2), %3, %4, report SHA-256 %5.")
                     .arg(esc(e.signer), esc(e.role), esc(e.verdict), utc(e.at), mono(e.reportSha256.left(16) + QStringLiteral("…")));
    return out + list(items);
}

} // namespace

QString ReportHtml::build(const ReportData &d, const ReportVerdict &v, const ReportSignOff &s, int contentWidth)
{
    QString out = QStringLiteral("<html><head><meta charset=\"utf-8\"/>%1</head><body>\n").arg(pageStyle());
    out += QStringLiteral("<h1>Validation report — %1</h1>\n").arg(esc(d.migrationName));
    out += QStringLiteral("<p class=\"muted\">MySQL/MariaDB → PostgreSQL migration, run %1, generated %2 by %3</p>\n")
               .arg(d.runId)
               .arg(utc(d.generatedAt), esc(d.generator));
    out += verdictBox(v);
    out += signOffBox(s, v);

    out += heading(2, QStringLiteral("1. Migration"));
    out += keyValues({
        {QStringLiteral("Migration"), esc(d.migrationName)},
        {QStringLiteral("Owner"), esc(d.owner)},
        {QStringLiteral("Risk level"), esc(d.riskLevel)},
        {QStringLiteral("Plan file"), esc(d.planPath)},
        {QStringLiteral("Plan version (SHA-256)"),
         mono(d.runPlanSha256.isEmpty() ? d.planSha256 : d.runPlanSha256) +
             (d.runPlanSha256 == d.planSha256 || d.runPlanSha256.isEmpty()
                  ? QString()
                  : QStringLiteral("<br/>plan file now: ") + mono(d.planSha256))},
        {QStringLiteral("Run"), QStringLiteral("%1, started %2").arg(d.runId).arg(utc(d.runCreatedAt))},
        {QStringLiteral("Current phase"), QStringLiteral("%1 (%2)").arg(esc(d.currentPhase), esc(d.currentStatus))},
        {QStringLiteral("Source"), endpointText(d.source)},
        {QStringLiteral("Target"), endpointText(d.target)},
    });
    out += heading(3, QStringLiteral("Tables at a glance"));
    out += summaryTable(d);

    out += heading(2, QStringLiteral("2. Validation by table"), true);
    for (const ReportTable &t : d.tables)
        out += tableDetails(t);

    out += gatesSection(d);
    out += historySection(d);

    out += heading(2, QStringLiteral("5. Throughput and mismatches over time"));
    out += QStringLiteral("<p><img src=\"%1\" width=\"%3\"/></p><p><img src=\"%2\" width=\"%3\"/></p>\n")
               .arg(QLatin1String(kThroughputChart), QLatin1String(kMismatchChart))
               .arg(contentWidth);

    out += auditSection(d);
    out += aboutSection(d, s);
    return out + QStringLiteral("</body></html>\n");
}

} // namespace switchyard::core
