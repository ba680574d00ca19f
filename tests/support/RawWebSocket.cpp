#include "RawWebSocket.h"

#include "Pinning.h"
#include "ServerProcess.h"
#include "Wait.h"
#include "WebSocketWire.h"

namespace confab::test {

using namespace Qt::StringLiterals;

RawWebSocket::RawWebSocket(const ServerProcess &server, QObject *parent)
    : QObject(parent)
    , m_url(server.url())
    , m_certificate(server.certificate())
{
    connect(&m_socket, &QSslSocket::readyRead, this, &RawWebSocket::onReadyRead);
    connect(&m_socket, &QSslSocket::disconnected, this, [this] { m_disconnected = true; });
    connect(&m_socket, &QSslSocket::errorOccurred, this, [this] {
        if (m_socket.state() == QAbstractSocket::UnconnectedState)
            m_disconnected = true;
    });
}

bool RawWebSocket::connectEncrypted()
{
    m_socket.ignoreSslErrors(expectedSslErrors(m_certificate, m_url.host()));
    m_socket.connectToHostEncrypted(m_url.host(), quint16(m_url.port()));
    if (!waitUntil([this] { return m_socket.isEncrypted() || m_disconnected; }, kTimeout)
        || !m_socket.isEncrypted()) {
        m_error = u"The TLS handshake with %1:%2 did not complete: %3"_s.arg(m_url.host())
                      .arg(m_url.port())
                      .arg(m_socket.errorString());
        return false;
    }
    return true;
}

bool RawWebSocket::upgrade()
{
    const QByteArray key = websocket::newKey();
    m_socket.write(websocket::upgradeRequest(m_url, key));

    if (!waitUntil([this] { return m_upgraded || m_disconnected; }, kTimeout) || !m_upgraded) {
        m_error = u"No complete answer to the WebSocket upgrade request; got: %1"_s.arg(
            QString::fromUtf8(m_handshakeResponse + m_buffer));
        return false;
    }
    m_error = websocket::upgradeRefusal(m_handshakeResponse, key);
    return m_error.isEmpty();
}

bool RawWebSocket::waitForPings(int count, std::chrono::milliseconds timeout)
{
    return waitUntil([&] { return m_pings >= count || isDropped(); }, timeout) && m_pings >= count;
}

bool RawWebSocket::waitForDropped(std::chrono::milliseconds timeout)
{
    return waitUntil([this] { return isDropped(); }, timeout);
}

void RawWebSocket::onReadyRead()
{
    m_buffer.append(m_socket.readAll());
    if (!m_upgraded) {
        const qsizetype end = websocket::upgradeAnswerEnd(m_buffer);
        if (end < 0)
            return;
        m_handshakeResponse = m_buffer.left(end);
        m_buffer.remove(0, end);
        m_upgraded = true;
    }
    m_frames.append(std::exchange(m_buffer, {}));
    while (const auto frame = m_frames.next()) {
        if (frame->opcode == websocket::Ping) {
            ++m_pings;
            if (m_answerPings)
                m_socket.write(websocket::clientFrame(websocket::Pong, frame->payload));
        } else if (frame->opcode == websocket::Close) {
            m_closeFrameReceived = true;
        }
    }
}

} // namespace confab::test
