#pragma once

#include "Store.h"

#include <QElapsedTimer>
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
    // After this long without a job, the connection is checked (one round trip) before the
    // next: a job is not retried, so a connection that PostgreSQL ended meanwhile must be
    // found before a request meets it. Under load jobs come closer together and pay nothing.
    static constexpr qint64 kIdleCheckMs = 100;

    StoreWorker(Store *store, DatabaseUrl url, std::shared_ptr<CommitAnnouncer> announcer);
    ~StoreWorker() override;

    bool open(QString *error);
    void close();
    void run(const std::function<void(StoreContext &)> &job);
    void append(PendingEvent event, ReplyTarget target, Store::AppendDone done);

private:
    bool connectToDatabase(QString *error);
    void disconnectFromDatabase();
    // Connects again when the connection turns out to be lost; true when it did.
    bool reconnectIfLost();
    void checkConnectionIfIdle();
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
    QElapsedTimer m_lastUse;
};

} // namespace confab::server
