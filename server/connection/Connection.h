#pragma once

#include "ProtocolHandler.h"
#include "TokenBucket.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>

#include <memory>

namespace confab::server {

class WebSocketConnection;

// One client's WebSocket, whatever protocol it speaks: its id and address, its request budget,
// keep-alive, the one send path with its backlog cap, and its end. The protocol (the native
// one or Pusher's) is a ProtocolHandler that only decodes messages and says what a ping and a
// close look like. Lives on one socket thread for its whole life.
class Connection : public QObject
{
    Q_OBJECT

public:
    struct Limits
    {
        // Bytes written but not yet taken by the peer; past this the peer is a slow consumer
        // and is closed (CloseReason::SlowConsumer).
        qint64 maxBacklogBytes = 16 * 1024 * 1024;
        double requestsPerSecond = 20;
        int requestBurst = 50;
    };

    // Takes over socket; reading starts once a handler is set (start()).
    Connection(WebSocketConnection *socket, quint64 id, const Limits &limits,
               QObject *parent = nullptr);
    ~Connection() override;

    // Gives the connection its protocol and starts reading: the handler hears opened() first.
    void start(std::unique_ptr<ProtocolHandler> handler);
    // Turns the connection away the way `handler`'s protocol does for `reason`: the handler
    // never hears opened().
    void refuse(std::unique_ptr<ProtocolHandler> handler, CloseReason reason);

    quint64 id() const { return m_id; }
    QHostAddress peerAddress() const { return m_peerAddress; }
    const QByteArray &path() const;
    const QByteArray &query() const; // as sent, percent-encoded
    ProtocolHandler *handler() const { return m_handler.get(); }
    // Milliseconds on this connection's monotonic clock.
    qint64 elapsedMs() const { return m_clock.elapsed(); }
    // Whether messages can still be sent: not closing, not ended.
    bool isOpen() const;

    // Takes one request from the budget; when none is left, how long until one is.
    std::optional<qint64> takeRequest() { return m_budget.take(elapsedMs()); }

    void sendText(QByteArrayView utf8);
    // A whole frame (websocket::serverFrame), such as a push framed once for many connections.
    void sendFrame(const QByteArray &frame);
    qint64 backlogBytes() const;
    // How large one reply may be: half the backlog cap, so that a reply and the pushes behind
    // it fit. Replies of many events are cut to this and say there is more.
    qint64 replyBudgetBytes() const { return m_maxBacklogBytes / 2; }

    // Pings a connection that has been quiet for its protocol's keep-alive time, and closes
    // one whose ping went unanswered.
    void checkAlive();
    // Ends the connection the way its protocol does for `reason`.
    void close(CloseReason reason);
    void closeWith(quint16 code, const QString &reason);
    void abort();

signals:
    // The connection ended; emitted once, after the handler heard closed().
    void finished(quint64 id);

private:
    void checkBacklogSoon();
    void onTextMessage(const QByteArray &utf8);
    void onDisconnected();
    void heard();

    WebSocketConnection *m_socket;
    std::unique_ptr<ProtocolHandler> m_handler;
    quint64 m_id;
    QHostAddress m_peerAddress;
    qint64 m_maxBacklogBytes;
    TokenBucket m_budget;
    QElapsedTimer m_clock;
    qint64 m_lastHeardMs = 0;
    qint64 m_pingSentMs = -1;
    bool m_finished = false;
    bool m_backlogCheckQueued = false;
};

} // namespace confab::server
