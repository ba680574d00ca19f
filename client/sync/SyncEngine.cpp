#include "SyncEngine.h"

#include "cache/Cache.h"
#include "models/RoomListModel.h"
#include "net/Session.h"
#include "protocol/Messages.h"

#include <QTimer>

namespace confab::client {

using protocol::ErrorCode;
using protocol::EventKind;

namespace {

constexpr int kMaxMembershipRetries = 3;
constexpr std::chrono::milliseconds kJoinedElsewhereDelay { 1'000 };

} // namespace

SyncEngine::SyncEngine(Session *session, Cache *cache, RoomListModel *rooms, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_cache(cache)
    , m_rooms(rooms)
{
    for (const auto &summary : m_cache->rooms())
        m_positions.insert(summary.room.id, { m_cache->syncedSeq(summary.room.id), {} });

    connect(m_rooms, &RoomListModel::roomChanged, this, [this](qint64 roomId) {
        if (const auto summary = m_rooms->summary(roomId))
            m_cache->saveRoom(*summary);
    });
    connect(m_session, &Session::ready, this, &SyncEngine::refresh);
    connect(m_session, &Session::connectionLost, this, [this] {
        ++m_generation;
        m_prefetching = false;
        m_gapSyncScheduled = false;
        setSyncing(false);
    });
    connect(m_session, &Session::eventReceived, this, &SyncEngine::onLiveEvent);
    connect(m_session, &Session::memberJoined, this,
            [this](qint64 roomId, const protocol::User &user) {
                // Joined on another device: the room list has to learn of it. The push comes
                // before the reply when this device joined, so wait for that first.
                if (user.id != m_session->user().id || m_rooms->contains(roomId))
                    return;
                const quint64 generation = m_generation;
                QTimer::singleShot(kJoinedElsewhereDelay, this, [this, roomId, generation] {
                    if (generation == m_generation && !m_rooms->contains(roomId) && !m_syncing)
                        requestRooms();
                });
            });
    connect(m_session, &Session::memberLeft, this,
            [this](qint64 roomId, const protocol::User &user) {
                if (user.id == m_session->user().id)
                    forgetRoom(roomId);
            });
}

qint64 SyncEngine::position(qint64 roomId) const
{
    return m_positions.value(roomId).applied;
}

void SyncEngine::setSyncing(bool syncing)
{
    if (m_syncing == syncing)
        return;
    m_syncing = syncing;
    emit syncingChanged();
}

void SyncEngine::refresh()
{
    ++m_generation;
    m_membershipRetries = 0;
    m_rounds.clear();
    requestRooms();
}

void SyncEngine::requestRooms()
{
    setSyncing(true);
    const quint64 generation = m_generation;
    m_session->request(protocol::MyRoomsRequest {}, this,
                       [this, generation](const TypedReply<protocol::MyRoomsReply> &reply) {
                           if (generation != m_generation)
                               return;
                           if (!reply.ok()) {
                               setSyncing(false);
                               return; // offline again; the next ready() starts over
                           }
                           QList<RoomSummary> rooms;
                           rooms.reserve(reply.value.rooms.size());
                           for (const auto &entry : reply.value.rooms)
                               rooms.append(RoomSummary::from(entry));
                           onRooms(rooms);
                       });
}

void SyncEngine::onRooms(const QList<RoomSummary> &rooms)
{
    QSet<qint64> current;
    QList<qint64> behind;
    for (const auto &summary : rooms) {
        const qint64 roomId = summary.room.id;
        current.insert(roomId);
        if (!m_positions.contains(roomId)) {
            // A room new to this device: no point replaying its past event by event; its
            // timeline loads the newest page when it is opened (or prefetched below).
            m_positions.insert(roomId, { summary.room.lastSeq, {} });
        }
    }
    for (auto it = m_positions.begin(); it != m_positions.end();) {
        if (!current.contains(it.key())) {
            const qint64 roomId = it.key();
            it = m_positions.erase(it);
            emit roomRemoved(roomId);
        } else {
            ++it;
        }
    }

    m_rooms->setSelfId(m_session->user().id);
    m_cache->replaceRooms(rooms);
    m_rooms->setRooms(rooms);
    for (const auto &summary : rooms) {
        const qint64 roomId = summary.room.id;
        m_cache->setSyncedSeq(roomId, m_positions.value(roomId).applied);
        if (m_positions.value(roomId).applied < summary.room.lastSeq)
            behind.append(roomId);
        else if (summary.room.lastSeq > 0 && m_cache->messageCount(roomId) == 0
                 && !m_prefetchQueue.contains(roomId))
            m_prefetchQueue.append(roomId);
    }
    syncRooms(behind);
}

void SyncEngine::syncRooms(const QList<qint64> &roomIds)
{
    if (roomIds.isEmpty()) {
        setSyncing(false);
        emit caughtUp();
        prefetchNext();
        return;
    }
    setSyncing(true);
    protocol::SyncRequest sync { {}, kSyncLimit };
    for (const qint64 roomId : roomIds)
        sync.since.append({ roomId, position(roomId) });
    const quint64 generation = m_generation;
    m_session->request(
        sync, this, [this, generation](const TypedReply<protocol::SyncReply> &reply) {
            if (generation != m_generation)
                return;
            if (reply.isError(ErrorCode::NotMember)
                && m_membershipRetries < kMaxMembershipRetries) {
                // Left a room meanwhile (perhaps on another device): the room list
                // first.
                ++m_membershipRetries;
                requestRooms();
                return;
            }
            if (!reply.ok()) {
                setSyncing(false);
                return;
            }
            QList<qint64> again;
            for (const auto &backfill : reply.value.rooms) {
                const qint64 roomId = backfill.room;
                if (!m_positions.contains(roomId))
                    continue;
                for (const auto &event : backfill.events)
                    apply(event, false);
                if (backfill.hasMore) {
                    // A room the reply had no room left for made no round.
                    if (!backfill.events.isEmpty() && ++m_rounds[roomId] >= kMaxCatchUpRounds)
                        resetRoom(roomId, backfill.lastSeq);
                    else
                        again.append(roomId);
                } else {
                    // Every event up to last_seq has come; later ones come as
                    // pushes.
                    m_rounds.remove(roomId);
                    setApplied(roomId, backfill.lastSeq);
                }
            }
            syncRooms(again);
        });
}

void SyncEngine::onLiveEvent(const protocol::Event &event)
{
    if (!m_positions.contains(event.room) || !m_rooms->contains(event.room))
        return;
    apply(event, true);
    const Position &position = m_positions.value(event.room);
    if (position.ahead.isEmpty() || m_syncing || m_gapSyncScheduled)
        return;
    // A gap while nothing is catching up (the room was joined a moment ago, or a push was
    // missed): fetch what lies in between.
    m_gapSyncScheduled = true;
    const quint64 generation = m_generation;
    QTimer::singleShot(0, this, [this, generation] {
        m_gapSyncScheduled = false;
        if (generation != m_generation || m_syncing)
            return;
        QList<qint64> gaps;
        for (auto it = m_positions.cbegin(); it != m_positions.cend(); ++it) {
            if (!it->ahead.isEmpty())
                gaps.append(it.key());
        }
        syncRooms(gaps);
    });
}

bool SyncEngine::apply(const protocol::Event &event, bool live)
{
    Position &position = m_positions[event.room];
    if (event.seq <= position.applied || position.ahead.contains(event.seq))
        return false;
    const qint64 selfId = m_session->user().id;
    const auto summary = m_rooms->summary(event.room);
    switch (event.kind) {
    case EventKind::Message: {
        m_cache->saveMessages({ event });
        const bool unread = live && summary && event.sender.id != selfId && !event.deleted
            && event.seq > summary->room.lastSeq && event.seq > summary->lastReadSeq
            && m_readingRoom != event.room;
        m_rooms->noteMessage(event, unread);
        emit messageStored(event, live);
        break;
    }
    case EventKind::Edit:
        m_cache->applyEdit(event);
        m_rooms->noteEdit(event);
        emit messageEdited(event);
        break;
    case EventKind::Delete: {
        const auto target = m_cache->message(event.room, event.targetSeq);
        const bool wasUnread = live && summary && target && target->sender.id != selfId
            && !target->deleted && event.targetSeq > summary->lastReadSeq;
        m_cache->applyDelete(event);
        m_rooms->noteDelete(event, wasUnread);
        emit messageDeleted(event);
        break;
    }
    }
    advance(event.room, event.seq);
    return true;
}

void SyncEngine::advance(qint64 roomId, qint64 seq)
{
    Position &position = m_positions[roomId];
    if (seq != position.applied + 1) {
        position.ahead.insert(seq);
        return;
    }
    setApplied(roomId, seq);
}

void SyncEngine::setApplied(qint64 roomId, qint64 seq)
{
    Position &position = m_positions[roomId];
    if (seq <= position.applied)
        return;
    position.applied = seq;
    for (auto it = position.ahead.begin(); it != position.ahead.end();) {
        if (*it <= position.applied)
            it = position.ahead.erase(it);
        else
            ++it;
    }
    while (position.ahead.remove(position.applied + 1))
        ++position.applied;
    m_cache->setSyncedSeq(roomId, position.applied);
}

void SyncEngine::resetRoom(qint64 roomId, qint64 lastSeq)
{
    m_rounds.remove(roomId);
    m_positions[roomId] = { lastSeq, {} };
    m_cache->dropMessages(roomId);
    m_cache->setSyncedSeq(roomId, lastSeq);
    if (!m_prefetchQueue.contains(roomId))
        m_prefetchQueue.append(roomId);
    emit roomReset(roomId);
}

void SyncEngine::addRoom(const protocol::Room &room)
{
    if (!m_positions.contains(room.id))
        m_positions.insert(room.id, { room.lastSeq, {} });
    RoomSummary summary = m_rooms->summary(room.id).value_or(RoomSummary {});
    const bool known = summary.room.id == room.id;
    summary.room = room;
    if (!known)
        summary.lastReadSeq = room.lastSeq;
    m_cache->saveRoom(summary);
    m_cache->setSyncedSeq(room.id, m_positions.value(room.id).applied);
    m_rooms->upsert(summary);
    if (room.lastSeq > 0 && m_cache->messageCount(room.id) == 0) {
        m_prefetchQueue.append(room.id);
        prefetchNext();
    }
    emit roomAdded(room.id);
}

void SyncEngine::forgetRoom(qint64 roomId)
{
    if (!m_positions.contains(roomId) && !m_rooms->contains(roomId))
        return;
    m_positions.remove(roomId);
    m_rounds.remove(roomId);
    m_prefetchQueue.removeAll(roomId);
    m_rooms->remove(roomId);
    m_cache->removeRoom(roomId);
    emit roomRemoved(roomId);
}

void SyncEngine::prefetchNext()
{
    // One room at a time, in the background: the newest page of rooms that have nothing
    // cached, so that opening them later shows messages at once.
    if (m_prefetching || m_prefetchQueue.isEmpty() || !m_session->isOnline())
        return;
    const qint64 roomId = m_prefetchQueue.takeFirst();
    if (!m_positions.contains(roomId) || m_cache->messageCount(roomId) > 0)
        return prefetchNext();
    m_prefetching = true;
    const quint64 generation = m_generation;
    m_session->request(protocol::HistoryRequest { roomId, std::nullopt, kPrefetchLimit }, this,
                       [this, roomId, generation](const TypedReply<protocol::HistoryReply> &reply) {
                           if (generation != m_generation)
                               return;
                           m_prefetching = false;
                           if (reply.ok() && m_positions.contains(roomId)
                               && m_cache->messageCount(roomId) == 0) {
                               const auto &messages = reply.value.messages;
                               m_cache->saveMessages(messages);
                               m_cache->setHistoryComplete(roomId, !reply.value.hasMore);
                               if (!messages.isEmpty())
                                   m_rooms->noteMessage(messages.first(), false);
                           }
                           prefetchNext();
                       });
}

} // namespace confab::client
