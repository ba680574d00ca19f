#pragma once

#include "protocol/Entities.h"
#include "protocol/ProtocolError.h"

#include <QList>

namespace confab::server {

class Database;

struct RoomPage
{
    QList<protocol::Room> rooms;
    bool hasMore = false;
};

struct Membership
{
    protocol::Room room;
    bool changed = false; // false when the user was already in (join) or the invite existed
};

struct Invitation
{
    protocol::Room room;
    protocol::User invitee;
};

struct RoomSummary
{
    protocol::Room room;
    qint64 unread = 0;
    qint64 lastReadSeq = 0;
    std::optional<protocol::Event> lastMessage;
};

struct ReadMarker
{
    qint64 room = 0;
    qint64 seq = 0;
    bool moved = false;
};

// Rooms, who is in them and who may join them. Every method that acts for a user checks
// that user's right to do so; a refusal is a typed error.
class RoomStore
{
public:
    static constexpr qint64 kUnreadCap = 1000;

    explicit RoomStore(Database &db)
        : m_db(db)
    { }

    protocol::Outcome<protocol::Room> create(qint64 creatorId, const QString &name,
                                             const QString &topic, protocol::Visibility visibility,
                                             qint64 now);
    protocol::Outcome<RoomPage> publicRooms(qint64 afterId, int limit);
    protocol::Outcome<Membership> join(qint64 userId, qint64 roomId, qint64 now);
    protocol::Outcome<protocol::Room> leave(qint64 userId, qint64 roomId);
    protocol::Outcome<Invitation> invite(qint64 inviterId, qint64 roomId,
                                         const protocol::User &invitee, qint64 now);
    protocol::Outcome<QList<RoomSummary>> roomsOf(qint64 userId);
    protocol::Outcome<QList<protocol::User>> members(qint64 userId, qint64 roomId);
    protocol::Outcome<ReadMarker> markRead(qint64 userId, qint64 roomId, qint64 seq);

    // The room, when userId may read and write it.
    protocol::Outcome<protocol::Room> requireMember(qint64 userId, qint64 roomId);
    protocol::Outcome<QList<qint64>> roomIdsOf(qint64 userId);

private:
    struct RoomSeenBy
    {
        protocol::Room room;
        bool isMember = false;
    };

    std::optional<protocol::Room> find(qint64 roomId);
    // The room and whether userId is in it, in one round trip: nearly every request checks
    // membership first, and on PostgreSQL the round trip costs more than both look-ups.
    std::optional<RoomSeenBy> findSeenBy(qint64 userId, qint64 roomId);
    bool isMember(qint64 userId, qint64 roomId);

    Database &m_db;
};

} // namespace confab::server
