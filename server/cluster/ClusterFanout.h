#pragma once

#include <QObject>

namespace confab::server {

class ChannelRegistry;
class ClusterBus;
class Hub;
struct NodeMessage;
struct UserPresence;

// Carries what the hub publishes besides committed events to the other nodes of a cluster,
// and hands the hub what they publish: typing, read markers, joins and leaves, invitations,
// and presence. Presence is state rather than news: each node announces its changes, and a
// node that (re)joins the bus exchanges whole snapshots with the others, so a change missed
// while the bus was down heals. A node that goes, or whose heartbeat lapses, takes its
// users' presence with it.
//
// With the Pusher face on, the same goes for Pusher channels: events from the HTTP API and
// client events are published on every node (Confab's room events are not: they reach every
// node through the committed-events bus), and which channels each node has subscribers on,
// with its presence members, is state exchanged the same way as presence.
class ClusterFanout : public QObject
{
    Q_OBJECT

public:
    // `pusher` may be null: the Pusher face is off.
    ClusterFanout(ClusterBus &bus, Hub &hub, ChannelRegistry *pusher, QObject *parent = nullptr);

private:
    void connectPusher();
    void onMessage(const NodeMessage &message);
    void onNodeLost(const QString &node);
    void sendSnapshot(const QString &topic, const QString &toNode);
    void announcePresence(const UserPresence &presence);

    ClusterBus &m_bus;
    Hub &m_hub;
    ChannelRegistry *m_pusher;
};

} // namespace confab::server
