#pragma once

#include "protocol/Entities.h"
#include "protocol/RoomMessages.h"

#include <optional>

namespace confab::client {

// A room as the room list shows it: the room, how much of it the user has read and its
// newest message. Kept in the cache, refreshed from my_rooms and from live events.
struct RoomSummary
{
    protocol::Room room;
    qint64 unread = 0;
    qint64 lastReadSeq = 0;
    std::optional<protocol::Event> lastMessage;

    qint64 lastActivity() const { return lastMessage ? lastMessage->timestamp : room.createdAt; }

    // One entry of the my_rooms result.
    static RoomSummary from(const protocol::JoinedRoom &joined);
    friend bool operator==(const RoomSummary &, const RoomSummary &) = default;
};

// An invitation to a room the user is not a member of yet.
struct Invitation
{
    protocol::Room room;
    protocol::User by;
    qint64 receivedAt = 0;
};

} // namespace confab::client
