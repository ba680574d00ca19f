#pragma once

#include "Services.h"
#include "TokenBucket.h"
#include "hub/PushSink.h"
#include "protocol/Entities.h"
#include "protocol/ProtocolError.h"
#include "store/ReplyTarget.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>

#include <optional>

namespace confab::server {

class WebSocketConnection;

// One client's WebSocket connection: decodes its frames, applies the request budget, hands
// each request to its operation and writes replies and pushes back. Lives on one socket
// thread for its whole life.
class ClientSession : public QObject
{
    Q_OBJECT

public:
    // Takes over socket.
    ClientSession(WebSocketConnection *socket, quint64 id, PushSink *sink, Services services,
                  QObject *parent = nullptr);
    ~ClientSession() override;

    quint64 id() const { return m_id; }
    QHostAddress peerAddress() const { return m_peerAddress; }
    Services &services() { return m_services; }
    ReplyTarget replyTarget() { return { m_sink, this }; }

    const std::optional<protocol::User> &user() const { return m_user; }
    bool signInPending() const { return m_signInPending; }
    void setSignInPending(bool pending) { m_signInPending = pending; }
    // Attaches the connection to the hub as `user`, a member of `roomIds`.
    void signIn(const protocol::User &user, const QString &tokenHash, const QList<qint64> &roomIds);
    void signOut();
    QString tokenHash() const { return m_tokenHash; }

    void reply(const QJsonValue &requestId, const QJsonObject &result);
    void replyError(const QJsonValue &requestId, const protocol::ProtocolError &error);
    void sendFrame(QByteArrayView utf8);
    void sendPush(const PushFrame &frame);

    // Drops the connection when its peer stopped answering pings; otherwise pings it.
    void checkAlive(qint64 pingIntervalMs);
    void closeGoingAway();
    void closeForPolicy(const QString &reason);
    void abort();

signals:
    void finished(quint64 id);

private:
    void onTextMessage(const QByteArray &frame);
    void onBinaryMessage();
    void onDisconnected();
    void sendHello();
    void leaveHub();

    WebSocketConnection *m_socket;
    quint64 m_id;
    PushSink *m_sink;
    Services m_services;
    QHostAddress m_peerAddress;
    TokenBucket m_budget;
    QElapsedTimer m_clock;
    qint64 m_lastPongMs = 0;
    std::optional<protocol::User> m_user;
    QString m_tokenHash;
    bool m_signInPending = false;
    bool m_finished = false;
};

} // namespace confab::server
