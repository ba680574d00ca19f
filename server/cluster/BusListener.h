#pragma once

#include "RoomSequencer.h"
#include "store/DatabaseUrl.h"

#include <QObject>
#include <QSqlDriver>
#include <QTimer>

#include <memory>

namespace confab::server {

class ClusterBus;
class Database;
class Readiness;
class RoomStore;
class TimelineStore;

// Lives on the bus thread and owns its connection. Every few seconds it checks that the
// connection still works; after a loss (PostgreSQL restarted, network cut) it connects
// again, LISTENs again and reads what it missed meanwhile, room by room.
class BusListener : public QObject
{
    Q_OBJECT

public:
    static constexpr int kHealthCheckMs = 1000;

    BusListener(ClusterBus *bus, DatabaseUrl url, QString nodeId, Readiness &readiness);
    ~BusListener() override;

    bool open(QString *error);
    void close();
    void addLocalEvents(const QList<protocol::Event> &events);

private:
    bool connectAndListen(QString *error);
    void disconnectFromDatabase();
    void onNotification(const QString &name, QSqlDriver::NotificationSource source,
                        const QVariant &payload);
    void checkHealth();
    // Catches up every room to the sequence number the database has for it.
    bool resync();
    void publish(const QList<protocol::Event> &events);

    ClusterBus *m_bus;
    DatabaseUrl m_url;
    QString m_nodeId;
    Readiness &m_readiness;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<RoomStore> m_rooms;
    std::unique_ptr<TimelineStore> m_timeline;
    RoomSequencer m_sequencer;
    QTimer m_healthTimer;
    bool m_listening = false;
};

} // namespace confab::server
