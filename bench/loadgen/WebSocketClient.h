#pragma once

#include "WebSocketWire.h"

#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>

typedef struct ssl_session_st SSL_SESSION;

namespace confab::server {
class TlsContext;
class TlsSocket;
} // namespace confab::server

namespace confab::bench {

// A client's end of one secure WebSocket, lean enough for the generator to open as many
// connections as the server it measures and to read them as fast: TLS on one client context
// shared by every connection (QWebSocket's QSslSocket builds an OpenSSL context for each) and
// RFC 6455 framed by hand. Lives on the thread that made it.
class WebSocketClient : public QObject
{
    Q_OBJECT

public:
    // A whole message, text (as the UTF-8 that came) or binary. Called directly rather than
    // emitted: it runs for every message the generator receives, and each signal on the way
    // costs cache misses on thousands of connections (see TcpStream's ReadNotifier).
    using MessageHandler = std::function<void(bool isText, const QByteArray &payload)>;

    WebSocketClient(std::shared_ptr<const server::TlsContext> tls, MessageHandler onMessage,
                    QObject *parent);
    ~WebSocketClient() override;

    // An owner that lets go of the connection before it is gone stops its messages here.
    void forgetMessageHandler() { m_onMessage = nullptr; }

    // Connects to a wss URL on an IP address, asking for subprotocol (when not empty) and
    // offering tlsSession (when not null) to resume an earlier connection's TLS session.
    void open(const QUrl &url, const QString &subprotocol, std::shared_ptr<SSL_SESSION> tlsSession);
    // The TLS session, for the next connection; null until the server sent its ticket.
    std::shared_ptr<SSL_SESSION> tlsSession() const;
    void sendText(const QString &text);
    void sendBinary(const QByteArray &bytes);
    // The closing handshake: a close frame now, the end of the connection once the server's
    // close frame answers it.
    void close();
    // Why the connection ended: "close:<code>[ <reason>]" after a close frame from the server,
    // otherwise "socket:<QAbstractSocket::SocketError>" or "websocket:<what was wrong>".
    QString endReason() const { return m_endReason; }

signals:
    void connected();
    // The connection ended, in order or not; endReason() says how.
    void disconnected();

private:
    void onReadyRead();
    void onFrame(const test::websocket::Frame &frame);
    void onSocketGone();
    // Ends the connection at once for reason.
    void fail(const QString &reason);
    void send(test::websocket::Opcode opcode, QByteArrayView payload);

    MessageHandler m_onMessage;
    server::TlsSocket *m_socket;
    QByteArray m_key;
    QByteArray m_answer; // the upgrade's answer, until it is all there
    test::websocket::FrameReader m_frames { test::websocket::FrameReader::Sender::Server };
    QByteArray m_message; // a fragmented message, until its last frame
    test::websocket::Opcode m_messageOpcode = test::websocket::Text;
    QString m_endReason;
    bool m_upgraded = false;
    bool m_closeSent = false;
    bool m_ended = false;
};

} // namespace confab::bench
