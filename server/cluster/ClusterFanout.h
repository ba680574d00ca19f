#pragma once

#include <QObject>

namespace confab::server {

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
class ClusterFanout : public QObject
{
    Q_OBJECT

public:
    ClusterFanout(ClusterBus &bus, Hub &hub, QObject *parent = nullptr);

private:
    void onMessage(const NodeMessage &message);
    void sendSnapshot(const QString &topic, const QString &toNode);
    void announcePresence(const UserPresence &presence);

    ClusterBus &m_bus;
    Hub &m_hub;
};

} // namespace confab::server
