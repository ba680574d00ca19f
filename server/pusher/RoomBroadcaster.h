#pragma once

#include "protocol/Entities.h"

#include <QObject>

namespace confab::server {

class ChannelRegistry;

// Publishes every committed room event on the default app's presence-room.{id} channel, the
// channel Laravel Echo's Echo.join('room.{id}') subscribes to: messages as message.created,
// edits as message.edited, deletes as message.deleted, each with the native protocol's Event
// object as its data.
class RoomBroadcaster : public QObject
{
    Q_OBJECT

public:
    explicit RoomBroadcaster(ChannelRegistry &registry, QObject *parent = nullptr)
        : QObject(parent)
        , m_registry(registry)
    { }

    static QString channelOf(qint64 roomId);
    static QString eventNameOf(protocol::EventKind kind);

    // Connected to Store::eventsCommitted; runs on the store thread.
    void onEventsCommitted(const QList<protocol::Event> &events) const;

private:
    ChannelRegistry &m_registry;
};

} // namespace confab::server
