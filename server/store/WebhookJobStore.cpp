#include "WebhookJobStore.h"

#include "Database.h"
#include "StoreErrors.h"

namespace confab::server {

using namespace Qt::StringLiterals;

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
    QList<WebhookJob> jobs;
    while (query.next()) {
        const Row row(query);
        jobs.append({ row.i64(0), row.text(1), row.text(2), row.text(3), int(row.i64(4)),
                      row.i64(5), row.i64(6) });
    }
    query.finish();
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
