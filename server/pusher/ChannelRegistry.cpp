#include "ChannelRegistry.h"

#include "ChannelName.h"
#include "PusherFrames.h"
#include "WebhookEvent.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRandomGenerator>

#include <algorithm>

namespace confab::server {

using namespace Qt::StringLiterals;

ChannelRegistry::ChannelRegistry(QList<PusherApp> apps, WebhookNotifier *webhooks, QObject *parent)
    : QObject(parent)
    , m_apps(std::move(apps))
    , m_webhooks(webhooks)
{
    Q_ASSERT(!m_apps.isEmpty());
    for (const auto &app : m_apps)
        m_state.insert(app.id, {});
}

const PusherApp *ChannelRegistry::appByKey(QStringView key) const
{
    for (const auto &app : m_apps) {
        if (app.key == key)
            return &app;
    }
    return nullptr;
}

const PusherApp *ChannelRegistry::appById(QStringView id) const
{
    for (const auto &app : m_apps) {
        if (app.id == id)
            return &app;
    }
    return nullptr;
}

void ChannelRegistry::notify(const QString &appId, const WebhookEvent &event) const
{
    // Webhooks describe what apps can see; the server-to-user channels are Pusher's plumbing.
    if (m_webhooks && ChannelName::kindOf(event.channel) != ChannelName::Kind::ServerToUser)
        m_webhooks->notify(appId, event);
}

void ChannelRegistry::send(const Outbox &outbox)
{
    for (const auto &[recipients, frame] : outbox)
        pushTo(recipients, frame);
}

bool ChannelRegistry::isMember(const AppState &state, const QString &channel, const QString &userId)
{
    const auto local = state.channels.constFind(channel);
    if (local != state.channels.cend() && local->members.contains(userId))
        return true;
    const auto remote = state.remote.constFind(channel);
    return remote != state.remote.cend() && remote->members.contains(userId);
}

bool ChannelRegistry::occupiedElsewhere(const AppState &state, const QString &channel)
{
    const auto remote = state.remote.constFind(channel);
    return remote != state.remote.cend() && !remote->nodes.isEmpty();
}

QHash<QString, QJsonValue> ChannelRegistry::members(const AppState &state, const QString &channel)
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

ChannelRegistry::Recipients ChannelRegistry::subscribersOf(const AppState &state,
                                                           const QString &channel,
                                                           const QString &exceptSocketId)
{
    Recipients recipients;
    const auto it = state.channels.constFind(channel);
    if (it == state.channels.cend())
        return recipients;
    for (auto subscriber = it->subscribers.cbegin(); subscriber != it->subscribers.cend();
         ++subscriber) {
        if (subscriber.key() != exceptSocketId)
            recipients[subscriber->handle.sink].append(subscriber->handle.id);
    }
    return recipients;
}

std::optional<QString> ChannelRegistry::attach(const PusherApp &app, ConnectionHandle handle,
                                               QObject *connection)
{
    // "<random>.<counter>": unique through the counter, and in the form Pusher's server
    // libraries check for.
    const QString socketId = QString::number(QRandomGenerator::global()->bounded(1, 1'000'000'000))
        + u'.' + QString::number(m_nextSocket.fetch_add(1));
    QMutexLocker lock(&m_mutex);
    AppState &state = m_state[app.id];
    if (state.connections.size() >= app.limits.maxConnections)
        return std::nullopt;
    state.connections.insert(socketId, { handle, connection, {}, {} });
    return socketId;
}

void ChannelRegistry::detach(const QString &appId, const QString &socketId)
{
    Outbox outbox;
    {
        QMutexLocker lock(&m_mutex);
        AppState &state = m_state[appId];
        const auto it = state.connections.constFind(socketId);
        if (it == state.connections.cend())
            return;
        const QSet<QString> channels = it->channels;
        const QString userId = it->userId;
        for (const QString &channel : channels)
            leave(appId, state, socketId, channel, outbox);
        if (!userId.isEmpty()) {
            auto sockets = state.userSockets.find(userId);
            if (sockets != state.userSockets.end()) {
                sockets->remove(socketId);
                if (sockets->isEmpty())
                    state.userSockets.erase(sockets);
            }
        }
        state.connections.remove(socketId);
    }
    send(outbox);
}

// Takes socketId out of channel; called with the lock held. A presence member whose last
// connection in the cluster left is announced to the others through the outbox.
void ChannelRegistry::leave(const QString &appId, AppState &state, const QString &socketId,
                            const QString &channel, Outbox &outbox)
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
            emit localMemberChanged(appId, channel, { userId, {} }, false);
            // Still connected through another node, the user is still a member.
            if (!isMember(state, channel, userId)) {
                outbox.append({ subscribersOf(state, channel),
                                PusherFrames::memberRemoved(channel, userId) });
                notify(appId, { WebhookEvent::Kind::MemberRemoved, channel, userId, {}, {}, {} });
            }
        }
    }
    if (it->subscribers.isEmpty()) {
        state.channels.erase(it);
        emit localOccupancyChanged(appId, channel, false);
        if (!occupiedElsewhere(state, channel))
            notify(appId, { WebhookEvent::Kind::ChannelVacated, channel, {}, {}, {}, {} });
    }
}

