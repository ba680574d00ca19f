#include "WebhookDispatcher.h"

#include "Signatures.h"
#include "store/Store.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace confab::server {

Q_DECLARE_LOGGING_CATEGORY(lcPusher)

using namespace Qt::StringLiterals;

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool isOpposite(WebhookEvent::Kind held, WebhookEvent::Kind arriving)
{
    return (held == WebhookEvent::Kind::ChannelVacated
            && arriving == WebhookEvent::Kind::ChannelOccupied)
        || (held == WebhookEvent::Kind::MemberRemoved
            && arriving == WebhookEvent::Kind::MemberAdded);
}

} // namespace

WebhookDispatcher::WebhookDispatcher(QList<PusherApp> apps, Store &store)
    : m_apps(std::move(apps))
    , m_store(store)
{ }

WebhookDispatcher::~WebhookDispatcher() = default;

const PusherApp *WebhookDispatcher::app(const QString &id) const
{
    for (const auto &app : m_apps) {
        if (app.id == id)
            return &app;
    }
    return nullptr;
}

void WebhookDispatcher::notify(const QString &appId, const WebhookEvent &event)
{
    const PusherApp *target = app(appId);
    if (!target || target->webhookUrls.isEmpty())
        return;
    QMetaObject::invokeMethod(
        this, [this, appId, event] { receive(appId, event); }, Qt::QueuedConnection);
}

void WebhookDispatcher::start()
{
    m_network = new QNetworkAccessManager(this);
    m_running = true;
    // Jobs left by an earlier run, or by a node that died, are due now; after that, only
    // other nodes' retries and take-overs need a look, and only if webhooks are configured.
    claim();
    const bool anyReceiver = std::any_of(m_apps.cbegin(), m_apps.cend(), [](const PusherApp &app) {
        return !app.webhookUrls.isEmpty();
    });
    if (anyReceiver) {
        m_claimTimer = new QTimer(this);
        connect(m_claimTimer, &QTimer::timeout, this, &WebhookDispatcher::claim);
        m_claimTimer->start(kClaimIntervalMs);
    }
}

void WebhookDispatcher::shutdown()
{
    if (!m_running)
        return;
    m_running = false;
    delete m_claimTimer;
    m_claimTimer = nullptr;
    for (auto it = m_held.begin(); it != m_held.end(); ++it) {
        delete it->timer;
        enqueue(it->appId, it->event, it->dueAtMs);
    }
    m_held.clear();
    // Requests in flight are dropped; their jobs are handed back to the queue, due now, so
    // that the next start or another node sends them without waiting for the lease.
    const qint64 now = nowMs();
    for (const WebhookJob &job : std::as_const(m_inFlight)) {
        m_store.call<protocol::Outcome<bool>>(
            { this, this },
            [job, now](StoreContext &store) {
                return store.webhookJobs.reschedule(job.id, job.attempts, now);
            },
            [](protocol::Outcome<bool>) {});
    }
    m_inFlight.clear();
    delete m_network;
    m_network = nullptr;
}

void WebhookDispatcher::claim()
{
    if (!m_running)
        return;
    if (m_claiming) {
        // The claim under way may have read the queue before the newest job was written.
        m_claimAgain = true;
        return;
    }
    m_claiming = true;
    const qint64 now = nowMs();
    m_store.call<protocol::Outcome<QList<WebhookJob>>>(
        { this, this },
        [now](StoreContext &store) {
            return store.webhookJobs.claimDue(now, now + kLeaseMs, kClaimBatch);
        },
        [this](protocol::Outcome<QList<WebhookJob>> jobs) {
            m_claiming = false;
            if (!jobs) {
                m_claimAgain = false; // the next poll tries again
                return;
            }
            if (!m_running)
                return;
            for (const WebhookJob &job : jobs.value())
                take(job);
            if (std::exchange(m_claimAgain, false) || jobs->size() == kClaimBatch)
                claim();
        });
}

void WebhookDispatcher::take(const WebhookJob &job)
{
    if (!m_counted.contains(job.id)) {
        m_counted.insert(job.id);
        ++m_counters.queued;
    }
    m_inFlight.insert(job.id, job);
    attempt(job);
}

void WebhookDispatcher::forget(qint64 id)
{
    m_inFlight.remove(id);
    // Id 0: a webhook that could not be queued, counted when it was sent.
    if (id <= 0 || m_counted.remove(id))
        --m_counters.queued;
}

void WebhookDispatcher::receive(const QString &appId, const WebhookEvent &event)
{
    if (!m_running)
        return;
    const QString key = appId + u'\n' + event.holdKey();
    if (event.isHeldBack()) {
        auto *timer = new QTimer(this);
        // A coarse timer may fire up to 5% early, and the hold-back is a promise to receivers.
        timer->setTimerType(Qt::PreciseTimer);
        timer->setSingleShot(true);
        connect(timer, &QTimer::timeout, this, [this, key] { release(key); });
        timer->start(kHoldBackMs);
        m_held.insert(key, { appId, event, nowMs() + kHoldBackMs, timer });
        return;
    }
    const auto held = m_held.find(key);
    if (held != m_held.end() && isOpposite(held->event.kind, event.kind)) {
        delete held->timer;
        // The receiver never learnt of the vacancy or removal, so it needs no news now.
        m_held.erase(held);
        return;
    }
    enqueue(appId, event, nowMs());
}

