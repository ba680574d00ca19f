#pragma once

#include "PushSink.h"
#include "protocol/Entities.h"
#include "pusher/PusherApp.h"

#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <atomic>
#include <optional>

namespace confab::server {

using protocol::PresenceStatus;

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

// A native user's status on one node, as nodes tell each other. Which rooms the user is in
// travels as the user's membership of the rooms' channels.
struct UserStatus
{
    protocol::User user;
    protocol::PresenceStatus status = protocol::PresenceStatus::Offline;
};

// Who is online, in one place: every channel of every app, who is subscribed to it on which
// socket thread, its presence members, and the status of every native user. A Confab room is
// the channel presence-room.{id} of the default app: a native connection is subscribed to the
// channels of its user's rooms, as that user, so a room's members are the same whichever
// protocol each of them came by, and a room event is looked up once and sent to both kinds
// of subscriber, each in its own framing.
//
// Shared by all socket threads and the store thread, so all state sits behind one mutex;
// a frame is encoded once and handed to each socket thread with one queued call.
//
// In a cluster the registry also holds what the other nodes announced: the channels they have
// subscribers on, their presence members and their users' statuses, so a user on two nodes
// is one member and one presence. Its signals tell what happened here, for the other nodes;
// the *Remote* calls are what the other nodes told, and reach this node's connections only.
class PresenceRegistry : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kCacheTtlMs = 30 * 60 * 1000;

    // The first app is the default one, Confab's rooms are published to.
    explicit PresenceRegistry(QList<PusherApp> apps, QObject *parent = nullptr);

    // Set once, before any connection: where webhooks are reported.
    void setWebhookNotifier(WebhookNotifier *webhooks) { m_webhooks = webhooks; }

    const PusherApp *appByKey(QStringView key) const;
    const PusherApp *appById(QStringView id) const;
    const PusherApp &defaultApp() const { return m_apps.constFirst(); }
    // Who a native user is in their rooms' channels: the presence data /pusher/auth signs.
    static PresenceMember roomMember(const protocol::User &user);

    // --- Pusher connections (PresenceRegistry.cpp) ---

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
    // Closes every Pusher connection signed in as userId on this node; returns how many.
    int terminateUser(const QString &appId, const QString &userId);
    // The same here and on every other node: the HTTP API's terminate_connections.
    int terminateUserEverywhere(const QString &appId, const QString &userId);

    // Sends an event to this node's Pusher subscribers of channel but exceptSocketId; userId
    // tags client events on presence channels. Returns the number of connections it went to.
    qsizetype publish(const QString &appId, const QString &channel, const QString &event,
                      const QString &data, const QString &exceptSocketId = {},
                      const QString &userId = {});
    // Publishes here and on every other node: events from the HTTP API and client events.
    void trigger(const QString &appId, const QList<ChannelEvent> &events);

    // Reports a client event to the app's webhooks.
    void announceClientEvent(const QString &appId, const QString &channel, const QString &event,
                             const QString &data, const QString &socketId, const QString &userId);

    QList<ChannelInfo> channels(const QString &appId, const QString &prefix) const;
    ChannelInfo channel(const QString &appId, const QString &name) const;
    QStringList users(const QString &appId, const QString &channel) const;
    // Pusher connections only: the quota and the stats count what Pusher would.
    qsizetype connectionCount(const QString &appId) const;

    // --- Native users and rooms (RoomPresence.cpp) ---

    // Returns true when the user came online (no connection here or on another node before).
    bool attachUser(const protocol::User &user, ConnectionHandle connection,
                    const QList<qint64> &roomIds);
    // Returns true when the user went offline (no connection left here or on another node).
    bool detachUser(qint64 userId, ConnectionHandle connection);
    // A user joined or left a room, wherever they are connected.
    void addMember(qint64 roomId, qint64 userId);
    void removeMember(qint64 roomId, qint64 userId);

