#pragma once

#include "AccountStore.h"
#include "DatabaseUrl.h"
#include "ReplyTarget.h"
#include "RoomStore.h"
#include "TimelineStore.h"
#include "WebhookJobStore.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace confab::server {

class CommitAnnouncer;
class Database;
class StoreWorker;

// What a job running on the store thread may use.
struct StoreContext
{
    AccountStore &accounts;
    RoomStore &rooms;
    TimelineStore &timeline;
    WebhookJobStore &webhookJobs;
};

// The only door to the database. All database work runs on the store's own thread, never on
// a socket thread: callers hand in a job and get its result back in their own thread.
// Timeline events go through a queue that commits them in batches (group commit); each is
// acknowledged, and announced by eventsCommitted(), only after its transaction committed.
class Store : public QObject
{
    Q_OBJECT

public:
    explicit Store(DatabaseUrl url, QObject *parent = nullptr);
    ~Store() override;

    // Set before start(): told of every batch inside its transaction.
    void setAnnouncer(std::shared_ptr<CommitAnnouncer> announcer) { m_announcer = announcer; }

    // Opens the database and migrates the schema; blocks until done.
    bool start(QString *error);
    // Commits everything queued, closes the database and joins the thread.
    void stop();

    Dialect dialect() const { return m_url.dialect; }

    template<typename Result>
    void call(const ReplyTarget &target, std::function<Result(StoreContext &)> job,
              std::function<void(Result)> done)
    {
        run([target, job = std::move(job), done = std::move(done)](StoreContext &context) {
            auto result = std::make_shared<Result>(job(context));
            target.post([done, result] { done(std::move(*result)); });
        });
    }

    using AppendDone = std::function<void(protocol::Outcome<CommittedEvent>)>;
    void append(PendingEvent event, const ReplyTarget &target, AppendDone done);

signals:
    // Emitted on the store thread after commit; receivers must be thread-safe.
    void eventsCommitted(const QList<protocol::Event> &events);

private:
    void run(std::function<void(StoreContext &)> job);

    DatabaseUrl m_url;
    std::shared_ptr<CommitAnnouncer> m_announcer;
    QThread m_thread;
    StoreWorker *m_worker = nullptr;
};

} // namespace confab::server
