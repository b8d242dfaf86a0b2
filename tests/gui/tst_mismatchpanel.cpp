// The mismatch drill-down (MismatchPanel, MismatchTableModel, RowCompareView,
// AcceptMismatchDialog) on a real control store:
// - the compare view highlights exactly the differing columns, checked on
//   every line both ways (highlighted lines differ, unhighlighted ones don't);
// - the list fetches lazily in pages (rowCount grows with fetchMore), counts,
//   and filters by table / kind / status / column;
// - accept needs a reason and a name (the dialog's OK stays disabled
//   without them) and writes the status and an audit entry;
// - against the sandbox servers: real mismatches found by validation,
//   recheck (still different / resolved) and repair fix the rows on the
//   target, each audited.
// Set SWITCHYARD_SCREENSHOT_DIR to keep pictures of the panel.

#include "BackfillFixture.h"
#include "GuiTestHelpers.h"
#include "backfill/BackfillJob.h"
#include "panels/AcceptMismatchDialog.h"
#include "panels/MismatchPanel.h"
#include "panels/MismatchTableModel.h"
#include "panels/RowCompareView.h"
#include "store/ControlStore.h"
#include "validate/ValidationJob.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QTemporaryDir>

using namespace switchyard::core;
using namespace switchyard::ui;
using switchyard::test::BackfillFixture;

class TestMismatchPanel : public QObject
{
    Q_OBJECT
private slots:
    void compareHighlightsExactlyTheDifferingColumns_data();
    void compareHighlightsExactlyTheDifferingColumns();
    void pagesLazilyAndFilters();
    void acceptNeedsReasonAndIsAudited();
    void recheckAndRepairAgainstTheServers();

private:
    // Checks every line of the compare view: highlighted ⇔ in `expected`.
    static QString checkHighlights(const RowCompareView &view, const QStringList &expected);
};

QString TestMismatchPanel::checkHighlights(const RowCompareView &view, const QStringList &expected)
{
    const QStandardItemModel *m = view.model();
    QStringList highlighted;
    for (int row = 0; row < m->rowCount(); ++row) {
        const QString column = m->item(row, RowCompareView::NameColumn)->data(RowCompareView::ColumnRole).toString();
        const bool want = expected.contains(column);
        for (int c = 0; c < 3; ++c) {
            const QStandardItem *item = m->item(row, c);
            const bool differs = item->data(RowCompareView::DiffersRole).toBool();
            const QVariant bg = item->data(Qt::BackgroundRole);
            if (differs != want)
                return QStringLiteral("%1 col %2: DiffersRole %3, expected %4").arg(column).arg(c).arg(differs).arg(want);
            if (want && (!bg.isValid() || bg.value<QBrush>().color() != view.highlightColor()))
                return QStringLiteral("%1 col %2: not highlighted").arg(column).arg(c);
            if (!want && bg.isValid())
                return QStringLiteral("%1 col %2: highlighted but equal").arg(column).arg(c);
            if (want != item->font().bold())
                return QStringLiteral("%1 col %2: bold %3").arg(column).arg(c).arg(item->font().bold());
        }
        if (want)
            highlighted << column;
    }
    if (highlighted.size() != expected.size())
        return QStringLiteral("highlighted %1, expected %2").arg(highlighted.join(','), expected.join(','));
    return {};
}

