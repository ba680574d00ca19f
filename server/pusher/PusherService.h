#pragma once

#include "ChannelRegistry.h"
#include "PusherHttpApi.h"
#include "RoomBroadcaster.h"
#include "RoomChannelAuth.h"
#include "http/HttpExchange.h"

#include <QThread>

#include <memory>

namespace confab::server {

class Store;
class WebhookDispatcher;
struct ReplyTarget;
struct ServerConfig;

// The Pusher Channels face of confabd, as the gateway's routes and the composition root see
// it: its HTTP endpoints, and the shared channel registry its WebSocket
// connections use.
class PusherService
{
public:
    PusherService(const ServerConfig &config, Store &store);
    ~PusherService();
    PusherService(const PusherService &) = delete;
    PusherService &operator=(const PusherService &) = delete;

    // Starts the webhook thread and resumes queued webhooks; the store must be running.
    void start();
    // Queues held-back webhooks and stops sending; call before the store stops.
    void stopWebhooks();

    qsizetype maxRequestBytes() const { return m_maxRequestBytes; }
    // Answers an HTTP request; `respond` runs on the calling thread, now or after a store
    // lookup (through target).
    void handleHttp(const HttpRequest &request, const ReplyTarget &target, HttpRespond respond);

    ChannelRegistry &registry() { return *m_registry; }
    RoomBroadcaster &roomBroadcaster() { return *m_broadcaster; }
    const PusherApp &defaultApp() const { return m_registry->defaultApp(); }

private:
    HttpAnswer stats() const;

    Store &m_store;
    qsizetype m_maxRequestBytes;
    QThread m_webhookThread;
    WebhookDispatcher *m_webhooks = nullptr;
    std::unique_ptr<ChannelRegistry> m_registry;
    std::unique_ptr<PusherHttpApi> m_httpApi;
    std::unique_ptr<RoomChannelAuth> m_roomAuth;
    std::unique_ptr<RoomBroadcaster> m_broadcaster;
};

} // namespace confab::server
