// The audit log's canonical form and hash, against fixed vectors that were
// computed independently with printf and sha256sum (docs/control-store.md
// shows the same vectors, so an auditor can check their own tooling).

#include "store/AuditLog.h"

#include <QtTest>

using namespace switchyard::core;

namespace {

AuditEntry firstVectorEntry()
{
    AuditEntry e;
    e.runId = 1;
    e.seq = 1;
    e.at = QStringLiteral("2026-05-01T12:00:00.000Z");
    e.operatorName = QStringLiteral("ann");
    e.action = QStringLiteral("phase.confirm");
    e.target = QStringLiteral("phase:backfill");
    e.reason = QStringLiteral("gates green \u2014 ticket OPS-42");
    e.detailsJson = QStringLiteral("{\"gates\":[\"backfill_complete\"],\"override\":false}");
    e.prevHash = AuditLog::genesisHash();
    return e;
}

const char *const kFirstCanonical =
    "19:switchyard-audit-v1,1:1,1:1,24:2026-05-01T12:00:00.000Z,3:ann,13:phase.confirm,14:phase:backfill,"
    "29:gates green \xe2\x80\x94 ticket OPS-42,48:{\"gates\":[\"backfill_complete\"],\"override\":false},"
    "64:0000000000000000000000000000000000000000000000000000000000000000,";
const char *const kFirstHash = "21000f69cfa8fe9f220d69c1efadb219918715bc20210172cbd5195ba235dfcd";
const char *const kSecondHash = "31c8f58ad3cfc3a4372b089e17575bbd8a0178a88734fd88e3d0a555b852a56d";

} // namespace

class TestAuditCanonical : public QObject
{
    Q_OBJECT

private slots:
    void genesisIsSixtyFourZeros()
    {
        QCOMPARE(AuditLog::genesisHash(), QString(64, QLatin1Char('0')));
    }

    void canonicalFormIsNetstrings()
    {
        QCOMPARE(AuditLog::canonicalForm(firstVectorEntry()), QByteArray(kFirstCanonical));
    }

    void hashMatchesVector()
    {
        QCOMPARE(AuditLog::entryHash(firstVectorEntry()), QString::fromLatin1(kFirstHash));

        AuditEntry second;
        second.runId = 1;
        second.seq = 2;
        second.at = QStringLiteral("2026-05-01T12:00:05.250Z");
        second.operatorName = QStringLiteral("bob");
        second.action = QStringLiteral("job.cancel");
        second.target = QStringLiteral("job:7");
        second.reason = QString();
        second.detailsJson = QStringLiteral("{}");
        second.prevHash = QString::fromLatin1(kFirstHash);
        QCOMPARE(AuditLog::entryHash(second), QString::fromLatin1(kSecondHash));
    }

    // Every field takes part: changing any one changes the hash. Lengths are
    // in bytes, so moving a character between neighbouring fields does too.
    void everyFieldIsCovered_data()
    {
        QTest::addColumn<int>("field");
        const char *names[] = {"run_id", "seq", "at", "operator", "action", "target", "reason", "details", "prev_hash"};
        for (int i = 0; i < 9; ++i)
            QTest::newRow(names[i]) << i;
    }

    void everyFieldIsCovered()
    {
        QFETCH(int, field);
        AuditEntry e = firstVectorEntry();
        switch (field) {
        case 0: e.runId = 2; break;
        case 1: e.seq = 2; break;
        case 2: e.at = QStringLiteral("2026-05-01T12:00:00.001Z"); break;
        case 3: e.operatorName = QStringLiteral("anne"); break;
        case 4: e.action = QStringLiteral("phase.rollback"); break;
        case 5: e.target = QStringLiteral("phase:backfil"); break;
        case 6: e.reason += QLatin1Char(' '); break;
        case 7: e.detailsJson = QStringLiteral("{}"); break;
        case 8: e.prevHash = QString(64, QLatin1Char('1')); break;
        }
        QVERIFY(AuditLog::entryHash(e) != QString::fromLatin1(kFirstHash));
    }

    void fieldBoundariesAreUnambiguous()
    {
        AuditEntry a = firstVectorEntry();
        AuditEntry b = a;
        a.action = QStringLiteral("ab");
        a.target = QStringLiteral("c");
        b.action = QStringLiteral("a");
        b.target = QStringLiteral("bc");
        QVERIFY(AuditLog::canonicalForm(a) != AuditLog::canonicalForm(b));
        QVERIFY(AuditLog::entryHash(a) != AuditLog::entryHash(b));
    }
};

QTEST_GUILESS_MAIN(TestAuditCanonical)
#include "tst_auditcanonical.moc"
