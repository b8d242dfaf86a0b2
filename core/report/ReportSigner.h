#pragma once
// Ed25519 signatures for exported reports: the signer's key, the detached
// signature file (report.pdf.sig) and its verification.
//
// The key. One Ed25519 key per user, kept as a PKCS#8 PEM file at
// $XDG_CONFIG_HOME/switchyard/signing-key.pem (defaultKeyPath()), created on
// first use with mode 0600 in a 0700 folder, with its public half beside it
// (signing-key.pub.pem, 0644) to hand to whoever verifies. A key file that
// group or others may read is refused (like ssh does), with the chmod to run.
// The fingerprint is "SHA256:" + lower-case hex SHA-256 of the 32 raw public
// key bytes; the report prints it, so a reader can match it to a known key.
//
// The signature covers the exact bytes of the PDF (Ed25519, one shot, no
// pre-hash: OpenSSL 3 EVP_DigestSign with a NULL digest). The .sig file is
// text, one "name: value" per line:
//     switchyard-report-signature: 1
//     algorithm: ed25519
//     file: report.pdf
//     sha256: <hex of the PDF>
//     public-key: <base64 of the 32 raw bytes>
//     fingerprint: SHA256:<hex>
//     signer: Dana Reyes (Lead DBA)
//     signed-at: 2027-02-20T10:00:00Z
//     signature: <base64 of the 64-byte signature>
// verifyFile() fails on any change to the PDF, to the signature, or to the
// public key line (the signature then no longer verifies), and — when the
// verifier names the key it trusts (pinnedPublicKey) — on a signature made
// with any other key. Without a pinned key it can only say the file matches
// the key in the .sig; the result says so, with that key's fingerprint.
//
// Errors: loadOrCreate() and sign() throw std::runtime_error saying what and
// where; verification returns a result value. Thread-safe: a ReportSigner is
// immutable after construction; the static functions share nothing.

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <memory>
#include <optional>

namespace switchyard::core {

struct ReportSignature
{
    QString fileName;
    QString sha256;
    QByteArray publicKey; // 32 raw bytes
    QString fingerprint;
    QString signer;
    QDateTime signedAt;
    QByteArray signature; // 64 raw bytes

    QByteArray toText() const;
    /// nullopt (and *error) when the text is not a version-1 signature file.
    static std::optional<ReportSignature> parse(const QByteArray &text, QString *error);
};

struct ReportVerification
{
    bool ok = false;
    bool keyPinned = false; // verified against a key the verifier named
    QString fingerprint;    // of the key that made the signature (from the .sig)
    QString message;        // for a person: what was checked, or what is wrong
};

class ReportSigner
{
public:
    /// $XDG_CONFIG_HOME/switchyard/signing-key.pem (~/.config/… by default).
    static QString defaultKeyPath();
    /// Loads the private key at `path`, creating it (and its .pub.pem) when
    /// the file does not exist. Throws std::runtime_error.
    static ReportSigner loadOrCreate(const QString &path);

    ReportSigner(ReportSigner &&) noexcept;
    ReportSigner &operator=(ReportSigner &&) noexcept;
    ~ReportSigner();

    QString keyPath() const;
    QString publicKeyPath() const; // <keyPath minus .pem>.pub.pem
    bool createdNow() const;       // this call made the key
    QByteArray publicKey() const;  // 32 raw bytes
    QString fingerprint() const;
    /// The 64-byte Ed25519 signature of `data`. Throws std::runtime_error.
    QByteArray sign(const QByteArray &data) const;
    /// sign() wrapped as a signature file for `fileName`.
    ReportSignature signFile(const QByteArray &data, const QString &fileName, const QString &signer,
                             const QDateTime &signedAt) const;

    static QString fingerprintOf(const QByteArray &rawPublicKey);
    static bool verify(const QByteArray &rawPublicKey, const QByteArray &data, const QByteArray &signature);
    /// The raw public key in a PEM file holding a public key or a private
    /// key; nullopt and *error when it holds no Ed25519 key.
    static std::optional<QByteArray> readPublicKey(const QString &path, QString *error);
    /// Checks `data` (the PDF's bytes) against `signatureText` (the .sig).
    static ReportVerification verifyBytes(const QByteArray &data, const QByteArray &signatureText,
                                          const std::optional<QByteArray> &pinnedPublicKey);
    /// Reads `pdfPath` and `pdfPath + ".sig"` (or sigPath) and verifies.
    static ReportVerification verifyFile(const QString &pdfPath, const QString &sigPath,
                                         const std::optional<QByteArray> &pinnedPublicKey);

private:
    struct Impl;
    explicit ReportSigner(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace switchyard::core