void TestMismatchPanel::compareHighlightsExactlyTheDifferingColumns_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QStringList>("differing");
    const QString row = QStringLiteral(R"({"email":"a@x.org","id":"7","name":"Ann","note":null})");
    QTest::newRow("equal rows: nothing highlighted") << row << row << QStringList();
    QTest::newRow("one column") << row << QStringLiteral(R"({"email":"a@x.org","id":"7","name":"Anne","note":null})")
                                << QStringList{QStringLiteral("name")};
    QTest::newRow("two columns") << row << QStringLiteral(R"({"email":"b@x.org","id":"7","name":"Ann","note":"hi"})")
                                 << QStringList{QStringLiteral("email"), QStringLiteral("note")};
    QTest::newRow("NULL vs empty text") << QStringLiteral(R"({"id":"1","v":null})")
                                        << QStringLiteral(R"({"id":"1","v":""})") << QStringList{QStringLiteral("v")};
    QTest::newRow("case matters") << QStringLiteral(R"({"id":"1","v":"abc"})")
                                  << QStringLiteral(R"({"id":"1","v":"ABC"})") << QStringList{QStringLiteral("v")};
    QTest::newRow("missing in target: every column") << row << QStringLiteral("null")
                                                     << QStringList{QStringLiteral("email"), QStringLiteral("id"),
                                                                    QStringLiteral("name"), QStringLiteral("note")};
    QTest::newRow("missing in source: every column") << QStringLiteral("null") << row
                                                     << QStringList{QStringLiteral("email"), QStringLiteral("id"),
                                                                    QStringLiteral("name"), QStringLiteral("note")};
}

void TestMismatchPanel::compareHighlightsExactlyTheDifferingColumns()
{
    QFETCH(QString, source);
    QFETCH(QString, target);
    QFETCH(QStringList, differing);
    RowCompareView view;
    MismatchRecord m;
    m.tableName = QStringLiteral("users");
    m.keyJson = QStringLiteral("[7]");
    m.sourceRowJson = source;
    m.targetRowJson = target;
    view.setMismatch(m);
    QVERIFY(view.model()->rowCount() >= 2);
    const QString problem = checkHighlights(view, differing);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    // And a checker that cannot fail is no checker: claim a wrong set.
    QStringList wrong = differing;
    if (wrong.isEmpty())
        wrong << QStringLiteral("id");
    else
        wrong.removeLast();
    QVERIFY(!checkHighlights(view, wrong).isEmpty());
}

namespace {

// A store with `n` synthetic mismatches over tables a and b.
struct SeededStore
{
    QTemporaryDir dir;
    ControlStoreLocation location;
    Plan plan;
    qint64 run = 0;

    explicit SeededStore(int n)
    {
        location = ControlStoreLocation::sqlite(dir.filePath(QStringLiteral("control.sqlite")));
        plan.migration.name = QStringLiteral("panels");
        TableSpec a, b;
        a.name = QStringLiteral("a");
        b.name = QStringLiteral("b");
        plan.tables = {a, b};
        ControlStore store = ControlStore::open(location);
        run = store.runs().ensureRun(QStringLiteral("panels"), QStringLiteral("/p.yaml"), QStringLiteral("x"));
        store.transaction(QStringLiteral("seed"), [&] {
            for (int i = 1; i <= n; ++i) {
                MismatchRecord m;
                m.runId = run;
                m.tableName = i % 3 == 0 ? QStringLiteral("b") : QStringLiteral("a");
                m.keyJson = QStringLiteral("[%1]").arg(i);
                m.kind = i % 5 == 0 ? MismatchKind::MissingInTarget : MismatchKind::Different;
                m.differingColumns = m.kind == MismatchKind::Different
                                         ? QStringList{i % 2 ? QStringLiteral("email") : QStringLiteral("name")}
                                         : QStringList();
                m.sourceRowJson = QStringLiteral(R"({"email":"e%1","id":"%1","name":"n%1"})").arg(i);
                m.targetRowJson = m.kind == MismatchKind::MissingInTarget
                                      ? QStringLiteral("null")
                                      : (i % 2 ? QStringLiteral(R"({"email":"E%1","id":"%1","name":"n%1"})")
                                               : QStringLiteral(R"({"email":"e%1","id":"%1","name":"N%1"})"))
                                            .arg(i);
                store.mismatches().upsertMismatch(m);
            }
        });
    }
};

qint64 expectedCount(int n, const std::function<bool(int)> &pred)
{
    qint64 c = 0;
    for (int i = 1; i <= n; ++i)
        c += pred(i) ? 1 : 0;
    return c;
}

} // namespace

