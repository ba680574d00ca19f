#include "Hub.h"

#include "protocol/AccountMessages.h"
#include "protocol/Frames.h"
#include "protocol/Operations.h"

namespace confab::server {

using namespace Qt::StringLiterals;

namespace {

QByteArray presencePush(const protocol::User &user, PresenceStatus status)
{
    return protocol::encodePush(protocol::PresencePush { user, status });
}

} // namespace

bool Hub::attach(const protocol::User &user, ConnectionHandle connection,
                 const QList<qint64> &roomIds)
{
    // Announced under the lock, so that the other nodes hear one user's changes in the order
    // they happened here, whichever threads made them.
    QMutexLocker lock(&m_mutex);
    const PresenceStatus before = presenceLocked(user.id);
    auto &online = m_users[user.id];
    const bool first = online.connections.isEmpty();
    online.user = user;
    online.connections.append(connection);
    // A user already online on another node keeps the status chosen there.
    if (first)
        online.status = before == PresenceStatus::Offline ? PresenceStatus::Online : before;
    for (qint64 roomId : roomIds) {
        online.rooms.insert(roomId);
        m_roomMembersOnline[roomId].insert(user.id);
    }
    if (!first)
        return false;
    emit localPresenceChanged(localPresenceLocked(online));
    return before == PresenceStatus::Offline;
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
    UserPresence gone = localPresenceLocked(*it);
    gone.status = PresenceStatus::Offline;
    for (qint64 roomId : std::as_const(it->rooms)) {
        auto members = m_roomMembersOnline.find(roomId);
        if (members != m_roomMembersOnline.end()) {
            members->remove(userId);
            if (members->isEmpty())
                m_roomMembersOnline.erase(members);
        }
    }
    m_users.erase(it);
    emit localPresenceChanged(gone);
    return presenceLocked(userId) == PresenceStatus::Offline;
}

void Hub::addMember(qint64 roomId, qint64 userId)
{
    QMutexLocker lock(&m_mutex);
    changeMembershipLocked(roomId, userId, true);
    emit membershipChanged(roomId, userId, true);
}

void Hub::removeMember(qint64 roomId, qint64 userId)
{
    QMutexLocker lock(&m_mutex);
    changeMembershipLocked(roomId, userId, false);
    emit membershipChanged(roomId, userId, false);
}

void Hub::applyMembership(qint64 roomId, qint64 userId, bool member)
{
    QMutexLocker lock(&m_mutex);
    changeMembershipLocked(roomId, userId, member);
}

void Hub::changeMembershipLocked(qint64 roomId, qint64 userId, bool member)
{
    if (auto remote = m_remoteUsers.find(userId); remote != m_remoteUsers.end()) {
        if (member)
            remote->rooms.insert(roomId);
        else
            remote->rooms.remove(roomId);
    }
    auto it = m_users.find(userId);
    if (member) {
        if (it == m_users.end())
            return;
        it->rooms.insert(roomId);
        m_roomMembersOnline[roomId].insert(userId);
        return;
    }
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
    return presenceLocked(userId);
}

PresenceStatus Hub::presenceLocked(qint64 userId) const
{
    if (const auto it = m_users.constFind(userId); it != m_users.cend())
        return it->status;
    const auto remote = m_remoteUsers.constFind(userId);
    if (remote == m_remoteUsers.cend() || remote->nodes.isEmpty())
        return PresenceStatus::Offline;
    // Nodes agree once each has heard the last change; until then, online wins.
    const auto &statuses = remote->nodes;
    return std::find(statuses.cbegin(), statuses.cend(), PresenceStatus::Online) != statuses.cend()
        ? PresenceStatus::Online
        : PresenceStatus::Away;
}

void Hub::setPresence(qint64 userId, PresenceStatus status)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_users.find(userId);
    if (it == m_users.end())
        return;
    it->status = status;
    emit localPresenceChanged(localPresenceLocked(*it));
}

QSet<qint64> Hub::peersOf(qint64 userId) const
{
    QMutexLocker lock(&m_mutex);
    return peersLocked(userId);
}

QSet<qint64> Hub::peersLocked(qint64 userId) const
{
    QSet<qint64> rooms;
    if (const auto it = m_users.constFind(userId); it != m_users.cend())
        rooms = it->rooms;
    else if (const auto remote = m_remoteUsers.constFind(userId); remote != m_remoteUsers.cend())
        rooms = remote->rooms;
    QSet<qint64> peers;
    for (qint64 roomId : std::as_const(rooms))
        peers.unite(m_roomMembersOnline.value(roomId));
    peers.remove(userId);
    return peers;
}

