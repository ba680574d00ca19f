#pragma once

#include "connection/ProtocolHandler.h"
#include "connection/TokenBucket.h"

#include <QJsonObject>

namespace confab::server {

class PresenceRegistry;
class PushSink;
struct PusherApp;

// The Pusher Channels protocol on one connection (/app/{key}): checks the app and protocol
// version, then subscribes, signs in and relays client events through the presence registry.
class PusherConnection final : public ProtocolHandler
{
    Q_OBJECT

public:
    PusherConnection(Connection &connection, PushSink *sink, PresenceRegistry &registry);
    ~PusherConnection() override;

    void opened() override;
    void textReceived(const QByteArray &text) override;
    void binaryReceived() override;
    void closed() override;
    KeepAlive keepAlive() const override;
    QByteArray pingFrame() const override;
    std::optional<CloseFrame> closeFrame(CloseReason reason) const override;

public slots:
    // The app's server ended this user's connections (terminate_connections).
    void terminate();

private:
    void sendFrame(const QByteArray &frame);
    void closeWith(int code, const QString &reason);
    void subscribe(const QJsonObject &data);
    void unsubscribe(const QJsonObject &data);
    void signIn(const QJsonObject &data);
    void clientEvent(const QString &event, const QString &channel, const QJsonValue &data);
    void refuseSubscription(const QString &channel, const QString &type, const QString &message,
                            int status);
    void leaveRegistry();

    PushSink *m_sink;
    PresenceRegistry &m_registry;
    const PusherApp *m_app = nullptr;
    QString m_socketId;
    QString m_userId;
    QJsonValue m_userInfo;
    TokenBucket m_clientEvents;
};

} // namespace confab::server
