#pragma once

#include "PushSink.h"
#include "protocol/Entities.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSet>

namespace confab::server {

enum class PresenceStatus { Offline, Online, Away };
QLatin1StringView presenceName(PresenceStatus status);

// Who is online, on which connections, and in which rooms; and the fan-out of pushes to
// them. Called from every socket thread and from the store thread, so all state sits behind
// one mutex; frames are encoded once by the caller and shared (implicitly) by all recipients.
class Hub : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    // Returns true when this is the user's first connection (the user came online).
    bool attach(const protocol::User &user, ConnectionHandle connection,
                const QList<qint64> &roomIds);
    // Returns true when this was the user's last connection (the user went offline).
    bool detach(qint64 userId, ConnectionHandle connection);

    void addMember(qint64 roomId, qint64 userId);
    void removeMember(qint64 roomId, qint64 userId);

    PresenceStatus presence(qint64 userId) const;
    void setPresence(qint64 userId, PresenceStatus status);
    // Online users who share at least one room with userId, userId excluded.
    QSet<qint64> peersOf(qint64 userId) const;

    void publishToRoom(qint64 roomId, const QString &frame, qint64 exceptUserId = 0) const;
    void publishToUser(qint64 userId, const QString &frame) const;
    void publishToUsers(const QSet<qint64> &userIds, const QString &frame) const;

    // Connected to Store::eventsCommitted: pushes every committed event to its room.
    void onEventsCommitted(const QList<protocol::Event> &events) const;

private:
    struct OnlineUser
    {
        protocol::User user;
        QList<ConnectionHandle> connections;
        QSet<qint64> rooms;
        PresenceStatus status = PresenceStatus::Online;
    };

    void collect(qint64 userId, QHash<PushSink *, QList<quint64>> &recipients) const;
    static void send(const QHash<PushSink *, QList<quint64>> &recipients, const QString &frame);

    mutable QMutex m_mutex;
    QHash<qint64, OnlineUser> m_users;
    QHash<qint64, QSet<qint64>> m_roomMembersOnline;
};

} // namespace confab::server
