#include "report/ReportSigner.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace switchyard::core {

namespace {

struct PkeyFree
{
    void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); }
};
struct BioFree
{
    void operator()(BIO *b) const { BIO_free(b); }
};
struct MdCtxFree
{
    void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

QString opensslError()
{
    const unsigned long e = ERR_get_error();
    if (e == 0)
        return QStringLiteral("unknown OpenSSL error");
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return QString::fromLatin1(buf);
}

[[noreturn]] void fail(const QString &what)
{
    throw std::runtime_error(what.toStdString());
}

QByteArray bioBytes(BIO *bio)
{
    char *data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(len));
}

QByteArray rawPublic(EVP_PKEY *key)
{
    size_t len = 0;
    if (EVP_PKEY_get_raw_public_key(key, nullptr, &len) != 1 || len != 32)
        return {};
    QByteArray raw(int(len), '\0');
    if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char *>(raw.data()), &len) != 1)
        return {};
    return raw;
}

// Writes `bytes` to a new file with `mode`, failing if it exists (no window
// in which the private key is readable by others).
void writeNewFile(const QString &path, const QByteArray &bytes, mode_t mode)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        fail(QStringLiteral("cannot create %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n < 0) {
            const int e = errno;
            ::close(fd);
            fail(QStringLiteral("cannot write %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(e))));
        }
        done += n;
    }
    ::fsync(fd);
    ::close(fd);
    ::chmod(native.constData(), mode); // the umask may have narrowed the public key's mode
}

QByteArray publicPem(EVP_PKEY *key)
{
    Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1)
        fail(QStringLiteral("cannot encode the public key: %1").arg(opensslError()));
    return bioBytes(bio.get());
}

Pkey generateKey()
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    if (!key)
        fail(QStringLiteral("cannot generate an Ed25519 key: %1").arg(opensslError()));
    return Pkey(key);
}

QString publicPathFor(const QString &keyPath)
{
    QString base = keyPath;
    if (base.endsWith(QLatin1String(".pem")))
        base.chop(4);
    return base + QStringLiteral(".pub.pem");
}

} // namespace

struct ReportSigner::Impl
{
    Pkey key;
    QString path;
    bool created = false;
    QByteArray publicKey;
};

ReportSigner::ReportSigner(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
ReportSigner::ReportSigner(ReportSigner &&) noexcept = default;
ReportSigner &ReportSigner::operator=(ReportSigner &&) noexcept = default;
ReportSigner::~ReportSigner() = default;

QString ReportSigner::defaultKeyPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation))
        .filePath(QStringLiteral("switchyard/signing-key.pem"));
}

ReportSigner ReportSigner::loadOrCreate(const QString &path)
{
    auto impl = std::make_unique<Impl>();
    impl->path = QFileInfo(path).absoluteFilePath();
    const QByteArray native = QFile::encodeName(impl->path);
    struct stat st {};
    if (::stat(native.constData(), &st) != 0) {
        if (errno != ENOENT)
            fail(QStringLiteral("cannot read the signing key %1: %2")
                     .arg(impl->path, QString::fromLocal8Bit(std::strerror(errno))));
        const QString dir = QFileInfo(impl->path).absolutePath();
        if (!QDir().mkpath(dir))
            fail(QStringLiteral("cannot create the folder %1 for the signing key").arg(dir));
        impl->key = generateKey();
        Bio bio(BIO_new(BIO_s_mem()));
        if (!bio || PEM_write_bio_PrivateKey(bio.get(), impl->key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
            fail(QStringLiteral("cannot encode the new signing key: %1").arg(opensslError()));
        writeNewFile(impl->path, bioBytes(bio.get()), 0600);
        const QString pub = publicPathFor(impl->path);
        QFile::remove(pub);
        writeNewFile(pub, publicPem(impl->key.get()), 0644);
        impl->created = true;
    } else {
        if ((st.st_mode & 077) != 0)
            fail(QStringLiteral("the signing key %1 may be read by other users (mode %2); "
                                "run: chmod 600 %1")
                     .arg(impl->path)
                     .arg(QString::number(st.st_mode & 0777, 8)));
        QFile f(impl->path);
        if (!f.open(QIODevice::ReadOnly))
            fail(QStringLiteral("cannot read the signing key %1: %2").arg(impl->path, f.errorString()));
        const QByteArray pem = f.readAll();
        Bio bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
        impl->key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
        if (!impl->key || EVP_PKEY_get_id(impl->key.get()) != EVP_PKEY_ED25519)
            fail(QStringLiteral("%1 is not an Ed25519 private key in PEM form (%2); move it away and a new "
                                "key will be created")
                     .arg(impl->path, opensslError()));
    }
    impl->publicKey = rawPublic(impl->key.get());
    if (impl->publicKey.size() != 32)
        fail(QStringLiteral("cannot read the public half of %1").arg(impl->path));
    return ReportSigner(std::move(impl));
}

QString ReportSigner::keyPath() const { return d->path; }
QString ReportSigner::publicKeyPath() const { return publicPathFor(d->path); }
bool ReportSigner::createdNow() const { return d->created; }
QByteArray ReportSigner::publicKey() const { return d->publicKey; }
QString ReportSigner::fingerprint() const { return fingerprintOf(d->publicKey); }

QByteArray ReportSigner::sign(const QByteArray &data) const
{
    MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, d->key.get()) != 1)
        fail(QStringLiteral("cannot start an Ed25519 signature: %1").arg(opensslError()));
    size_t len = 64;
    QByteArray sig(64, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(sig.data()), &len,
                       reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size())) != 1 ||
        len != 64)
        fail(QStringLiteral("Ed25519 signing failed: %1").arg(opensslError()));
    return sig;
}

