#include "TimelineStore.h"

#include "CommitAnnouncer.h"
#include "Database.h"
#include "EventRows.h"
#include "RoomStore.h"
#include "StoreErrors.h"

#include <QHash>
#include <QSet>

#include <limits>
#include <map>

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

// Pairs of values looked up at once. Statement texts are made from counts alone, never from
// values, and the counts are rounded up to powers of two (the last pair repeated) so that few
// distinct statements are prepared and cached.
constexpr qsizetype kPairsPerLookup = 128;
// Rows per multi-row INSERT; a run is written in chunks of powers of two up to this.
constexpr qsizetype kRowsPerInsert = 128;

qsizetype roundedUpToPowerOfTwo(qsizetype count)
{
    qsizetype rounded = 1;
    while (rounded < count)
        rounded *= 2;
    return rounded;
}

QString repeated(const QString &part, qsizetype count, const QString &separator)
{
    QString text;
    for (qsizetype i = 0; i < count; ++i) {
        if (i > 0)
            text += separator;
        text += part;
    }
    return text;
}

// Looks up many (a, b) pairs with one statement per chunk: sql ends in WHERE, condition reads
// two values. Calls row() for each row found; false when a query failed.
template<typename RowFunction>
bool lookUpPairs(Database &db, const QString &sql, const QString &condition,
                 const QList<std::pair<QVariant, QVariant>> &pairs, RowFunction row)
{
    for (qsizetype start = 0; start < pairs.size(); start += kPairsPerLookup) {
        const qsizetype count = std::min(kPairsPerLookup, pairs.size() - start);
        const qsizetype rounded = roundedUpToPowerOfTwo(count);
        QVariantList values;
        values.reserve(rounded * 2);
        for (qsizetype i = 0; i < rounded; ++i) {
            const auto &pair = pairs.at(start + std::min(i, count - 1));
            values << pair.first << pair.second;
        }
        auto &query = db.exec(sql + repeated(condition, rounded, u" OR "_s), values);
        if (db.lastFailed())
            return false;
        while (query.next())
            row(Row(query));
        query.finish();
    }
    return true;
}

using MessageKey = std::pair<qint64, QString>; // sender, client id

} // namespace

