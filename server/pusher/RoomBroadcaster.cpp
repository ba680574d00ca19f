#include "RoomBroadcaster.h"

#include "ChannelRegistry.h"
#include "PusherFrames.h"

namespace confab::server {

using namespace Qt::StringLiterals;

QString RoomBroadcaster::channelOf(qint64 roomId)
{
    return u"presence-room.%1"_s.arg(roomId);
}

QString RoomBroadcaster::eventNameOf(protocol::EventKind kind)
{
    switch (kind) {
    case protocol::EventKind::Message:
        return u"message.created"_s;
    case protocol::EventKind::Edit:
        return u"message.edited"_s;
    case protocol::EventKind::Delete:
        return u"message.deleted"_s;
    }
    Q_UNREACHABLE();
    return {};
}

void RoomBroadcaster::onEventsCommitted(const QList<protocol::Event> &events) const
{
    const QString appId = m_registry.defaultApp().id;
    for (const auto &event : events)
        m_registry.publish(appId, channelOf(event.room), eventNameOf(event.kind),
                           PusherFrames::compact(event.toJson()));
}

} // namespace confab::server
