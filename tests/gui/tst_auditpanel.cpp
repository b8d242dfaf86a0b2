// AuditPanel on a real control store: entries newest first, read in pages
// as the list is scrolled, new entries appear at the top, a selected entry
// shows everything (details JSON, hashes); "Verify chain" says intact on a
// good store and names the first broken seq on a tampered one.
// Set SWITCHYARD_SCREENSHOT_DIR to keep a picture of the panel.

#include "GuiTestHelpers.h"
#include "panels/AuditPanel.h"
#include "store/ControlStore.h"

#include <QItemSelectionModel>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>

using namespace switchyard::core;
using namespace switchyard::ui;

namespace {

struct AuditStore
{
    QTemporaryDir dir;
    ControlStoreLocation location;
    Plan plan;
    qint64 run = 0;
    qint64 otherRun = 0;

    explicit AuditStore(int n)
    {
        location = ControlStoreLocation::sqlite(dir.filePath(QStringLiteral("control.sqlite")));
        plan.migration.name = QStringLiteral("audit");
        ControlStore store = ControlStore::open(location);
        run = store.runs().ensureRun(QStringLiteral("audit"), QStringLiteral("/p.yaml"), QStringLiteral("a"));
        otherRun = store.runs().ensureRun(QStringLiteral("audit"), QStringLiteral("/p.yaml"), QStringLiteral("b"));
        append(store, n);
        store.audit().appendAudit({otherRun, 0, {}, QStringLiteral("zed"), QStringLiteral("plan.open"),
                                   QStringLiteral("plan"), QStringLiteral("another run"), QStringLiteral("{}"), {}, {}});
    }

    void append(ControlStore &store, int n)
    {
        const qint64 first = store.audit().head(run) ? store.audit().head(run)->seq + 1 : 1;
        for (qint64 i = first; i < first + n; ++i) {
            AuditEntry e;
            e.runId = run;
            e.operatorName = i % 2 ? QStringLiteral("ann") : QStringLiteral("bob");
            e.action = QStringLiteral("job.pause");
            e.target = QStringLiteral("job:%1").arg(i);
            e.reason = QStringLiteral("reason %1").arg(i);
            e.detailsJson = QStringLiteral(R"({"entry":%1,"why":"load on the primary"})").arg(i);
            store.audit().appendAudit(e);
        }
    }
};

} // namespace

class TestAuditPanel : public QObject
{
    Q_OBJECT
private slots:
    void newestFirstPagedAndLive();
    void verifyChainBothWays();
};

void TestAuditPanel::newestFirstPagedAndLive()
{
    AuditStore s(450);
    AuditPanel panel;
    panel.resize(1000, 700);
    panel.show();
    panel.setSource(s.plan, s.location, s.run);
    AuditTableModel *model = panel.model();
    QTRY_COMPARE(model->rowCount(), 200);
    QCOMPARE(model->entry(0)->seq, qint64(450));
    QCOMPARE(model->entry(199)->seq, qint64(251));
    QCOMPARE(model->headSeq(), qint64(450));
    QVERIFY(model->canFetchMore({}));
    model->fetchMore({});
    QTRY_COMPARE(model->rowCount(), 400);
    QCOMPARE(model->entry(200)->seq, qint64(250));
    model->fetchMore({});
    QTRY_COMPARE(model->rowCount(), 450);
    QCOMPARE(model->entry(449)->seq, qint64(1));
    QVERIFY(!model->canFetchMore({}));
    for (int r = 0; r < model->rowCount(); ++r)
        QCOMPARE(model->entry(r)->runId, s.run); // never the other run's entries

    // Selecting an entry shows all of it.
    panel.view()->selectRow(3); // seq 447
    QTRY_VERIFY(panel.detailsText().contains(QStringLiteral("reason 447")));
    QVERIFY(panel.detailsText().contains(QStringLiteral("\"why\": \"load on the primary\"")));
    QVERIFY(panel.detailsText().contains(model->entry(3)->hash));
    QVERIFY(panel.detailsText().contains(model->entry(3)->prevHash));
    QCOMPARE(model->entry(3)->prevHash, model->entry(4)->hash);

    // Entries written meanwhile appear at the top.
    {
        ControlStore store = ControlStore::open(s.location);
        s.append(store, 3);
    }
    panel.pollNewEntries();
    QTRY_COMPARE(model->rowCount(), 453);
    QCOMPARE(model->entry(0)->seq, qint64(453));
    QCOMPARE(model->entry(3)->seq, qint64(450));
    switchyard::test::saveScreenshot(&panel, QStringLiteral("audit-panel"));
}

void TestAuditPanel::verifyChainBothWays()
{
    AuditStore s(40);
    AuditPanel panel;
    panel.resize(1000, 700);
    panel.show();
    panel.setSource(s.plan, s.location, s.run);
    QTRY_COMPARE(panel.model()->rowCount(), 40);
    QSignalSpy verified(&panel, &AuditPanel::verified);
    panel.verifyChain();
    QTRY_COMPARE(verified.count(), 1);
    QVERIFY(verified.first().at(0).value<AuditVerification>().ok);
    QVERIFY2(panel.verifyText().contains(QStringLiteral("Chain intact: 40 entries")), qPrintable(panel.verifyText()));

    // Tamper: drop the append-only guard, edit entry 23's reason.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
        db.setDatabaseName(s.location.sqlitePath);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY2(q.exec(QStringLiteral("DROP TRIGGER audit_log_no_update")), qPrintable(q.lastError().text()));
        QVERIFY2(q.exec(QStringLiteral("UPDATE audit_log SET reason = 'nothing to see' WHERE run_id = %1 AND seq = 23")
                            .arg(s.run)),
                 qPrintable(q.lastError().text()));
        QCOMPARE(q.numRowsAffected(), 1);
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
    verified.clear();
    panel.verifyChain();
    QTRY_COMPARE(verified.count(), 1);
    const AuditVerification bad = verified.first().at(0).value<AuditVerification>();
    QVERIFY(!bad.ok);
    QCOMPARE(bad.firstBadSeq, qint64(23));
    QVERIFY2(panel.verifyText().contains(QStringLiteral("Chain broken at seq 23")), qPrintable(panel.verifyText()));
    switchyard::test::saveScreenshot(&panel, QStringLiteral("audit-panel-broken"));
}

QTEST_MAIN(TestAuditPanel)
#include "tst_auditpanel.moc"
