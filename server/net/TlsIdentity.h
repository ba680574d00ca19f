#pragma once

#include <QSslCertificate>
#include <QSslKey>
#include <QString>

#include <optional>

namespace confab::server {

// The server's certificate and key. When neither file exists, a self-signed certificate is
// made on first start (P-256, valid for localhost, the loopback addresses and this host's
// name) so that a fresh install speaks TLS at once; clients pin its SHA-256 fingerprint.
struct TlsIdentity
{
    QSslCertificate certificate;
    QList<QSslCertificate> chain; // the certificate first, then what the file adds to it
    QSslKey privateKey;
    bool generated = false;

    static std::optional<TlsIdentity> loadOrGenerate(const QString &certFile,
                                                     const QString &keyFile, QString *error);
    QString fingerprint() const; // SHA-256 of the DER, as AB:CD:… hex pairs
};

} // namespace confab::server
