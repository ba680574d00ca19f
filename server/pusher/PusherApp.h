#pragma once

#include <QString>
#include <QStringList>

namespace confab::server {

struct ServerConfig;

// What one Pusher app may do; a client or server over a limit gets the refusal Pusher itself
// gives, so existing clients react as they would against Pusher.
struct PusherLimits
{
    int maxConnections = 10'000;
    int clientEventsPerSecond = 10;
    qsizetype maxEventBytes = 10 * 1024;
    int maxPresenceMembers = 100;
    int maxChannelsPerEvent = 100;
    int maxBatchEvents = 10;
};

// An app as Pusher defines one: the id names it in the HTTP API, the key in WebSocket URLs
// and auth strings, and the secret signs everything.
struct PusherApp
{
    QString id;
    QString key;
    QString secret;
    PusherLimits limits;
    QStringList webhookUrls;
    int activityTimeoutS = 120;

    // The default app, from the [pusher] settings.
    static PusherApp fromConfig(const ServerConfig &config);
};

} // namespace confab::server