UserPresence Hub::localPresenceLocked(const OnlineUser &online) const
{
    return { online.user, online.status,
             QList<qint64>(online.rooms.cbegin(), online.rooms.cend()) };
}

QList<UserPresence> Hub::localPresence() const
{
    QMutexLocker lock(&m_mutex);
    QList<UserPresence> users;
    users.reserve(m_users.size());
    for (const auto &online : m_users)
        users.append(localPresenceLocked(online));
    return users;
}

void Hub::setRemotePresence(const QString &node, const UserPresence &presence)
{
    QList<PresenceChange> changes;
    {
        QMutexLocker lock(&m_mutex);
        setRemoteLocked(node, presence, changes);
    }
    pushPresence(changes);
}

void Hub::replaceRemotePresence(const QString &node, const QList<UserPresence> &users)
{
    QList<PresenceChange> changes;
    {
        QMutexLocker lock(&m_mutex);
        QSet<qint64> listed;
        for (const auto &presence : users) {
            listed.insert(presence.user.id);
            setRemoteLocked(node, presence, changes);
        }
        QList<UserPresence> gone;
        for (const auto &remote : std::as_const(m_remoteUsers)) {
            if (remote.nodes.contains(node) && !listed.contains(remote.user.id))
                gone.append({ remote.user, PresenceStatus::Offline, {} });
        }
        for (const auto &presence : std::as_const(gone))
            setRemoteLocked(node, presence, changes);
    }
    pushPresence(changes);
}

void Hub::setRemoteLocked(const QString &node, const UserPresence &presence,
                          QList<PresenceChange> &changes)
{
    const qint64 userId = presence.user.id;
    const PresenceStatus before = presenceLocked(userId);
    // Taken now: a user who goes offline everywhere takes the rooms they shared along.
    QSet<qint64> peers = peersLocked(userId);
    if (presence.status == PresenceStatus::Offline) {
        auto remote = m_remoteUsers.find(userId);
        if (remote == m_remoteUsers.end())
            return;
        remote->nodes.remove(node);
        if (remote->nodes.isEmpty())
            m_remoteUsers.erase(remote);
    } else {
        auto &remote = m_remoteUsers[userId];
        remote.user = presence.user;
        remote.nodes.insert(node, presence.status);
        remote.rooms = QSet<qint64>(presence.rooms.cbegin(), presence.rooms.cend());
        // A status the user chose on another node is the user's, here too.
        if (auto local = m_users.find(userId); local != m_users.end())
            local->status = presence.status;
    }
    const PresenceStatus after = presenceLocked(userId);
    if (after != before)
        changes.append({ presence.user, after, peers.unite(peersLocked(userId)) });
}

void Hub::pushPresence(const QList<PresenceChange> &changes) const
{
    for (const auto &change : changes)
        publishToUsers(change.peers, presencePush(change.user, change.status));
}

void Hub::collect(qint64 userId, PushRecipients &recipients) const
{
    const auto it = m_users.constFind(userId);
    if (it == m_users.cend())
        return;
    for (const auto &connection : it->connections)
        recipients[connection.sink].append(connection.id);
}

void Hub::publishToRoom(qint64 roomId, const QByteArray &frame, qint64 exceptUserId)
{
    deliverToRoom(roomId, frame, exceptUserId);
    emit roomPushPublished(roomId, frame, exceptUserId);
}

void Hub::publishToUser(qint64 userId, const QByteArray &frame)
{
    deliverToUser(userId, frame);
    emit userPushPublished(userId, frame);
}

void Hub::deliverToRoom(qint64 roomId, const QByteArray &frame, qint64 exceptUserId) const
{
    PushRecipients recipients;
    {
        QMutexLocker lock(&m_mutex);
        for (qint64 userId : m_roomMembersOnline.value(roomId)) {
            if (userId != exceptUserId)
                collect(userId, recipients);
        }
    }
    pushTo(recipients, frame);
}

void Hub::deliverToUser(qint64 userId, const QByteArray &frame) const
{
    publishToUsers({ userId }, frame);
}

void Hub::publishToUsers(const QSet<qint64> &userIds, const QByteArray &frame) const
{
    PushRecipients recipients;
    {
        QMutexLocker lock(&m_mutex);
        for (qint64 userId : userIds)
            collect(userId, recipients);
    }
    pushTo(recipients, frame);
}

void Hub::onEventsCommitted(const QList<protocol::Event> &events) const
{
    for (const auto &event : events)
        deliverToRoom(event.room, protocol::encodePush(protocol::push::Event, event.toJson()));
}

} // namespace confab::server
