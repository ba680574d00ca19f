#include "SocketWorker.h"

#include "ConnectionLimiter.h"
#include "HttpEndpoints.h"
#include "HttpRequestHead.h"
#include "TlsSocket.h"
#include "config/ServerConfig.h"
#include "pusher/PusherConnection.h"
#include "pusher/PusherFrames.h"
#include "pusher/PusherService.h"
#include "session/ClientSession.h"
#include "store/ReplyTarget.h"
#include "websocket/WebSocketConnection.h"

#include <QLoggingCategory>
#include <QPointer>

#include <algorithm>

namespace confab::server {

Q_LOGGING_CATEGORY(lcNet, "confab.net")

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype kMaxRequestHead = 16 * 1024;
constexpr int kCloseGraceMs = 3000;
// Keep-alive pings go out in slices spread over the interval: pinging thousands of
// connections in one go (and reading their pongs) stalls the thread's deliveries for tens of
// milliseconds once per interval. A slice comes up every half second at most.
constexpr int kMaxPingSlices = 32;
constexpr int kMinPingSliceMs = 500;

int pingSlicesFor(int pingIntervalMs)
{
    return std::clamp(pingIntervalMs / kMinPingSliceMs, 1, kMaxPingSlices);
}

} // namespace

SocketWorker::SocketWorker(Services services, std::shared_ptr<const TlsContext> tls,
                           ConnectionLimiter &limiter, PusherService *pusher)
    : m_services(services)
    , m_tls(std::move(tls))
    , m_limiter(limiter)
    , m_pusher(pusher)
{
    m_pingTimer = new QTimer(this);
    m_pingSlices = pingSlicesFor(m_services.config.pingIntervalMs);
    m_pingTimer->setInterval(m_services.config.pingIntervalMs / m_pingSlices);
    connect(m_pingTimer, &QTimer::timeout, this, &SocketWorker::checkAlive);
}

SocketWorker::~SocketWorker()
{
    for (auto *session : std::as_const(m_sessions))
        delete session;
    for (auto *connection : std::as_const(m_pusherConnections))
        delete connection;
}

void SocketWorker::adopt(qintptr socketDescriptor)
{
    if (!m_pingTimer->isActive())
        m_pingTimer->start();
    QTcpSocket *socket = m_tls ? new TlsSocket(m_tls, this) : new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor) || m_shuttingDown) {
        socket->abort();
        delete socket;
        return;
    }
    Handshake handshake;
    handshake.socket = socket;
    handshake.overLimit = !m_limiter.tryAcquire(socket->peerAddress());
    handshake.deadline = new QTimer(socket);
    handshake.deadline->setSingleShot(true);
    connect(handshake.deadline, &QTimer::timeout, socket, [socket] {
        qCDebug(lcNet) << "handshake timed out for" << socket->peerAddress();
        socket->abort();
    });
    handshake.deadline->start(m_services.config.handshakeTimeoutMs);
    m_handshakes.insert(socket, handshake);

    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { inspectRequest(socket); });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] { forgetHandshake(socket); });
}

void SocketWorker::inspectRequest(QTcpSocket *socket)
{
    // A socket that failed its TLS handshake or ran out of time may still have a readyRead
    // queued; it is closed, and its disconnected() forgets it.
    if (!m_handshakes.contains(socket) || !socket->isOpen())
        return;
    // Only what has arrived: a peek reserves as much in the socket's buffer, which it keeps.
    const QByteArray data = socket->peek(std::min(socket->bytesAvailable(), kMaxRequestHead));
    const auto [status, head] = HttpRequestHead::parse(data);
    if (status == HttpRequestHead::Status::Incomplete && data.size() < kMaxRequestHead)
        return;
    if (status == HttpRequestHead::Status::Complete && head.isWebSocketUpgrade()
        && (head.path == "/ws" || (m_pusher && PusherService::isWebSocketPath(head.path)))) {
        upgradeToWebSocket(socket, head);
        return;
    }
    if (status == HttpRequestHead::Status::Complete && m_pusher
        && PusherService::isHttpPath(head.path)) {
        handlePusherRequest(socket, head);
        return;
    }
    QByteArray answer;
    if (status == HttpRequestHead::Status::Complete)
        answer = HttpEndpoints::respond(head, m_services.readiness);
    else if (status == HttpRequestHead::Status::Incomplete)
        answer = HttpEndpoints::errorResponse(431, "Request Header Fields Too Large", "too_large",
                                              "The request head is larger than 16 KiB.");
    else
        answer = HttpEndpoints::errorResponse(400, "Bad Request", "bad_request",
                                              "Malformed HTTP request.");
    socket->read(status == HttpRequestHead::Status::Complete ? head.size : data.size());
    socket->write(answer);
    socket->disconnectFromHost();
}

