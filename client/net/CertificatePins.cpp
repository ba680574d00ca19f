#include "CertificatePins.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>

#include <algorithm>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {

// Errors that only say that no authority the system trusts vouches for the certificate, or
// that it names another host: what a self-signed server certificate causes, and what the
// user settles by comparing the fingerprint with the one the server's operator printed.
bool isApprovable(QSslError::SslError error)
{
    switch (error) {
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::CertificateUntrusted:
    case QSslError::HostNameMismatch:
        return true;
    default:
        return false;
    }
}

} // namespace

QString CertificatePins::Pin::fingerprint() const
{
    return CertificatePins::fingerprint(certificate);
}

QList<QSslError> CertificatePins::Pin::expectedErrors() const
{
    QList<QSslError> expected;
    for (const auto error : errors)
        expected.append(QSslError(error, certificate));
    return expected;
}

CertificatePins::CertificatePins(QString filePath)
    : m_filePath(std::move(filePath))
{ }

QString CertificatePins::addressKey(const QString &host, quint16 port)
{
    return u"%1:%2"_s.arg(host.toLower()).arg(port);
}

QString CertificatePins::fingerprint(const QSslCertificate &certificate)
{
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

bool CertificatePins::isFingerprint(const QString &text)
{
    static const QRegularExpression form(u"^(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$"_s);
    return form.match(text).hasMatch();
}

QJsonObject CertificatePins::load() const
{
    QFile file(m_filePath);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

bool CertificatePins::save(const QJsonObject &pins) const
{
    QDir().mkpath(QFileInfo(m_filePath).absolutePath());
    QSaveFile file(m_filePath);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(pins).toJson());
    return file.commit();
}

std::optional<CertificatePins::Pin> CertificatePins::find(const QString &host, quint16 port) const
{
    const QJsonObject entry = load().value(addressKey(host, port)).toObject();
    const auto certificates
        = QSslCertificate::fromData(entry.value("certificate"_L1).toString().toLatin1(), QSsl::Pem);
    if (certificates.isEmpty())
        return std::nullopt;
    Pin pin { certificates.first(), {} };
    // The stored fingerprint guards against a certificate edited in the file by hand.
    if (pin.fingerprint() != entry.value("fingerprint"_L1).toString())
        return std::nullopt;
    const auto errors = entry.value("errors"_L1).toArray();
    for (const auto &error : errors)
        pin.errors.append(QSslError::SslError(error.toInt()));
    return pin;
}

bool CertificatePins::pin(const QString &host, quint16 port, const QSslCertificate &certificate,
                          const QList<QSslError::SslError> &errors)
{
    QJsonArray errorCodes;
    for (const auto error : errors)
        errorCodes.append(int(error));
    QJsonObject pins = load();
    pins.insert(addressKey(host, port),
                QJsonObject { { "fingerprint"_L1, fingerprint(certificate) },
                              { "certificate"_L1, QString::fromLatin1(certificate.toPem()) },
                              { "errors"_L1, errorCodes } });
    return save(pins);
}

bool CertificatePins::forget(const QString &host, quint16 port)
{
    QJsonObject pins = load();
    pins.remove(addressKey(host, port));
    return save(pins);
}

CertificatePins::Verdict CertificatePins::judge(const QString &host, quint16 port,
                                                const QSslCertificate &presented,
                                                const QList<QSslError> &errors) const
{
    if (const auto pinned = find(host, port)) {
        if (pinned->fingerprint() != fingerprint(presented))
            return Verdict::Changed;
        // The pinned certificate with a problem it did not have when it was approved.
        return Verdict::Refused;
    }
    const bool approvable = !presented.isNull() && !errors.isEmpty()
        && std::all_of(errors.cbegin(), errors.cend(),
                       [](const QSslError &error) { return isApprovable(error.error()); });
    return approvable ? Verdict::NeedsApproval : Verdict::Refused;
}

} // namespace confab::client