    protocol::PresenceStatus presence(qint64 userId) const;
    void setPresence(qint64 userId, protocol::PresenceStatus status);
    // Users who share at least one room with userId, userId excluded.
    QSet<qint64> peersOf(qint64 userId) const;

    void publishToRoom(qint64 roomId, const QByteArray &frame, qint64 exceptUserId = 0);
    void publishToUser(qint64 userId, const QByteArray &frame);
    // This node's native connections only: for pushes every node computes for itself.
    void publishToUsers(const QSet<qint64> &userIds, const QByteArray &frame) const;
    void deliverToRoom(qint64 roomId, const QByteArray &frame, qint64 exceptUserId = 0) const;
    void deliverToUser(qint64 userId, const QByteArray &frame) const;

    // Connected to Store::eventsCommitted (or the cluster bus): every committed event to its
    // room's subscribers, native and Pusher.
    void onEventsCommitted(const QList<protocol::Event> &events) const;

    // --- The other nodes (PresenceCluster.cpp) ---

    // This node's share of every occupied channel, and its users' statuses, for a snapshot.
    QList<ChannelShare> localShares() const;
    QList<UserStatus> localStatuses() const;
    // What another node announced: it has subscribers on these channels, or none any more
    // (which takes its members of them along).
    void setRemoteOccupied(const QString &node, const QString &appId, const QStringList &channels,
                           bool occupied);
    void setRemoteMember(const QString &node, const QString &appId, const QStringList &channels,
                         const PresenceMember &member, bool present);
    void setRemoteStatus(const QString &node, const UserStatus &status);
    void applyMembership(qint64 roomId, qint64 userId, bool member);
    // All of node's state at once: a snapshot, or nothing when the node is gone. With
    // sendWebhooks this node reports what ended with it, since the node cannot any more.
    void replaceRemote(const QString &node, const QList<ChannelShare> &shares,
                       const QList<UserStatus> &statuses, bool sendWebhooks);

signals:
    // Emitted on the calling thread with the registry's lock held, in the order the changes
    // happened: receivers must not call back into the registry.
    void localOccupancyChanged(const QString &appId, const QStringList &channels, bool occupied);
    void localMemberChanged(const QString &appId, const QStringList &channels,
                            const confab::server::PresenceMember &member, bool present);
    void localStatusChanged(const confab::server::UserStatus &status);
    void membershipChanged(qint64 roomId, qint64 userId, bool member);
    // Not under the lock.
    void triggered(const QString &appId, const QList<confab::server::ChannelEvent> &events);
    void userTerminated(const QString &appId, const QString &userId);
    void roomPushPublished(qint64 roomId, const QByteArray &frame, qint64 exceptUserId);
    void userPushPublished(qint64 userId, const QByteArray &frame);

private:
    struct Subscriber
    {
        ConnectionHandle handle;
        QString userId; // presence channels
        bool native = false;
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
        QObject *object = nullptr; // Pusher connections; null for native ones
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
        qsizetype pusherConnections = 0;
        QHash<QString, Channel> channels;
        QHash<QString, CachedEvent> cache;
        QHash<QString, QSet<QString>> userSockets; // signed-in user id → socket ids
        QHash<QString, RemoteChannel> remote; // channels the other nodes have subscribers on
    };
    // A native user connected here.
    struct OnlineUser
    {
        protocol::User user;
        QList<std::pair<ConnectionHandle, QString>> connections; // each with its socket id
        QSet<qint64> rooms;
        protocol::PresenceStatus status = protocol::PresenceStatus::Online;
    };
    struct RemoteUser
    {
        protocol::User user;
        QHash<QString, protocol::PresenceStatus> nodes;
    };
    // A cluster-wide presence change to push to this node's peers of the user.
    struct PresenceChange
    {
        protocol::User user;
        protocol::PresenceStatus status;
        QSet<qint64> peers;
    };
    // Frames to send once the lock is released.
    using Outbox = QList<std::pair<PushRecipients, QByteArray>>;
    // What one connection's joins or leaves changed here, for the other nodes: announced in
    // one message per kind, however many channels.
    struct LocalChanges
    {
        QStringList occupied;
        QStringList vacated;
        QList<std::pair<QString, PresenceMember>> membersAdded; // channel, member
        QList<std::pair<QString, PresenceMember>> membersGone;
    };

