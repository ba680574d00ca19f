#include "ClusterBus.h"

#include "BusListener.h"

namespace confab::server {

using namespace Qt::StringLiterals;

ClusterBus::ClusterBus(DatabaseUrl url, QString nodeId, Readiness &readiness, QObject *parent)
    : QObject(parent)
    , m_url(std::move(url))
    , m_nodeId(std::move(nodeId))
    , m_readiness(readiness)
{
    m_thread.setObjectName(u"bus"_s);
}

ClusterBus::~ClusterBus()
{
    stop();
}

bool ClusterBus::start(QString *error)
{
    m_listener = new BusListener(this, m_url, m_nodeId, m_readiness);
    m_listener->moveToThread(&m_thread);
    m_thread.start();
    bool opened = false;
    QMetaObject::invokeMethod(
        m_listener, [&] { opened = m_listener->open(error); }, Qt::BlockingQueuedConnection);
    if (!opened)
        stop();
    return opened;
}

void ClusterBus::stop()
{
    if (!m_listener)
        return;
    QMetaObject::invokeMethod(
        m_listener,
        [this] {
            m_listener->leave();
            m_listener->close();
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    BusListener *listener = nullptr;
    {
        // After this no socket thread can reach the listener through broadcast().
        QMutexLocker lock(&m_broadcastMutex);
        std::swap(listener, m_listener);
    }
    delete listener;
}

QSet<QString> ClusterBus::liveNodes() const
{
    QMutexLocker lock(&m_nodesMutex);
    return m_liveNodes;
}

void ClusterBus::setLiveNodes(const QSet<QString> &nodes)
{
    QMutexLocker lock(&m_nodesMutex);
    m_liveNodes = nodes;
}

void ClusterBus::addLocalEvents(const QList<protocol::Event> &events)
{
    QMetaObject::invokeMethod(
        m_listener, [listener = m_listener, events] { listener->addLocalEvents(events); },
        Qt::QueuedConnection);
}

void ClusterBus::broadcast(const QString &topic, const QJsonObject &body)
{
    // A node alone tells no one: a node that appears later is greeted with a snapshot of
    // this one's state (see ClusterFanout), taken after this state changed, and news of the
    // moment would be stale by then. A cluster of one saves a notification per presence
    // change, which a reconnect storm makes by the ten thousand.
    if (liveNodes().isEmpty())
        return;
    QMutexLocker lock(&m_broadcastMutex);
    if (!m_listener)
        return;
    QMetaObject::invokeMethod(
        m_listener,
        [listener = m_listener, message = NodeMessage { m_nodeId, topic, body }] {
            listener->broadcast(message);
        },
        Qt::QueuedConnection);
}

} // namespace confab::server
