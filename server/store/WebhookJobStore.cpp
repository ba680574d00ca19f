#include "WebhookJobStore.h"

#include "Database.h"
#include "StoreErrors.h"

#include <algorithm>

namespace confab::server {

using namespace Qt::StringLiterals;

namespace {

// The rows of a query that selects id, app_id, url, body, attempts, next_attempt_at and
// give_up_after in that order.
QList<WebhookJob> takeJobs(QSqlQuery &query)
{
    QList<WebhookJob> jobs;
    while (query.next()) {
        const Row row(query);
        jobs.append({ row.i64(0), row.text(1), row.text(2), row.text(3), int(row.i64(4)),
                      row.i64(5), row.i64(6) });
    }
    query.finish();
    return jobs;
}

} // namespace

protocol::Outcome<WebhookJob> WebhookJobStore::enqueue(WebhookJob job, qint64 now)
{
    auto &query = m_db.exec(
        u"INSERT INTO pusher_webhook_jobs (app_id, url, body, attempts, "
        "next_attempt_at, give_up_after, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"_s,
        { job.appId, job.url, job.body, job.attempts, job.nextAttemptAt, job.giveUpAfter, now });
    if (m_db.lastFailed() || !query.next())
        return storeFailure();
    job.id = Row(query).i64(0);
    query.finish();
    return job;
}

protocol::Outcome<QList<WebhookJob>> WebhookJobStore::pending()
{
    auto &query = m_db.exec(u"SELECT id, app_id, url, body, attempts, next_attempt_at, "
                            "give_up_after FROM pusher_webhook_jobs "
                            "ORDER BY next_attempt_at, id"_s);
    if (m_db.lastFailed())
        return storeFailure();
    return takeJobs(query);
}

protocol::Outcome<QList<WebhookJob>> WebhookJobStore::claimDue(qint64 now, qint64 leaseUntil,
                                                               int limit)
{
    // SKIP LOCKED lets two nodes claim at the same moment without waiting on each other, and
    // without both taking a job: a row that another claim locked is left to it, and a row it
    // already moved past now no longer matches once its update is seen. SQLite serves one
    // node, whose single connection makes the statement atomic anyway.
    const QString skipLocked
        = m_db.dialect() == Dialect::Postgres ? u" FOR UPDATE SKIP LOCKED"_s : QString();
    auto &query = m_db.exec(u"UPDATE pusher_webhook_jobs SET next_attempt_at = ? "
                            "WHERE id IN (SELECT id FROM pusher_webhook_jobs "
                            "WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?%1) "
                            "RETURNING id, app_id, url, body, attempts, next_attempt_at, "
                            "give_up_after"_s.arg(skipLocked),
                            { leaseUntil, now, limit });
    if (m_db.lastFailed())
        return storeFailure();
    QList<WebhookJob> jobs = takeJobs(query);
    // RETURNING follows no ORDER BY; the oldest webhooks should still go out first.
    std::sort(jobs.begin(), jobs.end(),
              [](const WebhookJob &a, const WebhookJob &b) { return a.id < b.id; });
    return jobs;
}

protocol::Outcome<bool> WebhookJobStore::reschedule(qint64 id, int attempts, qint64 nextAttemptAt)
{
    if (!m_db.execOk(
            u"UPDATE pusher_webhook_jobs SET attempts = ?, next_attempt_at = ? WHERE id = ?"_s,
            { attempts, nextAttemptAt, id }))
        return storeFailure();
    return true;
}

protocol::Outcome<bool> WebhookJobStore::remove(qint64 id)
{
    if (!m_db.execOk(u"DELETE FROM pusher_webhook_jobs WHERE id = ?"_s, { id }))
        return storeFailure();
    return true;
}

} // namespace confab::server
