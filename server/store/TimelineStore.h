#pragma once

#include "protocol/Entities.h"
#include "protocol/ProtocolError.h"

#include <QList>

#include <map>
#include <optional>
#include <span>

namespace confab::server {

class CommitAnnouncer;
class Database;
class RoomStore;

// A message, edit or delete on its way into a room's timeline.
struct PendingEvent
{
    protocol::EventKind kind = protocol::EventKind::Message;
    qint64 room = 0;
    protocol::User sender;
    QString clientId; // messages only: makes a resend idempotent
    QString text; // messages and edits
    qint64 targetSeq = 0; // edits and deletes
};

struct CommittedEvent
{
    protocol::Event event;
    bool duplicate = false; // a resend of an event that was already stored
};

struct HistoryPage
{
    QList<protocol::Event> messages; // newest first
    bool hasMore = false;
};

struct RoomBackfill
{
    qint64 room = 0;
    QList<protocol::Event> events; // oldest first
    bool hasMore = false;
    qint64 lastSeq = 0;
};

// The rooms' timelines: appending events with their sequence numbers, and reading them back
// by keyset ranges on (room_id, seq).
class TimelineStore
{
public:
    TimelineStore(Database &db, RoomStore &rooms, CommitAnnouncer *announcer = nullptr)
        : m_db(db)
        , m_rooms(rooms)
        , m_announcer(announcer)
    { }

    // Appends a batch in one transaction (group commit). Each event gets its own outcome:
    // a refusal of one does not hold back the others.
    QList<protocol::Outcome<CommittedEvent>> commit(const QList<PendingEvent> &batch, qint64 now);

    protocol::Outcome<HistoryPage> history(qint64 userId, qint64 roomId,
                                           std::optional<qint64> before, int limit);
    protocol::Outcome<QList<RoomBackfill>>
    sync(qint64 userId, const QList<std::pair<qint64, qint64>> &since, int limit);

    // Every event of a room with afterSeq < seq <= upToSeq, oldest first, without a
    // membership check: for the server's own fan-out, not for users.
    std::optional<QList<protocol::Event>> range(qint64 roomId, qint64 afterSeq, qint64 upToSeq);

private:
    // How a run of messages finds resends of messages stored earlier.
    enum class ResendCheck {
        // Left to the unique index on (sender, client id): no look-up, and a run that holds a
        // resend reports ResendFound instead of being written.
        UniqueIndex,
        // Looked up before writing, so that resends get their original's outcome.
        LookUp,
    };
    enum class RunResult { Written, ResendFound, Failed };
    enum class BatchResult { Committed, ResendFound, Failed };

    BatchResult commitOnce(const QList<PendingEvent> &batch, qint64 now, ResendCheck resends,
                           QList<protocol::Outcome<CommittedEvent>> &outcomes);
    bool announce(const QList<protocol::Outcome<CommittedEvent>> &outcomes);
    protocol::Outcome<CommittedEvent> append(const PendingEvent &pending, qint64 now);
    RunResult appendMessages(std::span<const PendingEvent> run, qint64 now, ResendCheck resends,
                             QList<protocol::Outcome<CommittedEvent>> &outcomes);
    // The first of count new sequence numbers for each room (room -> count).
    std::optional<std::map<qint64, qint64>>
    takeSequenceNumbers(const std::map<qint64, qint64> &countPerRoom, qint64 now);
    protocol::Outcome<CommittedEvent> appendMessage(const PendingEvent &pending, qint64 now);
    protocol::Outcome<CommittedEvent> appendChange(const PendingEvent &pending, qint64 now);
    std::optional<protocol::Event> eventAt(qint64 roomId, qint64 seq);
    // The first of count new sequence numbers in one room.
    std::optional<qint64> nextSeq(qint64 roomId, qint64 now, qint64 count = 1);

    Database &m_db;
    RoomStore &m_rooms;
    CommitAnnouncer *m_announcer;
};

} // namespace confab::server
