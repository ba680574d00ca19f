#include "RoomStore.h"

#include "Database.h"
#include "EventRows.h"
#include "StoreErrors.h"

namespace confab::server {

using namespace Qt::StringLiterals;
using protocol::ErrorCode;
using protocol::makeError;
using protocol::Outcome;
using protocol::Room;
using protocol::User;

std::optional<Room> RoomStore::find(qint64 roomId)
{
    auto &query
        = m_db.exec(u"SELECT "_s + kRoomColumns + u" FROM rooms r WHERE r.id = ?"_s, { roomId });
    if (m_db.lastFailed() || !query.next())
        return std::nullopt;
    const Room room = roomFromRow(Row(query));
    query.finish();
    return room;
}

bool RoomStore::isMember(qint64 userId, qint64 roomId)
{
    auto &query = m_db.exec(u"SELECT 1 FROM memberships WHERE room_id = ? AND user_id = ?"_s,
                            { roomId, userId });
    const bool member = !m_db.lastFailed() && query.next();
    query.finish();
    return member;
}

std::optional<RoomStore::RoomSeenBy> RoomStore::findSeenBy(qint64 userId, qint64 roomId)
{
    auto &query = m_db.exec(u"SELECT "_s + kRoomColumns
                                + u", m.user_id FROM rooms r LEFT JOIN memberships m"
                                  " ON m.room_id = r.id AND m.user_id = ? WHERE r.id = ?"_s,
                            { userId, roomId });
    if (m_db.lastFailed() || !query.next())
        return std::nullopt;
    const Row row(query);
    RoomSeenBy found { roomFromRow(row), !row.isNull(kRoomColumnCount) };
    query.finish();
    return found;
}

Outcome<Room> RoomStore::requireMember(qint64 userId, qint64 roomId)
{
    const auto found = findSeenBy(userId, roomId);
    if (m_db.lastFailed())
        return storeFailure();
    if (!found)
        return roomNotFound(roomId);
    if (!found->isMember)
        return notMember(roomId);
    return found->room;
}

Outcome<Room> RoomStore::create(qint64 creatorId, const QString &name, const QString &topic,
                                protocol::Visibility visibility, qint64 now)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return storeFailure();
    auto &insert
        = m_db.exec(u"INSERT INTO rooms (name, topic, visibility, creator_id, created_at, "
                    "last_activity, member_count) VALUES (?, ?, ?, ?, ?, ?, 1) RETURNING id"_s,
                    { name, nonNull(topic), visibility == protocol::Visibility::Private ? 1 : 0,
                      creatorId, now, now });
    if (m_db.lastFailed() || !insert.next())
        return storeFailure();
    const qint64 roomId = Row(insert).i64(0);
    insert.finish();
    if (!m_db.execOk(u"INSERT INTO memberships (room_id, user_id, joined_at) VALUES (?, ?, ?)"_s,
                     { roomId, creatorId, now }))
        return storeFailure();
    const auto room = find(roomId);
    if (!room || !transaction.commit())
        return storeFailure();
    return *room;
}

Outcome<RoomPage> RoomStore::publicRooms(qint64 afterId, int limit)
{
    auto &query = m_db.exec(u"SELECT "_s + kRoomColumns
                                + u" FROM rooms r WHERE r.visibility = 0 AND r.id > ?"
                                  " ORDER BY r.id LIMIT ?"_s,
                            { afterId, limit + 1 });
    if (m_db.lastFailed())
        return storeFailure();
    RoomPage page;
    while (query.next())
        page.rooms.append(roomFromRow(Row(query)));
    query.finish();
    if (page.rooms.size() > limit) {
        page.rooms.removeLast();
        page.hasMore = true;
    }
    return page;
}

Outcome<Membership> RoomStore::join(qint64 userId, qint64 roomId, qint64 now)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return storeFailure();
    const auto found = findSeenBy(userId, roomId);
    if (m_db.lastFailed())
        return storeFailure();
    if (!found)
        return roomNotFound(roomId);
    if (found->isMember)
        return Membership { found->room, false };
    if (found->room.visibility == protocol::Visibility::Private) {
        auto &invitation = m_db.exec(
            u"SELECT 1 FROM invitations WHERE room_id = ? AND user_id = ?"_s, { roomId, userId });
        const bool invited = !m_db.lastFailed() && invitation.next();
        invitation.finish();
        if (m_db.lastFailed())
            return storeFailure();
        if (!invited)
            return makeError(
                ErrorCode::Forbidden,
                u"Room %1 is private; you need an invitation to join it."_s.arg(roomId));
    }
    if (!m_db.execOk(u"INSERT INTO memberships (room_id, user_id, joined_at) VALUES (?, ?, ?)"_s,
                     { roomId, userId, now })
        || !m_db.execOk(u"UPDATE rooms SET member_count = member_count + 1 WHERE id = ?"_s,
                        { roomId })
        || !m_db.execOk(u"DELETE FROM invitations WHERE room_id = ? AND user_id = ?"_s,
                        { roomId, userId }))
        return storeFailure();
    const auto joined = find(roomId);
    if (!joined || !transaction.commit())
        return storeFailure();
    return Membership { *joined, true };
}

