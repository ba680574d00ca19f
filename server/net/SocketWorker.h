#pragma once

#include "hub/PushSink.h"
#include "session/Services.h"

#include <QHash>
#include <QHostAddress>
#include <QSslConfiguration>
#include <QTimer>

#include <optional>

class QTcpSocket;
class QWebSocket;
class QWebSocketServer;

namespace confab::server {

class ClientSession;
class ConnectionLimiter;

// One socket thread's share of the connections: takes accepted sockets, runs their TLS and
// HTTP handshakes, upgrades WebSocket requests into client sessions, answers plain HTTP
// requests, and delivers the hub's pushes to its sessions.
class SocketWorker : public PushSink
{
    Q_OBJECT

public:
    SocketWorker(Services services, std::optional<QSslConfiguration> tls,
                 ConnectionLimiter &limiter);
    ~SocketWorker() override;

    // Called in this worker's thread.
    void adopt(qintptr socketDescriptor);
    void deliver(const QList<quint64> &connectionIds, const QString &frame) override;
    // Closes every session with 1001 and emits drained() once all are gone.
    void shutdown();

signals:
    void drained();

private:
    struct Handshake
    {
        QTcpSocket *socket = nullptr;
        QTimer *deadline = nullptr;
        bool overLimit = false;
    };
    using PeerKey = std::pair<QString, quint16>;

    void inspectRequest(QTcpSocket *socket);
    void upgradeToWebSocket(QTcpSocket *socket);
    void onWebSocketReady();
    void forgetHandshake(QTcpSocket *socket);
    void startSession(QWebSocket *webSocket, bool overLimit);
    void onSessionFinished(quint64 id);
    void checkAlive();
    void emitDrainedWhenEmpty();

    Services m_services;
    std::optional<QSslConfiguration> m_tls;
    ConnectionLimiter &m_limiter;
    QWebSocketServer *m_upgrader = nullptr;
    QTimer *m_pingTimer = nullptr;
    QHash<QTcpSocket *, Handshake> m_handshakes;
    QHash<PeerKey, Handshake> m_upgrading;
    QHash<quint64, ClientSession *> m_sessions;
    quint64 m_nextId = 1;
    bool m_shuttingDown = false;
    bool m_drained = false;
};

} // namespace confab::server
