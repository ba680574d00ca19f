#pragma once

#include <QTcpSocket>

#include <memory>

typedef struct ssl_st SSL;
typedef struct ssl_session_st SSL_SESSION;

namespace confab::server {

class TcpStream;
class TlsContext;

// One side of a TLS connection, on a shared TlsContext: the server's side of an accepted
// connection, or, on a client context, a client's (the load generator's). To the code above it
// (the HTTP handshake, the WebSocket connection) it is a QTcpSocket that reads and writes
// plaintext; underneath, OpenSSL reads and writes the connection's descriptor (a TcpStream).
// Plaintext written in one turn of the event loop leaves in as few TLS records as it fits in, and
// an idle connection keeps no buffers.
class TlsSocket final : public QTcpSocket
{
    Q_OBJECT

public:
    explicit TlsSocket(std::shared_ptr<const TlsContext> context, QObject *parent = nullptr);
    ~TlsSocket() override;

    // Takes over a connection; on a server context the handshake runs as the client's hello
    // arrives, on a client context it starts at once.
    bool setSocketDescriptor(qintptr socketDescriptor, SocketState state = ConnectedState,
                             OpenMode openMode = ReadWrite) override;
    // A client's connection, to an IP address (no name look-up: it would block the thread).
    // It can be written to at once: plaintext leaves when the handshake is done (encrypted()).
    // A connection that fails ends with errorOccurred() and disconnected().
    void connectToHost(const QString &address, quint16 port, OpenMode mode = ReadWrite,
                       NetworkLayerProtocol protocol = AnyIPProtocol) override;
    bool isEncrypted() const { return m_encrypted; }
    // Whether the client resumed an earlier session (a ticket), sparing the key exchange's
    // signature.
    bool isSessionResumed() const;
    // On a client's connection: the session to offer the next connection to the same server,
    // once the server has sent a ticket for it; null until then. A resumption spares the
    // server its signature and the client the certificate's check, the costliest steps of a
    // handshake. The session is kept as OpenSSL's object, not as bytes (as
    // QSslConfiguration::sessionTicket() is): reading those back decodes the server's
    // certificate again, which costs a client more than the resumption saves.
    std::shared_ptr<SSL_SESSION> session() const;
    // Offered by the connection that connectToHost() makes next. One the server cannot use
    // (from before its restart, or expired) only costs a full handshake.
    void setSession(std::shared_ptr<SSL_SESSION> session) { m_offeredSession = std::move(session); }
    // A peek leaves a 16 KiB buffer in QIODevice, however little was peeked at, and QIODevice
    // keeps it for good; the HTTP handshake peeks. Called once the handshake is over, this
    // frees it as soon as it is empty.
    void releasePeekBuffer();

    qint64 bytesAvailable() const override;
    qint64 bytesToWrite() const override;
    bool canReadLine() const override;
    // Both end the connection in order: what was written is sent, then TLS's close_notify.
    // A peer that does not take it within a grace period is cut off.
    void close() override;
    void disconnectFromHost() override;
    void setSocketOption(SocketOption option, const QVariant &value) override;
    QVariant socketOption(SocketOption option) override;

signals:
    void encrypted();

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;
    qint64 skipData(qint64 maxSize) override;

private:
    friend struct TransportBio;

    // On a client's connection, before its handshake: offers the session set, if any.
    void offerSession();
    void onCiphertextArrived();
    void decrypt();
    void scheduleEncrypt();
    bool encryptPending();
    // Reports what went wrong (the connection's own error if it broke) and ends it at once.
    void failWith(SocketError error);
    // Ends the connection: in order (what is written goes first) or at once.
    void finish(bool orderly);

    std::shared_ptr<const TlsContext> m_context;
    TcpStream *m_transport = nullptr;
    std::unique_ptr<SSL, void (*)(SSL *)> m_ssl;
    QByteArray m_plainIn;
    qsizetype m_plainInRead = 0;
    QByteArray m_plainOut;
    std::shared_ptr<SSL_SESSION> m_offeredSession;
    bool m_encrypted = false;
    bool m_encryptQueued = false;
    bool m_releasePeekBuffer = false;
};

} // namespace confab::server