ReportSignature ReportSigner::signFile(const QByteArray &data, const QString &fileName, const QString &signer,
                                       const QDateTime &signedAt) const
{
    ReportSignature s;
    s.fileName = fileName;
    s.sha256 = QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
    s.publicKey = d->publicKey;
    s.fingerprint = fingerprint();
    s.signer = signer;
    s.signedAt = signedAt.toUTC();
    s.signature = sign(data);
    return s;
}

QString ReportSigner::fingerprintOf(const QByteArray &rawPublicKey)
{
    return QStringLiteral("SHA256:") +
           QString::fromLatin1(QCryptographicHash::hash(rawPublicKey, QCryptographicHash::Sha256).toHex());
}

bool ReportSigner::verify(const QByteArray &rawPublicKey, const QByteArray &data, const QByteArray &signature)
{
    if (rawPublicKey.size() != 32 || signature.size() != 64)
        return false;
    Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                         reinterpret_cast<const unsigned char *>(rawPublicKey.constData()), 32));
    MdCtx ctx(EVP_MD_CTX_new());
    if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
        ERR_clear_error();
        return false;
    }
    const int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(signature.constData()), 64,
                                    reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size()));
    ERR_clear_error();
    return rc == 1;
}

std::optional<QByteArray> ReportSigner::readPublicKey(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return std::nullopt;
    }
    const QByteArray pem = f.readAll();
    Bio bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    Pkey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!key) {
        ERR_clear_error();
        Bio again(BIO_new_mem_buf(pem.constData(), int(pem.size())));
        key.reset(PEM_read_bio_PrivateKey(again.get(), nullptr, nullptr, nullptr));
    }
    ERR_clear_error();
    if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
        *error = QStringLiteral("%1 holds no Ed25519 key in PEM form (expected the signer's "
                                "signing-key.pub.pem)").arg(path);
        return std::nullopt;
    }
    const QByteArray raw = rawPublic(key.get());
    if (raw.size() != 32) {
        *error = QStringLiteral("cannot read the public key in %1").arg(path);
        return std::nullopt;
    }
    return raw;
}

QByteArray ReportSignature::toText() const
{
    QByteArray out;
    auto line = [&](const char *name, const QString &value) {
        out += name;
        out += ": ";
        out += value.toUtf8();
        out += '\n';
    };
    line("switchyard-report-signature", QStringLiteral("1"));
    line("algorithm", QStringLiteral("ed25519"));
    line("file", fileName);
    line("sha256", sha256);
    line("public-key", QString::fromLatin1(publicKey.toBase64()));
    line("fingerprint", fingerprint);
    line("signer", QString(signer).replace(QLatin1Char('\n'), QLatin1Char(' ')));
    line("signed-at", signedAt.toUTC().toString(Qt::ISODate));
    line("signature", QString::fromLatin1(signature.toBase64()));
    return out;
}

