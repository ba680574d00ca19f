#pragma once

#include "hub/PushSink.h"
#include "session/Services.h"

#include <QHash>
#include <QHostAddress>
#include <QTimer>

#include <memory>

class QTcpSocket;

namespace confab::server {

class ClientSession;
class ConnectionLimiter;
class PusherConnection;
class PusherService;
class TlsContext;
class WebSocketConnection;
struct HttpRequestHead;

// One socket thread's share of the connections: takes accepted sockets, runs their TLS and
// HTTP handshakes, upgrades WebSocket requests into client sessions (/ws) or Pusher
// connections (/app/{key}), answers plain HTTP requests, and delivers the hub's and the
// Pusher channel registry's pushes to its connections.
class SocketWorker : public PushSink
{
    Q_OBJECT

public:
    // tls is null when serving plain ws:// and http://; pusher is null when no Pusher app is
    // configured.
    SocketWorker(Services services, std::shared_ptr<const TlsContext> tls,
                 ConnectionLimiter &limiter, PusherService *pusher = nullptr);
    ~SocketWorker() override;

    // Called in this worker's thread.
    void adopt(qintptr socketDescriptor);
    void deliver(const QList<quint64> &connectionIds, const PushFrame &frame) override;
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
        bool continueSent = false; // "100 Continue" answered to "Expect: 100-continue"
    };

    void inspectRequest(QTcpSocket *socket);
    void upgradeToWebSocket(QTcpSocket *socket, const HttpRequestHead &head);
    // Hands a Pusher HTTP request over once its whole body has arrived.
    void handlePusherRequest(QTcpSocket *socket, const HttpRequestHead &head);
    void startPusherConnection(WebSocketConnection *webSocket, bool overLimit);
    void onPusherConnectionFinished(quint64 id);
    void forgetHandshake(QTcpSocket *socket);
    void startSession(WebSocketConnection *webSocket, bool overLimit);
    // Closes a connection that is not let in, and gives back its place in the limiter; it
    // goes once it has ended.
    void turnAway(WebSocketConnection *webSocket, bool overLimit, quint16 code, QStringView reason);
    void onSessionFinished(quint64 id);
    void checkAlive();
    void emitDrainedWhenEmpty();

    Services m_services;
    std::shared_ptr<const TlsContext> m_tls;
    ConnectionLimiter &m_limiter;
    QTimer *m_pingTimer = nullptr;
    int m_pingSlices = 1;
    quint64 m_pingTick = 0;
    QHash<QTcpSocket *, Handshake> m_handshakes;
    QHash<quint64, ClientSession *> m_sessions;
    PusherService *m_pusher = nullptr;
    QHash<quint64, PusherConnection *> m_pusherConnections;
    quint64 m_nextId = 1;
    bool m_shuttingDown = false;
    bool m_drained = false;
};

} // namespace confab::server