QList<Outcome<CommittedEvent>> TimelineStore::commit(const QList<PendingEvent> &batch, qint64 now)
{
    // Resends are rare (a client repeats only what was not acknowledged before it lost its
    // connection), and looking for them was the costliest statement of a batch on
    // PostgreSQL. So a batch is first written trusting the unique index to catch them, and
    // only a batch where it did is written again, looking them up.
    QList<Outcome<CommittedEvent>> outcomes;
    outcomes.reserve(batch.size());
    BatchResult result = commitOnce(batch, now, ResendCheck::UniqueIndex, outcomes);
    if (result == BatchResult::ResendFound) {
        outcomes.clear();
        result = commitOnce(batch, now, ResendCheck::LookUp, outcomes);
    }
    if (result == BatchResult::Committed)
        return outcomes;

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

TimelineStore::BatchResult TimelineStore::commitOnce(const QList<PendingEvent> &batch, qint64 now,
                                                     ResendCheck resends,
                                                     QList<Outcome<CommittedEvent>> &outcomes)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return BatchResult::Failed;
    // Runs of messages go in together; edits and deletes, rarer and each depending on the
    // message it changes, one by one. Sequence numbers follow the order of the batch.
    for (qsizetype i = 0; i < batch.size();) {
        if (batch.at(i).kind != EventKind::Message) {
            outcomes.append(append(batch.at(i), now));
            if (isStoreFailure(outcomes.constLast()))
                return BatchResult::Failed;
            ++i;
            continue;
        }
        qsizetype end = i;
        while (end < batch.size() && batch.at(end).kind == EventKind::Message)
            ++end;
        switch (appendMessages(std::span(batch).subspan(i, end - i), now, resends, outcomes)) {
        case RunResult::Written:
            break;
        case RunResult::ResendFound:
            return BatchResult::ResendFound;
        case RunResult::Failed:
            return BatchResult::Failed;
        }
        i = end;
    }
    return announce(outcomes) && transaction.commit() ? BatchResult::Committed
                                                      : BatchResult::Failed;
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

std::optional<qint64> TimelineStore::nextSeq(qint64 roomId, qint64 now, qint64 count)
{
    // The row lock taken here orders concurrent writers to one room, on every node.
    auto &query = m_db.exec(u"UPDATE rooms SET last_seq = last_seq + ?, last_activity = ? "
                            "WHERE id = ? RETURNING last_seq"_s,
                            { count, now, roomId });
    if (m_db.lastFailed() || !query.next())
        return std::nullopt;
    const qint64 first = Row(query).i64(0) - count + 1;
    query.finish();
    return first;
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

TimelineStore::RunResult TimelineStore::appendMessages(std::span<const PendingEvent> run,
                                                       qint64 now, ResendCheck resends,
                                                       QList<Outcome<CommittedEvent>> &outcomes)
{
    // A handful of statements for the whole run instead of several per message: on
    // PostgreSQL each statement is a round trip, and they are what bounds ingest.

    // Resends of messages stored earlier.
    QHash<MessageKey, std::pair<qint64, qint64>> stored; // key -> (room, seq)
    if (resends == ResendCheck::LookUp) {
        QList<std::pair<QVariant, QVariant>> keys;
        QSet<MessageKey> seenKeys;
        for (const auto &pending : run) {
            const MessageKey key { pending.sender.id, pending.clientId };
            if (!seenKeys.contains(key)) {
                seenKeys.insert(key);
                keys.append({ pending.sender.id, pending.clientId });
            }
        }
        if (!lookUpPairs(m_db, u"SELECT sender_id, client_id, room_id, seq FROM events WHERE "_s,
                         u"(sender_id = ? AND client_id = ?)"_s, keys, [&](const Row &row) {
                             stored.insert({ row.i64(0), row.text(1) }, { row.i64(2), row.i64(3) });
                         }))
            return RunResult::Failed;
    }

    // Who may write where.
    QSet<std::pair<qint64, qint64>> memberships; // (room, user)
    QList<std::pair<QVariant, QVariant>> wanted;
    QSet<std::pair<qint64, qint64>> seenWanted;
    for (const auto &pending : run) {
        const std::pair<qint64, qint64> membership { pending.room, pending.sender.id };
        if (!seenWanted.contains(membership)) {
            seenWanted.insert(membership);
            wanted.append({ pending.room, pending.sender.id });
        }
    }
    if (!lookUpPairs(m_db, u"SELECT room_id, user_id FROM memberships WHERE "_s,
                     u"(room_id = ? AND user_id = ?)"_s, wanted, [&](const Row &row) {
                         memberships.insert({ row.i64(0), row.i64(1) });
                     }))
        return RunResult::Failed;

    // What becomes of each message: stored now, a resend, or refused.
    enum class Fate { Store, StoredEarlier, SameAsEarlierInRun, Refused };
    struct Decision
    {
        Fate fate = Fate::Store;
        qsizetype earlier = -1; // SameAsEarlierInRun: its index in the run
        std::optional<protocol::ProtocolError> refusal;
        qint64 seq = 0;
    };
    QList<Decision> decisions(run.size());
    QHash<MessageKey, qsizetype> firstInRun;
    std::map<qint64, qint64> newPerRoom; // ordered by room id, so rows lock in one order
    for (qsizetype i = 0; i < qsizetype(run.size()); ++i) {
        const PendingEvent &pending = run[i];
        const MessageKey key { pending.sender.id, pending.clientId };
        Decision &decision = decisions[i];
        if (stored.contains(key)) {
            decision.fate = Fate::StoredEarlier;
        } else if (const auto earlier = firstInRun.constFind(key); earlier != firstInRun.cend()) {
            decision.fate = Fate::SameAsEarlierInRun;
            decision.earlier = *earlier;
        } else {
            firstInRun.insert(key, i);
            if (memberships.contains({ pending.room, pending.sender.id })) {
                ++newPerRoom[pending.room];
            } else {
                // Rare: find out whether the room exists at all, for the right refusal.
                const auto room = m_rooms.requireMember(pending.sender.id, pending.room);
                if (m_db.lastFailed())
                    return RunResult::Failed;
                decision.fate = Fate::Refused;
                decision.refusal = room ? notMember(pending.room) : room.error();
            }
        }
    }

    auto firstSeqOfRoom = takeSequenceNumbers(newPerRoom, now);
    if (!firstSeqOfRoom)
        return RunResult::Failed;
    std::map<qint64, qint64> nextSeqOfRoom = std::move(*firstSeqOfRoom);
    QList<qsizetype> toInsert;
    for (qsizetype i = 0; i < qsizetype(run.size()); ++i) {
        if (decisions[i].fate == Fate::Store) {
            decisions[i].seq = nextSeqOfRoom[run[i].room]++;
            toInsert.append(i);
        }
    }

    // The rows, in chunks of powers of two. Trusting the unique index, a row it turns away is
    // a resend: the sequence numbers taken for the run would leave a gap, so the caller
    // starts again with the look-up.
    const QString onResend = resends == ResendCheck::UniqueIndex
        ? u" ON CONFLICT (sender_id, client_id) WHERE client_id IS NOT NULL DO NOTHING"_s
        : QString();
    for (qsizetype start = 0; start < toInsert.size();) {
        qsizetype chunk = kRowsPerInsert;
        while (chunk > toInsert.size() - start)
            chunk /= 2;
        QVariantList values;
        values.reserve(chunk * 6);
        for (qsizetype i = start; i < start + chunk; ++i) {
            const PendingEvent &pending = run[toInsert.at(i)];
            values << pending.room << decisions[toInsert.at(i)].seq << pending.sender.id
                   << pending.clientId << nonNull(pending.text) << now;
        }
        auto &insert
            = m_db.exec(u"INSERT INTO events (room_id, seq, kind, sender_id, client_id, "
                        "body, created_at) VALUES "_s
                            + repeated(u"(?, ?, 0, ?, ?, ?, ?)"_s, chunk, u", "_s) + onResend,
                        values);
        if (m_db.lastFailed())
            return RunResult::Failed;
        const int written = insert.numRowsAffected();
        insert.finish();
        if (resends == ResendCheck::UniqueIndex && written != chunk)
            return RunResult::ResendFound;
        start += chunk;
    }

    const qsizetype base = outcomes.size();
    for (qsizetype i = 0; i < qsizetype(run.size()); ++i) {
        const PendingEvent &pending = run[i];
        const Decision &decision = decisions[i];
        switch (decision.fate) {
        case Fate::Store: {
            protocol::Event event;
            event.room = pending.room;
            event.seq = decision.seq;
            event.kind = EventKind::Message;
            event.sender = pending.sender;
            event.clientId = pending.clientId;
            event.text = pending.text;
            event.timestamp = now;
            outcomes.append(CommittedEvent { event, false });
            break;
        }
        case Fate::StoredEarlier: {
            const auto [roomId, seq] = stored.value({ pending.sender.id, pending.clientId });
            const auto original = eventAt(roomId, seq);
            if (!original)
                return RunResult::Failed;
            outcomes.append(CommittedEvent { *original, true });
            break;
        }
        case Fate::SameAsEarlierInRun: {
            const auto &first = outcomes.at(base + decision.earlier);
            if (first)
                outcomes.append(CommittedEvent { first->event, true });
            else
                outcomes.append(first.error());
            break;
        }
        case Fate::Refused:
            outcomes.append(*decision.refusal);
            break;
        }
    }
    return RunResult::Written;
}

std::optional<std::map<qint64, qint64>>
TimelineStore::takeSequenceNumbers(const std::map<qint64, qint64> &countPerRoom, qint64 now)
{
    std::map<qint64, qint64> firstSeqOfRoom;
    if (countPerRoom.size() == 1) {
        const auto &[roomId, count] = *countPerRoom.begin();
        const auto first = nextSeq(roomId, now, count);
        if (!first)
            return std::nullopt;
        firstSeqOfRoom[roomId] = *first;
        return firstSeqOfRoom;
    }

    // Many rooms at once: a statement per room was a round trip each, and a batch of many
    // senders touches dozens of rooms. Chunks are padded with room 0, which does not exist.
    const QList<std::pair<qint64, qint64>> counts(countPerRoom.cbegin(), countPerRoom.cend());
    for (qsizetype start = 0; start < counts.size(); start += kRowsPerInsert) {
        const qsizetype count = std::min(kRowsPerInsert, counts.size() - start);
        const qsizetype rounded = roundedUpToPowerOfTwo(count);
        QVariantList ids;
        QVariantList idsAndCounts;
        for (qsizetype i = 0; i < rounded; ++i) {
            const auto [roomId, added]
                = i < count ? counts.at(start + i) : std::pair<qint64, qint64> { 0, 0 };
            ids << roomId;
            idsAndCounts << roomId << added;
        }
        // The rows lock in room-id order, as every writer on every node takes them, so that
        // two batches cannot wait for each other. SQLite has one writer at a time.
        if (m_db.dialect() == Dialect::Postgres
            && !m_db.execOk(u"SELECT id FROM rooms WHERE id IN ("_s
                                + repeated(u"?"_s, rounded, u", "_s)
                                + u") ORDER BY id FOR UPDATE"_s,
                            ids))
            return std::nullopt;
        idsAndCounts << now;
        auto &query = m_db.exec(
            u"WITH taken(room_id, added) AS (VALUES "_s
                + repeated(u"(CAST(? AS BIGINT), CAST(? AS BIGINT))"_s, rounded, u", "_s)
                + u") UPDATE rooms SET last_seq = last_seq + taken.added, last_activity = ? "
                  "FROM taken WHERE rooms.id = taken.room_id RETURNING id, last_seq"_s,
            idsAndCounts);
        if (m_db.lastFailed())
            return std::nullopt;
        while (query.next()) {
            const qint64 roomId = Row(query).i64(0);
            firstSeqOfRoom[roomId] = Row(query).i64(1) - countPerRoom.at(roomId) + 1;
        }
        query.finish();
    }
    // A room that vanished since the membership look-up gets no numbers: the run fails.
    if (firstSeqOfRoom.size() != countPerRoom.size())
        return std::nullopt;
    return firstSeqOfRoom;
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
