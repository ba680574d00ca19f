#pragma once

#include "PusherApp.h"
#include "WebhookEvent.h"
#include "store/WebhookJobStore.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>

#include <atomic>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace confab::server {

class Store;

// Counts of webhook deliveries since start, readable from any thread.
struct WebhookCounters
{
    std::atomic<qint64> delivered { 0 };
    std::atomic<qint64> failedAttempts { 0 };
    std::atomic<qint64> abandoned { 0 };
    std::atomic<qint64> queued { 0 }; // written to the queue, not yet delivered or abandoned
};

// Sends the apps' webhooks from a thread of its own, so no socket thread ever waits on a
// receiver. Vacated channels and removed members are held back 3 s and dropped when their
// opposite follows (a quick reconnect sends nothing). Each due webhook is a job in the
// database until its receiver answers 2xx; failures are retried with exponential backoff
// for at least 5 minutes, and jobs left at shutdown are sent after the next start.
class WebhookDispatcher : public QObject, public WebhookNotifier
{
    Q_OBJECT

public:
    static constexpr int kHoldBackMs = 3000;
    static constexpr qint64 kRetryWindowMs = 5 * 60 * 1000;
    static constexpr qint64 kMaxBackoffMs = 60 * 1000;
    static constexpr int kRequestTimeoutMs = 10'000;

    WebhookDispatcher(QList<PusherApp> apps, Store &store);
    ~WebhookDispatcher() override;

    // Thread-safe: queues to the dispatcher's thread.
    void notify(const QString &appId, const WebhookEvent &event) override;

    // Run on the dispatcher's thread.
    void start();
    // Writes held-back events to the queue and stops sending; jobs stay for the next start.
    void shutdown();

    const WebhookCounters &counters() const { return m_counters; }

private:
    struct Held
    {
        QString appId;
        WebhookEvent event;
        qint64 dueAtMs = 0;
        QTimer *timer = nullptr;
    };

    void receive(const QString &appId, const WebhookEvent &event);
    void release(const QString &key);
    void enqueue(const QString &appId, const WebhookEvent &event, qint64 dueAtMs);
    void schedule(const WebhookJob &job);
    void attempt(const WebhookJob &job);
    void onFinished(QNetworkReply *reply, WebhookJob job);
    const PusherApp *app(const QString &id) const;

    const QList<PusherApp> m_apps;
    Store &m_store;
    QNetworkAccessManager *m_network = nullptr;
    QHash<QString, Held> m_held; // by WebhookEvent::holdKey()
    WebhookCounters m_counters;
    bool m_running = false;
};

} // namespace confab::server
