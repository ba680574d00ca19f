#pragma once

#include "NodeMessage.h"
#include "RoomSequencer.h"
#include "store/DatabaseUrl.h"

#include <QObject>
#include <QSet>
#include <QSqlDriver>
#include <QTimer>

#include <memory>

namespace confab::server {

class ClusterBus;
class Database;
class Readiness;
class RoomStore;
class TimelineStore;

// Lives on the bus thread and owns its connection. Every second it renews this node's
// heartbeat row, which also checks that the connection still works, and sees which nodes'
// heartbeats lapsed; after a loss (PostgreSQL restarted, network cut) it connects again,
// LISTENs again and reads what it missed meanwhile, room by room.
class BusListener : public QObject
{
    Q_OBJECT

public:
    static constexpr int kHealthCheckMs = 1000;
    // How long a node's heartbeat row stays valid: how soon the others take a node that
    // died for gone, and with it its users for offline.
    static constexpr int kHeartbeatTtlMs = 5000;

    BusListener(ClusterBus *bus, DatabaseUrl url, QString nodeId, Readiness &readiness);
    ~BusListener() override;

    bool open(QString *error);
    void close();
    // Tells the others this node is going, so they need not wait for its heartbeat to lapse.
    void leave();
    void addLocalEvents(const QList<protocol::Event> &events);
    void broadcast(const NodeMessage &message);

private:
    bool connectAndListen(QString *error);
    void disconnectFromDatabase();
    void onNotification(const QString &name, QSqlDriver::NotificationSource source,
                        const QVariant &payload);
    void onNodeMessage(const QString &payload);
    void checkHealth();
    // Renews this node's heartbeat and compares the live nodes with the last look.
    bool beat(bool announceChanges);
    void loseNode(const QString &node);
    // Catches up every room to the sequence number the database has for it.
    bool resync();
    void publish(const QList<protocol::Event> &events);

    ClusterBus *m_bus;
    DatabaseUrl m_url;
    QString m_nodeId;
    QString m_ownPayloadPrefix;
    Readiness &m_readiness;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<RoomStore> m_rooms;
    std::unique_ptr<TimelineStore> m_timeline;
    RoomSequencer m_sequencer;
    NodeMessageAssembler m_assembler;
    QSet<QString> m_liveNodes; // other nodes, by heartbeat
    quint64 m_nextSerial = 1;
    QTimer m_healthTimer;
    bool m_listening = false;
};

} // namespace confab::server
