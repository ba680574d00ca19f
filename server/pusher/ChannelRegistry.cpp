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

ChannelRegistry::ChannelRegistry(QList<PusherApp> apps, WebhookNotifier *webhooks)
    : m_apps(std::move(apps))
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

void ChannelRegistry::send(const Recipients &recipients, const QString &frame)
{
    for (auto it = recipients.cbegin(); it != recipients.cend(); ++it) {
        QMetaObject::invokeMethod(
            it.key(), [sink = it.key(), ids = it.value(), frame] { sink->deliver(ids, frame); },
            Qt::QueuedConnection);
    }
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
    Recipients recipients;
    QList<std::pair<Recipients, QString>> removals;
    {
        QMutexLocker lock(&m_mutex);
        AppState &state = m_state[appId];
        const auto it = state.connections.constFind(socketId);
        if (it == state.connections.cend())
            return;
        const QSet<QString> channels = it->channels;
        const QString userId = it->userId;
        for (const QString &channel : channels) {
            Recipients removedTo;
            QString removedFrame;
            leave(appId, state, socketId, channel, removedTo, removedFrame);
            if (!removedFrame.isEmpty())
                removals.append({ removedTo, removedFrame });
        }
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
    for (const auto &[to, frame] : std::as_const(removals))
        send(to, frame);
}

// Takes socketId out of channel; called with the lock held. A presence member whose last
// connection left is announced to the others through removedFrame and recipients.
void ChannelRegistry::leave(const QString &appId, AppState &state, const QString &socketId,
                            const QString &channel, Recipients &recipients, QString &removedFrame)
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
            removedFrame = PusherFrames::memberRemoved(channel, userId);
            for (const auto &other : std::as_const(it->subscribers))
                recipients[other.handle.sink].append(other.handle.id);
            notify(appId, { WebhookEvent::Kind::MemberRemoved, channel, userId, {}, {}, {} });
        }
    }
    if (it->subscribers.isEmpty()) {
        state.channels.erase(it);
        notify(appId, { WebhookEvent::Kind::ChannelVacated, channel, {}, {}, {}, {} });
    }
}

QJsonObject ChannelRegistry::presenceData(const Channel &channel)
{
    QJsonArray ids;
    QJsonObject hash;
    for (auto it = channel.members.cbegin(); it != channel.members.cend(); ++it) {
        ids.append(it.key());
        hash.insert(it.key(), it->info.isUndefined() ? QJsonValue() : it->info);
    }
    return { { "presence"_L1,
               QJsonObject { { "ids"_L1, ids },
                             { "hash"_L1, hash },
                             { "count"_L1, qint64(channel.members.size()) } } } };
}

SubscribeResult ChannelRegistry::subscribe(const QString &appId, const QString &socketId,
                                           const QString &channelName,
                                           const std::optional<PresenceMember> &member)
{
    SubscribeResult result;
    Recipients recipients;
    QString addedFrame;
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
            if (member && !channel.members.contains(member->userId)
                && channel.members.size() >= app->limits.maxPresenceMembers) {
                if (channel.subscribers.isEmpty())
                    state.channels.remove(channelName);
                result.status = SubscribeResult::Status::PresenceFull;
                return result;
            }
            const bool firstSubscriber = channel.subscribers.isEmpty();
            channel.subscribers.insert(socketId,
                                       { connection->handle, member ? member->userId : QString() });
            connection->channels.insert(channelName);
            if (firstSubscriber)
                notify(appId, { WebhookEvent::Kind::ChannelOccupied, channelName, {}, {}, {}, {} });
            if (member) {
                Member &entry = channel.members[member->userId];
                if (entry.connections++ == 0) {
                    entry.info = member->userInfo;
                    addedFrame
                        = PusherFrames::memberAdded(channelName, member->userId, member->userInfo);
                    for (auto it = channel.subscribers.cbegin(); it != channel.subscribers.cend();
                         ++it) {
                        if (it.key() != socketId)
                            recipients[it->handle.sink].append(it->handle.id);
                    }
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
        if (member)
            result.succeededData = presenceData(channel);
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
    if (!addedFrame.isEmpty())
        send(recipients, addedFrame);
    return result;
}

void ChannelRegistry::unsubscribe(const QString &appId, const QString &socketId,
                                  const QString &channel)
{
    Recipients recipients;
    QString removedFrame;
    {
        QMutexLocker lock(&m_mutex);
        leave(appId, m_state[appId], socketId, channel, recipients, removedFrame);
    }
    if (!removedFrame.isEmpty())
        send(recipients, removedFrame);
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
        const auto it = state.channels.constFind(channel);
        if (it != state.channels.cend()) {
            for (auto subscriber = it->subscribers.cbegin(); subscriber != it->subscribers.cend();
                 ++subscriber) {
                if (subscriber.key() == exceptSocketId)
                    continue;
                recipients[subscriber->handle.sink].append(subscriber->handle.id);
                ++count;
            }
        }
    }
    // Most room events have no Pusher subscriber: encoding waits until someone needs it.
    if (!recipients.isEmpty())
        send(recipients, PusherFrames::channelEvent(channel, event, data, userId));
    return count;
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
    for (auto it = state->channels.cbegin(); it != state->channels.cend(); ++it) {
        if (!it.key().startsWith(prefix)
            || ChannelName::kindOf(it.key()) == ChannelName::Kind::ServerToUser)
            continue;
        list.append({ it.key(), true, it->subscribers.size(), it->members.size() });
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
        info = { name, !it->subscribers.isEmpty(), it->subscribers.size(), it->members.size() };
    return info;
}

QStringList ChannelRegistry::users(const QString &appId, const QString &channel) const
{
    QMutexLocker lock(&m_mutex);
    const auto state = m_state.constFind(appId);
    if (state == m_state.cend())
        return {};
    const auto it = state->channels.constFind(channel);
    QStringList ids = it == state->channels.cend() ? QStringList() : it->members.keys();
    ids.sort();
    return ids;
}

qsizetype ChannelRegistry::connectionCount(const QString &appId) const
{
    QMutexLocker lock(&m_mutex);
    return m_state.value(appId).connections.size();
}

} // namespace confab::server
