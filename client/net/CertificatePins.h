#pragma once

#include <QList>
#include <QSslCertificate>
#include <QSslError>
#include <QString>

#include <optional>

namespace confab::client {

// The certificates a user accepted on first use, one per server address (host and port),
// kept in a JSON file. A pin remembers the certificate and the exact TLS errors it caused, so
// that a later connection ignores exactly those errors of exactly that certificate: another
// certificate, or a new problem with the same one (it expired), still fails the handshake.
class CertificatePins
{
public:
    struct Pin
    {
        QSslCertificate certificate;
        QList<QSslError::SslError> errors;

        QString fingerprint() const;
        // What QSslSocket::ignoreSslErrors() gets for this pin.
        QList<QSslError> expectedErrors() const;
    };

    enum class Verdict {
        NeedsApproval, // not pinned, and only "nobody vouches for it" errors: ask the user
        Changed, // pinned, and the server now presents another certificate
        Refused, // an error that no approval can excuse (expired, bad signature, ...)
    };

    explicit CertificatePins(QString filePath);

    std::optional<Pin> find(const QString &host, quint16 port) const;
    bool pin(const QString &host, quint16 port, const QSslCertificate &certificate,
             const QList<QSslError::SslError> &errors);
    bool forget(const QString &host, quint16 port);

    // What to make of a handshake to host:port that failed with errors for presented.
    Verdict judge(const QString &host, quint16 port, const QSslCertificate &presented,
                  const QList<QSslError> &errors) const;

    // "AB:CD:…": SHA-256 of the DER, in the form confabd prints at start.
    static QString fingerprint(const QSslCertificate &certificate);
    // True for "AB:CD:…" with 32 pairs, in either case.
    static bool isFingerprint(const QString &text);

    QString filePath() const { return m_filePath; }

private:
    static QString addressKey(const QString &host, quint16 port);
    QJsonObject load() const;
    bool save(const QJsonObject &pins) const;

    QString m_filePath;
};

} // namespace confab::client
