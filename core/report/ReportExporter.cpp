#include "report/ReportExporter.h"

#include "report/ReportJson.h"
#include "report/ReportRenderer.h"
#include "report/ReportSigner.h"
#include "store/ControlStore.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace switchyard::core {

namespace {

bool writeFile(const QString &path, const QByteArray &bytes, QString *error)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

} // namespace

QString ReportExporter::jsonPathFor(const QString &pdfPath)
{
    QString base = pdfPath;
    if (base.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive))
        base.chop(4);
    return base + QStringLiteral(".json");
}

ReportExportResult ReportExporter::exportReport(const ReportData &data, const ReportExportRequest &request,
                                                ControlStore *store)
{
    ReportExportResult r;
    r.verdict = ReportVerdict::decide(data);
    r.pdfPath = QFileInfo(request.pdfPath).absoluteFilePath();
    r.jsonPath = QFileInfo(request.jsonPath.isEmpty() ? jsonPathFor(request.pdfPath) : request.jsonPath)
                     .absoluteFilePath();
    ReportSignOff signOff = request.signOff;
    const bool signing = !signOff.isEmpty();
    if (signing) {
        const QString refusal = signOff.refusal(r.verdict);
        if (!refusal.isEmpty()) {
            r.refused = true;
            r.error = QStringLiteral("sign-off refused: %1").arg(refusal);
            return r;
        }
    }
    try {
        std::optional<ReportSigner> signer;
        if (signing) {
            r.keyPath = request.keyPath.isEmpty() ? ReportSigner::defaultKeyPath() : request.keyPath;
            signer.emplace(ReportSigner::loadOrCreate(r.keyPath));
            r.keyPath = signer->keyPath();
            r.publicKeyPath = signer->publicKeyPath();
            r.keyCreated = signer->createdNow();
            r.fingerprint = signer->fingerprint();
            signOff.keyFingerprint = r.fingerprint;
            if (!signOff.at.isValid())
                signOff.at = QDateTime::currentDateTimeUtc();
            signOff.at = signOff.at.toUTC();
            signOff.at.setTime(QTime(signOff.at.time().hour(), signOff.at.time().minute(),
                                     signOff.at.time().second()));
        }
        const QByteArray pdf = ReportRenderer::renderReport(data, r.verdict, signOff);
        r.pdfSha256 = QString::fromLatin1(QCryptographicHash::hash(pdf, QCryptographicHash::Sha256).toHex());
        if (!writeFile(r.pdfPath, pdf, &r.error))
            return r;
        QString signature;
        if (signing) {
            const ReportSignature sig =
                signer->signFile(pdf, QFileInfo(r.pdfPath).fileName(),
                                 QStringLiteral("%1 (%2)").arg(signOff.signer, signOff.role), signOff.at);
            r.sigPath = r.pdfPath + QStringLiteral(".sig");
            if (!writeFile(r.sigPath, sig.toText(), &r.error))
                return r;
            signature = QString::fromLatin1(sig.signature.toBase64());
        }
        if (!writeFile(r.jsonPath, ReportJson::toJson(data, r.verdict, signOff, r.pdfSha256), &r.error))
            return r;
        if (signing && store) {
            SignOff record;
            record.runId = data.runId;
            record.signer = signOff.signer;
            record.role = signOff.role;
            record.statement = signOff.statement;
            record.verdict = signOff.storeVerdict();
            record.reportSha256 = r.pdfSha256;
            record.signature = signature;
            AuditEntry audit;
            audit.runId = data.runId;
            audit.operatorName = signOff.signer;
            audit.action = QStringLiteral("report.sign");
            audit.target = QStringLiteral("report:%1").arg(QFileInfo(r.pdfPath).fileName());
            audit.reason = signOff.statement;
            audit.detailsJson = QString::fromUtf8(
                QJsonDocument(QJsonObject{{QStringLiteral("verdict"), r.verdict.label()},
                                          {QStringLiteral("signed_as"), signOff.label()},
                                          {QStringLiteral("role"), signOff.role},
                                          {QStringLiteral("pdf_sha256"), r.pdfSha256},
                                          {QStringLiteral("key_fingerprint"), r.fingerprint}})
                    .toJson(QJsonDocument::Compact));
            store->transaction(QStringLiteral("record report sign-off"), [&] {
                store->runs().addSignOff(record);
                store->audit().appendAudit(audit);
            });
        }
        r.ok = true;
    } catch (const std::exception &e) {
        r.error = QString::fromUtf8(e.what());
    }
    return r;
}

} // namespace switchyard::core
