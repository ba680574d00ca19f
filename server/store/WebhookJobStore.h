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
class WebhookJobStore
{
public:
    explicit WebhookJobStore(Database &db)
        : m_db(db)
    { }

    protocol::Outcome<WebhookJob> enqueue(WebhookJob job, qint64 now);
    // Every waiting job, soonest first.
    protocol::Outcome<QList<WebhookJob>> pending();
    protocol::Outcome<bool> reschedule(qint64 id, int attempts, qint64 nextAttemptAt);
    protocol::Outcome<bool> remove(qint64 id);

private:
    Database &m_db;
};

} // namespace confab::server