void SocketWorker::handlePusherRequest(QTcpSocket *socket, const HttpRequestHead &head)
{
    const auto refuse = [this, socket](const QByteArray &answer) {
        disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
        socket->write(answer);
        socket->disconnectFromHost();
    };
    if (!head.header("transfer-encoding").isEmpty()) {
        refuse(HttpEndpoints::errorResponse(411, "Length Required", "length_required",
                                            "Send the body with a Content-Length."));
        return;
    }
    qint64 length = 0;
    if (const QByteArray text = head.header("content-length"); !text.isEmpty()) {
        bool ok = false;
        length = text.toLongLong(&ok);
        if (!ok || length < 0) {
            refuse(HttpEndpoints::errorResponse(400, "Bad Request", "bad_request",
                                                "Malformed Content-Length."));
            return;
        }
    }
    if (length > m_pusher->maxRequestBytes()) {
        socket->read(head.size);
        socket->write(HttpEndpoints::errorResponse(413, "Payload Too Large", "too_large",
                                                   "The request body is larger than allowed."));
        // The client is still sending the body: closing with it unread would reset the
        // connection before the client reads the answer. It is read and dropped instead,
        // within the handshake deadline.
        disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
        const auto drain = [socket, remaining = std::make_shared<qint64>(length)] {
            *remaining -= socket->read(socket->bytesAvailable()).size();
            if (*remaining <= 0)
                socket->disconnectFromHost();
        };
        connect(socket, &QTcpSocket::readyRead, this, drain);
        drain();
        return;
    }
    const qint64 total = head.size + length;
    if (socket->bytesAvailable() < total) {
        Handshake &handshake = m_handshakes[socket];
        if (!handshake.continueSent && head.header("expect").toLower() == "100-continue") {
            handshake.continueSent = true;
            socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        }
        return;
    }
    const QByteArray raw = socket->read(total);
    // One request per connection: nothing after it is read.
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    const HttpRequest request { head.method, head.path, head.query, head.headers,
                                raw.mid(head.size) };
    // The answer may come after a store lookup, when the client may have gone.
    m_pusher->handleHttp(request, ReplyTarget { this, socket },
                         [guard = QPointer<QTcpSocket>(socket)](const HttpAnswer &answer) {
                             if (!guard)
                                 return;
                             guard->write(HttpEndpoints::response(
                                 answer.status, HttpEndpoints::reasonPhrase(answer.status),
                                 answer.body, answer.headers));
                             guard->disconnectFromHost();
                         });
}

void SocketWorker::upgradeToWebSocket(QTcpSocket *socket, const HttpRequestHead &head)
{
    const auto [answer, accepted] = HttpEndpoints::upgradeAnswer(head);
    socket->read(head.size);
    socket->write(answer);
    if (!accepted) {
        socket->disconnectFromHost();
        return;
    }
    const Handshake handshake = m_handshakes.take(socket);
    disconnect(socket, nullptr, this, nullptr);
    delete handshake.deadline;
    if (auto *tlsSocket = qobject_cast<TlsSocket *>(socket))
        tlsSocket->releasePeekBuffer();
    auto *webSocket = new WebSocketConnection(socket, head.path, head.query,
                                              m_services.config.maxFrameBytes, this);
    startSession(webSocket, handshake.overLimit);
    webSocket->start();
}

void SocketWorker::forgetHandshake(QTcpSocket *socket)
{
    const Handshake handshake = m_handshakes.take(socket);
    if (!handshake.socket)
        return;
    if (!handshake.overLimit)
        m_limiter.release(socket->peerAddress());
    socket->deleteLater();
    emitDrainedWhenEmpty();
}

