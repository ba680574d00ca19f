#include "RoomSummary.h"

namespace confab::client {

using namespace Qt::StringLiterals;

std::optional<RoomSummary> RoomSummary::fromJson(const QJsonObject &json)
{
    const auto room = protocol::Room::fromJson(json);
    if (!room)
        return std::nullopt;
    RoomSummary summary;
    summary.room = *room;
    summary.unread = json.value("unread"_L1).toInteger();
    summary.lastReadSeq = json.value("last_read_seq"_L1).toInteger();
    if (json.value("last_message"_L1).isObject())
        summary.lastMessage = protocol::Event::fromJson(json.value("last_message"_L1).toObject());
    return summary;
}

} // namespace confab::client
