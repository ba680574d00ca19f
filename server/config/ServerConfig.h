#pragma once

#include <QHostAddress>
#include <QString>
#include <QStringList>

#include <optional>

namespace confab::server {

// Everything confabd can be told. Values come from, in rising precedence: built-in defaults,
// the config file (INI), CONFAB_* environment variables, the command line.
struct ServerConfig
{
    // [server]
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 listenPort = 8443; // 0 picks a free port; the chosen one is printed.
    QString dataDir; // Default: "<working directory>/data".
    QString databaseUrl; // Default: "sqlite:///<data_dir>/confab.db".
    QString tlsCertFile; // Default: "<data_dir>/tls/cert.pem", generated when missing.
    QString tlsKeyFile; // Default: "<data_dir>/tls/key.pem", generated when missing.
    bool insecurePlainWs = false;
    int socketThreads = 0; // 0: one per core, at most 4.
    // Names this node among the nodes of a cluster (PostgreSQL only). Default: generated.
    QString nodeId;
    // After SIGTERM, /readyz answers 503 for this long before connections are closed, so a
    // load balancer stops sending new clients here first.
    int drainDelayMs = 0;
    // How socket threads wait for their connections: epoll, or Qt's own event dispatcher.
    enum class EventLoop { Epoll, Qt };
    EventLoop eventLoop = EventLoop::Epoll;

    // [limits]
    qsizetype maxTextBytes = 16 * 1024;
    qsizetype maxFrameBytes = 64 * 1024;
    double requestsPerSecond = 20;
    int requestBurst = 50;
    int connectionsPerAddress = 64;
    int handshakeTimeoutMs = 10'000;
    int pingIntervalMs = 30'000;
    int listenBacklog = 4096;
    // Bytes written to a connection that its peer has not taken yet; past this the peer is a
    // slow consumer and is closed. Replies are cut to pages of at most half of it.
    qint64 maxUnsentBytes = 16 * 1024 * 1024;

    // [security]
    int scryptLog2N = 17;
    int kdfWorkers = 2;
    int kdfQueueLimit = 64;
    int tokenTtlDays = 30;
    int loginFailuresBeforeThrottle = 5;

    // [pusher]: the Pusher Channels face of the server, served only when the app's id, key and
    // secret are all set (the names Soketi uses, so a Laravel .env carries over).
    QString pusherAppId;
    QString pusherAppKey;
    QString pusherAppSecret;
    QStringList pusherWebhookUrls; // http:// or https://
    int pusherMaxConnections = 10'000;
    int pusherClientEventsPerSecond = 10;
    qsizetype pusherMaxEventBytes = 10 * 1024;
    int pusherMaxPresenceMembers = 100;
    int pusherMaxChannelsPerEvent = 100;
    int pusherActivityTimeoutS = 120;
    qsizetype pusherMaxRequestBytes = 256 * 1024;

    bool pusherEnabled() const
    {
        return !pusherAppId.isEmpty() && !pusherAppKey.isEmpty() && !pusherAppSecret.isEmpty();
    }

    // The listen address in the form --listen takes: "127.0.0.1:8443", "[::1]:8443", "*:8443".
    QString listenEndpoint() const;

    friend bool operator==(const ServerConfig &, const ServerConfig &) = default;
};

} // namespace confab::server