void TestMismatchPanel::pagesLazilyAndFilters()
{
    const int n = 450;
    SeededStore seeded(n);
    MismatchPanel panel;
    panel.resize(1100, 700);
    panel.show();
    panel.setSource(seeded.plan, seeded.location, seeded.run);
    MismatchTableModel *model = panel.model();

    // The first page only, then one more page per fetchMore.
    QTRY_COMPARE(model->rowCount(), 200);
    QTRY_COMPARE(model->totalCount(), qint64(n));
    QVERIFY(model->canFetchMore({}));
    model->fetchMore({});
    QTRY_COMPARE(model->rowCount(), 400);
    model->fetchMore({});
    QTRY_COMPARE(model->rowCount(), n);
    QTRY_VERIFY(!model->canFetchMore({}));
    QCOMPARE(model->record(0)->keyJson, QStringLiteral("[1]")); // ordered by id
    QVERIFY(panel.countText().contains(QStringLiteral("450")));

    // Filters: table, kind, column, status; each counted and listed.
    MismatchFilter f;
    f.table = QStringLiteral("b");
    panel.setFilter(f);
    const qint64 inB = expectedCount(n, [](int i) { return i % 3 == 0; });
    QTRY_COMPARE(model->totalCount(), inB);
    QTRY_COMPARE(model->rowCount(), int(inB));
    for (int r = 0; r < model->rowCount(); ++r)
        QCOMPARE(model->record(r)->tableName, QStringLiteral("b"));

    f = {};
    f.kind = MismatchKind::MissingInTarget;
    panel.setFilter(f);
    QTRY_COMPARE(model->totalCount(), expectedCount(n, [](int i) { return i % 5 == 0; }));
    QTRY_COMPARE(model->rowCount(), 90);
    QCOMPARE(panel.filter().kind, std::optional<MismatchKind>(MismatchKind::MissingInTarget));

    f = {};
    f.table = QStringLiteral("a");
    f.column = QStringLiteral("email");
    panel.setFilter(f);
    const qint64 aEmail = expectedCount(n, [](int i) { return i % 3 != 0 && i % 5 != 0 && i % 2 == 1; });
    QTRY_COMPARE(model->totalCount(), aEmail);
    QTRY_COMPARE(model->rowCount(), int(aEmail));
    for (int r = 0; r < model->rowCount(); ++r)
        QVERIFY(model->record(r)->differingColumns.contains(QStringLiteral("email")));

    // Typing in the column box filters too (after its short delay).
    panel.setFilter({});
    QTRY_COMPARE(model->totalCount(), qint64(n));
    panel.findChild<QLineEdit *>()->setText(QStringLiteral("name"));
    QTRY_COMPARE(model->totalCount(), expectedCount(n, [](int i) { return i % 5 != 0 && i % 2 == 0; }));

    f = {};
    f.status = MismatchStatus::Accepted;
    panel.setFilter(f);
    QTRY_COMPARE(model->totalCount(), qint64(0));
    QCOMPARE(model->rowCount(), 0);
}

