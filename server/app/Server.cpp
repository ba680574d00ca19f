#include "Server.h"

#include "auth/KdfPool.h"
#include "auth/LoginThrottle.h"
#include "cluster/BusPublisher.h"
#include "cluster/ClusterBus.h"
#include "cluster/ClusterFanout.h"
#include "gateway/ConnectionLimiter.h"
#include "gateway/Gateway.h"
#include "gateway/Routes.h"
#include "health/Readiness.h"
#include "net/EpollEventDispatcher.h"
#include "net/Listener.h"
#include "net/TlsContext.h"
#include "net/TlsIdentity.h"
#include "presence/PresenceRegistry.h"
#include "pusher/PusherService.h"
#include "session/EventJsonCache.h"
#include "session/Services.h"
#include "store/Store.h"

#include <QDir>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSysInfo>
#include <QTextStream>
#include <QTimer>

#include <cstdio>

namespace confab::server {

Q_LOGGING_CATEGORY(lcServer, "confab.server")

using namespace Qt::StringLiterals;

namespace {

constexpr int kDrainDeadlineMs = 10'000;
// About 30,000 events of average length: the last 50 of some 600 rooms, the gap that a
// reconnect storm asks for.
constexpr qsizetype kEventJsonCacheBytes = 32 * 1024 * 1024;

void announce(const QString &line)
{
    // Start-up facts go to stdout, line by line, for operators and for scripts that wait on them.
    QTextStream out(stdout);
    out << "confabd: " << line << Qt::endl;
}

QString hostForUrl(const QHostAddress &address)
{
    return address.protocol() == QAbstractSocket::IPv6Protocol ? u"[%1]"_s.arg(address.toString())
                                                               : address.toString();
}

// Unique enough among the nodes of one cluster, and still telling an operator which machine.
QString generatedNodeId()
{
    QString host;
    for (QChar c : QSysInfo::machineHostName()) {
        if ((c.isLetterOrNumber() && c.unicode() < 128) || c == u'-' || c == u'.')
            host += c;
    }
    return u"%1-%2"_s.arg(host.left(64).isEmpty() ? u"confabd"_s : host.left(64))
        .arg(QRandomGenerator::system()->generate(), 8, 16, QChar(u'0'));
}

// What each socket thread's gateway is told of the limits.
Gateway::Settings gatewaySettings(const ServerConfig &config)
{
    Gateway::Settings settings;
    settings.http.deadlineMs = config.handshakeTimeoutMs;
    settings.http.maxBodyBytes = config.pusherMaxRequestBytes;
    settings.connection.maxBacklogBytes = config.maxUnsentBytes;
    settings.connection.requestsPerSecond = config.requestsPerSecond;
    settings.connection.requestBurst = config.requestBurst;
    settings.maxFrameBytes = config.maxFrameBytes;
    // Each protocol's keep-alive is looked at often enough for the shorter of the two: the
    // native ping interval and a quarter of Pusher's activity timeout.
    settings.keepAliveCheckMs = std::min(
        config.pingIntervalMs, std::clamp(config.pusherActivityTimeoutS * 1000 / 4, 250, 15'000));
    return settings;
}

} // namespace

Server::Server(ServerConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_readiness(std::make_unique<Readiness>())
{ }

Server::~Server()
{
    // Only after a failed start; stop() has done this otherwise.
    if (m_store)
        m_store->stop();
    if (m_bus)
        m_bus->stop();
    joinSocketThreads();
}

bool Server::start(QString *error)
{
    if (!QDir().mkpath(m_config.dataDir)) {
        *error = u"Cannot create the data folder %1."_s.arg(m_config.dataDir);
        return false;
    }
    QFile::setPermissions(m_config.dataDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);

    const auto databaseUrl = DatabaseUrl::parse(m_config.databaseUrl, error);
    if (!databaseUrl)
        return false;

    std::shared_ptr<const TlsContext> tls;
    if (m_config.insecurePlainWs) {
        qCWarning(lcServer).noquote()
            << "TLS IS OFF: serving plain ws:// and http:// because --insecure-plain-ws was given. "
               "Use this only behind a proxy that terminates TLS.";
    } else {
        const auto identity
            = TlsIdentity::loadOrGenerate(m_config.tlsCertFile, m_config.tlsKeyFile, error);
        if (!identity)
            return false;
        if (identity->generated)
            announce(u"made a self-signed TLS certificate: %1"_s.arg(m_config.tlsCertFile));
        announce(u"TLS certificate SHA-256 fingerprint: %1"_s.arg(identity->fingerprint()));
        tls = TlsContext::forServer(*identity, error);
        if (!tls)
            return false;
    }

    const bool clustered = databaseUrl->dialect == Dialect::Postgres;
    const QString nodeId = m_config.nodeId.isEmpty() ? generatedNodeId() : m_config.nodeId;
    m_store = std::make_unique<Store>(*databaseUrl);
    if (clustered)
        m_store->setAnnouncer(std::make_shared<BusPublisher>(nodeId));
    if (!m_store->start(error))
        return false;
    m_readiness->setDatabaseReachable(true);
    // With the Pusher face off, the app from the [pusher] settings still names the channels
    // Confab's rooms are kept in.
    m_registry = std::make_unique<PresenceRegistry>(QList { PusherApp::fromConfig(m_config) });
    if (m_config.pusherEnabled())
        m_pusher = std::make_unique<PusherService>(m_config, *m_store, *m_registry);
    if (clustered) {
        if (!startBus(*databaseUrl, nodeId, error))
            return false;
    } else {
        // One node: the store's commits are all there is, already in order.
        connect(m_store.get(), &Store::eventsCommitted, m_registry.get(),
                &PresenceRegistry::onEventsCommitted, Qt::DirectConnection);
    }
    if (m_pusher)
        m_pusher->start();
    m_kdf = std::make_unique<KdfPool>(m_config.kdfWorkers, m_config.kdfQueueLimit,
                                      m_config.scryptLog2N);
    m_loginThrottle = std::make_unique<LoginThrottle>(m_config.loginFailuresBeforeThrottle);
    m_limiter = std::make_unique<ConnectionLimiter>(m_config.connectionsPerAddress);
    m_eventJson = std::make_unique<EventJsonCache>(kEventJsonCacheBytes);
    m_services = std::make_unique<Services>(Services {
        *m_store, *m_registry, *m_kdf, *m_loginThrottle, m_config, *m_readiness, *m_eventJson });

    m_router = std::make_unique<HttpRouter>(confabRoutes(*m_services, m_pusher.get()));
    const Gateway::Settings settings = gatewaySettings(m_config);
    QList<Listener::Acceptor> acceptors;
    const int threads = m_config.socketThreads > 0 ? m_config.socketThreads
                                                   : std::clamp(QThread::idealThreadCount(), 1, 4);
    for (int i = 0; i < threads; ++i) {
        auto *thread = new QThread(this);
        thread->setObjectName(u"sockets-%1"_s.arg(i));
        if (m_config.eventLoop == ServerConfig::EventLoop::Epoll) {
            auto dispatcher = std::make_unique<EpollEventDispatcher>();
            if (dispatcher->isValid())
                thread->setEventDispatcher(dispatcher.release());
        }
        auto *gateway = new Gateway(*m_router, settings, tls, *m_limiter);
        gateway->moveToThread(thread);
        connect(thread, &QThread::finished, gateway, &QObject::deleteLater);
        thread->start();
        m_socketThreads.append(thread);
        m_gateways.append(gateway);
        acceptors.append([gateway](qintptr descriptor) {
            QMetaObject::invokeMethod(
                gateway, [gateway, descriptor] { gateway->adopt(descriptor); },
                Qt::QueuedConnection);
        });
    }

    m_listener = new Listener(acceptors, m_config.listenBacklog, this);
    if (!m_listener->listen(m_config.listenAddress, m_config.listenPort)) {
        *error = u"Cannot listen on %1:%2: %3"_s.arg(m_config.listenAddress.toString())
                     .arg(m_config.listenPort)
                     .arg(m_listener->errorString());
        return false;
    }
    announce(u"listening on %1://%2:%3/ws"_s
                 .arg(tls ? u"wss"_s : u"ws"_s, hostForUrl(m_listener->serverAddress()))
                 .arg(m_listener->serverPort()));
    if (m_pusher)
        announce(u"serving Pusher app key %1 (app id %2) at %3://%4:%5/app/%1"_s
                     .arg(m_pusher->defaultApp().key, m_pusher->defaultApp().id,
                          tls ? u"wss"_s : u"ws"_s, hostForUrl(m_listener->serverAddress()))
                     .arg(m_listener->serverPort()));
    return true;
}

bool Server::startBus(const DatabaseUrl &url, const QString &nodeId, QString *error)
{
    m_readiness->setBusRequired(true);
    m_bus = std::make_unique<ClusterBus>(url, nodeId, *m_readiness);
    // Before the bus starts: its first act is to greet the other nodes.
    m_fanout = std::make_unique<ClusterFanout>(*m_bus, *m_registry);
    if (!m_bus->start(error))
        return false;
    // Every node's commits, this one's included, reach members through the bus, which puts
    // each room in sequence order.
    connect(
        m_store.get(), &Store::eventsCommitted, m_bus.get(),
        [bus = m_bus.get()](const QList<protocol::Event> &events) { bus->addLocalEvents(events); },
        Qt::DirectConnection);
    connect(m_bus.get(), &ClusterBus::eventsReady, m_registry.get(),
            &PresenceRegistry::onEventsCommitted, Qt::DirectConnection);
    announce(u"cluster node %1 on the PostgreSQL bus"_s.arg(nodeId));
    return true;
}

void Server::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_readiness->setDraining();
    if (m_config.drainDelayMs > 0) {
        qCInfo(lcServer) << "shutting down: reporting not ready for" << m_config.drainDelayMs
                         << "ms before closing connections";
        QTimer::singleShot(m_config.drainDelayMs, this, &Server::closeConnections);
        return;
    }
    closeConnections();
}

void Server::closeConnections()
{
    qCInfo(lcServer) << "shutting down: closing connections";
    if (m_listener)
        m_listener->close();
    m_gatewaysDraining = int(m_gateways.size());
    if (m_gatewaysDraining == 0) {
        finishStop();
        return;
    }
    for (auto *gateway : std::as_const(m_gateways)) {
        connect(
            gateway, &Gateway::drained, this,
            [this] {
                if (--m_gatewaysDraining == 0)
                    finishStop();
            },
            Qt::QueuedConnection);
        QMetaObject::invokeMethod(gateway, &Gateway::shutdown, Qt::QueuedConnection);
    }
    QTimer::singleShot(kDrainDeadlineMs, this, [this] {
        if (m_gatewaysDraining > 0) {
            qCWarning(lcServer) << "connections did not close in time; stopping anyway";
            m_gatewaysDraining = 0;
            finishStop();
        }
    });
}

void Server::finishStop()
{
    // Webhooks held back or in flight go into the store's queue while it still runs.
    if (m_pusher)
        m_pusher->stopWebhooks();
    // Commits everything queued before the socket threads go, so their sessions' replies
    // still have somewhere to land.
    if (m_store)
        m_store->stop();
    if (m_bus)
        m_bus->stop();
    joinSocketThreads();
    qCInfo(lcServer) << "stopped";
    emit stopped();
}

void Server::joinSocketThreads()
{
    for (auto *thread : std::as_const(m_socketThreads)) {
        thread->quit();
        thread->wait();
    }
    qDeleteAll(m_socketThreads);
    m_socketThreads.clear();
    m_gateways.clear();
}

} // namespace confab::server
