// ReportSigner: Ed25519 keys created on first use (0600, reused after),
// signatures that verify, and every way a check must fail — a flipped byte
// anywhere in the file, a damaged or edited .sig, another key.

#include "report/ReportSigner.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace switchyard::core;

namespace {

mode_t modeOf(const QString &path)
{
    struct stat st {};
    ::stat(QFile::encodeName(path).constData(), &st);
    return st.st_mode & 0777;
}

QByteArray samplePdf()
{
    QByteArray b("%PDF-1.4\n");
    for (int i = 0; i < 2000; ++i)
        b += QByteArray::number(i * 7919 % 251) + ' ';
    return b + "\n%%EOF\n";
}

} // namespace

class TestReportSigner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keyIsCreatedPrivateAndReused()
    {
        QTemporaryDir dir;
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(dir.path()));
        const QString path = ReportSigner::defaultKeyPath();
        QCOMPARE(path, dir.filePath(QStringLiteral("switchyard/signing-key.pem")));
        const ReportSigner first = ReportSigner::loadOrCreate(path);
        QVERIFY(first.createdNow());
        QCOMPARE(modeOf(path), mode_t(0600));
        QVERIFY(QFile::exists(first.publicKeyPath()));
        QCOMPARE(first.publicKey().size(), 32);
        QVERIFY(first.fingerprint().startsWith(QLatin1String("SHA256:")));
        QCOMPARE(first.fingerprint().size(), 7 + 64);

        const ReportSigner again = ReportSigner::loadOrCreate(path);
        QVERIFY(!again.createdNow());
        QCOMPARE(again.publicKey(), first.publicKey());
        QString error;
        QCOMPARE(ReportSigner::readPublicKey(first.publicKeyPath(), &error).value_or(QByteArray()), first.publicKey());
        QCOMPARE(ReportSigner::readPublicKey(path, &error).value_or(QByteArray()), first.publicKey());
    }

    void looseKeyFileIsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("k.pem"));
        ReportSigner::loadOrCreate(path);
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0644) == 0);
        try {
            ReportSigner::loadOrCreate(path);
            QFAIL("a key readable by others was accepted");
        } catch (const std::runtime_error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("chmod 600")), e.what());
        }
    }

    void signatureVerifies()
    {
        QTemporaryDir dir;
        const ReportSigner signer = ReportSigner::loadOrCreate(dir.filePath(QStringLiteral("k.pem")));
        const QByteArray pdf = samplePdf();
        const QByteArray sig = signer.sign(pdf);
        QCOMPARE(sig.size(), 64);
        QVERIFY(ReportSigner::verify(signer.publicKey(), pdf, sig));

        const ReportSignature file =
            signer.signFile(pdf, QStringLiteral("report.pdf"), QStringLiteral("Dana (DBA)"), QDateTime::currentDateTimeUtc());
        ReportVerification v = ReportSigner::verifyBytes(pdf, file.toText(), std::nullopt);
        QVERIFY2(v.ok, qPrintable(v.message));
        QVERIFY(!v.keyPinned);
        QCOMPARE(v.fingerprint, signer.fingerprint());
        v = ReportSigner::verifyBytes(pdf, file.toText(), signer.publicKey());
        QVERIFY2(v.ok && v.keyPinned, qPrintable(v.message));
    }

    void anyFlippedByteFails_data()
    {
        QTest::addColumn<int>("position");
        QTest::newRow("first byte") << 0;
        QTest::newRow("middle") << 4000;
        QTest::newRow("last byte") << -1;
    }

    void anyFlippedByteFails()
    {
        QFETCH(int, position);
        QTemporaryDir dir;
        const ReportSigner signer = ReportSigner::loadOrCreate(dir.filePath(QStringLiteral("k.pem")));
        QByteArray pdf = samplePdf();
        const QByteArray sig = signer.signFile(pdf, QStringLiteral("r.pdf"), QStringLiteral("x"), {}).toText();
        const int at = position < 0 ? int(pdf.size()) - 1 : position;
        pdf[at] = char(pdf.at(at) ^ 0x01);
        const ReportVerification v = ReportSigner::verifyBytes(pdf, sig, signer.publicKey());
        QVERIFY(!v.ok);
        QVERIFY2(v.message.contains(QLatin1String("changed after signing")), qPrintable(v.message));
    }

    void anotherKeyFails()
    {
        QTemporaryDir dir;
        const ReportSigner a = ReportSigner::loadOrCreate(dir.filePath(QStringLiteral("a.pem")));
        const ReportSigner b = ReportSigner::loadOrCreate(dir.filePath(QStringLiteral("b.pem")));
        QVERIFY(a.publicKey() != b.publicKey());
        const QByteArray pdf = samplePdf();
        // Signed by b, but the verifier trusts a.
        const QByteArray byB = b.signFile(pdf, QStringLiteral("r.pdf"), QStringLiteral("x"), {}).toText();
        ReportVerification v = ReportSigner::verifyBytes(pdf, byB, a.publicKey());
        QVERIFY(!v.ok);
        QVERIFY2(v.message.contains(QLatin1String("another key")), qPrintable(v.message));
        // a's signature with b's public key swapped into the .sig.
        ReportSignature forged = a.signFile(pdf, QStringLiteral("r.pdf"), QStringLiteral("x"), {});
        forged.publicKey = b.publicKey();
        QVERIFY(!ReportSigner::verifyBytes(pdf, forged.toText(), std::nullopt).ok);
        QVERIFY(!ReportSigner::verify(b.publicKey(), pdf, a.sign(pdf)));
    }

    void damagedSignatureFileFails_data()
    {
        QTest::addColumn<QByteArray>("from");
        QTest::addColumn<QByteArray>("to");
        QTest::newRow("version") << QByteArray("signature: 1") << QByteArray("signature: 2");
        QTest::newRow("algorithm") << QByteArray("ed25519") << QByteArray("rsa");
        QTest::newRow("sha256 line") << QByteArray("sha256: ") << QByteArray("sha256: 0");
    }

    void damagedSignatureFileFails()
    {
        QFETCH(QByteArray, from);
        QFETCH(QByteArray, to);
        QTemporaryDir dir;
        const ReportSigner signer = ReportSigner::loadOrCreate(dir.filePath(QStringLiteral("k.pem")));
        const QByteArray pdf = samplePdf();
        QByteArray text = signer.signFile(pdf, QStringLiteral("r.pdf"), QStringLiteral("x"), {}).toText();
        QVERIFY(text.contains(from));
        text.replace(from, to);
        QVERIFY(!ReportSigner::verifyBytes(pdf, text, std::nullopt).ok);
    }

    void flippedSignatureByteFails()
    {
        QTemporaryDir dir;
        const ReportSigner signer = ReportSigner::loadOrCreate(dir.filePath(QStringLiteral("k.pem")));
        const QByteArray pdf = samplePdf();
        ReportSignature s = signer.signFile(pdf, QStringLiteral("r.pdf"), QStringLiteral("x"), {});
        s.signature[10] = char(s.signature.at(10) ^ 0x40);
        const ReportVerification v = ReportSigner::verifyBytes(pdf, s.toText(), signer.publicKey());
        QVERIFY(!v.ok);
        QVERIFY2(v.message.contains(QLatin1String("signature damaged")), qPrintable(v.message));
    }
};

QTEST_GUILESS_MAIN(TestReportSigner)
#include "tst_reportsigner.moc"
