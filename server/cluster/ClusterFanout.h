#pragma once

#include <QObject>

namespace confab::server {

class ClusterBus;
class PresenceRegistry;
struct NodeMessage;

// Carries what the presence registry publishes besides committed events to the other nodes
// of a cluster, and hands the registry what they publish: typing, read markers, joins and
// leaves, invitations, Pusher events from the HTTP API and client events (Confab's room
// events are not carried here: they reach every node through the committed-events bus).
//
// Who is online is state rather than news: each node announces its changes (which channels
// it has subscribers on, its presence members, a native room's members being one kind of
// them, and its users' statuses), and a node that (re)joins the bus exchanges whole
// snapshots with the others, so a change missed while the bus was down heals. A node that
// goes, or whose heartbeat lapses, takes its share with it.
class ClusterFanout : public QObject
{
    Q_OBJECT

public:
    ClusterFanout(ClusterBus &bus, PresenceRegistry &registry, QObject *parent = nullptr);

private:
    void connectRegistry();
    void onMessage(const NodeMessage &message);
    void onNodeLost(const QString &node);
    void sendSnapshot(const QString &topic, const QString &toNode);

    ClusterBus &m_bus;
    PresenceRegistry &m_registry;
};

} // namespace confab::server
