// ReportExportDialog end to end, offscreen, on a real run: the evidence is
// gathered on a worker thread, the sign-off dialog refuses an empty
// statement, the signed report is previewed with Qt PDF before it is saved,
// and what is saved verifies against the signer's key.

#include "GuiTestHelpers.h"
#include "ReportFixture.h"
#include "report/ReportExportDialog.h"
#include "report/ReportPreviewDialog.h"
#include "report/ReportSigner.h"
#include "report/SignOffDialog.h"

#include <QSignalSpy>
#include <QTemporaryDir>

using namespace switchyard::core;
using namespace switchyard::ui;
using switchyard::test::ReportFixture;

class TestReportExportDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void signPreviewSave()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ReportFixture f(sb, QStringLiteral("tst_report_gui"));
        const auto run = f.makeRun();
        QTemporaryDir dir;
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(dir.filePath(QStringLiteral("config"))));
        const QString pdf = dir.filePath(QStringLiteral("report.pdf"));

        ReportExportDialog dialog(run.plan, run.planPath);
        dialog.setSavePath(pdf);
        QSignalSpy evidence(&dialog, &ReportExportDialog::evidenceReady);
        QSignalSpy saved(&dialog, &ReportExportDialog::saved);
        dialog.show();
        QTRY_COMPARE_WITH_TIMEOUT(evidence.count(), 1, 30000);
        QVERIFY(dialog.verdict().pass);

        QString emptyStatementProblem;
        auto signed_ = switchyard::test::whenModalShown<SignOffDialog>([&](SignOffDialog *d) {
            ReportSignOff s;
            s.signer = QStringLiteral("Dana Reyes");
            s.role = QStringLiteral("Lead DBA");
            d->setSignOff(s);
            emptyStatementProblem = d->problem();
            s.statement = QStringLiteral("Approved for the read switch.");
            d->setSignOff(s);
            d->accept();
        });
        int pages = 0;
        auto previewed = switchyard::test::whenModalShown<ReportPreviewDialog>([&](ReportPreviewDialog *d) {
            pages = d->pageCount();
            d->accept();
        }, 30000);
        dialog.signOff();
        QVERIFY(*signed_);
        QVERIFY2(emptyStatementProblem.contains(QLatin1String("statement is empty")), qPrintable(emptyStatementProblem));
        QTRY_VERIFY_WITH_TIMEOUT(*previewed, 30000);
        QVERIFY(pages >= 2);
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 30000);
        QVERIFY(dialog.lastResult() && dialog.lastResult()->ok);

        QString error;
        const auto key = ReportSigner::readPublicKey(dialog.lastResult()->publicKeyPath, &error);
        QVERIFY2(key, qPrintable(error));
        const ReportVerification v = ReportSigner::verifyFile(pdf, {}, key);
        QVERIFY2(v.ok, qPrintable(v.message));
        QVERIFY(switchyard::test::pdfText(pdf, 1, 1).contains(QLatin1String("Approved for the read switch.")));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("report.json"))));
    }
};

QTEST_MAIN(TestReportExportDialog)
#include "tst_reportexportdialog.moc"
