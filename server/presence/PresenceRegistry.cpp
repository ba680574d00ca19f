#include "PresenceRegistry.h"

#include "pusher/ChannelName.h"
#include "pusher/PusherFrames.h"
#include "pusher/WebhookEvent.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRandomGenerator>

#include <algorithm>

namespace confab::server {

using namespace Qt::StringLiterals;

PresenceRegistry::PresenceRegistry(QList<PusherApp> apps, QObject *parent)
    : QObject(parent)
    , m_apps(std::move(apps))
{
    Q_ASSERT(!m_apps.isEmpty());
    for (const auto &app : m_apps)
        m_state.insert(app.id, {});
}

const PusherApp *PresenceRegistry::appByKey(QStringView key) const
{
    for (const auto &app : m_apps) {
        if (app.key == key)
            return &app;
    }
    return nullptr;
}

const PusherApp *PresenceRegistry::appById(QStringView id) const
{
    for (const auto &app : m_apps) {
        if (app.id == id)
            return &app;
    }
    return nullptr;
}

void PresenceRegistry::notify(const QString &appId, const WebhookEvent &event) const
{
    // Webhooks describe what apps can see; the server-to-user channels are Pusher's plumbing.
    if (m_webhooks && ChannelName::kindOf(event.channel) != ChannelName::Kind::ServerToUser)
        m_webhooks->notify(appId, event);
}

void PresenceRegistry::send(const Outbox &outbox)
{
    for (const auto &[recipients, frame] : outbox)
        pushTo(recipients, frame);
}

bool PresenceRegistry::isMember(const AppState &state, const QString &channel,
                                const QString &userId)
{
    const auto local = state.channels.constFind(channel);
    if (local != state.channels.cend() && local->members.contains(userId))
        return true;
    const auto remote = state.remote.constFind(channel);
    return remote != state.remote.cend() && remote->members.contains(userId);
}

bool PresenceRegistry::occupiedElsewhere(const AppState &state, const QString &channel)
{
    const auto remote = state.remote.constFind(channel);
    return remote != state.remote.cend() && !remote->nodes.isEmpty();
}

QHash<QString, QJsonValue> PresenceRegistry::members(const AppState &state, const QString &channel)
{
    QHash<QString, QJsonValue> all;
    if (const auto remote = state.remote.constFind(channel); remote != state.remote.cend()) {
        for (auto it = remote->members.cbegin(); it != remote->members.cend(); ++it)
            all.insert(it.key(), it->info);
    }
    if (const auto local = state.channels.constFind(channel); local != state.channels.cend()) {
        for (auto it = local->members.cbegin(); it != local->members.cend(); ++it)
            all.insert(it.key(), it->info);
    }
    return all;
}

PushRecipients PresenceRegistry::subscribersOf(const AppState &state, const QString &channel,
                                               Protocol protocol, const QString &except)
{
    PushRecipients recipients;
    const auto it = state.channels.constFind(channel);
    if (it == state.channels.cend())
        return recipients;
    const bool native = protocol == Native;
    for (auto subscriber = it->subscribers.cbegin(); subscriber != it->subscribers.cend();
         ++subscriber) {
        const QString &id = native ? subscriber->userId : subscriber.key();
        if (subscriber->native == native && (except.isEmpty() || id != except))
            recipients[subscriber->handle.sink].append(subscriber->handle.id);
    }
    return recipients;
}

QString PresenceRegistry::newSocketId()
{
    // "<random>.<counter>": unique through the counter, and in the form Pusher's server
    // libraries check for.
    return QString::number(QRandomGenerator::global()->bounded(1, 1'000'000'000)) + u'.'
        + QString::number(m_nextSocket.fetch_add(1));
}

std::optional<QString> PresenceRegistry::attach(const PusherApp &app, ConnectionHandle handle,
                                                QObject *connection)
{
    Q_ASSERT(connection);
    const QString socketId = newSocketId();
    QMutexLocker lock(&m_mutex);
    AppState &state = m_state[app.id];
    if (state.pusherConnections >= app.limits.maxConnections)
        return std::nullopt;
    state.connections.insert(socketId, { handle, connection, {}, {} });
    ++state.pusherConnections;
    return socketId;
}

void PresenceRegistry::detach(const QString &appId, const QString &socketId)
{
    Outbox outbox;
    {
        QMutexLocker lock(&m_mutex);
        AppState &state = m_state[appId];
        const auto it = state.connections.constFind(socketId);
        if (it == state.connections.cend())
            return;
        LocalChanges changes;
        const QSet<QString> channels = it->channels;
        for (const QString &channel : channels)
            leave(appId, state, socketId, channel, outbox, changes);
        announce(appId, changes);
        forget(state, socketId);
    }
    send(outbox);
}

void PresenceRegistry::forget(AppState &state, const QString &socketId)
{
    const auto it = state.connections.find(socketId);
    if (it == state.connections.end())
        return;
    if (!it->userId.isEmpty()) {
        auto sockets = state.userSockets.find(it->userId);
        if (sockets != state.userSockets.end()) {
            sockets->remove(socketId);
            if (sockets->isEmpty())
                state.userSockets.erase(sockets);
        }
    }
    if (it->object)
        --state.pusherConnections;
    state.connections.erase(it);
}

bool PresenceRegistry::join(const QString &appId, AppState &state, const QString &socketId,
                            const QString &channelName, const std::optional<PresenceMember> &member,
                            Outbox &outbox, LocalChanges &changes)
{
    auto connection = state.connections.find(socketId);
    Q_ASSERT(connection != state.connections.end());
    Channel &channel = state.channels[channelName];
    if (channel.subscribers.contains(socketId))
        return true;
    // A Confab room's members are whoever the room lets in; the app's limit is for channels
    // anyone with the app's key can join.
    const bool limited = !(appId == defaultApp().id && ChannelName::isRoom(channelName));
    if (member && limited && !isMember(state, channelName, member->userId)
        && members(state, channelName).size() >= appById(appId)->limits.maxPresenceMembers) {
        if (channel.subscribers.isEmpty())
            state.channels.remove(channelName);
        return false;
    }
    const bool firstSubscriber = channel.subscribers.isEmpty();
    channel.subscribers.insert(
        socketId,
        { connection->handle, member ? member->userId : QString(), connection->object == nullptr });
    connection->channels.insert(channelName);
    if (firstSubscriber) {
        changes.occupied.append(channelName);
        if (!occupiedElsewhere(state, channelName))
            notify(appId, { WebhookEvent::Kind::ChannelOccupied, channelName, {}, {}, {}, {} });
    }
    if (!member)
        return true;
    // A user connected through another node, or by the other protocol, is a member already.
    const bool known = isMember(state, channelName, member->userId);
    Member &entry = channel.members[member->userId];
    if (entry.connections++ > 0)
        return true;
    entry.info = member->userInfo;
    changes.membersAdded.append({ channelName, *member });
    if (!known) {
        outbox.append({ subscribersOf(state, channelName, Pusher, socketId),
                        PusherFrames::memberAdded(channelName, member->userId, member->userInfo) });
        notify(appId, { WebhookEvent::Kind::MemberAdded, channelName, member->userId, {}, {}, {} });
    }
    return true;
}

// Takes socketId out of channel. A presence member whose last connection in the cluster left
// is announced to the channel's subscribers through the outbox.
void PresenceRegistry::leave(const QString &appId, AppState &state, const QString &socketId,
                             const QString &channel, Outbox &outbox, LocalChanges &changes)
{
    auto connection = state.connections.find(socketId);
    if (connection != state.connections.end())
        connection->channels.remove(channel);
    auto it = state.channels.find(channel);
    if (it == state.channels.end())
        return;
    const auto subscriber = it->subscribers.constFind(socketId);
    if (subscriber == it->subscribers.cend())
        return;
    const QString userId = subscriber->userId;
    it->subscribers.erase(subscriber);
    if (!userId.isEmpty()) {
        auto member = it->members.find(userId);
        if (member != it->members.end() && --member->connections <= 0) {
            it->members.erase(member);
            changes.membersGone.append({ channel, { userId, {} } });
            // Still connected through another node, the user is still a member.
            if (!isMember(state, channel, userId)) {
                outbox.append({ subscribersOf(state, channel, Pusher, {}),
                                PusherFrames::memberRemoved(channel, userId) });
                notify(appId, { WebhookEvent::Kind::MemberRemoved, channel, userId, {}, {}, {} });
            }
        }
    }
    if (it->subscribers.isEmpty()) {
        state.channels.erase(it);
        changes.vacated.append(channel);
        if (!occupiedElsewhere(state, channel))
            notify(appId, { WebhookEvent::Kind::ChannelVacated, channel, {}, {}, {}, {} });
    }
}

void PresenceRegistry::announce(const QString &appId, const LocalChanges &changes)
{
    // One message per member and kind: a native user's rooms go to the other nodes at once.
    const auto byMember = [](const QList<std::pair<QString, PresenceMember>> &list) {
        QList<std::pair<PresenceMember, QStringList>> grouped;
        for (const auto &[channel, member] : list) {
            auto same = std::find_if(grouped.begin(), grouped.end(), [&](const auto &entry) {
                return entry.first.userId == member.userId;
            });
            if (same == grouped.end())
                grouped.append({ member, { channel } });
            else
                same->second.append(channel);
        }
        return grouped;
    };
    for (const auto &[member, channels] : byMember(changes.membersGone))
        emit localMemberChanged(appId, channels, member, false);
    if (!changes.vacated.isEmpty())
        emit localOccupancyChanged(appId, changes.vacated, false);
    if (!changes.occupied.isEmpty())
        emit localOccupancyChanged(appId, changes.occupied, true);
    for (const auto &[member, channels] : byMember(changes.membersAdded))
        emit localMemberChanged(appId, channels, member, true);
}

QJsonObject PresenceRegistry::presenceData(const AppState &state, const QString &channel)
{
    const QHash<QString, QJsonValue> all = members(state, channel);
    QJsonArray ids;
    QJsonObject hash;
    for (auto it = all.cbegin(); it != all.cend(); ++it) {
        ids.append(it.key());
        hash.insert(it.key(), it->isUndefined() ? QJsonValue() : *it);
    }
    return { { "presence"_L1,
               QJsonObject {
                   { "ids"_L1, ids }, { "hash"_L1, hash }, { "count"_L1, qint64(all.size()) } } } };
}

SubscribeResult PresenceRegistry::subscribe(const QString &appId, const QString &socketId,
                                            const QString &channelName,
                                            const std::optional<PresenceMember> &member)
{
    SubscribeResult result;
    Outbox outbox;
    {
        QMutexLocker lock(&m_mutex);
        AppState &state = m_state[appId];
        if (!state.connections.contains(socketId))
            return result;
        LocalChanges changes;
        if (!join(appId, state, socketId, channelName, member, outbox, changes)) {
            result.status = SubscribeResult::Status::PresenceFull;
            return result;
        }
        announce(appId, changes);
        if (member)
            result.succeededData = presenceData(state, channelName);
        if (ChannelName::isCache(channelName)) {
            const auto cached = state.cache.constFind(channelName);
            if (cached != state.cache.cend()
                && cached->expiresAtMs > QDateTime::currentMSecsSinceEpoch()) {
                result.cachedEvent = std::pair { cached->event, cached->data };
            } else {
                result.cacheMiss = true;
                notify(appId, { WebhookEvent::Kind::CacheMiss, channelName, {}, {}, {}, {} });
            }
        }
        result.status = SubscribeResult::Status::Subscribed;
    }
    send(outbox);
    return result;
}

void PresenceRegistry::unsubscribe(const QString &appId, const QString &socketId,
                                   const QString &channel)
{
    Outbox outbox;
    {
        QMutexLocker lock(&m_mutex);
        LocalChanges changes;
        leave(appId, m_state[appId], socketId, channel, outbox, changes);
        announce(appId, changes);
    }
    send(outbox);
}

bool PresenceRegistry::isSubscribed(const QString &appId, const QString &socketId,
                                    const QString &channel) const
{
    QMutexLocker lock(&m_mutex);
    const auto state = m_state.constFind(appId);
    if (state == m_state.cend())
        return false;
    const auto it = state->channels.constFind(channel);
    return it != state->channels.cend() && it->subscribers.contains(socketId);
}

QString PresenceRegistry::presenceUserId(const QString &appId, const QString &socketId,
                                         const QString &channel) const
{
    QMutexLocker lock(&m_mutex);
    const auto state = m_state.constFind(appId);
    if (state == m_state.cend())
        return {};
    const auto it = state->channels.constFind(channel);
    if (it == state->channels.cend())
        return {};
    return it->subscribers.value(socketId).userId;
}

void PresenceRegistry::signIn(const QString &appId, const QString &socketId, const QString &userId)
{
    QMutexLocker lock(&m_mutex);
    AppState &state = m_state[appId];
    auto connection = state.connections.find(socketId);
    if (connection == state.connections.end())
        return;
    if (!connection->userId.isEmpty())
        state.userSockets[connection->userId].remove(socketId);
    connection->userId = userId;
    state.userSockets[userId].insert(socketId);
}

int PresenceRegistry::terminateUser(const QString &appId, const QString &userId)
{
    QMutexLocker lock(&m_mutex);
    AppState &state = m_state[appId];
    int count = 0;
    for (const QString &socketId : state.userSockets.value(userId)) {
        const auto connection = state.connections.constFind(socketId);
        if (connection == state.connections.cend())
            continue;
        // The connection leaves the registry (under this lock) before it is deleted, so the
        // pointer is valid here; a queued call to a deleted object is dropped by Qt.
        QMetaObject::invokeMethod(connection->object, "terminate", Qt::QueuedConnection);
        ++count;
    }
    return count;
}

int PresenceRegistry::terminateUserEverywhere(const QString &appId, const QString &userId)
{
    const int count = terminateUser(appId, userId);
    emit userTerminated(appId, userId);
    return count;
}

qsizetype PresenceRegistry::publish(const QString &appId, const QString &channel,
                                    const QString &event, const QString &data,
                                    const QString &exceptSocketId, const QString &userId)
{
    PushRecipients recipients;
    qsizetype count = 0;
    {
        QMutexLocker lock(&m_mutex);
        AppState &state = m_state[appId];
        if (ChannelName::isCache(channel))
            state.cache.insert(channel,
                               { event, data, QDateTime::currentMSecsSinceEpoch() + kCacheTtlMs });
        recipients = subscribersOf(state, channel, Pusher, exceptSocketId);
    }
    for (const auto &ids : std::as_const(recipients))
        count += ids.size();
    // Most room events have no Pusher subscriber: encoding waits until someone needs it.
    if (!recipients.isEmpty())
        pushTo(recipients, PusherFrames::channelEvent(channel, event, data, userId));
    return count;
}

void PresenceRegistry::trigger(const QString &appId, const QList<ChannelEvent> &events)
{
    for (const ChannelEvent &event : events)
        publish(appId, event.channel, event.event, event.data, event.exceptSocketId, event.userId);
    emit triggered(appId, events);
}

void PresenceRegistry::announceClientEvent(const QString &appId, const QString &channel,
                                           const QString &event, const QString &data,
                                           const QString &socketId, const QString &userId)
{
    notify(appId, { WebhookEvent::Kind::ClientEvent, channel, userId, event, data, socketId });
}

QList<ChannelInfo> PresenceRegistry::channels(const QString &appId, const QString &prefix) const
{
    QMutexLocker lock(&m_mutex);
    QList<ChannelInfo> list;
    const auto state = m_state.constFind(appId);
    if (state == m_state.cend())
        return list;
    QSet<QString> names;
    for (auto it = state->channels.cbegin(); it != state->channels.cend(); ++it)
        names.insert(it.key());
    for (auto it = state->remote.cbegin(); it != state->remote.cend(); ++it) {
        if (!it->nodes.isEmpty())
            names.insert(it.key());
    }
    for (const QString &name : std::as_const(names)) {
        if (!name.startsWith(prefix)
            || ChannelName::kindOf(name) == ChannelName::Kind::ServerToUser)
            continue;
        const auto local = state->channels.constFind(name);
        list.append({ name, true, local == state->channels.cend() ? 0 : local->subscribers.size(),
                      members(*state, name).size() });
    }
    std::sort(list.begin(), list.end(),
              [](const ChannelInfo &a, const ChannelInfo &b) { return a.name < b.name; });
    return list;
}

ChannelInfo PresenceRegistry::channel(const QString &appId, const QString &name) const
{
    QMutexLocker lock(&m_mutex);
    ChannelInfo info { name, false, 0, 0 };
    const auto state = m_state.constFind(appId);
    if (state == m_state.cend())
        return info;
    const auto it = state->channels.constFind(name);
    if (it != state->channels.cend())
        info.subscriptionCount = it->subscribers.size();
    info.occupied = info.subscriptionCount > 0 || occupiedElsewhere(*state, name);
    info.userCount = members(*state, name).size();
    return info;
}

QStringList PresenceRegistry::users(const QString &appId, const QString &channel) const
{
    QMutexLocker lock(&m_mutex);
    const auto state = m_state.constFind(appId);
    if (state == m_state.cend())
        return {};
    QStringList ids = members(*state, channel).keys();
    ids.sort();
    return ids;
}

qsizetype PresenceRegistry::connectionCount(const QString &appId) const
{
    QMutexLocker lock(&m_mutex);
    return m_state.value(appId).pusherConnections;
}

} // namespace confab::server
