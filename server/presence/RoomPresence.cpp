// The native protocol's side of the registry: users, their connections and statuses, and
// their rooms as the channels presence-room.{id}.
#include "PresenceRegistry.h"
#include "protocol/AccountMessages.h"
#include "protocol/Frames.h"
#include "protocol/Operations.h"
#include "pusher/ChannelName.h"
#include "pusher/PusherFrames.h"

namespace confab::server {

using namespace Qt::StringLiterals;
using protocol::PresenceStatus;

namespace {

QString roomEventName(protocol::EventKind kind)
{
    switch (kind) {
    case protocol::EventKind::Message:
        return u"message.created"_s;
    case protocol::EventKind::Edit:
        return u"message.edited"_s;
    case protocol::EventKind::Delete:
        return u"message.deleted"_s;
    }
    Q_UNREACHABLE();
    return {};
}

} // namespace

PresenceMember PresenceRegistry::roomMember(const protocol::User &user)
{
    return { QString::number(user.id),
             QJsonObject { { "id"_L1, user.id }, { "name"_L1, user.name } } };
}

bool PresenceRegistry::attachUser(const protocol::User &user, ConnectionHandle connection,
                                  const QList<qint64> &roomIds)
{
    const QString socketId = newSocketId();
    Outbox outbox;
    bool cameOnline = false;
    {
        // Announced under the lock, so that the other nodes hear one user's changes in the
        // order they happened here, whichever threads made them.
        QMutexLocker lock(&m_mutex);
        const PresenceStatus before = presenceLocked(user.id);
        OnlineUser &online = m_users[user.id];
        const bool first = online.connections.isEmpty();
        online.user = user;
        online.connections.append({ connection, socketId });
        // A user already online on another node keeps the status chosen there.
        if (first)
            online.status = before == PresenceStatus::Offline ? PresenceStatus::Online : before;
        for (qint64 roomId : roomIds)
            online.rooms.insert(roomId);
        AppState &state = roomState();
        state.connections.insert(socketId, { connection, nullptr, {}, {} });
        const PresenceMember member = roomMember(user);
        LocalChanges changes;
        for (qint64 roomId : std::as_const(online.rooms))
            join(defaultApp().id, state, socketId, ChannelName::ofRoom(roomId), member, outbox,
                 changes);
        announce(defaultApp().id, changes);
        if (first) {
            // After the rooms: another node pushes the status to the user's peers there.
            emit localStatusChanged({ user, online.status });
            cameOnline = before == PresenceStatus::Offline;
        }
    }
    send(outbox);
    return cameOnline;
}

bool PresenceRegistry::detachUser(qint64 userId, ConnectionHandle connection)
{
    Outbox outbox;
    bool wentOffline = false;
    {
        QMutexLocker lock(&m_mutex);
        auto it = m_users.find(userId);
        if (it == m_users.end())
            return false;
        const auto entry = std::find_if(it->connections.cbegin(), it->connections.cend(),
                                        [&](const auto &c) { return c.first == connection; });
        if (entry == it->connections.cend())
            return false;
        const QString socketId = entry->second;
        it->connections.erase(entry);
        const bool last = it->connections.isEmpty();
        // Before the rooms: another node still knows the user's peers while it pushes this.
        if (last)
            emit localStatusChanged({ it->user, PresenceStatus::Offline });
        AppState &state = roomState();
        LocalChanges changes;
        const QSet<QString> channels = state.connections.value(socketId).channels;
        for (const QString &channel : channels)
            leave(defaultApp().id, state, socketId, channel, outbox, changes);
        announce(defaultApp().id, changes);
        forget(state, socketId);
        if (last) {
            m_users.erase(it);
            wentOffline = presenceLocked(userId) == PresenceStatus::Offline;
        }
    }
    send(outbox);
    return wentOffline;
}

void PresenceRegistry::addMember(qint64 roomId, qint64 userId)
{
    changeMembership(roomId, userId, true, true);
}

void PresenceRegistry::removeMember(qint64 roomId, qint64 userId)
{
    changeMembership(roomId, userId, false, true);
}

void PresenceRegistry::applyMembership(qint64 roomId, qint64 userId, bool member)
{
    changeMembership(roomId, userId, member, false);
}

void PresenceRegistry::changeMembership(qint64 roomId, qint64 userId, bool member, bool here)
{
    Outbox outbox;
    {
        QMutexLocker lock(&m_mutex);
        changeMembershipLocked(roomId, userId, member, outbox);
        // Under the lock, in order: the user may be connected to other nodes.
        if (here)
            emit membershipChanged(roomId, userId, member);
    }
    send(outbox);
}

// Joins or leaves the room's channel on every connection the user has here.
void PresenceRegistry::changeMembershipLocked(qint64 roomId, qint64 userId, bool member,
                                              Outbox &outbox)
{
    auto it = m_users.find(userId);
    if (it == m_users.end())
        return;
    if (member)
        it->rooms.insert(roomId);
    else
        it->rooms.remove(roomId);
    AppState &state = roomState();
    const QString channel = ChannelName::ofRoom(roomId);
    const PresenceMember presence = roomMember(it->user);
    LocalChanges changes;
    for (const auto &[connection, socketId] : std::as_const(it->connections)) {
        if (member)
            join(defaultApp().id, state, socketId, channel, presence, outbox, changes);
        else
            leave(defaultApp().id, state, socketId, channel, outbox, changes);
    }
    announce(defaultApp().id, changes);
}

PresenceStatus PresenceRegistry::presence(qint64 userId) const
{
    QMutexLocker lock(&m_mutex);
    return presenceLocked(userId);
}

PresenceStatus PresenceRegistry::presenceLocked(qint64 userId) const
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

void PresenceRegistry::setPresence(qint64 userId, PresenceStatus status)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_users.find(userId);
    if (it == m_users.end())
        return;
    it->status = status;
    emit localStatusChanged({ it->user, status });
}

