#include "Pinning.h"

#include <QCryptographicHash>
#include <QHostAddress>

#include <algorithm>

namespace confab::test {

using namespace Qt::StringLiterals;

namespace {

// The same rule QSslSocket applies: an IP address matches an IP subject alternative name,
// a host name matches the common name or a DNS subject alternative name.
bool certificateNamesHost(const QSslCertificate &certificate, const QString &host)
{
    const auto alternativeNames = certificate.subjectAlternativeNames();
    const QHostAddress address(host);
    if (!address.isNull()) {
        for (const auto &name : alternativeNames.values(QSsl::IpAddressEntry)) {
            if (QHostAddress(name).isEqual(address, QHostAddress::StrictConversion))
                return true;
        }
    }
    const auto matches
        = [&](const QString &name) { return name.compare(host, Qt::CaseInsensitive) == 0; };
    const auto commonNames = certificate.subjectInfo(QSslCertificate::CommonName);
    const auto dnsNames = alternativeNames.values(QSsl::DnsEntry);
    return std::any_of(commonNames.cbegin(), commonNames.cend(), matches)
        || std::any_of(dnsNames.cbegin(), dnsNames.cend(), matches);
}

} // namespace

QList<QSslError> expectedSslErrors(const QSslCertificate &certificate, const QString &host)
{
    QList<QSslError> errors { QSslError(QSslError::SelfSignedCertificate, certificate) };
    if (!certificateNamesHost(certificate, host))
        errors.append(QSslError(QSslError::HostNameMismatch, certificate));
    return errors;
}

QString sha256Fingerprint(const QSslCertificate &certificate)
{
    const auto hex = certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper();
    return QString::fromLatin1(hex);
}

} // namespace confab::test
