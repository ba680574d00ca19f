#pragma once

#include "PusherApp.h"
#include "WebhookEvent.h"
#include "store/WebhookJobStore.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>

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
    // Claimed from the queue by this node (or sent without it when it could not be written),
    // not yet delivered or abandoned by this node.
    std::atomic<qint64> queued { 0 };
};

// Sends the apps' webhooks from a thread of its own, so no socket thread ever waits on a
// receiver. Vacated channels and removed members are held back 3 s and dropped when their
// opposite follows (a quick reconnect sends nothing). Each due webhook is a job in the
// database until its receiver answers 2xx; failures are retried with exponential backoff
// for at least 5 minutes, and jobs left at shutdown are sent after the next start.
//
// In a cluster every node's dispatcher polls the shared queue and claims the due jobs for a
// lease (WebhookJobStore::claimDue), so each webhook goes out from one node; a job whose node
// died is taken over by another once its lease has run out.
class WebhookDispatcher : public QObject, public WebhookNotifier
{
    Q_OBJECT

public:
    static constexpr int kHoldBackMs = 3000;
    static constexpr qint64 kRetryWindowMs = 5 * 60 * 1000;
    static constexpr qint64 kMaxBackoffMs = 60 * 1000;
    static constexpr int kRequestTimeoutMs = 10'000;
    static constexpr int kClaimIntervalMs = 1000;
    static constexpr int kClaimBatch = 64;
    // Longer than a request may take, so a slow receiver's job is not sent twice; also how
    // long the jobs of a node that died wait before another node sends them.
    static constexpr qint64 kLeaseMs = 60'000;

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
    void claim();
    void take(const WebhookJob &job);
    void attempt(const WebhookJob &job);
    void forget(qint64 id);
    void onFinished(QNetworkReply *reply, WebhookJob job);
    const PusherApp *app(const QString &id) const;

    const QList<PusherApp> m_apps;
    Store &m_store;
    QNetworkAccessManager *m_network = nullptr;
    QHash<QString, Held> m_held; // by WebhookEvent::holdKey()
    QHash<qint64, WebhookJob> m_inFlight; // claimed, their requests not answered yet
    QSet<qint64> m_counted; // in counters().queued
    QTimer *m_claimTimer = nullptr;
    bool m_claiming = false;
    bool m_claimAgain = false;
    WebhookCounters m_counters;
    bool m_running = false;
};

} // namespace confab::server
