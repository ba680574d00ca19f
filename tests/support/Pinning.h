#pragma once

#include <QList>
#include <QSslCertificate>
#include <QSslError>
#include <QString>

namespace confab::test {

// The TLS errors that confabd's self-signed certificate causes for a client connecting to
// host, each tied to that very certificate. Ignoring exactly these pins the certificate: a
// different certificate causes errors that are not in the list and the handshake fails.
QList<QSslError> expectedSslErrors(const QSslCertificate &certificate, const QString &host);

// "AB:CD:…", the form in which confabd prints its certificate's fingerprint.
QString sha256Fingerprint(const QSslCertificate &certificate);

} // namespace confab::test
