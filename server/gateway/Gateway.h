#pragma once

#include "HttpConnection.h"
#include "connection/Connection.h"
#include "presence/PushSink.h"

#include <QHash>
#include <QTimer>

#include <memory>

class QTcpSocket;

namespace confab::server {

class ConnectionLimiter;
class TlsContext;

// One socket thread's share of the clients: takes accepted sockets, runs their TLS handshake
// and their HTTP requests (HttpConnection), turns WebSocket upgrades into Connections with the
// route's protocol, keeps them alive, delivers the presence registry's pushes to
// them, and closes them all when the server drains.
class Gateway : public PushSink
{
    Q_OBJECT

public:
    struct Settings
    {
        HttpConnection::Limits http;
        Connection::Limits connection;
        qsizetype maxFrameBytes = 64 * 1024;
        // How often each connection's keep-alive is looked at.
        int keepAliveCheckMs = 15'000;
    };

    // tls is null when serving plain ws:// and http://.
    Gateway(const HttpRouter &router, const Settings &settings,
            std::shared_ptr<const TlsContext> tls, ConnectionLimiter &limiter);
    ~Gateway() override;

    // Called in this gateway's thread.
    void adopt(qintptr socketDescriptor);
    void deliver(const QList<quint64> &connectionIds, const PushFrame &frame) override;
    // Closes every connection the way its protocol says "going away", and emits drained()
    // once all are gone.
    void shutdown();

signals:
    void drained();

private:
    struct Client
    {
        Connection *connection = nullptr;
        bool holdsLimiterSlot = false;
    };

    void onUpgradeAccepted(HttpConnection *http, QTcpSocket *socket, const QByteArray &path,
                           const QByteArray &query, const HttpRouter::Route *route);
    void onHttpSocketGone(QTcpSocket *socket);
    void onConnectionFinished(quint64 id);
    void checkAlive();
    void emitDrainedWhenEmpty();

    const HttpRouter &m_router;
    Settings m_settings;
    std::shared_ptr<const TlsContext> m_tls;
    ConnectionLimiter &m_limiter;
    QTimer *m_keepAliveTimer = nullptr;
    int m_keepAliveSlices = 1;
    quint64 m_keepAliveTick = 0;
    // Sockets still speaking HTTP, and whether each holds a place in the limiter.
    QHash<QTcpSocket *, bool> m_http;
    QHash<quint64, Client> m_clients;
    quint64 m_nextId = 1;
    bool m_shuttingDown = false;
    bool m_drained = false;
};

} // namespace confab::server