void TestMismatchPanel::acceptNeedsReasonAndIsAudited()
{
    SeededStore seeded(30);
    MismatchPanel panel;
    panel.resize(1100, 700);
    panel.show();
    panel.setSource(seeded.plan, seeded.location, seeded.run);
    QTRY_COMPARE(panel.model()->rowCount(), 30);
    panel.tableView()->selectRow(1); // key [2]: name differs
    QCOMPARE(panel.model()->record(1)->keyJson, QStringLiteral("[2]"));
    QString problem = checkHighlights(*panel.compareView(), {QStringLiteral("name")});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    bool okDisabledWithoutReason = false, okEnabledWithBoth = false;
    auto shown = switchyard::test::whenModalShown<AcceptMismatchDialog>([&](AcceptMismatchDialog *d) {
        QPushButton *ok = d->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        d->setOperatorName(QStringLiteral("ann"));
        d->setReason(QString());
        okDisabledWithoutReason = !ok->isEnabled();
        d->setReason(QStringLiteral("legacy spelling, fixed by the application (DBA-12)"));
        okEnabledWithBoth = ok->isEnabled();
        switchyard::test::saveScreenshot(d, QStringLiteral("accept-mismatch-dialog"));
        ok->click();
    });
    QSignalSpy finished(&panel, &MismatchPanel::actionFinished);
    QMetaObject::invokeMethod(&panel, qOverload<>(&MismatchPanel::acceptSelected), Qt::QueuedConnection);
    QTRY_VERIFY(*shown);
    QVERIFY(okDisabledWithoutReason);
    QVERIFY(okEnabledWithBoth);
    QTRY_COMPARE(finished.count(), 1);
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QCOMPARE(panel.model()->record(1)->status, MismatchStatus::Accepted);

    ControlStore store = ControlStore::open(seeded.location);
    const MismatchRecord stored = *store.mismatches().mismatch(panel.model()->record(1)->id);
    QCOMPARE(stored.status, MismatchStatus::Accepted);
    QCOMPARE(stored.reason, QStringLiteral("legacy spelling, fixed by the application (DBA-12)"));
    QCOMPARE(stored.acceptedBy, QStringLiteral("ann"));
    const QList<AuditEntry> audit = store.audit().entries(seeded.run);
    QCOMPARE(audit.size(), 1);
    QCOMPARE(audit.first().action, QStringLiteral("mismatch.accept"));
    QCOMPARE(audit.first().operatorName, QStringLiteral("ann"));
    QCOMPARE(audit.first().target, QStringLiteral("table:a key:[2]"));
    QVERIFY(audit.first().reason.contains(QStringLiteral("DBA-12")));
    QVERIFY(store.audit().verifyAudit(seeded.run).ok);

    // Without a reason nothing is accepted (the programmatic path refuses too).
    panel.tableView()->selectRow(0);
    finished.clear();
    panel.acceptSelected(QString(), QStringLiteral("ann"));
    QTRY_COMPARE(finished.count(), 1);
    QVERIFY(!finished.first().at(0).toBool());
    QCOMPARE(store.mismatches().mismatch(panel.model()->record(0)->id)->status, MismatchStatus::Open);
    QCOMPARE(store.audit().entries(seeded.run).size(), 1);
}

namespace {

qint64 newRun(const Plan &plan)
{
    ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
    return cs.runs().ensureRun(plan.migration.name, QStringLiteral("test"), QStringLiteral("0"));
}

} // namespace

