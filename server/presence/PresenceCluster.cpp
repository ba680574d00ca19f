// The other nodes' side of the registry: what they announced of their channels, members and
// users, and the snapshots that heal what a lost message or a lost node left wrong.
#include "PresenceRegistry.h"
#include "pusher/PusherFrames.h"
#include "pusher/WebhookEvent.h"

#include <algorithm>

namespace confab::server {

using protocol::PresenceStatus;

QList<ChannelShare> PresenceRegistry::localShares() const
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

void PresenceRegistry::setRemoteOccupied(const QString &node, const QString &appId,
                                         const QStringList &channels, bool occupied)
{
    Outbox outbox;
    {
        QMutexLocker lock(&m_mutex);
        const auto state = m_state.find(appId);
        if (state == m_state.end())
            return;
        for (const QString &channel : channels)
            setRemoteOccupiedLocked(node, appId, *state, channel, occupied, false, outbox);
    }
    send(outbox);
}

void PresenceRegistry::setRemoteMember(const QString &node, const QString &appId,
                                       const QStringList &channels, const PresenceMember &member,
                                       bool present)
{
    Outbox outbox;
    {
        QMutexLocker lock(&m_mutex);
        const auto state = m_state.find(appId);
        if (state == m_state.end())
            return;
        for (const QString &channel : channels) {
            if (present)
                addRemoteMemberLocked(node, *state, channel, member, outbox);
            else
                removeRemoteMemberLocked(node, appId, *state, channel, member.userId, false,
                                         outbox);
        }
    }
    send(outbox);
}

void PresenceRegistry::setRemoteStatus(const QString &node, const UserStatus &status)
{
    QList<PresenceChange> changes;
    {
        QMutexLocker lock(&m_mutex);
        setRemoteStatusLocked(node, status, peersLocked(status.user.id), changes);
    }
    pushPresence(changes);
}

void PresenceRegistry::replaceRemote(const QString &node, const QList<ChannelShare> &shares,
                                     const QList<UserStatus> &statuses, bool sendWebhooks)
{
    Outbox outbox;
    QList<PresenceChange> changes;
    {
        QMutexLocker lock(&m_mutex);
        QHash<qint64, UserStatus> listed;
        for (const UserStatus &status : statuses)
            listed.insert(status.user.id, status);
        for (const RemoteUser &remote : std::as_const(m_remoteUsers)) {
            if (remote.nodes.contains(node) && !listed.contains(remote.user.id))
                listed.insert(remote.user.id, { remote.user, PresenceStatus::Offline });
        }
        // Taken before the shares change: a user who went offline with the node takes the
        // rooms they shared along, and their peers still hear of it.
        QHash<qint64, QSet<qint64>> peersBefore;
        for (auto it = listed.cbegin(); it != listed.cend(); ++it)
            peersBefore.insert(it.key(), peersLocked(it.key()));
        replaceSharesLocked(node, shares, sendWebhooks, outbox);
        for (auto it = listed.cbegin(); it != listed.cend(); ++it)
            setRemoteStatusLocked(node, *it, peersBefore.value(it.key()), changes);
    }
    send(outbox);
    pushPresence(changes);
}

void PresenceRegistry::setRemoteStatusLocked(const QString &node, const UserStatus &status,
                                             const QSet<qint64> &peersBefore,
                                             QList<PresenceChange> &changes)
{
    const qint64 userId = status.user.id;
    const PresenceStatus before = presenceLocked(userId);
    if (status.status == PresenceStatus::Offline) {
        auto remote = m_remoteUsers.find(userId);
        if (remote == m_remoteUsers.end())
            return;
        remote->nodes.remove(node);
        if (remote->nodes.isEmpty())
            m_remoteUsers.erase(remote);
    } else {
        auto &remote = m_remoteUsers[userId];
        remote.user = status.user;
        remote.nodes.insert(node, status.status);
        // A status the user chose on another node is the user's, here too.
        if (auto local = m_users.find(userId); local != m_users.end())
            local->status = status.status;
    }
    const PresenceStatus after = presenceLocked(userId);
    if (after != before)
        changes.append({ status.user, after, peersBefore | peersLocked(userId) });
}

void PresenceRegistry::replaceSharesLocked(const QString &node, const QList<ChannelShare> &shares,
                                           bool sendWebhooks, Outbox &outbox)
{
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
            removeRemoteMemberLocked(node, appId, *state, channel, userId, sendWebhooks, outbox);
        for (const QString &channel : std::as_const(goneChannels))
            setRemoteOccupiedLocked(node, appId, *state, channel, false, sendWebhooks, outbox);
        for (auto it = listed.cbegin(); it != listed.cend(); ++it) {
            state->remote[it.key()].nodes.insert(node);
            for (const PresenceMember &member : it.value())
                addRemoteMemberLocked(node, *state, it.key(), member, outbox);
        }
    }
}

void PresenceRegistry::setRemoteOccupiedLocked(const QString &node, const QString &appId,
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

void PresenceRegistry::addRemoteMemberLocked(const QString &node, AppState &state,
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
        outbox.append({ subscribersOf(state, channel, Pusher, {}),
                        PusherFrames::memberAdded(channel, member.userId, member.userInfo) });
}

void PresenceRegistry::removeRemoteMemberLocked(const QString &node, const QString &appId,
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
    outbox.append({ subscribersOf(state, channel, Pusher, {}),
                    PusherFrames::memberRemoved(channel, userId) });
    if (sendWebhooks)
        notify(appId, { WebhookEvent::Kind::MemberRemoved, channel, userId, {}, {}, {} });
}

} // namespace confab::server
