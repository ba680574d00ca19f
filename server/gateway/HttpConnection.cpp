#include "HttpConnection.h"

#include "http/HttpResponse.h"
#include "net/TlsSocket.h"
#include "websocket/WebSocketHandshake.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace confab::server {

Q_LOGGING_CATEGORY(lcHttp, "confab.http")

namespace {

constexpr qsizetype kMaxRequestHead = 16 * 1024;

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, const HttpRouter &router, const Limits &limits,
                               QObject *anchor)
    : QObject(socket)
    , m_socket(socket)
    , m_router(router)
    , m_limits(limits)
    , m_anchor(anchor)
    , m_deadline(new QTimer(this))
{
    m_deadline->setSingleShot(true);
    connect(m_deadline, &QTimer::timeout, this, [this] {
        qCDebug(lcHttp) << "no whole request within the deadline from" << m_socket->peerAddress();
        m_socket->abort();
    });
    m_deadline->start(m_limits.deadlineMs);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
}

void HttpConnection::onReadyRead()
{
    // A socket that failed its TLS handshake or ran out of time may still have a readyRead
    // queued.
    if (!m_socket->isOpen())
        return;
    switch (m_state) {
    case State::Head:
        readHead();
        break;
    case State::Body:
        readBody();
        break;
    case State::Draining:
        drainBody();
        break;
    case State::Answering: // what comes meanwhile waits; the answer will close (pipelining)
    case State::Closing:
    case State::Upgraded:
        break;
    }
}

void HttpConnection::readHead()
{
    // Only what has arrived: a peek reserves as much in the socket's buffer, which it keeps.
    const QByteArray data = m_socket->peek(std::min(m_socket->bytesAvailable(), kMaxRequestHead));
    if (data.isEmpty())
        return;
    auto [status, head] = HttpRequestHead::parse(data);
    if (status == HttpRequestHead::Status::Incomplete && data.size() < kMaxRequestHead)
        return;
    if (status != HttpRequestHead::Status::Complete) {
        m_socket->read(data.size());
        refuse(
            status == HttpRequestHead::Status::Incomplete
                ? HttpResponse::error(431, "too_large", "The request head is larger than 16 KiB.")
                : HttpResponse::error(400, "bad_request", "Malformed HTTP request."));
        return;
    }
    m_head = std::move(head);
    const HttpRouter::Route *route = m_router.find(m_head.path);
    if (route && route->webSocket) {
        upgrade(*route);
        return;
    }
    if (!m_head.header("transfer-encoding").isEmpty()) {
        m_socket->read(m_head.size);
        refuse(HttpResponse::error(411, "length_required", "Send the body with a Content-Length."));
        return;
    }
    m_bodyBytes = 0;
    if (const QByteArray text = m_head.header("content-length"); !text.isEmpty()) {
        bool ok = false;
        m_bodyBytes = text.toLongLong(&ok);
        if (!ok || m_bodyBytes < 0) {
            m_socket->read(m_head.size);
            refuse(HttpResponse::error(400, "bad_request", "Malformed Content-Length."));
            return;
        }
    }
    if (m_bodyBytes > m_limits.maxBodyBytes) {
        m_socket->read(m_head.size);
        m_socket->write(HttpResponse::encode(
            HttpResponse::error(413, "too_large", "The request body is larger than allowed."),
            false));
        // The client is still sending the body: closing with it unread would reset the
        // connection before the client reads the answer. It is read and dropped instead,
        // within the deadline.
        m_state = State::Draining;
        drainBody();
        return;
    }
    m_state = State::Body;
    m_continueSent = false;
    readBody();
}

void HttpConnection::readBody()
{
    const qint64 total = m_head.size + m_bodyBytes;
    if (m_socket->bytesAvailable() < total) {
        if (!m_continueSent && m_head.header("expect").toLower() == "100-continue") {
            m_continueSent = true;
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        }
        return;
    }
    const QByteArray raw = m_socket->read(total);
    m_pipelined = m_socket->bytesAvailable() > 0;
    m_state = State::Answering;
    dispatch({ m_head.method, m_head.path, m_head.query, m_head.headers, raw.mid(m_head.size) });
}

void HttpConnection::drainBody()
{
    m_bodyBytes -= m_socket->read(std::min(m_socket->bytesAvailable(), m_bodyBytes)).size();
    if (m_bodyBytes <= 0) {
        m_state = State::Closing;
        m_socket->disconnectFromHost();
    }
}

void HttpConnection::upgrade(const HttpRouter::Route &route)
{
    m_socket->read(m_head.size);
    if (!m_head.isWebSocketUpgrade()) {
        refuse(HttpResponse::error(426, "upgrade_required",
                                   "This endpoint speaks WebSocket (Upgrade: websocket)."));
        return;
    }
    const auto [answer, accepted] = WebSocketHandshake::answer(m_head);
    m_socket->write(answer);
    if (!accepted) {
        m_state = State::Closing;
        m_socket->disconnectFromHost();
        return;
    }
    m_state = State::Upgraded;
    m_deadline->stop();
    disconnect(m_socket, nullptr, this, nullptr);
    if (auto *tlsSocket = qobject_cast<TlsSocket *>(m_socket))
        tlsSocket->releasePeekBuffer();
    emit upgradeAccepted(m_socket, m_head.path, m_head.query, &route);
}

void HttpConnection::dispatch(const HttpRequest &request)
{
    const HttpRouter::Route *route = m_router.find(request.path);
    if (!route) {
        answer(HttpResponse::error(404, "not_found", "No such endpoint."));
        return;
    }
    // The answer may come after a store lookup, when the client may have gone.
    route->http(request, ReplyTarget { m_anchor, this },
                [guard = QPointer<HttpConnection>(this)](const HttpAnswer &answer) {
                    if (guard)
                        guard->answer(answer);
                });
}

void HttpConnection::answer(const HttpAnswer &answer)
{
    if (m_state != State::Answering)
        return;
    ++m_served;
    m_pipelined = m_pipelined || m_socket->bytesAvailable() > 0;
    const bool keepAlive = m_keepAlive && !m_pipelined && m_head.allowsKeepAlive()
        && m_served < m_limits.maxRequests;
    m_socket->write(HttpResponse::encode(answer, keepAlive, m_head.method != "HEAD"));
    if (!keepAlive) {
        m_state = State::Closing;
        m_socket->disconnectFromHost();
        return;
    }
    m_state = State::Head;
    m_deadline->start(m_limits.deadlineMs);
}

void HttpConnection::refuse(const HttpAnswer &answer)
{
    m_socket->write(HttpResponse::encode(answer, false));
    m_state = State::Closing;
    m_socket->disconnectFromHost();
}

} // namespace confab::server