Outcome<Room> RoomStore::leave(qint64 userId, qint64 roomId)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return storeFailure();
    const auto room = requireMember(userId, roomId);
    if (!room)
        return room.error();
    if (!m_db.execOk(u"DELETE FROM memberships WHERE room_id = ? AND user_id = ?"_s,
                     { roomId, userId })
        || !m_db.execOk(u"UPDATE rooms SET member_count = member_count - 1 WHERE id = ?"_s,
                        { roomId }))
        return storeFailure();
    const auto left = find(roomId);
    if (!left || !transaction.commit())
        return storeFailure();
    return *left;
}

Outcome<Invitation> RoomStore::invite(qint64 inviterId, qint64 roomId, const User &invitee,
                                      qint64 now)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return storeFailure();
    const auto room = requireMember(inviterId, roomId);
    if (!room)
        return room.error();
    if (isMember(invitee.id, roomId))
        return makeError(ErrorCode::AlreadyMember,
                         u"%1 is already a member of room %2."_s.arg(invitee.name).arg(roomId));
    if (!m_db.execOk(u"DELETE FROM invitations WHERE room_id = ? AND user_id = ?"_s,
                     { roomId, invitee.id })
        || !m_db.execOk(u"INSERT INTO invitations (room_id, user_id, inviter_id, created_at) "
                        "VALUES (?, ?, ?, ?)"_s,
                        { roomId, invitee.id, inviterId, now })
        || !transaction.commit())
        return storeFailure();
    return Invitation { *room, invitee };
}

Outcome<QList<RoomSummary>> RoomStore::roomsOf(qint64 userId)
{
    auto &query = m_db.exec(u"SELECT "_s + kRoomColumns
                                + u" FROM rooms r JOIN memberships m"
                                  " ON m.room_id = r.id AND m.user_id = ?"
                                  " ORDER BY r.last_activity DESC, r.id DESC"_s,
                            { userId });
    if (m_db.lastFailed())
        return storeFailure();
    QList<RoomSummary> rooms;
    while (query.next())
        rooms.append(RoomSummary { roomFromRow(Row(query)), 0, 0, std::nullopt });
    query.finish();

    for (auto &summary : rooms) {
        const qint64 roomId = summary.room.id;
        auto &marker = m_db.exec(
            u"SELECT last_read_seq FROM memberships WHERE room_id = ? AND user_id = ?"_s,
            { roomId, userId });
        summary.lastReadSeq = marker.next() ? Row(marker).i64(0) : 0;
        marker.finish();

        // Counting stops at the cap, so a room left unread for years costs no more than a
        // busy afternoon's.
        auto &unread
            = m_db.exec(u"SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE room_id = ? "
                        "AND seq > ? AND kind = 0 AND deleted = 0 AND sender_id <> ? LIMIT ?) t"_s,
                        { roomId, summary.lastReadSeq, userId, kUnreadCap });
        summary.unread = unread.next() ? Row(unread).i64(0) : 0;
        unread.finish();

        auto &last
            = m_db.exec(u"SELECT "_s + kEventColumns
                            + u" WHERE e.room_id = ? AND e.kind = 0 ORDER BY e.seq DESC LIMIT 1"_s,
                        { roomId });
        if (last.next())
            summary.lastMessage = eventFromRow(Row(last));
        last.finish();
        if (m_db.lastFailed())
            return storeFailure();
    }
    return rooms;
}

Outcome<QList<User>> RoomStore::members(qint64 userId, qint64 roomId)
{
    const auto room = requireMember(userId, roomId);
    if (!room)
        return room.error();
    auto &query
        = m_db.exec(u"SELECT u.id, u.name FROM memberships m JOIN users u ON u.id = m.user_id "
                    "WHERE m.room_id = ? ORDER BY u.name_key"_s,
                    { roomId });
    if (m_db.lastFailed())
        return storeFailure();
    QList<User> users;
    while (query.next())
        users.append({ Row(query).i64(0), Row(query).text(1) });
    query.finish();
    return users;
}

Outcome<ReadMarker> RoomStore::markRead(qint64 userId, qint64 roomId, qint64 seq)
{
    const auto room = requireMember(userId, roomId);
    if (!room)
        return room.error();
    const qint64 marker = std::min(seq, room->lastSeq);
    auto &update = m_db.exec(u"UPDATE memberships SET last_read_seq = ? "
                             "WHERE room_id = ? AND user_id = ? AND last_read_seq < ?"_s,
                             { marker, roomId, userId, marker });
    if (m_db.lastFailed())
        return storeFailure();
    const bool moved = update.numRowsAffected() > 0;
    update.finish();
    if (moved)
        return ReadMarker { roomId, marker, true };
    auto &current
        = m_db.exec(u"SELECT last_read_seq FROM memberships WHERE room_id = ? AND user_id = ?"_s,
                    { roomId, userId });
    const qint64 existing = current.next() ? Row(current).i64(0) : marker;
    current.finish();
    return ReadMarker { roomId, existing, false };
}

Outcome<QList<qint64>> RoomStore::roomIdsOf(qint64 userId)
{
    auto &query = m_db.exec(u"SELECT room_id FROM memberships WHERE user_id = ?"_s, { userId });
    if (m_db.lastFailed())
        return storeFailure();
    QList<qint64> ids;
    while (query.next())
        ids.append(Row(query).i64(0));
    query.finish();
    return ids;
}

} // namespace confab::server