void SocketWorker::startSession(WebSocketConnection *webSocket, bool overLimit)
{
    if (m_pusher && PusherService::isWebSocketPath(webSocket->path())) {
        startPusherConnection(webSocket, overLimit);
        return;
    }
    if (overLimit || m_shuttingDown) {
        turnAway(webSocket, overLimit,
                 m_shuttingDown ? websocket::GoingAway : websocket::PolicyViolated,
                 m_shuttingDown ? u"server shutting down" : u"too_many_connections");
        return;
    }
    const quint64 id = m_nextId++;
    auto *session = new ClientSession(webSocket, id, this, m_services, this);
    m_sessions.insert(id, session);
    connect(session, &ClientSession::finished, this, &SocketWorker::onSessionFinished);
}

void SocketWorker::startPusherConnection(WebSocketConnection *webSocket, bool overLimit)
{
    if (overLimit || m_shuttingDown) {
        // Pusher clients reconnect at once on 4200 and back off on 4100.
        turnAway(webSocket, overLimit,
                 m_shuttingDown ? PusherFrames::ReconnectNow : PusherFrames::OverCapacity,
                 m_shuttingDown ? u"Server shutting down; reconnect"
                                : u"Over capacity: too many connections from this address");
        return;
    }
    const quint64 id = m_nextId++;
    auto *connection = new PusherConnection(webSocket, id, this, m_pusher->registry(), this);
    m_pusherConnections.insert(id, connection);
    connect(connection, &PusherConnection::finished, this,
            &SocketWorker::onPusherConnectionFinished);
}

void SocketWorker::turnAway(WebSocketConnection *webSocket, bool overLimit, quint16 code,
                            QStringView reason)
{
    // One over the limit never held a place in it.
    if (!overLimit)
        m_limiter.release(webSocket->peerAddress());
    connect(webSocket, &WebSocketConnection::disconnected, webSocket, &QObject::deleteLater);
    webSocket->close(code, reason);
}

void SocketWorker::onPusherConnectionFinished(quint64 id)
{
    PusherConnection *connection = m_pusherConnections.take(id);
    if (!connection)
        return;
    m_limiter.release(connection->peerAddress());
    connection->deleteLater();
    emitDrainedWhenEmpty();
}

void SocketWorker::onSessionFinished(quint64 id)
{
    ClientSession *session = m_sessions.take(id);
    if (!session)
        return;
    m_limiter.release(session->peerAddress());
    session->deleteLater();
    emitDrainedWhenEmpty();
}

void SocketWorker::deliver(const QList<quint64> &connectionIds, const PushFrame &frame)
{
    for (quint64 id : connectionIds) {
        if (ClientSession *session = m_sessions.value(id))
            session->sendPush(frame);
        else if (PusherConnection *connection = m_pusherConnections.value(id))
            connection->sendPush(frame);
    }
}

void SocketWorker::checkAlive()
{
    // Each session is in one slice (by id), so it is still pinged once per interval.
    const quint64 slice = m_pingTick++ % m_pingSlices;
    const auto sessions = m_sessions;
    for (auto it = sessions.cbegin(); it != sessions.cend(); ++it) {
        if (it.key() % m_pingSlices == slice)
            it.value()->checkAlive(m_services.config.pingIntervalMs);
    }
}

void SocketWorker::shutdown()
{
    m_shuttingDown = true;
    m_pingTimer->stop();
    const auto handshakes = m_handshakes.values();
    for (const auto &handshake : handshakes)
        handshake.socket->abort();
    const auto sessions = m_sessions;
    for (auto *session : sessions)
        session->closeGoingAway();
    const auto pusherConnections = m_pusherConnections;
    for (auto *connection : pusherConnections)
        connection->closeWith(PusherFrames::ReconnectNow, u"Server shutting down; reconnect"_s);
    // Peers that do not answer the close frame are cut off, so shutdown is bounded.
    QTimer::singleShot(kCloseGraceMs, this, [this] {
        const auto remaining = m_sessions;
        for (auto *session : remaining)
            session->abort();
        const auto remainingPusher = m_pusherConnections;
        for (auto *connection : remainingPusher)
            connection->abort();
    });
    emitDrainedWhenEmpty();
}

void SocketWorker::emitDrainedWhenEmpty()
{
    if (m_shuttingDown && !m_drained && m_sessions.isEmpty() && m_pusherConnections.isEmpty()
        && m_handshakes.isEmpty()) {
        m_drained = true;
        emit drained();
    }
}

} // namespace confab::server
