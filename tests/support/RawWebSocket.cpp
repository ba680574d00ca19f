#include "RawWebSocket.h"

#include "Pinning.h"
#include "ServerProcess.h"
#include "Wait.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QtEndian>

namespace confab::test {

using namespace Qt::StringLiterals;

namespace {

enum Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

} // namespace

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
    QByteArray nonce(16, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(nonce.data()), 4);
    const QByteArray key = nonce.toBase64();
    const QByteArray request = "GET " + m_url.path().toUtf8() + " HTTP/1.1\r\n"
        + "Host: " + m_url.host().toUtf8() + ':' + QByteArray::number(m_url.port()) + "\r\n"
        + "Upgrade: websocket\r\n" + "Connection: Upgrade\r\n" + "Sec-WebSocket-Key: " + key
        + "\r\n" + "Sec-WebSocket-Version: 13\r\n" + "\r\n";
    m_socket.write(request);

    if (!waitUntil([this] { return m_upgraded || m_disconnected; }, kTimeout) || !m_upgraded) {
        m_error = u"No complete answer to the WebSocket upgrade request; got: %1"_s.arg(
            QString::fromUtf8(m_handshakeResponse + m_buffer));
        return false;
    }

    const auto lines = m_handshakeResponse.split('\n');
    if (!lines.first().startsWith("HTTP/1.1 101")) {
        m_error = u"The upgrade was answered with \"%1\" instead of 101."_s.arg(
            QString::fromUtf8(lines.first().trimmed()));
        return false;
    }
    const QByteArray expectedAccept
        = QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                   QCryptographicHash::Sha1)
              .toBase64();
    for (const auto &line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == "sec-websocket-accept")
            if (line.mid(colon + 1).trimmed() == expectedAccept)
                return true;
    }
    m_error = u"The 101 answer lacks the right Sec-WebSocket-Accept: %1"_s.arg(
        QString::fromUtf8(m_handshakeResponse));
    return false;
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
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        m_handshakeResponse = m_buffer.left(end + 4);
        m_buffer.remove(0, end + 4);
        m_upgraded = true;
    }
    parseFrames();
}

// Frames from a server are never masked (RFC 6455, 5.1).
void RawWebSocket::parseFrames()
{
    for (;;) {
        if (m_buffer.size() < 2)
            return;
        const auto *bytes = reinterpret_cast<const uchar *>(m_buffer.constData());
        const quint8 opcode = bytes[0] & 0x0F;
        quint64 length = bytes[1] & 0x7F;
        qsizetype header = 2;
        if (length == 126) {
            if (m_buffer.size() < 4)
                return;
            length = qFromBigEndian<quint16>(bytes + 2);
            header = 4;
        } else if (length == 127) {
            if (m_buffer.size() < 10)
                return;
            length = qFromBigEndian<quint64>(bytes + 2);
            header = 10;
        }
        if (quint64(m_buffer.size() - header) < length)
            return;
        const QByteArray payload = m_buffer.mid(header, qsizetype(length));
        m_buffer.remove(0, header + qsizetype(length));

        if (opcode == Ping) {
            ++m_pings;
            if (m_answerPings)
                sendFrame(Pong, payload);
        } else if (opcode == Close) {
            m_closeFrameReceived = true;
        }
    }
}

// Frames from a client are always masked (RFC 6455, 5.3).
void RawWebSocket::sendFrame(quint8 opcode, const QByteArray &payload)
{
    Q_ASSERT(payload.size() <= 125);
    QByteArray frame;
    frame.append(char(0x80 | opcode));
    frame.append(char(0x80 | payload.size()));
    const quint32 mask = QRandomGenerator::global()->generate();
    char maskBytes[4];
    qToBigEndian(mask, maskBytes);
    frame.append(maskBytes, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        frame.append(char(payload.at(i) ^ maskBytes[i % 4]));
    m_socket.write(frame);
}

} // namespace confab::test
