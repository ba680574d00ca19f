#include "PusherApp.h"

#include "config/ServerConfig.h"

namespace confab::server {

PusherApp PusherApp::fromConfig(const ServerConfig &config)
{
    PusherApp app;
    app.id = config.pusherAppId;
    app.key = config.pusherAppKey;
    app.secret = config.pusherAppSecret;
    app.webhookUrls = config.pusherWebhookUrls;
    app.activityTimeoutS = config.pusherActivityTimeoutS;
    app.limits.maxConnections = config.pusherMaxConnections;
    app.limits.clientEventsPerSecond = config.pusherClientEventsPerSecond;
    app.limits.maxEventBytes = config.pusherMaxEventBytes;
    app.limits.maxPresenceMembers = config.pusherMaxPresenceMembers;
    app.limits.maxChannelsPerEvent = config.pusherMaxChannelsPerEvent;
    return app;
}

} // namespace confab::server
