#include "Hub.h"

#include "protocol/Frames.h"
#include "protocol/Operations.h"

namespace confab::server {

using namespace Qt::StringLiterals;

QLatin1StringView presenceName(PresenceStatus status)
{
    switch (status) {
    case PresenceStatus::Online:
        return "online"_L1;
    case PresenceStatus::Away:
        return "away"_L1;
    case PresenceStatus::Offline:
        return "offline"_L1;
    }
    Q_UNREACHABLE();
    return "offline"_L1;
}

bool Hub::attach(const protocol::User &user, ConnectionHandle connection,
                 const QList<qint64> &roomIds)
{
    QMutexLocker lock(&m_mutex);
    auto &online = m_users[user.id];
    const bool first = online.connections.isEmpty();
    online.user = user;
    online.connections.append(connection);
    if (first)
        online.status = PresenceStatus::Online;
    for (qint64 roomId : roomIds) {
        online.rooms.insert(roomId);
        m_roomMembersOnline[roomId].insert(user.id);
    }
    return first;
}

bool Hub::detach(qint64 userId, ConnectionHandle connection)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_users.find(userId);
    if (it == m_users.end())
        return false;
    it->connections.removeOne(connection);
    if (!it->connections.isEmpty())
        return false;
    for (qint64 roomId : std::as_const(it->rooms)) {
        auto members = m_roomMembersOnline.find(roomId);
        if (members != m_roomMembersOnline.end()) {
            members->remove(userId);
            if (members->isEmpty())
                m_roomMembersOnline.erase(members);
        }
    }
    m_users.erase(it);
    return true;
}

void Hub::addMember(qint64 roomId, qint64 userId)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_users.find(userId);
    if (it == m_users.end())
        return;
    it->rooms.insert(roomId);
    m_roomMembersOnline[roomId].insert(userId);
}

void Hub::removeMember(qint64 roomId, qint64 userId)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_users.find(userId);
    if (it != m_users.end())
        it->rooms.remove(roomId);
    auto members = m_roomMembersOnline.find(roomId);
    if (members != m_roomMembersOnline.end()) {
        members->remove(userId);
        if (members->isEmpty())
            m_roomMembersOnline.erase(members);
    }
}

PresenceStatus Hub::presence(qint64 userId) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_users.constFind(userId);
    return it == m_users.cend() ? PresenceStatus::Offline : it->status;
}

void Hub::setPresence(qint64 userId, PresenceStatus status)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_users.find(userId);
    if (it != m_users.end())
        it->status = status;
}

QSet<qint64> Hub::peersOf(qint64 userId) const
{
    QMutexLocker lock(&m_mutex);
    QSet<qint64> peers;
    const auto it = m_users.constFind(userId);
    if (it == m_users.cend())
        return peers;
    for (qint64 roomId : it->rooms)
        peers.unite(m_roomMembersOnline.value(roomId));
    peers.remove(userId);
    return peers;
}

void Hub::collect(qint64 userId, QHash<PushSink *, QList<quint64>> &recipients) const
{
    const auto it = m_users.constFind(userId);
    if (it == m_users.cend())
        return;
    for (const auto &connection : it->connections)
        recipients[connection.sink].append(connection.id);
}

void Hub::send(const QHash<PushSink *, QList<quint64>> &recipients, const QString &frame)
{
    // One queued call per socket thread, not per connection: the thread then writes the
    // same (shared) frame to each of its connections.
    for (auto it = recipients.cbegin(); it != recipients.cend(); ++it) {
        QMetaObject::invokeMethod(
            it.key(), [sink = it.key(), ids = it.value(), frame] { sink->deliver(ids, frame); },
            Qt::QueuedConnection);
    }
}

void Hub::publishToRoom(qint64 roomId, const QString &frame, qint64 exceptUserId) const
{
    QHash<PushSink *, QList<quint64>> recipients;
    {
        QMutexLocker lock(&m_mutex);
        for (qint64 userId : m_roomMembersOnline.value(roomId)) {
            if (userId != exceptUserId)
                collect(userId, recipients);
        }
    }
    send(recipients, frame);
}

void Hub::publishToUser(qint64 userId, const QString &frame) const
{
    publishToUsers({ userId }, frame);
}

void Hub::publishToUsers(const QSet<qint64> &userIds, const QString &frame) const
{
    QHash<PushSink *, QList<quint64>> recipients;
    {
        QMutexLocker lock(&m_mutex);
        for (qint64 userId : userIds)
            collect(userId, recipients);
    }
    send(recipients, frame);
}

void Hub::onEventsCommitted(const QList<protocol::Event> &events) const
{
    for (const auto &event : events)
        publishToRoom(event.room, protocol::encodePush(protocol::push::Event, event.toJson()));
}

} // namespace confab::server
