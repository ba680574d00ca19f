#pragma once

#include "PusherApp.h"
#include "hub/PushSink.h"

#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QSet>
#include <QStringList>

#include <atomic>
#include <optional>

namespace confab::server {

class WebhookNotifier;
struct WebhookEvent;

// Who a presence subscription says the subscriber is.
struct PresenceMember
{
    QString userId;
    QJsonValue userInfo;
};

struct SubscribeResult
{
    enum class Status { Subscribed, PresenceFull, NotConnected };
    Status status = Status::NotConnected;
    QJsonObject succeededData; // the data of pusher_internal:subscription_succeeded
    // For cache channels: the last event, or a miss.
    std::optional<std::pair<QString, QString>> cachedEvent; // event name, data
    bool cacheMiss = false;
};

struct ChannelInfo
{
    QString name;
    bool occupied = false;
    qsizetype subscriptionCount = 0;
    qsizetype userCount = 0; // presence channels
};

// Every Pusher channel of every app: who is subscribed on which socket thread, presence
// members, the last event of cache channels and the signed-in users. Shared by all socket
// threads (and the store thread, which publishes room events), so all state sits behind one
// mutex. A published frame is encoded once and handed to each socket thread with one queued
// call, like the hub's pushes.
class ChannelRegistry
{
public:
    static constexpr qint64 kCacheTtlMs = 30 * 60 * 1000;

    ChannelRegistry(QList<PusherApp> apps, WebhookNotifier *webhooks);

    const PusherApp *appByKey(QStringView key) const;
    const PusherApp *appById(QStringView id) const;
    // The app Confab's rooms are published to.
    const PusherApp &defaultApp() const { return m_apps.constFirst(); }

    // Registers a connection and returns its socket id, or nothing when the app is at its
    // connection quota. `connection` must have a `terminate()` slot and outlive the
    // registration.
    std::optional<QString> attach(const PusherApp &app, ConnectionHandle handle,
                                  QObject *connection);
    // Unsubscribes the connection everywhere, as Pusher does when a socket closes.
    void detach(const QString &appId, const QString &socketId);

    SubscribeResult subscribe(const QString &appId, const QString &socketId, const QString &channel,
                              const std::optional<PresenceMember> &member);
    void unsubscribe(const QString &appId, const QString &socketId, const QString &channel);
    bool isSubscribed(const QString &appId, const QString &socketId, const QString &channel) const;
    // The presence user id the socket subscribed to channel with, if any.
    QString presenceUserId(const QString &appId, const QString &socketId,
                           const QString &channel) const;

    void signIn(const QString &appId, const QString &socketId, const QString &userId);
    // Closes every connection signed in as userId; returns how many.
    int terminateUser(const QString &appId, const QString &userId);

    // Sends an event to every subscriber of channel but exceptSocketId; userId tags client
    // events on presence channels. Returns the number of connections it went to.
    qsizetype publish(const QString &appId, const QString &channel, const QString &event,
                      const QString &data, const QString &exceptSocketId = {},
                      const QString &userId = {});

    // Reports a client event to the app's webhooks.
    void announceClientEvent(const QString &appId, const QString &channel, const QString &event,
                             const QString &data, const QString &socketId, const QString &userId);

    QList<ChannelInfo> channels(const QString &appId, const QString &prefix) const;
    ChannelInfo channel(const QString &appId, const QString &name) const;
    QStringList users(const QString &appId, const QString &channel) const;
    qsizetype connectionCount(const QString &appId) const;

private:
    struct Subscriber
    {
        ConnectionHandle handle;
        QString userId; // presence channels
    };
    struct Member
    {
        QJsonValue info;
        int connections = 0;
    };
    struct Channel
    {
        QHash<QString, Subscriber> subscribers; // by socket id
        QHash<QString, Member> members; // presence channels, by user id
    };
    struct Connection
    {
        ConnectionHandle handle;
        QObject *object = nullptr;
        QSet<QString> channels;
        QString userId; // signed in
    };
    struct CachedEvent
    {
        QString event;
        QString data;
        qint64 expiresAtMs = 0;
    };
    struct AppState
    {
        QHash<QString, Connection> connections; // by socket id
        QHash<QString, Channel> channels;
        QHash<QString, CachedEvent> cache;
        QHash<QString, QSet<QString>> userSockets; // signed-in user id → socket ids
    };
    using Recipients = QHash<PushSink *, QList<quint64>>;

    void leave(const QString &appId, AppState &state, const QString &socketId,
               const QString &channel, Recipients &recipients, QString &removedFrame);
    void notify(const QString &appId, const WebhookEvent &event) const;
    static QJsonObject presenceData(const Channel &channel);
    static void send(const Recipients &recipients, const QString &frame);

    const QList<PusherApp> m_apps;
    WebhookNotifier *const m_webhooks;
    mutable QMutex m_mutex;
    QHash<QString, AppState> m_state; // by app id
    std::atomic<quint64> m_nextSocket { 1 };
};

} // namespace confab::server
