#pragma once

#include "Store.h"

#include <QList>
#include <QObject>

#include <memory>

namespace confab::server {

// Lives on the store thread and owns everything that touches the database there.
class StoreWorker : public QObject
{
    Q_OBJECT

public:
    static constexpr qsizetype kMaxBatch = 256;

    StoreWorker(Store *store, DatabaseUrl url, std::shared_ptr<CommitAnnouncer> announcer);
    ~StoreWorker() override;

    bool open(QString *error);
    void close();
    void run(const std::function<void(StoreContext &)> &job);
    void append(PendingEvent event, ReplyTarget target, Store::AppendDone done);

private:
    bool connectToDatabase(QString *error);
    void disconnectFromDatabase();
    void retryAfterReconnect(const QList<PendingEvent> &events,
                             QList<protocol::Outcome<CommittedEvent>> &outcomes);
    void commitPending();

    struct Queued
    {
        PendingEvent event;
        ReplyTarget target;
        Store::AppendDone done;
    };

    Store *m_store;
    DatabaseUrl m_url;
    std::shared_ptr<CommitAnnouncer> m_announcer;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<AccountStore> m_accounts;
    std::unique_ptr<RoomStore> m_rooms;
    std::unique_ptr<TimelineStore> m_timeline;
    std::unique_ptr<WebhookJobStore> m_webhookJobs;
    QList<Queued> m_pending;
    bool m_commitScheduled = false;
};

} // namespace confab::server
