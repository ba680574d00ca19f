#include "Connection.h"

#include "websocket/WebSocketConnection.h"

#include <QLoggingCategory>

namespace confab::server {

Q_LOGGING_CATEGORY(lcConnection, "confab.connection")

ProtocolHandler::ProtocolHandler(Connection &connection)
    : m_connection(connection)
{ }

Connection::Connection(WebSocketConnection *socket, quint64 id, const Limits &limits,
                       QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_id(id)
    , m_peerAddress(socket->peerAddress())
    , m_maxBacklogBytes(limits.maxBacklogBytes)
    , m_budget(limits.requestsPerSecond, limits.requestBurst)
{
    m_socket->setParent(this);
    m_clock.start();
    connect(m_socket, &WebSocketConnection::textMessageReceived, this, &Connection::onTextMessage);
    connect(m_socket, &WebSocketConnection::binaryMessageReceived, this, [this] {
        heard();
        m_handler->binaryReceived();
    });
    connect(m_socket, &WebSocketConnection::pongReceived, this, [this] { heard(); });
    connect(m_socket, &WebSocketConnection::disconnected, this, &Connection::onDisconnected);
}

Connection::~Connection()
{
    // A handler still attached (the server is going down) leaves its registries now, while
    // the connection it refers to is whole.
    if (m_handler && !m_finished)
        m_handler->closed();
    m_handler.reset();
}

void Connection::start(std::unique_ptr<ProtocolHandler> handler)
{
    m_handler = std::move(handler);
    heard();
    m_handler->opened();
    m_socket->start();
}

void Connection::refuse(std::unique_ptr<ProtocolHandler> handler, CloseReason reason)
{
    m_handler = std::move(handler);
    close(reason);
    // Reads on, for the peer's answer to the close frame.
    m_socket->start();
}

const QByteArray &Connection::path() const
{
    return m_socket->path();
}

const QByteArray &Connection::query() const
{
    return m_socket->query();
}

bool Connection::isOpen() const
{
    return !m_finished && m_socket->isOpen();
}

void Connection::sendText(QByteArrayView utf8)
{
    if (isOpen()) {
        m_socket->sendText(utf8);
        checkBacklogSoon();
    }
}

void Connection::sendFrame(const QByteArray &frame)
{
    if (isOpen()) {
        m_socket->sendFrame(frame);
        checkBacklogSoon();
    }
}

void Connection::checkBacklogSoon()
{
    // What is written in one turn of the event loop (a group commit's pushes, say) is
    // encrypted and handed to the kernel at the end of that turn: the backlog is judged after
    // that, so that only what the peer has not taken counts.
    if (m_backlogCheckQueued || backlogBytes() <= m_maxBacklogBytes)
        return;
    m_backlogCheckQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_backlogCheckQueued = false;
            if (backlogBytes() > m_maxBacklogBytes)
                close(CloseReason::SlowConsumer);
        },
        Qt::QueuedConnection);
}

qint64 Connection::backlogBytes() const
{
    return m_socket->bytesToWrite();
}

void Connection::checkAlive()
{
    if (!isOpen() || !m_handler)
        return;
    const KeepAlive keepAlive = m_handler->keepAlive();
    const qint64 now = elapsedMs();
    if (m_pingSentMs >= 0) {
        if (now - m_pingSentMs >= keepAlive.answerMs) {
            qCInfo(lcConnection) << "closing connection" << m_id << "after an unanswered ping";
            close(CloseReason::Unresponsive);
        }
        return;
    }
    if (now - m_lastHeardMs >= keepAlive.quietMs) {
        m_pingSentMs = now;
        m_socket->sendFrame(m_handler->pingFrame());
    }
}

void Connection::close(CloseReason reason)
{
    if (!isOpen())
        return;
    if (reason == CloseReason::SlowConsumer)
        qCInfo(lcConnection).nospace()
            << "closing connection " << m_id << ": its peer left " << backlogBytes()
            << " bytes unread, over the cap of " << m_maxBacklogBytes;
    const auto frame = m_handler ? m_handler->closeFrame(reason) : std::nullopt;
    if (frame)
        m_socket->close(frame->code, frame->reason);
    else
        m_socket->abort();
}

void Connection::closeWith(quint16 code, const QString &reason)
{
    if (isOpen())
        m_socket->close(code, reason);
}

void Connection::abort()
{
    m_socket->abort();
}

void Connection::heard()
{
    m_lastHeardMs = elapsedMs();
    m_pingSentMs = -1;
}

void Connection::onTextMessage(const QByteArray &utf8)
{
    heard();
    if (!m_finished)
        m_handler->textReceived(utf8);
}

void Connection::onDisconnected()
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_handler)
        m_handler->closed();
    emit finished(m_id);
}

} // namespace confab::server