QJsonObject ChannelRegistry::presenceData(const AppState &state, const QString &channel)
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

SubscribeResult ChannelRegistry::subscribe(const QString &appId, const QString &socketId,
                                           const QString &channelName,
                                           const std::optional<PresenceMember> &member)
{
    SubscribeResult result;
    Outbox outbox;
    {
        QMutexLocker lock(&m_mutex);
        AppState &state = m_state[appId];
        auto connection = state.connections.find(socketId);
        if (connection == state.connections.end())
            return result;
        const PusherApp *app = appById(appId);
        Channel &channel = state.channels[channelName];
        const bool alreadySubscribed = channel.subscribers.contains(socketId);
        if (!alreadySubscribed) {
            if (member && !isMember(state, channelName, member->userId)
                && members(state, channelName).size() >= app->limits.maxPresenceMembers) {
                if (channel.subscribers.isEmpty())
                    state.channels.remove(channelName);
                result.status = SubscribeResult::Status::PresenceFull;
                return result;
            }
            const bool firstSubscriber = channel.subscribers.isEmpty();
            channel.subscribers.insert(socketId,
                                       { connection->handle, member ? member->userId : QString() });
            connection->channels.insert(channelName);
            if (firstSubscriber) {
                emit localOccupancyChanged(appId, channelName, true);
                if (!occupiedElsewhere(state, channelName))
                    notify(appId,
                           { WebhookEvent::Kind::ChannelOccupied, channelName, {}, {}, {}, {} });
            }
            if (member) {
                // A user connected through another node is a member already.
                const bool known = isMember(state, channelName, member->userId);
                Member &entry = channel.members[member->userId];
                if (entry.connections++ == 0) {
                    entry.info = member->userInfo;
                    emit localMemberChanged(appId, channelName, *member, true);
                    if (!known) {
                        outbox.append({ subscribersOf(state, channelName, socketId),
                                        PusherFrames::memberAdded(channelName, member->userId,
                                                                  member->userInfo) });
                        notify(appId,
                               { WebhookEvent::Kind::MemberAdded,
                                 channelName,
                                 member->userId,
                                 {},
                                 {},
                                 {} });
                    }
                }
            }
        }
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

void ChannelRegistry::unsubscribe(const QString &appId, const QString &socketId,
                                  const QString &channel)
{
    Outbox outbox;
    {
        QMutexLocker lock(&m_mutex);
        leave(appId, m_state[appId], socketId, channel, outbox);
    }
    send(outbox);
}

bool ChannelRegistry::isSubscribed(const QString &appId, const QString &socketId,
                                   const QString &channel) const
{
    QMutexLocker lock(&m_mutex);
    const auto state = m_state.constFind(appId);
    if (state == m_state.cend())
        return false;
    const auto it = state->channels.constFind(channel);
    return it != state->channels.cend() && it->subscribers.contains(socketId);
}

QString ChannelRegistry::presenceUserId(const QString &appId, const QString &socketId,
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

void ChannelRegistry::signIn(const QString &appId, const QString &socketId, const QString &userId)
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

int ChannelRegistry::terminateUser(const QString &appId, const QString &userId)
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

int ChannelRegistry::terminateUserEverywhere(const QString &appId, const QString &userId)
{
    const int count = terminateUser(appId, userId);
    emit userTerminated(appId, userId);
    return count;
}

qsizetype ChannelRegistry::publish(const QString &appId, const QString &channel,
                                   const QString &event, const QString &data,
                                   const QString &exceptSocketId, const QString &userId)
{
    Recipients recipients;
    qsizetype count = 0;
    {
        QMutexLocker lock(&m_mutex);
        AppState &state = m_state[appId];
        if (ChannelName::isCache(channel))
            state.cache.insert(channel,
                               { event, data, QDateTime::currentMSecsSinceEpoch() + kCacheTtlMs });
        recipients = subscribersOf(state, channel, exceptSocketId);
    }
    for (const auto &ids : std::as_const(recipients))
        count += ids.size();
    // Most room events have no Pusher subscriber: encoding waits until someone needs it.
    if (!recipients.isEmpty())
        pushTo(recipients, PusherFrames::channelEvent(channel, event, data, userId));
    return count;
}

void ChannelRegistry::trigger(const QString &appId, const QList<ChannelEvent> &events)
{
    for (const ChannelEvent &event : events)
        publish(appId, event.channel, event.event, event.data, event.exceptSocketId, event.userId);
    emit triggered(appId, events);
}

void ChannelRegistry::announceClientEvent(const QString &appId, const QString &channel,
                                          const QString &event, const QString &data,
                                          const QString &socketId, const QString &userId)
{
    notify(appId, { WebhookEvent::Kind::ClientEvent, channel, userId, event, data, socketId });
}

QList<ChannelInfo> ChannelRegistry::channels(const QString &appId, const QString &prefix) const
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

ChannelInfo ChannelRegistry::channel(const QString &appId, const QString &name) const
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

QStringList ChannelRegistry::users(const QString &appId, const QString &channel) const
{
    QMutexLocker lock(&m_mutex);
    const auto state = m_state.constFind(appId);
    if (state == m_state.cend())
        return {};
    QStringList ids = members(*state, channel).keys();
    ids.sort();
    return ids;
}

qsizetype ChannelRegistry::connectionCount(const QString &appId) const
{
    QMutexLocker lock(&m_mutex);
    return m_state.value(appId).connections.size();
}

QList<ChannelShare> ChannelRegistry::localShares() const
{
    QMutexLocker lock(&m_mutex);
    QList<ChannelShare> shares;
    for (auto state = m_state.cbegin(); state != m_state.cend(); ++state) {
        for (auto it = state->channels.cbegin(); it != state->channels.cend(); ++it) {
            ChannelShare share { state.key(), it.key(), {} };
            for (auto member = it->members.cbegin(); member != it->members.cend(); ++member)
                share.members.append({ member.key(), member->info });
            shares.append(share);
        }
    }
    return shares;
}

void ChannelRegistry::setRemoteOccupied(const QString &node, const QString &appId,
                                        const QString &channel, bool occupied)
{
    Outbox outbox;
    {
        QMutexLocker lock(&m_mutex);
        const auto state = m_state.find(appId);
        if (state == m_state.end())
            return;
        setRemoteOccupiedLocked(node, appId, *state, channel, occupied, false, outbox);
    }
    send(outbox);
}

void ChannelRegistry::setRemoteMember(const QString &node, const QString &appId,
                                      const QString &channel, const PresenceMember &member,
                                      bool present)
{
    Outbox outbox;
    {
        QMutexLocker lock(&m_mutex);
        const auto state = m_state.find(appId);
        if (state == m_state.end())
            return;
        if (present)
            addRemoteMemberLocked(node, *state, channel, member, outbox);
        else
            removeRemoteMemberLocked(node, appId, *state, channel, member.userId, false, outbox);
    }
    send(outbox);
}

void ChannelRegistry::replaceRemote(const QString &node, const QList<ChannelShare> &shares,
                                    bool sendWebhooks)
{
    Outbox outbox;
    {
        QMutexLocker lock(&m_mutex);
        for (auto state = m_state.begin(); state != m_state.end(); ++state) {
            const QString &appId = state.key();
            QHash<QString, QList<PresenceMember>> listed; // by channel
            for (const ChannelShare &share : shares) {
                if (share.appId == appId)
                    listed[share.channel].append(share.members);
            }
            QStringList goneChannels;
            QList<std::pair<QString, QString>> goneMembers; // channel, user id
            for (auto remote = state->remote.cbegin(); remote != state->remote.cend(); ++remote) {
                if (!remote->nodes.contains(node))
                    continue;
                const auto kept = listed.constFind(remote.key());
                if (kept == listed.cend()) {
                    goneChannels.append(remote.key());
                    continue;
                }
                for (auto member = remote->members.cbegin(); member != remote->members.cend();
                     ++member) {
                    const bool stays
                        = std::any_of(kept->cbegin(), kept->cend(), [&](const PresenceMember &m) {
                              return m.userId == member.key();
                          });
                    if (member->nodes.contains(node) && !stays)
                        goneMembers.append({ remote.key(), member.key() });
                }
            }
            for (const auto &[channel, userId] : std::as_const(goneMembers))
                removeRemoteMemberLocked(node, appId, *state, channel, userId, sendWebhooks,
                                         outbox);
            for (const QString &channel : std::as_const(goneChannels))
                setRemoteOccupiedLocked(node, appId, *state, channel, false, sendWebhooks, outbox);
            for (auto it = listed.cbegin(); it != listed.cend(); ++it) {
                state->remote[it.key()].nodes.insert(node);
                for (const PresenceMember &member : it.value())
                    addRemoteMemberLocked(node, *state, it.key(), member, outbox);
            }
        }
    }
    send(outbox);
}

void ChannelRegistry::setRemoteOccupiedLocked(const QString &node, const QString &appId,
                                              AppState &state, const QString &channel,
                                              bool occupied, bool sendWebhooks, Outbox &outbox)
{
    if (occupied) {
        state.remote[channel].nodes.insert(node);
        return;
    }
    auto remote = state.remote.find(channel);
    if (remote == state.remote.end())
        return;
    QStringList users;
    for (auto member = remote->members.cbegin(); member != remote->members.cend(); ++member) {
        if (member->nodes.contains(node))
            users.append(member.key());
    }
    for (const QString &userId : std::as_const(users))
        removeRemoteMemberLocked(node, appId, state, channel, userId, sendWebhooks, outbox);
    const bool wasThere = remote->nodes.remove(node);
    if (remote->nodes.isEmpty() && remote->members.isEmpty())
        state.remote.erase(remote);
    if (sendWebhooks && wasThere && !state.channels.contains(channel)
        && !occupiedElsewhere(state, channel))
        notify(appId, { WebhookEvent::Kind::ChannelVacated, channel, {}, {}, {}, {} });
}

void ChannelRegistry::addRemoteMemberLocked(const QString &node, AppState &state,
                                            const QString &channel, const PresenceMember &member,
                                            Outbox &outbox)
{
    const bool known = isMember(state, channel, member.userId);
    RemoteChannel &remote = state.remote[channel];
    remote.nodes.insert(node);
    RemoteMember &entry = remote.members[member.userId];
    entry.nodes.insert(node);
    entry.info = member.userInfo;
    if (!known)
        outbox.append({ subscribersOf(state, channel),
                        PusherFrames::memberAdded(channel, member.userId, member.userInfo) });
}

void ChannelRegistry::removeRemoteMemberLocked(const QString &node, const QString &appId,
                                               AppState &state, const QString &channel,
                                               const QString &userId, bool sendWebhooks,
                                               Outbox &outbox)
{
    const auto remote = state.remote.find(channel);
    if (remote == state.remote.end())
        return;
    const auto entry = remote->members.find(userId);
    if (entry == remote->members.end() || !entry->nodes.remove(node) || !entry->nodes.isEmpty())
        return;
    remote->members.erase(entry);
    if (isMember(state, channel, userId))
        return;
    outbox.append({ subscribersOf(state, channel), PusherFrames::memberRemoved(channel, userId) });
    if (sendWebhooks)
        notify(appId, { WebhookEvent::Kind::MemberRemoved, channel, userId, {}, {}, {} });
}

} // namespace confab::server
