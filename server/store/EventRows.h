#pragma once

#include "Database.h"
#include "protocol/Entities.h"

#include <QLatin1StringView>

#include <algorithm>
#include <string_view>

namespace confab::server {

// The one SELECT list and row mapping for events, so every query that returns events
// returns them in the same shape.
inline constexpr QLatin1StringView kEventColumns {
    "e.room_id, e.seq, e.kind, e.sender_id, u.name, e.client_id, e.target_seq, e.body, "
    "e.created_at, e.edited_at, e.deleted FROM events e JOIN users u ON u.id = e.sender_id"
};

inline protocol::Event eventFromRow(const Row &row)
{
    protocol::Event event;
    event.room = row.i64(0);
    event.seq = row.i64(1);
    event.kind = static_cast<protocol::EventKind>(row.i64(2));
    event.sender = { row.i64(3), row.text(4) };
    event.clientId = row.text(5);
    event.targetSeq = row.i64(6);
    event.text = row.text(7);
    event.timestamp = row.i64(8);
    if (!row.isNull(9))
        event.editedAt = row.i64(9);
    event.deleted = row.i64(10) != 0;
    return event;
}

// The SELECT list for rooms; r names the rooms table.
inline constexpr QLatin1StringView kRoomColumns {
    "r.id, r.name, r.topic, r.visibility, r.created_at, r.last_seq, r.member_count"
};
inline constexpr int kRoomColumnCount
    = int(std::ranges::count(std::string_view(kRoomColumns.data(), kRoomColumns.size()), ',')) + 1;

inline protocol::Room roomFromRow(const Row &row)
{
    protocol::Room room;
    room.id = row.i64(0);
    room.name = row.text(1);
    room.topic = row.text(2);
    room.visibility
        = row.i64(3) == 1 ? protocol::Visibility::Private : protocol::Visibility::Public;
    room.createdAt = row.i64(4);
    room.lastSeq = row.i64(5);
    room.memberCount = row.i64(6);
    return room;
}

} // namespace confab::server