void WebhookDispatcher::release(const QString &key)
{
    const Held held = m_held.take(key);
    if (!held.timer)
        return;
    held.timer->deleteLater();
    enqueue(held.appId, held.event, held.dueAtMs);
}

void WebhookDispatcher::enqueue(const QString &appId, const WebhookEvent &event, qint64 dueAtMs)
{
    const PusherApp *target = app(appId);
    if (!target)
        return;
    const QByteArray body = QJsonDocument(QJsonObject {
                                              { "time_ms"_L1, dueAtMs },
                                              { "events"_L1, QJsonArray { event.toJson() } },
                                          })
                                .toJson(QJsonDocument::Compact);
    // The job goes out through a claim, from whichever node claims it first once it is due.
    const qint64 now = nowMs();
    for (const QString &url : target->webhookUrls) {
        WebhookJob job {
            0, appId, url, QString::fromUtf8(body), 0, dueAtMs, dueAtMs + kRetryWindowMs
        };
        m_store.call<protocol::Outcome<WebhookJob>>(
            { this, this },
            [job, now](StoreContext &store) { return store.webhookJobs.enqueue(job, now); },
            [this, job, dueAtMs](protocol::Outcome<WebhookJob> stored) {
                if (!m_running)
                    return;
                if (!stored) {
                    // The queue could not be written: send once anyway rather than lose it.
                    qCWarning(lcPusher)
                        << "webhook not queued, sending without retries:" << stored.error().message;
                    ++m_counters.queued;
                    attempt(job);
                    return;
                }
                const qint64 wait = dueAtMs - nowMs();
                if (wait <= 0)
                    claim();
                else
                    QTimer::singleShot(std::chrono::milliseconds(wait), Qt::PreciseTimer, this,
                                       &WebhookDispatcher::claim);
            });
    }
}

void WebhookDispatcher::attempt(const WebhookJob &job)
{
    if (!m_running || !m_network)
        return;
    const PusherApp *target = app(job.appId);
    if (!target) {
        // The app is no longer configured: nobody could check the signature.
        forget(job.id);
        m_store.call<protocol::Outcome<bool>>(
            { this, this },
            [id = job.id](StoreContext &store) { return store.webhookJobs.remove(id); },
            [](protocol::Outcome<bool>) {});
        return;
    }
    const QByteArray body = job.body.toUtf8();
    QNetworkRequest request { QUrl(job.url) };
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
    request.setRawHeader("X-Pusher-Key", target->key.toUtf8());
    request.setRawHeader("X-Pusher-Signature",
                         PusherSignature::hmacHex(target->secret.toUtf8(), body));
    request.setTransferTimeout(kRequestTimeoutMs);
    QNetworkReply *reply = m_network->post(request, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, job] { onFinished(reply, job); });
}

void WebhookDispatcher::onFinished(QNetworkReply *reply, WebhookJob job)
{
    reply->deleteLater();
    if (!m_running)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
        ++m_counters.delivered;
        forget(job.id);
        if (job.id > 0)
            m_store.call<protocol::Outcome<bool>>(
                { this, this },
                [id = job.id](StoreContext &store) { return store.webhookJobs.remove(id); },
                [](protocol::Outcome<bool>) {});
        return;
    }
    ++m_counters.failedAttempts;
    ++job.attempts;
    const qint64 now = nowMs();
    const QString where = QUrl(job.url).toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    const QString why = status > 0 ? u"HTTP %1"_s.arg(status) : reply->errorString();
    if (now >= job.giveUpAfter || job.id <= 0) {
        ++m_counters.abandoned;
        forget(job.id);
        qCWarning(lcPusher).noquote()
            << "webhook to" << where << "abandoned after" << job.attempts << "attempts:" << why;
        if (job.id > 0)
            m_store.call<protocol::Outcome<bool>>(
                { this, this },
                [id = job.id](StoreContext &store) { return store.webhookJobs.remove(id); },
                [](protocol::Outcome<bool>) {});
        return;
    }
    // 1 s, 2 s, 4 s … up to a minute; the last retry falls after the window has passed.
    const qint64 backoff
        = std::min<qint64>(kMaxBackoffMs, 1000LL << std::min(job.attempts - 1, 16));
    job.nextAttemptAt = now + backoff;
    qCInfo(lcPusher).noquote() << "webhook to" << where << "failed (" << why << "); retry"
                               << job.attempts << "in" << backoff << "ms";
    // Handed back to the queue: at its time this node or another claims it again.
    m_inFlight.remove(job.id);
    m_store.call<protocol::Outcome<bool>>(
        { this, this },
        [job](StoreContext &store) {
            return store.webhookJobs.reschedule(job.id, job.attempts, job.nextAttemptAt);
        },
        [](protocol::Outcome<bool>) {});
    QTimer::singleShot(std::chrono::milliseconds(backoff), Qt::PreciseTimer, this,
                       &WebhookDispatcher::claim);
}

} // namespace confab::server
