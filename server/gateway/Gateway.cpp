#include "Gateway.h"

#include "ConnectionLimiter.h"
#include "net/TlsSocket.h"
#include "websocket/WebSocketConnection.h"

#include <QTcpSocket>

#include <algorithm>

namespace confab::server {

namespace {

constexpr int kCloseGraceMs = 3000;
// Keep-alive is looked at in slices spread over the period: pinging thousands of connections
// in one go (and reading their pongs) stalls the thread's deliveries for tens of milliseconds
// once per period. A slice comes up every half second at most.
constexpr int kMaxKeepAliveSlices = 32;
constexpr int kMinKeepAliveSliceMs = 500;

} // namespace

Gateway::Gateway(const HttpRouter &router, const Settings &settings,
                 std::shared_ptr<const TlsContext> tls, ConnectionLimiter &limiter)
    : m_router(router)
    , m_settings(settings)
    , m_tls(std::move(tls))
    , m_limiter(limiter)
{
    m_keepAliveTimer = new QTimer(this);
    m_keepAliveSlices
        = std::clamp(m_settings.keepAliveCheckMs / kMinKeepAliveSliceMs, 1, kMaxKeepAliveSlices);
    m_keepAliveTimer->setInterval(m_settings.keepAliveCheckMs / m_keepAliveSlices);
    connect(m_keepAliveTimer, &QTimer::timeout, this, &Gateway::checkAlive);
}

Gateway::~Gateway()
{
    for (const Client &client : std::as_const(m_clients))
        delete client.connection;
}

void Gateway::adopt(qintptr socketDescriptor)
{
    if (!m_keepAliveTimer->isActive())
        m_keepAliveTimer->start();
    QTcpSocket *socket = m_tls ? new TlsSocket(m_tls, this) : new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor) || m_shuttingDown) {
        socket->abort();
        delete socket;
        return;
    }
    m_http.insert(socket, m_limiter.tryAcquire(socket->peerAddress()));
    auto *http = new HttpConnection(socket, m_router, m_settings.http, this);
    connect(http, &HttpConnection::upgradeAccepted, this,
            [this, http](QTcpSocket *upgraded, const QByteArray &path, const QByteArray &query,
                         const HttpRouter::Route *route) {
                onUpgradeAccepted(http, upgraded, path, query, route);
            });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] { onHttpSocketGone(socket); });
}

void Gateway::onUpgradeAccepted(HttpConnection *http, QTcpSocket *socket, const QByteArray &path,
                                const QByteArray &query, const HttpRouter::Route *route)
{
    const bool holdsSlot = m_http.take(socket);
    disconnect(socket, nullptr, this, nullptr);
    http->deleteLater();
    auto *webSocket = new WebSocketConnection(socket, path, query, m_settings.maxFrameBytes, this);
    const quint64 id = m_nextId++;
    auto *connection = new Connection(webSocket, id, m_settings.connection, this);
    m_clients.insert(id, { connection, holdsSlot });
    connect(connection, &Connection::finished, this, &Gateway::onConnectionFinished);
    auto handler = route->webSocket(*connection, *this);
    if (!holdsSlot || m_shuttingDown)
        connection->refuse(std::move(handler),
                           m_shuttingDown ? CloseReason::GoingAway
                                          : CloseReason::TooManyConnections);
    else
        connection->start(std::move(handler));
}

void Gateway::onHttpSocketGone(QTcpSocket *socket)
{
    const auto it = m_http.constFind(socket);
    if (it == m_http.cend())
        return;
    if (it.value())
        m_limiter.release(socket->peerAddress());
    m_http.erase(it);
    socket->deleteLater();
    emitDrainedWhenEmpty();
}

void Gateway::onConnectionFinished(quint64 id)
{
    const Client client = m_clients.take(id);
    if (!client.connection)
        return;
    if (client.holdsLimiterSlot)
        m_limiter.release(client.connection->peerAddress());
    client.connection->deleteLater();
    emitDrainedWhenEmpty();
}

void Gateway::deliver(const QList<quint64> &connectionIds, const PushFrame &frame)
{
    for (quint64 id : connectionIds) {
        if (Connection *connection = m_clients.value(id).connection)
            connection->sendFrame(frame.bytes());
    }
}

void Gateway::checkAlive()
{
    // Each connection is in one slice (by id), so it is still looked at once per period.
    const quint64 slice = m_keepAliveTick++ % quint64(m_keepAliveSlices);
    const auto clients = m_clients;
    for (auto it = clients.cbegin(); it != clients.cend(); ++it) {
        if (it.key() % quint64(m_keepAliveSlices) == slice)
            it->connection->checkAlive();
    }
}

void Gateway::shutdown()
{
    m_shuttingDown = true;
    m_keepAliveTimer->stop();
    const auto httpSockets = m_http.keys();
    for (QTcpSocket *socket : httpSockets)
        socket->abort();
    const auto clients = m_clients;
    for (const Client &client : clients)
        client.connection->close(CloseReason::GoingAway);
    // Peers that do not answer the close frame are cut off, so shutdown is bounded.
    QTimer::singleShot(kCloseGraceMs, this, [this] {
        const auto remaining = m_clients;
        for (const Client &client : remaining)
            client.connection->abort();
    });
    emitDrainedWhenEmpty();
}

void Gateway::emitDrainedWhenEmpty()
{
    if (m_shuttingDown && !m_drained && m_clients.isEmpty() && m_http.isEmpty()) {
        m_drained = true;
        emit drained();
    }
}

} // namespace confab::server
