#pragma once

#include "NodeMessage.h"
#include "protocol/Entities.h"
#include "store/DatabaseUrl.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QString>
#include <QThread>

namespace confab::server {

class BusListener;
class Readiness;

// The receiving half of the bus between the nodes of a cluster, on a thread of its own with
// its own PostgreSQL connection: it LISTENs for the batches other nodes commit, merges them
// with this node's own commits in sequence order per room, and announces the result with
// eventsReady(), which is what this node's members get to see.
class ClusterBus : public QObject
{
    Q_OBJECT

public:
    ClusterBus(DatabaseUrl url, QString nodeId, Readiness &readiness, QObject *parent = nullptr);
    ~ClusterBus() override;

    // Connects, LISTENs and learns where every room stands; blocks until done.
    bool start(QString *error);
    void stop();

    QString nodeId() const { return m_nodeId; }
    // The other nodes, as of the last heartbeat check or message; callable from any thread.
    // Inside nodeLost() the lost node is no longer among them.
    QSet<QString> liveNodes() const;

    // This node's own commits; callable from any thread.
    void addLocalEvents(const QList<protocol::Event> &events);
    // Tells every other node; callable from any thread. Dropped while the bus is down or no
    // other node is live: what must survive that is sent again with the next snapshot (see
    // joined() and nodeAppeared()).
    void broadcast(const QString &topic, const QJsonObject &body);

signals:
    // Emitted on the bus thread, per room in sequence order, each event once; receivers
    // must be thread-safe.
    void eventsReady(const QList<protocol::Event> &events);
    // The signals below are emitted on the bus thread too.
    // This node is listening again after starting or after losing its connection: the others
    // may have missed its messages, and it theirs.
    void joined();
    // A node whose heartbeat is seen again after it had expired, or seen for the first time.
    void nodeAppeared(const QString &node);
    // A node that stopped, or whose heartbeat expired: whatever it had announced is void.
    void nodeLost(const QString &node);
    void messageReceived(const confab::server::NodeMessage &message);

private:
    friend class BusListener;
    void setLiveNodes(const QSet<QString> &nodes);

    DatabaseUrl m_url;
    QString m_nodeId;
    Readiness &m_readiness;
    QThread m_thread;
    BusListener *m_listener = nullptr;
    QMutex m_broadcastMutex;
    mutable QMutex m_nodesMutex;
    QSet<QString> m_liveNodes;
};

} // namespace confab::server
