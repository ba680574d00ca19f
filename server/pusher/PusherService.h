#pragma once

#include "PusherHttpApi.h"
#include "RoomChannelAuth.h"
#include "http/HttpExchange.h"

#include <QThread>

#include <memory>

namespace confab::server {

class PresenceRegistry;
class Store;
class WebhookDispatcher;
struct ReplyTarget;
struct ServerConfig;

// The Pusher Channels face of confabd, as the gateway's routes and the composition root see
// it: its HTTP endpoints and webhooks. Its WebSocket connections share the presence registry
// with the native ones.
class PusherService
{
public:
    PusherService(const ServerConfig &config, Store &store, PresenceRegistry &registry);
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

    PresenceRegistry &registry() { return m_registry; }
    const PusherApp &defaultApp() const;

private:
    HttpAnswer stats() const;

    Store &m_store;
    qsizetype m_maxRequestBytes;
    QThread m_webhookThread;
    WebhookDispatcher *m_webhooks = nullptr;
    PresenceRegistry &m_registry;
    std::unique_ptr<PusherHttpApi> m_httpApi;
    std::unique_ptr<RoomChannelAuth> m_roomAuth;
};

} // namespace confab::server
