#include "TlsIdentity.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostInfo>
#include <QSaveFile>

#include <memory>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace confab::server {

using namespace Qt::StringLiterals;

namespace {

template<auto Free> struct Deleter
{
    template<typename T> void operator()(T *p) const { Free(p); }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, size);
}

bool addExtension(X509 *certificate, int nid, const QByteArray &value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.constData()));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

bool writePrivateFile(const QString &path, const QByteArray &contents,
                      QFileDevice::Permissions permissions, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(permissions)
        || file.write(contents) != contents.size() || !file.commit()) {
        *error = u"Cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}

std::optional<std::pair<QByteArray, QByteArray>> generatePem(QString *error)
{
    PKeyPtr key(EVP_EC_gen("P-256"));
    X509Ptr certificate(X509_new());
    if (!key || !certificate) {
        *error = u"OpenSSL could not create a key pair."_s;
        return std::nullopt;
    }
    X509_set_version(certificate.get(), 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f; // a positive serial number
    BIGNUM *serialNumber = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(serialNumber, X509_get_serialNumber(certificate.get()));
    BN_free(serialNumber);
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 10L * 365 * 24 * 3600);
    X509_set_pubkey(certificate.get(), key.get());

    X509_NAME *name = X509_get_subject_name(certificate.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>("Confab"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>("confabd"), -1, -1, 0);
    X509_set_issuer_name(certificate.get(), name);

    QByteArray altNames = "DNS:localhost,IP:127.0.0.1,IP:::1";
    const QByteArray host = QHostInfo::localHostName().toLatin1();
    if (!host.isEmpty() && host != "localhost" && !host.contains(',') && !host.contains(':'))
        altNames += ",DNS:" + host;
    if (!addExtension(certificate.get(), NID_subject_alt_name, altNames)
        || !addExtension(certificate.get(), NID_basic_constraints, "critical,CA:FALSE")
        || !addExtension(certificate.get(), NID_ext_key_usage, "serverAuth")
        || X509_sign(certificate.get(), key.get(), EVP_sha256()) == 0) {
        *error = u"OpenSSL could not sign the certificate."_s;
        return std::nullopt;
    }

    BioPtr certificateBio(BIO_new(BIO_s_mem()));
    BioPtr keyBio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_X509(certificateBio.get(), certificate.get()) != 1
        || PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr)
            != 1) {
        *error = u"OpenSSL could not encode the certificate."_s;
        return std::nullopt;
    }
    return std::pair { bioContents(certificateBio.get()), bioContents(keyBio.get()) };
}

QByteArray readFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"Cannot read %1: %2"_s.arg(path, file.errorString());
        return {};
    }
    return file.readAll();
}

} // namespace

std::optional<TlsIdentity> TlsIdentity::loadOrGenerate(const QString &certFile,
                                                       const QString &keyFile, QString *error)
{
    TlsIdentity identity;
    const bool haveCertificate = QFileInfo::exists(certFile);
    const bool haveKey = QFileInfo::exists(keyFile);
    if (haveCertificate != haveKey) {
        *error = u"Found %1 but not %2: give both the certificate and its key, or neither to have "
                 "confabd make a self-signed pair."_s.arg(haveCertificate ? certFile : keyFile,
                                                          haveCertificate ? keyFile : certFile);
        return std::nullopt;
    }
    if (!haveCertificate) {
        const auto pem = generatePem(error);
        if (!pem)
            return std::nullopt;
        if (!QDir().mkpath(QFileInfo(certFile).absolutePath())
            || !QDir().mkpath(QFileInfo(keyFile).absolutePath())) {
            *error = u"Cannot create the folder for %1."_s.arg(certFile);
            return std::nullopt;
        }
        if (!writePrivateFile(keyFile, pem->second, QFile::ReadOwner | QFile::WriteOwner, error)
            || !writePrivateFile(
                certFile, pem->first,
                QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther, error))
            return std::nullopt;
        identity.generated = true;
    }

    const QByteArray certificatePem = readFile(certFile, error);
    const QByteArray keyPem = readFile(keyFile, error);
    if (certificatePem.isEmpty() || keyPem.isEmpty())
        return std::nullopt;
    const auto chain = QSslCertificate::fromData(certificatePem, QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = u"%1 holds no PEM certificate."_s.arg(certFile);
        return std::nullopt;
    }
    identity.certificate = chain.first();
    identity.chain = chain;
    for (auto algorithm : { QSsl::Ec, QSsl::Rsa }) {
        identity.privateKey = QSslKey(keyPem, algorithm, QSsl::Pem);
        if (!identity.privateKey.isNull())
            break;
    }
    if (identity.privateKey.isNull()) {
        *error = u"%1 holds no unencrypted PEM private key (EC or RSA)."_s.arg(keyFile);
        return std::nullopt;
    }
    return identity;
}

QString TlsIdentity::fingerprint() const
{
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

} // namespace confab::server
