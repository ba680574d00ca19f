#include "RoomSummary.h"

namespace confab::client {

RoomSummary RoomSummary::from(const protocol::JoinedRoom &joined)
{
    return { joined.room, joined.unread, joined.lastReadSeq, joined.lastMessage };
}

} // namespace confab::client
