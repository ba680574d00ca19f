#pragma once

#include "cache/RoomSummary.h"
#include "protocol/Entities.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>

namespace confab::client {

class Cache;
class RoomListModel;
class Session;

// Keeps the cache and the room list in step with the server. Whenever the session comes
// online it fetches the room list and then, with sync, every event since the last one applied
// in each room; live events are applied as they come. Each room's position (the seq up to
// which every event has been applied) only moves over events actually applied, so an event
// is neither lost across a reconnect nor applied twice when a push and a sync both bring it.
class SyncEngine : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool syncing READ isSyncing NOTIFY syncingChanged)

public:
    static constexpr int kSyncLimit = 500;
    // A room further behind than this many sync pages is not replayed event by event: its
    // cached messages are dropped and its timeline starts again from the newest page.
    static constexpr int kMaxCatchUpRounds = 4;
    static constexpr int kPrefetchLimit = 50;

    SyncEngine(Session *session, Cache *cache, RoomListModel *rooms, QObject *parent = nullptr);

    // A room the user just joined or created.
    void addRoom(const protocol::Room &room);
    // A room the user left (here or elsewhere).
    void forgetRoom(qint64 roomId);
    // The room whose new messages the user sees as they come; they do not count as unread.
    void setReadingRoom(qint64 roomId) { m_readingRoom = roomId; }
    // Asks for the room list and catches up, as after a reconnect.
    void refresh();

    bool isSyncing() const { return m_syncing; }
    qint64 position(qint64 roomId) const;

signals:
    void syncingChanged();
    // A message was stored: from a push (live) or from catching up.
    void messageStored(const confab::protocol::Event &message, bool live);
    void messageEdited(const confab::protocol::Event &edit);
    void messageDeleted(const confab::protocol::Event &deletion);
    // The room's cached messages were dropped (it was too far behind); timelines start over.
    void roomReset(qint64 roomId);
    void roomAdded(qint64 roomId);
    void roomRemoved(qint64 roomId);
    // The room list and every room are up to date with the server.
    void caughtUp();

private:
    struct Position
    {
        qint64 applied = 0; // every event up to here has been applied
        QSet<qint64> ahead; // applied events past a gap that a sync is to fill
    };

    void requestRooms();
    void onRooms(const QList<RoomSummary> &rooms);
    void syncRooms(const QList<qint64> &roomIds);
    void onLiveEvent(const protocol::Event &event);
    bool apply(const protocol::Event &event, bool live);
    void advance(qint64 roomId, qint64 seq);
    void setApplied(qint64 roomId, qint64 seq);
    void resetRoom(qint64 roomId, qint64 lastSeq);
    void prefetchNext();
    void setSyncing(bool syncing);

    Session *m_session;
    Cache *m_cache;
    RoomListModel *m_rooms;
    QHash<qint64, Position> m_positions;
    QHash<qint64, int> m_rounds;
    QList<qint64> m_prefetchQueue;
    bool m_prefetching = false;
    bool m_syncing = false;
    bool m_gapSyncScheduled = false;
    int m_membershipRetries = 0;
    qint64 m_readingRoom = 0;
    quint64 m_generation = 0;
};

} // namespace confab::client
