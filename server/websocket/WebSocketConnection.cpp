#include "WebSocketConnection.h"

#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>
#include <QtEndian>

namespace confab::server {

Q_LOGGING_CATEGORY(lcWebSocket, "confab.websocket")

using namespace Qt::StringLiterals;
using namespace confab::websocket;

namespace {

constexpr int kCloseGraceMs = 3000;

// Codes a close frame may carry (RFC 6455, 7.4): the defined ones not reserved for local use,
// and the ranges for libraries, frameworks and applications.
bool isValidCloseCode(quint16 code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
}

} // namespace

WebSocketConnection::WebSocketConnection(QTcpSocket *socket, QByteArray path, QByteArray query,
                                         qsizetype maxMessageBytes, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_path(std::move(path))
    , m_query(std::move(query))
    , m_reader(FrameReader::Sender::Client, quint64(maxMessageBytes))
{
    // The socket keeps its parent: a TLS socket hands its last bytes to its parent to send
    // after it is gone, and this connection is deleted as soon as it has ended.
    connect(m_socket, &QTcpSocket::disconnected, this, &WebSocketConnection::onSocketDisconnected);
}

WebSocketConnection::~WebSocketConnection()
{
    // A socket still open says disconnected() as it goes, to an owner that may be half gone.
    disconnect(m_socket, nullptr, this, nullptr);
    delete m_socket;
}

void WebSocketConnection::start()
{
    connect(m_socket, &QTcpSocket::readyRead, this, &WebSocketConnection::onReadyRead,
            Qt::UniqueConnection);
    QMetaObject::invokeMethod(this, &WebSocketConnection::onReadyRead, Qt::QueuedConnection);
}

QHostAddress WebSocketConnection::peerAddress() const
{
    return m_socket->peerAddress();
}

qint64 WebSocketConnection::bytesToWrite() const
{
    return m_socket->bytesToWrite();
}

void WebSocketConnection::sendText(QByteArrayView utf8)
{
    sendFrame(serverFrame(Text, utf8));
}

void WebSocketConnection::sendFrame(const QByteArray &frame)
{
    if (m_state == State::Open)
        m_socket->write(frame);
}

void WebSocketConnection::ping()
{
    sendFrame(serverFrame(Ping, {}));
}

void WebSocketConnection::close(quint16 code, QStringView reason)
{
    if (m_state != State::Open)
        return;
    m_socket->write(serverFrame(Close, closePayload(code, reason.toUtf8())));
    m_state = State::Closing;
    m_closeGrace = new QTimer(this);
    m_closeGrace->setSingleShot(true);
    connect(m_closeGrace, &QTimer::timeout, this, &WebSocketConnection::abort);
    m_closeGrace->start(kCloseGraceMs);
}

void WebSocketConnection::abort()
{
    if (m_state != State::Closed)
        m_socket->abort();
}

void WebSocketConnection::onReadyRead()
{
    if (m_state == State::Closed)
        return;
    if (m_socket->bytesAvailable() > 0)
        m_reader.append(m_socket->readAll());
    while (auto frame = m_reader.next()) {
        if (!handle(*frame))
            return;
    }
    if (m_reader.failed())
        fail(m_reader.errorCode(), m_reader.error());
}

bool WebSocketConnection::handle(Frame &frame)
{
    switch (frame.opcode) {
    case Ping:
        if (m_state == State::Open)
            m_socket->write(serverFrame(Pong, frame.payload));
        return true;
    case Pong:
        emit pongReceived();
        return m_state != State::Closed;
    case Close:
        answerClose(frame.payload);
        return false;
    case Text:
    case Binary:
        if (m_messageOpcode != Continuation) {
            fail(ProtocolError, u"a new message began before the last one ended"_s);
            return false;
        }
        if (frame.final)
            return deliverMessage(frame.opcode, std::move(frame.payload));
        m_messageOpcode = frame.opcode;
        m_message = std::move(frame.payload);
        return true;
    case Continuation:
        if (m_messageOpcode == Continuation) {
            fail(ProtocolError, u"a continuation frame came with no message under way"_s);
            return false;
        }
        if (quint64(m_message.size() + frame.payload.size()) > m_reader.maxPayload()) {
            fail(TooMuchData,
                 u"the client's message is over %1 bytes"_s.arg(m_reader.maxPayload()));
            return false;
        }
        m_message.append(frame.payload);
        if (!frame.final)
            return true;
        return deliverMessage(std::exchange(m_messageOpcode, Continuation),
                              std::exchange(m_message, QByteArray()));
    }
    return true;
}

bool WebSocketConnection::deliverMessage(Opcode opcode, QByteArray payload)
{
    // Messages that arrive after this side's close frame are read and dropped (RFC 6455,
    // 5.5.1): the owner said its last word.
    if (m_state != State::Open)
        return m_state != State::Closed;
    if (opcode == Binary) {
        emit binaryMessageReceived();
    } else if (!QByteArrayView(payload).isValidUtf8()) {
        fail(InvalidPayload, u"the client sent text that is not UTF-8"_s);
        return false;
    } else {
        emit textMessageReceived(payload);
    }
    return m_state != State::Closed;
}

void WebSocketConnection::answerClose(const QByteArray &payload)
{
    if (payload.size() == 1
        || (payload.size() >= 2 && !isValidCloseCode(qFromBigEndian<quint16>(payload.constData())))
        || !QByteArrayView(payload).sliced(std::min<qsizetype>(2, payload.size())).isValidUtf8()) {
        fail(ProtocolError, u"the client's close frame is malformed"_s);
        return;
    }
    if (m_state == State::Open) {
        // The answer echoes the client's code, as most servers do.
        const quint16 code = payload.size() >= 2 ? qFromBigEndian<quint16>(payload.constData())
                                                 : quint16(NormalClosure);
        m_socket->write(serverFrame(Close, closePayload(code)));
        m_state = State::Closing;
    }
    // The server ends the TCP connection once both close frames went (RFC 6455, 7.1.1).
    m_socket->disconnectFromHost();
}

void WebSocketConnection::fail(CloseCode code, const QString &why)
{
    qCDebug(lcWebSocket).noquote() << "closing the connection with" << peerAddress().toString()
                                   << "with" << int(code) << "because" << why;
    if (m_state == State::Open)
        m_socket->write(serverFrame(Close, closePayload(code, why.toUtf8())));
    m_state = State::Closing;
    m_socket->disconnectFromHost();
}

void WebSocketConnection::onSocketDisconnected()
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    delete std::exchange(m_closeGrace, nullptr);
    m_message = QByteArray();
    emit disconnected();
}

} // namespace confab::server
