#pragma once

#include "PushSink.h"
#include "protocol/Entities.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSet>

#include <optional>

namespace confab::server {

using protocol::presenceFromName;
using protocol::presenceName;
using protocol::PresenceStatus;

// A user's presence on one node and the rooms it shares with others, as nodes tell each other.
struct UserPresence
{
    protocol::User user;
    PresenceStatus status = PresenceStatus::Offline;
    QList<qint64> rooms;
};

// Who is online, on which connections, and in which rooms; and the fan-out of pushes to
// them. Called from every socket thread and from the store thread, so all state sits behind
// one mutex; frames are encoded once by the caller and shared (implicitly) by all recipients.
//
// In a cluster the hub also knows which users are online on the other nodes (set from what
// those nodes announce), so that a user connected to two nodes is one presence. Its signals
// tell what this node's users did, for the other nodes; the deliver* and apply* calls are
// what the other nodes' users did, and go to this node's connections only.
class Hub : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    // Returns true when the user came online (no connection here or on another node before).
    bool attach(const protocol::User &user, ConnectionHandle connection,
                const QList<qint64> &roomIds);
    // Returns true when the user went offline (no connection left here or on another node).
    bool detach(qint64 userId, ConnectionHandle connection);

    void addMember(qint64 roomId, qint64 userId);
    void removeMember(qint64 roomId, qint64 userId);

    PresenceStatus presence(qint64 userId) const;
    void setPresence(qint64 userId, PresenceStatus status);
    // Online users here who share at least one room with userId, userId excluded.
    QSet<qint64> peersOf(qint64 userId) const;

    void publishToRoom(qint64 roomId, const QByteArray &frame, qint64 exceptUserId = 0);
    void publishToUser(qint64 userId, const QByteArray &frame);
    // This node's connections only: for pushes every node computes for itself (presence).
    void publishToUsers(const QSet<qint64> &userIds, const QByteArray &frame) const;

    // Connected to Store::eventsCommitted (or the cluster bus): pushes every committed event
    // to its room.
    void onEventsCommitted(const QList<protocol::Event> &events) const;

    // Every user connected here, for a snapshot to another node.
    QList<UserPresence> localPresence() const;

    // From the other nodes.
    void deliverToRoom(qint64 roomId, const QByteArray &frame, qint64 exceptUserId = 0) const;
    void deliverToUser(qint64 userId, const QByteArray &frame) const;
    void applyMembership(qint64 roomId, qint64 userId, bool member);
    // One user's presence on `node`; Offline when it has no connection there any more.
    void setRemotePresence(const QString &node, const UserPresence &presence);
    // All of `node`'s users at once: a snapshot, or nothing when the node is gone. Users of
    // the node missing from the list are offline there.
    void replaceRemotePresence(const QString &node, const QList<UserPresence> &users);

signals:
    // Emitted on the calling thread, after the hub's state changed and with its lock held:
    // receivers must not call back into the hub.
    void localPresenceChanged(const confab::server::UserPresence &presence);
    void membershipChanged(qint64 roomId, qint64 userId, bool member);
    void roomPushPublished(qint64 roomId, const QByteArray &frame, qint64 exceptUserId);
    void userPushPublished(qint64 userId, const QByteArray &frame);

private:
    struct OnlineUser
    {
        protocol::User user;
        QList<ConnectionHandle> connections;
        QSet<qint64> rooms;
        PresenceStatus status = PresenceStatus::Online;
    };
    struct RemoteUser
    {
        protocol::User user;
        QSet<qint64> rooms;
        QHash<QString, PresenceStatus> nodes;
    };
    // A cluster-wide presence change to push to this node's peers of the user.
    struct PresenceChange
    {
        protocol::User user;
        PresenceStatus status;
        QSet<qint64> peers;
    };

    PresenceStatus presenceLocked(qint64 userId) const;
    QSet<qint64> peersLocked(qint64 userId) const;
    UserPresence localPresenceLocked(const OnlineUser &online) const;
    void changeMembershipLocked(qint64 roomId, qint64 userId, bool member);
    void setRemoteLocked(const QString &node, const UserPresence &presence,
                         QList<PresenceChange> &changes);
    void pushPresence(const QList<PresenceChange> &changes) const;
    void collect(qint64 userId, PushRecipients &recipients) const;

    mutable QMutex m_mutex;
    QHash<qint64, OnlineUser> m_users;
    QHash<qint64, QSet<qint64>> m_roomMembersOnline;
    QHash<qint64, RemoteUser> m_remoteUsers;
};

} // namespace confab::server

Q_DECLARE_METATYPE(confab::server::UserPresence)