std::optional<ReportSignature> ReportSignature::parse(const QByteArray &text, QString *error)
{
    QMap<QString, QString> fields;
    for (const QByteArray &raw : text.split('\n')) {
        const QString l = QString::fromUtf8(raw).trimmed();
        if (l.isEmpty())
            continue;
        const qsizetype colon = l.indexOf(QLatin1Char(':'));
        if (colon <= 0) {
            *error = QStringLiteral("not a Switchyard signature file (line \"%1\")").arg(l.left(40));
            return std::nullopt;
        }
        fields.insert(l.left(colon).trimmed(), l.mid(colon + 1).trimmed());
    }
    if (fields.value(QStringLiteral("switchyard-report-signature")) != QLatin1String("1") ||
        fields.value(QStringLiteral("algorithm")) != QLatin1String("ed25519")) {
        *error = QStringLiteral("not a version-1 Ed25519 Switchyard signature file");
        return std::nullopt;
    }
    ReportSignature s;
    s.fileName = fields.value(QStringLiteral("file"));
    s.sha256 = fields.value(QStringLiteral("sha256"));
    s.publicKey = QByteArray::fromBase64(fields.value(QStringLiteral("public-key")).toLatin1());
    s.fingerprint = fields.value(QStringLiteral("fingerprint"));
    s.signer = fields.value(QStringLiteral("signer"));
    s.signedAt = QDateTime::fromString(fields.value(QStringLiteral("signed-at")), Qt::ISODate);
    s.signature = QByteArray::fromBase64(fields.value(QStringLiteral("signature")).toLatin1());
    if (s.publicKey.size() != 32 || s.signature.size() != 64) {
        *error = QStringLiteral("the signature file's public-key or signature line is damaged");
        return std::nullopt;
    }
    return s;
}

ReportVerification ReportSigner::verifyBytes(const QByteArray &data, const QByteArray &signatureText,
                                             const std::optional<QByteArray> &pinnedPublicKey)
{
    ReportVerification r;
    QString error;
    const auto sig = ReportSignature::parse(signatureText, &error);
    if (!sig) {
        r.message = error;
        return r;
    }
    r.fingerprint = fingerprintOf(sig->publicKey);
    const QString sha = QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
    if (pinnedPublicKey && *pinnedPublicKey != sig->publicKey) {
        r.message = QStringLiteral("signed with another key: the signature names %1, the key you trust is %2")
                        .arg(r.fingerprint, fingerprintOf(*pinnedPublicKey));
        return r;
    }
    if (!verify(sig->publicKey, data, sig->signature)) {
        r.message = sha != sig->sha256
                        ? QStringLiteral("the file was changed after signing (SHA-256 %1, signed %2)")
                              .arg(sha, sig->sha256)
                        : QStringLiteral("the signature does not match the file and key (signature damaged)");
        return r;
    }
    if (sha != sig->sha256) {
        r.message = QStringLiteral("the signature file's sha256 line was edited");
        return r;
    }
    r.ok = true;
    r.keyPinned = pinnedPublicKey.has_value();
    r.message = QStringLiteral("signature valid: signed by %1 at %2 with key %3%4")
                    .arg(sig->signer, sig->signedAt.toString(Qt::ISODate), r.fingerprint,
                         r.keyPinned ? QStringLiteral(" (the key you named)")
                                     : QStringLiteral(" — compare this fingerprint with the one printed in the "
                                                      "report and the signer's published key, or pass --pubkey"));
    return r;
}

ReportVerification ReportSigner::verifyFile(const QString &pdfPath, const QString &sigPath,
                                            const std::optional<QByteArray> &pinnedPublicKey)
{
    ReportVerification r;
    QFile pdf(pdfPath);
    if (!pdf.open(QIODevice::ReadOnly)) {
        r.message = QStringLiteral("cannot read %1: %2").arg(pdfPath, pdf.errorString());
        return r;
    }
    const QString sp = sigPath.isEmpty() ? pdfPath + QStringLiteral(".sig") : sigPath;
    QFile sig(sp);
    if (!sig.open(QIODevice::ReadOnly)) {
        r.message = QStringLiteral("cannot read the signature %1: %2").arg(sp, sig.errorString());
        return r;
    }
    return verifyBytes(pdf.readAll(), sig.readAll(), pinnedPublicKey);
}

} // namespace switchyard::core
