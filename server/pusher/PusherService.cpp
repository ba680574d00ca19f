#include "PusherService.h"

#include "WebhookDispatcher.h"
#include "config/ServerConfig.h"
#include "presence/PresenceRegistry.h"
#include "store/ReplyTarget.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>

namespace confab::server {

Q_DECLARE_LOGGING_CATEGORY(lcPusher)

using namespace Qt::StringLiterals;

PusherService::PusherService(const ServerConfig &config, Store &store, PresenceRegistry &registry)
    : m_store(store)
    , m_maxRequestBytes(config.pusherMaxRequestBytes)
    , m_registry(registry)
{
    m_webhookThread.setObjectName(u"webhooks"_s);
    m_webhooks = new WebhookDispatcher({ registry.defaultApp() }, store);
    m_webhooks->moveToThread(&m_webhookThread);
    registry.setWebhookNotifier(m_webhooks);
    m_httpApi = std::make_unique<PusherHttpApi>(registry);
    m_roomAuth = std::make_unique<RoomChannelAuth>(registry, store);
}

const PusherApp &PusherService::defaultApp() const
{
    return m_registry.defaultApp();
}

PusherService::~PusherService()
{
    stopWebhooks();
    m_webhookThread.quit();
    m_webhookThread.wait();
    delete m_webhooks;
}

void PusherService::start()
{
    m_webhookThread.start();
    QMetaObject::invokeMethod(m_webhooks, &WebhookDispatcher::start, Qt::QueuedConnection);
}

void PusherService::stopWebhooks()
{
    if (!m_webhookThread.isRunning())
        return;
    QMetaObject::invokeMethod(m_webhooks, &WebhookDispatcher::shutdown,
                              Qt::BlockingQueuedConnection);
    const auto &counters = m_webhooks->counters();
    qCInfo(lcPusher).nospace() << "webhooks: " << counters.delivered << " delivered, "
                               << counters.failedAttempts << " failed attempts, "
                               << counters.abandoned << " abandoned, " << counters.queued
                               << " left queued";
    m_webhookThread.quit();
    m_webhookThread.wait();
}

void PusherService::handleHttp(const HttpRequest &request, const ReplyTarget &target,
                               HttpRespond respond)
{
    if (request.path == "/pusher/auth") {
        m_roomAuth->handle(request, target, std::move(respond));
        return;
    }
    if (request.path == "/pusher/stats") {
        respond(request.method == "GET" ? stats()
                                        : HttpAnswer { 405, R"({"error":"Use GET"})", {} });
        return;
    }
    respond(m_httpApi->handle(request, QDateTime::currentSecsSinceEpoch()));
}

// Counts only: nothing here identifies a user or a channel.
HttpAnswer PusherService::stats() const
{
    const auto &counters = m_webhooks->counters();
    const QJsonObject webhooks { { "delivered"_L1, qint64(counters.delivered) },
                                 { "failed_attempts"_L1, qint64(counters.failedAttempts) },
                                 { "abandoned"_L1, qint64(counters.abandoned) },
                                 { "queued"_L1, qint64(counters.queued) } };
    const QJsonObject body { { "connections"_L1,
                               qint64(m_registry.connectionCount(defaultApp().id)) },
                             { "webhooks"_L1, webhooks } };
    return { 200, QJsonDocument(body).toJson(QJsonDocument::Compact), {} };
}

} // namespace confab::server
