#include "TimelineStore.h"

#include "CommitAnnouncer.h"
#include "Database.h"
#include "EventRows.h"
#include "RoomStore.h"
#include "StoreErrors.h"

#include <limits>

namespace confab::server {

using namespace Qt::StringLiterals;
using protocol::ErrorCode;
using protocol::EventKind;
using protocol::makeError;
using protocol::Outcome;

namespace {

bool isStoreFailure(const Outcome<CommittedEvent> &outcome)
{
    return !outcome && outcome.error().code == ErrorCode::InternalError;
}

} // namespace

QList<Outcome<CommittedEvent>> TimelineStore::commit(const QList<PendingEvent> &batch, qint64 now)
{
    QList<Outcome<CommittedEvent>> outcomes;
    outcomes.reserve(batch.size());
    {
        Transaction transaction(m_db);
        bool failed = !transaction.isOpen();
        for (const auto &pending : batch) {
            if (failed)
                break;
            outcomes.append(append(pending, now));
            failed = isStoreFailure(outcomes.constLast());
        }
        if (!failed && announce(outcomes) && transaction.commit())
            return outcomes;
    }
    // The batch failed as a whole (a PostgreSQL transaction is lost after any error): retry
    // each event alone, so one bad event cannot take its neighbours down with it.
    outcomes.clear();
    for (const auto &pending : batch) {
        Transaction transaction(m_db);
        auto outcome
            = transaction.isOpen() ? append(pending, now) : Outcome<CommittedEvent>(storeFailure());
        if (outcome && !(announce({ outcome }) && transaction.commit()))
            outcome = storeFailure();
        outcomes.append(std::move(outcome));
    }
    return outcomes;
}

bool TimelineStore::announce(const QList<Outcome<CommittedEvent>> &outcomes)
{
    if (!m_announcer)
        return true;
    QList<protocol::Event> events;
    for (const auto &outcome : outcomes) {
        if (outcome && !outcome->duplicate)
            events.append(outcome->event);
    }
    return events.isEmpty() || m_announcer->announce(m_db, events);
}

std::optional<QList<protocol::Event>> TimelineStore::range(qint64 roomId, qint64 afterSeq,
                                                           qint64 upToSeq)
{
    auto &query = m_db.exec(u"SELECT "_s + kEventColumns
                                + u" WHERE e.room_id = ? AND e.seq > ? AND e.seq <= ?"
                                  " ORDER BY e.seq"_s,
                            { roomId, afterSeq, upToSeq });
    if (m_db.lastFailed())
        return std::nullopt;
    QList<protocol::Event> events;
    while (query.next())
        events.append(eventFromRow(Row(query)));
    query.finish();
    return events;
}

Outcome<CommittedEvent> TimelineStore::append(const PendingEvent &pending, qint64 now)
{
    return pending.kind == EventKind::Message ? appendMessage(pending, now)
                                              : appendChange(pending, now);
}

std::optional<qint64> TimelineStore::nextSeq(qint64 roomId, qint64 now)
{
    // The row lock taken here orders concurrent writers to one room, on every node.
    auto &query = m_db.exec(u"UPDATE rooms SET last_seq = last_seq + 1, last_activity = ? "
                            "WHERE id = ? RETURNING last_seq"_s,
                            { now, roomId });
    if (m_db.lastFailed() || !query.next())
        return std::nullopt;
    const qint64 seq = Row(query).i64(0);
    query.finish();
    return seq;
}

std::optional<protocol::Event> TimelineStore::eventAt(qint64 roomId, qint64 seq)
{
    auto &query = m_db.exec(u"SELECT "_s + kEventColumns + u" WHERE e.room_id = ? AND e.seq = ?"_s,
                            { roomId, seq });
    if (m_db.lastFailed() || !query.next())
        return std::nullopt;
    auto event = eventFromRow(Row(query));
    query.finish();
    return event;
}

Outcome<CommittedEvent> TimelineStore::appendMessage(const PendingEvent &pending, qint64 now)
{
    auto &existing
        = m_db.exec(u"SELECT room_id, seq FROM events WHERE sender_id = ? AND client_id = ?"_s,
                    { pending.sender.id, pending.clientId });
    if (m_db.lastFailed())
        return storeFailure();
    if (existing.next()) {
        const qint64 roomId = Row(existing).i64(0);
        const qint64 seq = Row(existing).i64(1);
        existing.finish();
        const auto original = eventAt(roomId, seq);
        if (!original)
            return storeFailure();
        return CommittedEvent { *original, true };
    }
    existing.finish();

    const auto room = m_rooms.requireMember(pending.sender.id, pending.room);
    if (!room)
        return room.error();
    const auto seq = nextSeq(pending.room, now);
    if (!seq)
        return storeFailure();
    if (!m_db.execOk(
            u"INSERT INTO events (room_id, seq, kind, sender_id, client_id, body, created_at) "
            "VALUES (?, ?, 0, ?, ?, ?, ?)"_s,
            { pending.room, *seq, pending.sender.id, pending.clientId, nonNull(pending.text),
              now }))
        return storeFailure();

    protocol::Event event;
    event.room = pending.room;
    event.seq = *seq;
    event.kind = EventKind::Message;
    event.sender = pending.sender;
    event.clientId = pending.clientId;
    event.text = pending.text;
    event.timestamp = now;
    return CommittedEvent { event, false };
}

Outcome<CommittedEvent> TimelineStore::appendChange(const PendingEvent &pending, qint64 now)
{
    const auto room = m_rooms.requireMember(pending.sender.id, pending.room);
    if (!room)
        return room.error();
    const auto target = eventAt(pending.room, pending.targetSeq);
    if (m_db.lastFailed())
        return storeFailure();
    if (!target || target->kind != EventKind::Message || target->deleted)
        return makeError(
            ErrorCode::MessageNotFound,
            u"Room %1 has no message with seq %2."_s.arg(pending.room).arg(pending.targetSeq));
    if (target->sender.id != pending.sender.id)
        return makeError(ErrorCode::Forbidden, u"You can only change your own messages."_s);

    const auto seq = nextSeq(pending.room, now);
    if (!seq)
        return storeFailure();
    const bool isEdit = pending.kind == EventKind::Edit;
    const bool changed = isEdit
        ? m_db.execOk(u"UPDATE events SET body = ?, edited_at = ? WHERE room_id = ? AND seq = ?"_s,
                      { nonNull(pending.text), now, pending.room, pending.targetSeq })
        // A delete removes the text for good, including the texts its edits carried.
        : m_db.execOk(u"UPDATE events SET body = '', deleted = 1 WHERE room_id = ? AND seq = ?"_s,
                      { pending.room, pending.targetSeq })
            && m_db.execOk(
                u"UPDATE events SET body = '' WHERE room_id = ? AND target_seq = ? AND kind = 1"_s,
                { pending.room, pending.targetSeq });
    if (!changed
        || !m_db.execOk(
            u"INSERT INTO events (room_id, seq, kind, sender_id, target_seq, body, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)"_s,
            { pending.room, *seq, int(pending.kind), pending.sender.id, pending.targetSeq,
              nonNull(isEdit ? pending.text : QString()), now }))
        return storeFailure();

    protocol::Event event;
    event.room = pending.room;
    event.seq = *seq;
    event.kind = pending.kind;
    event.sender = pending.sender;
    event.text = isEdit ? pending.text : QString();
    event.targetSeq = pending.targetSeq;
    event.timestamp = now;
    return CommittedEvent { event, false };
}

Outcome<HistoryPage> TimelineStore::history(qint64 userId, qint64 roomId,
                                            std::optional<qint64> before, int limit)
{
    const auto room = m_rooms.requireMember(userId, roomId);
    if (!room)
        return room.error();
    auto &query
        = m_db.exec(u"SELECT "_s + kEventColumns
                        + u" WHERE e.room_id = ? AND e.kind = 0 AND e.seq < ?"
                          " ORDER BY e.seq DESC LIMIT ?"_s,
                    { roomId, before.value_or(std::numeric_limits<qint64>::max()), limit + 1 });
    if (m_db.lastFailed())
        return storeFailure();
    HistoryPage page;
    page.messages.reserve(limit + 1);
    while (query.next())
        page.messages.append(eventFromRow(Row(query)));
    query.finish();
    if (page.messages.size() > limit) {
        page.messages.removeLast();
        page.hasMore = true;
    }
    return page;
}

Outcome<QList<RoomBackfill>>
TimelineStore::sync(qint64 userId, const QList<std::pair<qint64, qint64>> &since, int limit)
{
    QList<RoomBackfill> rooms;
    for (const auto &[roomId, after] : since) {
        const auto room = m_rooms.requireMember(userId, roomId);
        if (!room)
            return room.error();
        auto &query
            = m_db.exec(u"SELECT "_s + kEventColumns
                            + u" WHERE e.room_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?"_s,
                        { roomId, after, limit + 1 });
        if (m_db.lastFailed())
            return storeFailure();
        RoomBackfill backfill { roomId, {}, false, room->lastSeq };
        while (query.next())
            backfill.events.append(eventFromRow(Row(query)));
        query.finish();
        if (backfill.events.size() > limit) {
            backfill.events.removeLast();
            backfill.hasMore = true;
        }
        rooms.append(std::move(backfill));
    }
    return rooms;
}

} // namespace confab::server
