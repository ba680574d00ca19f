#pragma once

#include "config/ServerConfig.h"
#include "store/DatabaseUrl.h"

#include <QList>
#include <QObject>
#include <QThread>

#include <memory>

namespace confab::server {

class ClusterBus;
class ClusterFanout;
class ConnectionLimiter;
class EventJsonCache;
class KdfPool;
class Listener;
class LoginThrottle;
class PresenceRegistry;
class PusherService;
class Readiness;
class Gateway;
class HttpRouter;
class Store;
struct Services;

// The composition root of confabd: builds the stages of the message path in order, wires
// them together, and takes them down in reverse order.
class Server : public QObject
{
    Q_OBJECT

public:
    explicit Server(ServerConfig config, QObject *parent = nullptr);
    ~Server() override;

    bool start(QString *error);
    // Reports not ready on /readyz, waits drain_delay_ms for the load balancer to notice,
    // stops accepting, closes every connection with 1001, commits what is queued, then emits
    // stopped().
    void stop();

signals:
    void stopped();

private:
    bool startBus(const DatabaseUrl &url, const QString &nodeId, QString *error);
    void closeConnections();
    void finishStop();
    void joinSocketThreads();

    ServerConfig m_config;
    std::unique_ptr<Readiness> m_readiness;
    // Before everything that holds it: sessions, Pusher connections, the cluster fan-out.
    std::unique_ptr<PresenceRegistry> m_registry;
    // Before the store: it announces the store's commits, so it goes only after the store.
    std::unique_ptr<ClusterBus> m_bus;
    std::unique_ptr<ClusterFanout> m_fanout;
    // Before the store: its webhook thread receives the store's replies, so it must be
    // destroyed only after the store has stopped.
    std::unique_ptr<PusherService> m_pusher;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<KdfPool> m_kdf;
    std::unique_ptr<LoginThrottle> m_loginThrottle;
    std::unique_ptr<EventJsonCache> m_eventJson;
    std::unique_ptr<ConnectionLimiter> m_limiter;
    std::unique_ptr<Services> m_services;
    QList<QThread *> m_socketThreads;
    std::unique_ptr<HttpRouter> m_router;
    QList<Gateway *> m_gateways;
    Listener *m_listener = nullptr;
    int m_gatewaysDraining = 0;
    bool m_stopping = false;
};

} // namespace confab::server
