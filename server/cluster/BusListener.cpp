#include "BusListener.h"

#include "BusChannel.h"
#include "BusPayload.h"
#include "ClusterBus.h"
#include "health/Readiness.h"
#include "store/Database.h"
#include "store/RoomStore.h"
#include "store/TimelineStore.h"

#include <QLoggingCategory>
#include <QSqlError>

namespace confab::server {

Q_LOGGING_CATEGORY(lcCluster, "confab.cluster")

using namespace Qt::StringLiterals;

BusListener::BusListener(ClusterBus *bus, DatabaseUrl url, QString nodeId, Readiness &readiness)
    : m_bus(bus)
    , m_url(std::move(url))
    , m_nodeId(std::move(nodeId))
    , m_ownPayloadPrefix(BusPayload::prefixOf(m_nodeId))
    , m_readiness(readiness)
    , m_sequencer([this](qint64 room, qint64 after, qint64 upTo) {
        return m_timeline ? m_timeline->range(room, after, upTo)
                          : std::optional<QList<protocol::Event>>();
    })
    , m_healthTimer(this)
{
    m_healthTimer.setInterval(kHealthCheckMs);
    connect(&m_healthTimer, &QTimer::timeout, this, &BusListener::checkHealth);
}

BusListener::~BusListener() = default;

bool BusListener::open(QString *error)
{
    if (!connectAndListen(error))
        return false;
    // Everything committed before this point is history that clients fetch by sync; from
    // here on each room is delivered without gaps.
    auto &query = m_db->exec(u"SELECT id, last_seq FROM rooms"_s);
    if (m_db->lastFailed()) {
        *error = u"Cannot read the rooms: %1"_s.arg(m_db->lastError());
        return false;
    }
    while (query.next())
        m_sequencer.setDelivered(Row(query).i64(0), Row(query).i64(1));
    query.finish();
    if (!beat(false)) {
        *error = u"Cannot write this node's heartbeat: %1"_s.arg(m_db->lastError());
        return false;
    }
    m_healthTimer.start();
    qCInfo(lcCluster).noquote() << "node" << m_nodeId << "listening on channel" << kBusChannel;
    emit m_bus->joined();
    return true;
}

void BusListener::leave()
{
    if (!m_listening)
        return;
    m_db->execOk(u"DELETE FROM cluster_nodes WHERE node_id = ?"_s, { m_nodeId });
    broadcast({ m_nodeId, kNodeLeftTopic, {} });
}

void BusListener::close()
{
    m_healthTimer.stop();
    disconnectFromDatabase();
}

bool BusListener::connectAndListen(QString *error)
{
    m_db = std::make_unique<Database>(m_url, u"confab-bus"_s, kBusApplicationName);
    if (!m_db->open(error)) {
        disconnectFromDatabase();
        return false;
    }
    QSqlDriver *driver = m_db->driver();
    connect(driver, &QSqlDriver::notification, this, &BusListener::onNotification);
    for (const QString &channel : { QString(kBusChannel), QString(kNodeChannel) }) {
        if (!driver->subscribeToNotification(channel)) {
            *error = u"Cannot LISTEN on %1: %2"_s.arg(channel, driver->lastError().text());
            disconnectFromDatabase();
            return false;
        }
    }
    m_rooms = std::make_unique<RoomStore>(*m_db);
    m_timeline = std::make_unique<TimelineStore>(*m_db, *m_rooms);
    m_listening = true;
    m_readiness.setBusListening(true);
    m_readiness.setDatabaseReachable(true);
    return true;
}

void BusListener::disconnectFromDatabase()
{
    m_listening = false;
    m_assembler.clear();
    m_readiness.setBusListening(false);
    m_timeline.reset();
    m_rooms.reset();
    m_db.reset();
}

void BusListener::addLocalEvents(const QList<protocol::Event> &events)
{
    publish(m_sequencer.accept(events));
}

void BusListener::broadcast(const NodeMessage &message)
{
    if (!m_listening)
        return;
    const QList<QByteArray> parts = NodeMessageCodec::encode(message, m_nextSerial++);
    // The parts of one message go in one transaction, so they arrive together and in order.
    const bool several = parts.size() > 1;
    if (several && !m_db->begin())
        return;
    for (const QByteArray &part : parts) {
        if (!m_db->execOk(u"SELECT pg_notify(?, ?)"_s,
                          { QString(kNodeChannel), QString::fromUtf8(part) })) {
            qCWarning(lcCluster) << "could not tell the other nodes:" << m_db->lastError();
            if (several)
                m_db->rollback();
            return;
        }
    }
    if (several)
        m_db->commit();
}

void BusListener::onNotification(const QString &name, QSqlDriver::NotificationSource,
                                 const QVariant &payload)
{
    if (name == kNodeChannel)
        return onNodeMessage(payload.toString());
    if (name != kBusChannel)
        return;
    const QString text = payload.toString();
    // This node's own commits arrive directly, sooner than their notification.
    if (text.startsWith(m_ownPayloadPrefix))
        return;
    const auto message = BusPayload::decode(text);
    if (!message) {
        qCWarning(lcCluster) << "ignoring a malformed notification on" << name;
        return;
    }
    QList<protocol::Event> ready = m_sequencer.accept(message->events);
    for (const SeqRange &range : message->ranges)
        ready += m_sequencer.catchUp(range.room, range.last);
    publish(ready);
}

void BusListener::onNodeMessage(const QString &payload)
{
    auto message = m_assembler.add(payload);
    if (!message || message->node == m_nodeId)
        return;
    if (message->topic == kNodeLeftTopic)
        return loseNode(message->node);
    // A message from a node taken for gone means it is back; it learns this node's state
    // from the snapshot that its reappearance brings.
    if (!m_liveNodes.contains(message->node)) {
        m_liveNodes.insert(message->node);
        m_bus->setLiveNodes(m_liveNodes);
        emit m_bus->nodeAppeared(message->node);
    }
    emit m_bus->messageReceived(*message);
}

bool BusListener::beat(bool announceChanges)
{
    // Expiry on the database's clock, not this machine's: nodes need not agree on the time.
    if (!m_db->execOk(
            u"INSERT INTO cluster_nodes (node_id, expires_at)"
            " VALUES (?, CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT) + ?)"
            " ON CONFLICT (node_id) DO UPDATE SET expires_at = EXCLUDED.expires_at"_s,
            { m_nodeId, kHeartbeatTtlMs }))
        return false;
    auto &query = m_db->exec(
        u"SELECT node_id FROM cluster_nodes WHERE node_id <> ?"
        " AND expires_at > CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"_s,
        { m_nodeId });
    if (m_db->lastFailed())
        return false;
    QSet<QString> live;
    while (query.next())
        live.insert(query.value(0).toString());
    query.finish();
    const QSet<QString> previous = std::exchange(m_liveNodes, live);
    m_bus->setLiveNodes(m_liveNodes);
    if (announceChanges) {
        for (const QString &node : previous - live) {
            qCInfo(lcCluster).noquote() << "node" << node << "is gone (heartbeat lapsed)";
            m_assembler.forget(node);
            emit m_bus->nodeLost(node);
        }
        for (const QString &node : live - previous)
            emit m_bus->nodeAppeared(node);
    }
    return true;
}

void BusListener::loseNode(const QString &node)
{
    m_assembler.forget(node);
    m_liveNodes.remove(node);
    m_bus->setLiveNodes(m_liveNodes);
    qCInfo(lcCluster).noquote() << "node" << node << "left";
    emit m_bus->nodeLost(node);
}

void BusListener::checkHealth()
{
    if (m_listening) {
        if (beat(true)) {
            if (m_sequencer.waitingCount() > 0)
                publish(m_sequencer.retry());
            return;
        }
        qCWarning(lcCluster) << "lost the bus connection:" << m_db->lastError();
        m_readiness.setDatabaseReachable(false);
        disconnectFromDatabase();
    }
    QString error;
    if (!connectAndListen(&error)) {
        m_readiness.setDatabaseReachable(false);
        return;
    }
    if (!resync() || !beat(true)) {
        disconnectFromDatabase();
        return;
    }
    qCInfo(lcCluster) << "bus connection restored; rooms resynchronised";
    emit m_bus->joined();
}

bool BusListener::resync()
{
    auto &query = m_db->exec(u"SELECT id, last_seq FROM rooms"_s);
    if (m_db->lastFailed())
        return false;
    QList<std::pair<qint64, qint64>> rooms;
    while (query.next())
        rooms.append({ Row(query).i64(0), Row(query).i64(1) });
    query.finish();
    QList<protocol::Event> ready;
    for (const auto &[room, lastSeq] : std::as_const(rooms))
        ready += m_sequencer.catchUp(room, lastSeq);
    ready += m_sequencer.retry();
    publish(ready);
    return true;
}

void BusListener::publish(const QList<protocol::Event> &events)
{
    if (!events.isEmpty())
        emit m_bus->eventsReady(events);
}

} // namespace confab::server