void TestMismatchPanel::recheckAndRepairAgainstTheServers()
{
    SWITCHYARD_NEED_SANDBOX(sb);
    BackfillFixture f(sb, QStringLiteral("sy_guipanels_mm"));
    f.source().exec(QStringLiteral("CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, email VARCHAR(80),"
                                   " name VARCHAR(40), balance DECIMAL(10,2), born DATE)"));
    f.source().exec(QStringLiteral("INSERT INTO customers SELECT seq, CONCAT('c', seq, '@shop.example'),"
                                   " CONCAT('Customer ', seq), seq * 1.25, DATE_ADD('1980-01-01', INTERVAL seq DAY)"
                                   " FROM seq_1_to_60"));
    const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("customers"))});
    f.applySchema(plan);
    const qint64 run = newRun(plan);
    {
        BackfillJob::Options o;
        o.finish = false;
        BackfillJob job(plan, QStringLiteral("customers"), ControlStoreLocation::fromPlan(plan), run, o);
        QCOMPARE(job.run().state, BackfillState::Completed);
    }
    // Drift on the target: one value changed in two columns, one row lost,
    // one row the source never had.
    f.target().exec(QStringLiteral("UPDATE customers SET email = 'wrong@x', balance = 0 WHERE id = 7"));
    f.target().exec(QStringLiteral("DELETE FROM customers WHERE id = 9"));
    f.target().exec(QStringLiteral("INSERT INTO customers (id, email, name, balance, born)"
                                   " VALUES (1000, 'ghost@x', 'Ghost', 1, '2000-01-01')"));
    {
        ValidationJob::Options o;
        o.mode = ValidationJob::Mode::Checksum;
        o.chunkRows = 20;
        o.leafRows = 4;
        o.recheckDelay = std::chrono::milliseconds(20);
        ValidationJob job(plan, QStringLiteral("customers"), ControlStoreLocation::fromPlan(plan), run, o);
        job.run();
    }

    MismatchPanel panel;
    panel.resize(1200, 760);
    panel.show();
    panel.setOperatorName(QStringLiteral("bob"));
    panel.setSource(plan, ControlStoreLocation::fromPlan(plan), run);
    QTRY_COMPARE(panel.model()->totalCount(), qint64(3));
    QTRY_COMPARE(panel.model()->rowCount(), 3);
    auto rowOfKey = [&](const QString &key) {
        for (int r = 0; r < panel.model()->rowCount(); ++r) {
            if (panel.model()->record(r)->keyJson == key)
                return r;
        }
        return -1;
    };
    const int r7 = rowOfKey(QStringLiteral("[7]"));
    QVERIFY(r7 >= 0);
    panel.tableView()->selectRow(r7);
    QString problem = checkHighlights(*panel.compareView(), {QStringLiteral("email"), QStringLiteral("balance")});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    switchyard::test::saveScreenshot(&panel, QStringLiteral("mismatch-drilldown"));

    // Recheck: still different, stays open, audited.
    QSignalSpy finished(&panel, &MismatchPanel::actionFinished);
    panel.recheckSelected();
    QTRY_COMPARE(finished.count(), 1);
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QCOMPARE(panel.model()->record(r7)->status, MismatchStatus::Open);
    QVERIFY(panel.resultText().contains(QStringLiteral("Still different")));

    // Someone fixes row 7 by hand: recheck resolves it.
    f.target().exec(QStringLiteral("UPDATE customers SET email = 'c7@shop.example', balance = 8.75 WHERE id = 7"));
    finished.clear();
    panel.recheckSelected();
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(panel.model()->record(r7)->status, MismatchStatus::ResolvedOnRecheck);

    // Repair the other two (missing in target, missing in source) at once.
    panel.tableView()->clearSelection();
    panel.tableView()->selectionModel()->select(
        panel.model()->index(rowOfKey(QStringLiteral("[9]")), 0),
        QItemSelectionModel::Select | QItemSelectionModel::Rows);
    panel.tableView()->selectionModel()->select(
        panel.model()->index(rowOfKey(QStringLiteral("[1000]")), 0),
        QItemSelectionModel::Select | QItemSelectionModel::Rows);
    finished.clear();
    panel.repairSelected();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 30000);
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QCOMPARE(panel.model()->record(rowOfKey(QStringLiteral("[9]")))->status, MismatchStatus::Repaired);
    QCOMPARE(panel.model()->record(rowOfKey(QStringLiteral("[1000]")))->status, MismatchStatus::Repaired);
    const QStringList diff = f.differences(plan, QStringLiteral("customers"));
    QVERIFY2(diff.isEmpty(), qPrintable(diff.join('\n')));

    ControlStore store = ControlStore::open(ControlStoreLocation::fromPlan(plan));
    QStringList actions;
    for (const AuditEntry &e : store.audit().entries(run))
        actions << e.action + QLatin1Char(' ') + e.operatorName;
    QCOMPARE(actions.filter(QStringLiteral("mismatch.recheck bob")).size(), 2);
    QCOMPARE(actions.filter(QStringLiteral("mismatch.repair bob")).size(), 2);
    QVERIFY(store.audit().verifyAudit(run).ok);
}

QTEST_MAIN(TestMismatchPanel)
#include "tst_mismatchpanel.moc"
