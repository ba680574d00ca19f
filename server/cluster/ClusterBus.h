#pragma once

#include "protocol/Entities.h"
#include "store/DatabaseUrl.h"

#include <QList>
#include <QObject>
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

    // This node's own commits; callable from any thread.
    void addLocalEvents(const QList<protocol::Event> &events);

signals:
    // Emitted on the bus thread, per room in sequence order, each event once; receivers
    // must be thread-safe.
    void eventsReady(const QList<protocol::Event> &events);

private:
    DatabaseUrl m_url;
    QString m_nodeId;
    Readiness &m_readiness;
    QThread m_thread;
    BusListener *m_listener = nullptr;
};

} // namespace confab::server
