#include "WebhookEvent.h"

namespace confab::server {

using namespace Qt::StringLiterals;

QJsonObject WebhookEvent::toJson() const
{
    QJsonObject json { { "channel"_L1, channel } };
    switch (kind) {
    case Kind::ChannelOccupied:
        json.insert("name"_L1, u"channel_occupied"_s);
        break;
    case Kind::ChannelVacated:
        json.insert("name"_L1, u"channel_vacated"_s);
        break;
    case Kind::MemberAdded:
        json.insert("name"_L1, u"member_added"_s);
        json.insert("user_id"_L1, userId);
        break;
    case Kind::MemberRemoved:
        json.insert("name"_L1, u"member_removed"_s);
        json.insert("user_id"_L1, userId);
        break;
    case Kind::ClientEvent:
        json.insert("name"_L1, u"client_event"_s);
        json.insert("event"_L1, event);
        json.insert("data"_L1, data);
        json.insert("socket_id"_L1, socketId);
        if (!userId.isEmpty())
            json.insert("user_id"_L1, userId);
        break;
    case Kind::CacheMiss:
        json.insert("name"_L1, u"cache_miss"_s);
        break;
    }
    return json;
}

QString WebhookEvent::holdKey() const
{
    switch (kind) {
    case Kind::ChannelOccupied:
    case Kind::ChannelVacated:
        return u"channel\n"_s + channel;
    case Kind::MemberAdded:
    case Kind::MemberRemoved:
        return u"member\n"_s + channel + u'\n' + userId;
    case Kind::ClientEvent:
    case Kind::CacheMiss:
        return {};
    }
    return {};
}

} // namespace confab::server
