#pragma once

#include "hub/PushFrame.h"
#include "session/TokenBucket.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>

class QTimer;

namespace confab::server {

class ChannelRegistry;
class PushSink;
class WebSocketConnection;
struct PusherApp;

// One Pusher client's WebSocket (/app/{key}): checks the app and protocol version, then
// subscribes, signs in and relays client events through the channel registry. Lives on one
// socket thread for its whole life, like a ClientSession.
class PusherConnection : public QObject
{
    Q_OBJECT

public:
    // Takes over socket.
    PusherConnection(WebSocketConnection *socket, quint64 id, PushSink *sink,
                     ChannelRegistry &registry, QObject *parent = nullptr);
    ~PusherConnection() override;

    quint64 id() const { return m_id; }
    QHostAddress peerAddress() const { return m_peerAddress; }

    void sendFrame(const QByteArray &frame);
    void sendPush(const PushFrame &frame);
    // Closes with a Pusher close code; a peer that does not answer is cut off.
    void closeWith(int code, const QString &reason);
    void abort();

public slots:
    // The app's server ended this user's connections (terminate_connections).
    void terminate();

signals:
    void finished(quint64 id);

private:
    void open();
    void onTextMessage(const QByteArray &text);
    void onDisconnected();
    void checkActivity();
    void subscribe(const QJsonObject &data);
    void unsubscribe(const QJsonObject &data);
    void signIn(const QJsonObject &data);
    void clientEvent(const QString &event, const QString &channel, const QJsonValue &data);
    void refuseSubscription(const QString &channel, const QString &type, const QString &message,
                            int status);
    void leaveRegistry();

    WebSocketConnection *m_socket;
    quint64 m_id;
    PushSink *m_sink;
    ChannelRegistry &m_registry;
    const PusherApp *m_app = nullptr;
    QHostAddress m_peerAddress;
    QString m_socketId;
    QString m_userId;
    QJsonValue m_userInfo;
    TokenBucket m_clientEvents;
    QElapsedTimer m_clock;
    qint64 m_lastActivityMs = 0;
    qint64 m_pingSentMs = -1;
    QTimer *m_activityTimer = nullptr;
    bool m_closing = false;
    bool m_finished = false;
};

} // namespace confab::server
