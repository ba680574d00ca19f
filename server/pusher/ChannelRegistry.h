#pragma once

#include "PusherApp.h"
#include "hub/PushSink.h"

#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QObject>
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
    bool occupied = false; // on any node
    qsizetype subscriptionCount = 0; // on this node
    qsizetype userCount = 0; // presence channels, on every node
};

// An event for the subscribers of one channel on every node; exceptSocketId leaves out its
// sender (a client event, or toOthers()), userId tags client events on presence channels.
struct ChannelEvent
{
    QString channel;
    QString event;
    QString data;
    QString exceptSocketId;
    QString userId;
};

// What one node has of a channel, as nodes tell each other: that it has subscribers there,
// and its presence members.
struct ChannelShare
{
    QString appId;
    QString channel;
    QList<PresenceMember> members;
};

// Every Pusher channel of every app: who is subscribed on which socket thread, presence
// members, the last event of cache channels and the signed-in users. Shared by all socket
// threads (and the store thread, which publishes room events), so all state sits behind one
// mutex. A published frame is encoded once and handed to each socket thread with one queued
// call, like the hub's pushes.
//
// In a cluster the registry also knows which channels the other nodes have subscribers on,
// and their presence members (set from what those nodes announce), so that a presence
// channel's members, member_added and member_removed, and the webhooks are the cluster's:
// a user on two nodes is one member. Its signals tell what happened here, for the other
// nodes; the *Remote* calls are what the other nodes told.
class ChannelRegistry : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kCacheTtlMs = 30 * 60 * 1000;

    ChannelRegistry(QList<PusherApp> apps, WebhookNotifier *webhooks, QObject *parent = nullptr);

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
    // Closes every connection signed in as userId on this node; returns how many.
    int terminateUser(const QString &appId, const QString &userId);
    // The same here and on every other node: the HTTP API's terminate_connections.
    int terminateUserEverywhere(const QString &appId, const QString &userId);

    // Sends an event to this node's subscribers of channel but exceptSocketId; userId tags
    // client events on presence channels. Returns the number of connections it went to.
    qsizetype publish(const QString &appId, const QString &channel, const QString &event,
                      const QString &data, const QString &exceptSocketId = {},
                      const QString &userId = {});
    // Publishes here and on every other node: events from the HTTP API and client events.
    // Confab's room events reach every node through the bus already, and use publish().
    void trigger(const QString &appId, const QList<ChannelEvent> &events);

    // Reports a client event to the app's webhooks.
    void announceClientEvent(const QString &appId, const QString &channel, const QString &event,
                             const QString &data, const QString &socketId, const QString &userId);

    QList<ChannelInfo> channels(const QString &appId, const QString &prefix) const;
    ChannelInfo channel(const QString &appId, const QString &name) const;
    QStringList users(const QString &appId, const QString &channel) const;
    qsizetype connectionCount(const QString &appId) const;

    // This node's share of every occupied channel, for a snapshot to another node.
    QList<ChannelShare> localShares() const;
    // What another node announced: it has subscribers on channel, or none any more (which
    // takes its members of the channel with it).
    void setRemoteOccupied(const QString &node, const QString &appId, const QString &channel,
                           bool occupied);
    void setRemoteMember(const QString &node, const QString &appId, const QString &channel,
                         const PresenceMember &member, bool present);
    // All of node's channels at once: a snapshot, or nothing when the node is gone. With
    // sendWebhooks this node reports what ended with it, since the node cannot any more.
    void replaceRemote(const QString &node, const QList<ChannelShare> &shares, bool sendWebhooks);

signals:
    // Emitted on the calling thread with the registry's lock held, in the order the changes
    // happened: receivers must not call back into the registry.
    void localOccupancyChanged(const QString &appId, const QString &channel, bool occupied);
    void localMemberChanged(const QString &appId, const QString &channel,
                            const confab::server::PresenceMember &member, bool present);
    // Not under the lock.
    void triggered(const QString &appId, const QList<confab::server::ChannelEvent> &events);
    void userTerminated(const QString &appId, const QString &userId);

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
    struct RemoteMember
    {
        QJsonValue info;
        QSet<QString> nodes;
    };
    // A channel as the other nodes have it.
    struct RemoteChannel
    {
        QSet<QString> nodes; // with subscribers
        QHash<QString, RemoteMember> members; // by user id
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
        QHash<QString, RemoteChannel> remote; // channels the other nodes have subscribers on
    };
    using Recipients = PushRecipients;
    // Frames to send once the lock is released.
    using Outbox = QList<std::pair<Recipients, QByteArray>>;

    void leave(const QString &appId, AppState &state, const QString &socketId,
               const QString &channel, Outbox &outbox);
    void notify(const QString &appId, const WebhookEvent &event) const;
    static bool isMember(const AppState &state, const QString &channel, const QString &userId);
    static bool occupiedElsewhere(const AppState &state, const QString &channel);
    static QHash<QString, QJsonValue> members(const AppState &state, const QString &channel);
    static QJsonObject presenceData(const AppState &state, const QString &channel);
    // This node's subscribers of channel, but exceptSocketId.
    static Recipients subscribersOf(const AppState &state, const QString &channel,
                                    const QString &exceptSocketId = {});
    void setRemoteOccupiedLocked(const QString &node, const QString &appId, AppState &state,
                                 const QString &channel, bool occupied, bool sendWebhooks,
                                 Outbox &outbox);
    void addRemoteMemberLocked(const QString &node, AppState &state, const QString &channel,
                               const PresenceMember &member, Outbox &outbox);
    void removeRemoteMemberLocked(const QString &node, const QString &appId, AppState &state,
                                  const QString &channel, const QString &userId, bool sendWebhooks,
                                  Outbox &outbox);
    static void send(const Outbox &outbox);

    const QList<PusherApp> m_apps;
    WebhookNotifier *const m_webhooks;
    mutable QMutex m_mutex;
    QHash<QString, AppState> m_state; // by app id
    std::atomic<quint64> m_nextSocket { 1 };
};

} // namespace confab::server

Q_DECLARE_METATYPE(confab::server::PresenceMember)
Q_DECLARE_METATYPE(confab::server::ChannelEvent)