    // Channel bookkeeping, with the lock held (PresenceRegistry.cpp).
    QString newSocketId();
    // Returns false when channel's presence members are at the app's limit.
    bool join(const QString &appId, AppState &state, const QString &socketId,
              const QString &channel, const std::optional<PresenceMember> &member, Outbox &outbox,
              LocalChanges &changes);
    void leave(const QString &appId, AppState &state, const QString &socketId,
               const QString &channel, Outbox &outbox, LocalChanges &changes);
    void announce(const QString &appId, const LocalChanges &changes);
    void forget(AppState &state, const QString &socketId);
    void notify(const QString &appId, const WebhookEvent &event) const;
    static bool isMember(const AppState &state, const QString &channel, const QString &userId);
    static bool occupiedElsewhere(const AppState &state, const QString &channel);
    static QHash<QString, QJsonValue> members(const AppState &state, const QString &channel);
    static QJsonObject presenceData(const AppState &state, const QString &channel);
    enum Protocol { Pusher, Native };
    // This node's subscribers of channel by one protocol, but `except`: a socket id for
    // Pusher, a user id for native connections.
    static PushRecipients subscribersOf(const AppState &state, const QString &channel,
                                        Protocol protocol, const QString &except);
    static void send(const Outbox &outbox);
    AppState &roomState() { return m_state[defaultApp().id]; }
    const AppState &roomState() const { return *m_state.constFind(defaultApp().id); }

    // Native users (RoomPresence.cpp); the *Locked ones with the lock held.
    void changeMembership(qint64 roomId, qint64 userId, bool member, bool here);
    void changeMembershipLocked(qint64 roomId, qint64 userId, bool member, Outbox &outbox);
    protocol::PresenceStatus presenceLocked(qint64 userId) const;
    QSet<qint64> peersLocked(qint64 userId) const;
    void collect(qint64 userId, PushRecipients &recipients) const;
    void pushPresence(const QList<PresenceChange> &changes) const;

    // The other nodes, with the lock held (PresenceCluster.cpp).
    void setRemoteOccupiedLocked(const QString &node, const QString &appId, AppState &state,
                                 const QString &channel, bool occupied, bool sendWebhooks,
                                 Outbox &outbox);
    void addRemoteMemberLocked(const QString &node, AppState &state, const QString &channel,
                               const PresenceMember &member, Outbox &outbox);
    void removeRemoteMemberLocked(const QString &node, const QString &appId, AppState &state,
                                  const QString &channel, const QString &userId, bool sendWebhooks,
                                  Outbox &outbox);
    void replaceSharesLocked(const QString &node, const QList<ChannelShare> &shares,
                             bool sendWebhooks, Outbox &outbox);
    void setRemoteStatusLocked(const QString &node, const UserStatus &status,
                               const QSet<qint64> &peersBefore, QList<PresenceChange> &changes);

    const QList<PusherApp> m_apps;
    WebhookNotifier *m_webhooks = nullptr;
    mutable QMutex m_mutex;
    QHash<QString, AppState> m_state; // by app id
    QHash<qint64, OnlineUser> m_users;
    QHash<qint64, RemoteUser> m_remoteUsers;
    std::atomic<quint64> m_nextSocket { 1 };
};

} // namespace confab::server

Q_DECLARE_METATYPE(confab::server::PresenceMember)
Q_DECLARE_METATYPE(confab::server::ChannelEvent)
Q_DECLARE_METATYPE(confab::server::UserStatus)
