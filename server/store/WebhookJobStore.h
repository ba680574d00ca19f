#pragma once

#include "protocol/ProtocolError.h"

#include <QList>
#include <QString>

namespace confab::server {

class Database;

struct WebhookJob
{
    qint64 id = 0;
    QString appId;
    QString url;
    QString body;
    int attempts = 0;
    qint64 nextAttemptAt = 0;
    qint64 giveUpAfter = 0;
};

// The persistent queue of Pusher webhooks: a job is written when its webhook is due and
// deleted once delivered or abandoned, so webhooks survive a restart of the server.
//
// Several nodes of a cluster share the queue. A node takes a job with claimDue(), which moves
// its next_attempt_at to the end of a lease: no other claim sees the job until the node has
// removed it, rescheduled it, or died and let the lease run out.
class WebhookJobStore
{
public:
    explicit WebhookJobStore(Database &db)
        : m_db(db)
    { }

    protocol::Outcome<WebhookJob> enqueue(WebhookJob job, qint64 now);
    // Every waiting job, soonest first.
    protocol::Outcome<QList<WebhookJob>> pending();
    // Takes up to limit jobs due at now, soonest first, each for this caller alone until
    // leaseUntil; their nextAttemptAt is leaseUntil.
    protocol::Outcome<QList<WebhookJob>> claimDue(qint64 now, qint64 leaseUntil, int limit);
    protocol::Outcome<bool> reschedule(qint64 id, int attempts, qint64 nextAttemptAt);
    protocol::Outcome<bool> remove(qint64 id);

private:
    Database &m_db;
};

} // namespace confab::server