QSet<qint64> PresenceRegistry::peersOf(qint64 userId) const
{
    QMutexLocker lock(&m_mutex);
    return peersLocked(userId);
}

QSet<qint64> PresenceRegistry::peersLocked(qint64 userId) const
{
    const AppState &state = roomState();
    const QString id = QString::number(userId);
    QSet<QString> channels;
    if (const auto it = m_users.constFind(userId); it != m_users.cend()) {
        for (qint64 roomId : it->rooms)
            channels.insert(ChannelName::ofRoom(roomId));
    } else {
        for (auto it = state.remote.cbegin(); it != state.remote.cend(); ++it) {
            if (it->members.contains(id))
                channels.insert(it.key());
        }
    }
    QSet<qint64> peers;
    for (const QString &channel : std::as_const(channels)) {
        if (const auto local = state.channels.constFind(channel); local != state.channels.cend()) {
            for (auto member = local->members.cbegin(); member != local->members.cend(); ++member)
                peers.insert(member.key().toLongLong());
        }
        if (const auto remote = state.remote.constFind(channel); remote != state.remote.cend()) {
            for (auto member = remote->members.cbegin(); member != remote->members.cend(); ++member)
                peers.insert(member.key().toLongLong());
        }
    }
    peers.remove(userId);
    return peers;
}

QList<UserStatus> PresenceRegistry::localStatuses() const
{
    QMutexLocker lock(&m_mutex);
    QList<UserStatus> statuses;
    statuses.reserve(m_users.size());
    for (const auto &online : m_users)
        statuses.append({ online.user, online.status });
    return statuses;
}

void PresenceRegistry::pushPresence(const QList<PresenceChange> &changes) const
{
    for (const auto &change : changes)
        publishToUsers(change.peers,
                       protocol::encodePush(protocol::PresencePush { change.user, change.status }));
}

void PresenceRegistry::collect(qint64 userId, PushRecipients &recipients) const
{
    const auto it = m_users.constFind(userId);
    if (it == m_users.cend())
        return;
    for (const auto &[connection, socketId] : it->connections)
        recipients[connection.sink].append(connection.id);
}

void PresenceRegistry::publishToRoom(qint64 roomId, const QByteArray &frame, qint64 exceptUserId)
{
    deliverToRoom(roomId, frame, exceptUserId);
    emit roomPushPublished(roomId, frame, exceptUserId);
}

void PresenceRegistry::publishToUser(qint64 userId, const QByteArray &frame)
{
    deliverToUser(userId, frame);
    emit userPushPublished(userId, frame);
}

void PresenceRegistry::deliverToRoom(qint64 roomId, const QByteArray &frame,
                                     qint64 exceptUserId) const
{
    PushRecipients recipients;
    {
        QMutexLocker lock(&m_mutex);
        recipients = subscribersOf(roomState(), ChannelName::ofRoom(roomId), Native,
                                   exceptUserId ? QString::number(exceptUserId) : QString());
    }
    pushTo(recipients, frame);
}

void PresenceRegistry::deliverToUser(qint64 userId, const QByteArray &frame) const
{
    publishToUsers({ userId }, frame);
}

void PresenceRegistry::publishToUsers(const QSet<qint64> &userIds, const QByteArray &frame) const
{
    PushRecipients recipients;
    {
        QMutexLocker lock(&m_mutex);
        for (qint64 userId : userIds)
            collect(userId, recipients);
    }
    pushTo(recipients, frame);
}

void PresenceRegistry::onEventsCommitted(const QList<protocol::Event> &events) const
{
    struct Delivery
    {
        PushRecipients native;
        PushRecipients pusher;
    };
    QList<Delivery> deliveries;
    deliveries.reserve(events.size());
    {
        QMutexLocker lock(&m_mutex);
        const AppState &state = roomState();
        for (const auto &event : events) {
            const QString channel = ChannelName::ofRoom(event.room);
            deliveries.append({ subscribersOf(state, channel, Native, {}),
                                subscribersOf(state, channel, Pusher, {}) });
        }
    }
    for (qsizetype i = 0; i < events.size(); ++i) {
        const Delivery &delivery = deliveries.at(i);
        if (delivery.native.isEmpty() && delivery.pusher.isEmpty())
            continue;
        const protocol::Event &event = events.at(i);
        const QJsonObject json = event.toJson();
        if (!delivery.native.isEmpty())
            pushTo(delivery.native, protocol::encodePush(protocol::push::Event, json));
        // Web pages on presence-room.{id} get the same Event object as an event's data.
        if (!delivery.pusher.isEmpty())
            pushTo(delivery.pusher,
                   PusherFrames::channelEvent(ChannelName::ofRoom(event.room),
                                              roomEventName(event.kind),
                                              PusherFrames::compact(json), {}));
    }
}

} // namespace confab::server
