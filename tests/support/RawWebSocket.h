#pragma once

#include "WebSocketWire.h"

#include <QByteArray>
#include <QObject>
#include <QSslCertificate>
#include <QSslSocket>
#include <QString>
#include <QUrl>

#include <chrono>

namespace confab::test {

class ServerProcess;

// A WebSocket client written out by hand over QSslSocket, for what a well-behaved
// QWebSocket never does: stopping after the TLS handshake, or ignoring the server's pings.
// It understands just enough of RFC 6455 to upgrade, count pings and notice a close frame.
class RawWebSocket : public QObject
{
    Q_OBJECT

public:
    static constexpr std::chrono::milliseconds kTimeout { 30'000 };

    explicit RawWebSocket(const ServerProcess &server, QObject *parent = nullptr);

    // TCP and TLS only, with the server's certificate pinned.
    bool connectEncrypted();
    // The HTTP upgrade to WebSocket on the encrypted connection; checks the 101 answer and
    // its Sec-WebSocket-Accept.
    bool upgrade();
    // Whether pings are answered with pongs, as RFC 6455 requires (off at first).
    void setAnswerPings(bool answer) { m_answerPings = answer; }

    int pingsReceived() const { return m_pings; }
    bool waitForPings(int count, std::chrono::milliseconds timeout = kTimeout);
    // The server ended the connection: it closed the TCP connection or sent a close frame.
    bool isDropped() const { return m_disconnected || m_closeFrameReceived; }
    bool waitForDropped(std::chrono::milliseconds timeout = kTimeout);
    bool closeFrameReceived() const { return m_closeFrameReceived; }
    QString errorString() const { return m_error; }

private:
    void onReadyRead();

    QUrl m_url;
    QSslCertificate m_certificate;
    QSslSocket m_socket;
    QByteArray m_buffer; // until the upgrade is answered
    websocket::FrameReader m_frames { websocket::FrameReader::Sender::Server };
    QByteArray m_handshakeResponse;
    QString m_error;
    bool m_upgraded = false;
    bool m_answerPings = false;
    bool m_disconnected = false;
    bool m_closeFrameReceived = false;
    int m_pings = 0;
};

} // namespace confab::test
