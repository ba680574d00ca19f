#include "WebSocketClient.h"

#include "net/TlsSocket.h"

#include <QMetaEnum>
#include <QtEndian>

namespace confab::bench {

using namespace Qt::StringLiterals;
namespace websocket = test::websocket;

namespace {

constexpr quint16 kNormalClosure = 1000;

} // namespace

WebSocketClient::WebSocketClient(std::shared_ptr<const server::TlsContext> tls,
                                 MessageHandler onMessage, QObject *parent)
    : QObject(parent)
    , m_onMessage(std::move(onMessage))
    , m_socket(new server::TlsSocket(std::move(tls), this))
{
    connect(m_socket, &server::TlsSocket::readyRead, this, &WebSocketClient::onReadyRead);
    connect(m_socket, &server::TlsSocket::disconnected, this, &WebSocketClient::onSocketGone);
}

WebSocketClient::~WebSocketClient()
{
    // Going without a word, as a lost network does: the descriptor closes with the socket.
    m_socket->disconnect(this);
}

void WebSocketClient::open(const QUrl &url, const QString &subprotocol,
                           std::shared_ptr<SSL_SESSION> tlsSession)
{
    m_key = websocket::newKey();
    m_socket->setSession(std::move(tlsSession));
    m_socket->connectToHost(url.host(), quint16(url.port(443)));
    // TlsSocket holds plaintext until the handshake is done. A connection that could not
    // even start reports so from the event loop.
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->write(websocket::upgradeRequest(url, m_key, subprotocol));
}

std::shared_ptr<SSL_SESSION> WebSocketClient::tlsSession() const
{
    return m_socket->session();
}

void WebSocketClient::sendText(const QString &text)
{
    send(websocket::Text, text.toUtf8());
}

void WebSocketClient::sendBinary(const QByteArray &bytes)
{
    send(websocket::Binary, bytes);
}

void WebSocketClient::close()
{
    if (m_ended || m_closeSent)
        return;
    if (!m_upgraded)
        return fail(u"close:%1"_s.arg(kNormalClosure));
    send(websocket::Close, websocket::closePayload(kNormalClosure));
    m_closeSent = true;
}

void WebSocketClient::send(websocket::Opcode opcode, QByteArrayView payload)
{
    if (!m_ended && !m_closeSent)
        m_socket->write(websocket::clientFrame(opcode, payload));
}

void WebSocketClient::onReadyRead()
{
    QByteArray received = m_socket->readAll();
    if (!m_upgraded) {
        m_answer += received;
        const qsizetype end = websocket::upgradeAnswerEnd(m_answer);
        if (end < 0)
            return;
        const QString refusal
            = websocket::upgradeRefusal(QByteArrayView(m_answer).first(end), m_key);
        if (!refusal.isEmpty())
            return fail(u"websocket:"_s + refusal);
        received = m_answer.mid(end);
        m_answer = QByteArray();
        m_upgraded = true;
        emit connected();
        if (m_ended)
            return;
    }
    m_frames.append(std::move(received));
    while (!m_ended) {
        const auto frame = m_frames.next();
        if (!frame)
            break;
        onFrame(*frame);
    }
    if (!m_frames.error().isEmpty() && !m_ended)
        fail(u"websocket:"_s + m_frames.error());
}

void WebSocketClient::onFrame(const websocket::Frame &frame)
{
    switch (frame.opcode) {
    case websocket::Ping:
        return send(websocket::Pong, frame.payload);
    case websocket::Pong:
        return;
    case websocket::Close: {
        const quint16 code = frame.payload.size() >= 2
            ? qFromBigEndian<quint16>(frame.payload.constData())
            : quint16(1005); // no status given
        m_endReason = u"close:%1"_s.arg(code);
        if (frame.payload.size() > 2)
            m_endReason += u" "_s + QString::fromUtf8(frame.payload.mid(2));
        // Answered with the same code, then the connection ends in order.
        if (!m_closeSent) {
            send(websocket::Close,
                 frame.payload.first(std::min<qsizetype>(2, frame.payload.size())));
            m_closeSent = true;
        }
        m_socket->disconnectFromHost();
        return;
    }
    case websocket::Text:
    case websocket::Binary:
        m_messageOpcode = frame.opcode;
        m_message = frame.payload;
        break;
    case websocket::Continuation:
        m_message += frame.payload;
        break;
    default:
        return fail(u"websocket:unknown opcode %1"_s.arg(int(frame.opcode)));
    }
    if (!frame.final)
        return;
    const QByteArray message = std::exchange(m_message, {});
    if (m_onMessage)
        m_onMessage(m_messageOpcode == websocket::Text, message);
}

void WebSocketClient::onSocketGone()
{
    if (m_ended)
        return;
    m_ended = true;
    if (m_endReason.isEmpty()) {
        m_endReason = m_socket->error() != QAbstractSocket::UnknownSocketError
            ? u"socket:"_s
                + QString::fromLatin1(
                    QMetaEnum::fromType<QAbstractSocket::SocketError>().valueToKey(
                        m_socket->error()))
            : u"close:1006"_s; // gone without a close frame
    }
    emit disconnected();
}

void WebSocketClient::fail(const QString &reason)
{
    if (m_ended)
        return;
    m_endReason = reason;
    m_socket->abort();
    if (!m_ended)
        onSocketGone();
}

} // namespace confab::bench
