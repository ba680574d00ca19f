#include "Store.h"

#include "Database.h"
#include "Migrations.h"
#include "StoreErrors.h"
#include "StoreWorker.h"

#include <QDateTime>
#include <QLoggingCategory>

namespace confab::server {

Q_DECLARE_LOGGING_CATEGORY(lcStore)

using namespace Qt::StringLiterals;

namespace {

bool isStoreFailure(const protocol::Outcome<CommittedEvent> &outcome)
{
    return !outcome && outcome.error().code == protocol::ErrorCode::InternalError;
}

} // namespace

Store::Store(DatabaseUrl url, QObject *parent)
    : QObject(parent)
    , m_url(std::move(url))
{
    m_thread.setObjectName(u"store"_s);
}

Store::~Store()
{
    stop();
}

bool Store::start(QString *error)
{
    m_worker = new StoreWorker(this, m_url, m_announcer);
    m_worker->moveToThread(&m_thread);
    m_thread.start();
    bool opened = false;
    QMetaObject::invokeMethod(
        m_worker, [&] { opened = m_worker->open(error); }, Qt::BlockingQueuedConnection);
    if (!opened)
        stop();
    return opened;
}

void Store::stop()
{
    if (!m_worker)
        return;
    QMetaObject::invokeMethod(
        m_worker, [this] { m_worker->close(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_worker;
    m_worker = nullptr;
}

void Store::run(std::function<void(StoreContext &)> job)
{
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, job = std::move(job)] { worker->run(job); },
        Qt::QueuedConnection);
}

void Store::append(PendingEvent event, const ReplyTarget &target, AppendDone done)
{
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, event = std::move(event), target, done = std::move(done)]() mutable {
            worker->append(std::move(event), target, std::move(done));
        },
        Qt::QueuedConnection);
}

StoreWorker::StoreWorker(Store *store, DatabaseUrl url, std::shared_ptr<CommitAnnouncer> announcer)
    : m_store(store)
    , m_url(std::move(url))
    , m_announcer(std::move(announcer))
{ }

StoreWorker::~StoreWorker() = default;

bool StoreWorker::open(QString *error)
{
    if (!connectToDatabase(error) || !Migrations::apply(*m_db, error)) {
        disconnectFromDatabase();
        return false;
    }
    qCInfo(lcStore) << "database ready:" << m_url.redacted();
    return true;
}

// The repositories are made even when the connection cannot be opened: their queries then
// fail cleanly, as on a lost connection, until the next attempt succeeds.
bool StoreWorker::connectToDatabase(QString *error)
{
    m_db = std::make_unique<Database>(m_url, u"confab-store"_s);
    // A request that meets a connection PostgreSQL ended is run again on a new one, so that
    // nobody sees the cut.
    m_db->setReconnectWhenLost(true);
    const bool opened = m_db->open(error);
    m_accounts = std::make_unique<AccountStore>(*m_db);
    m_rooms = std::make_unique<RoomStore>(*m_db);
    m_timeline = std::make_unique<TimelineStore>(*m_db, *m_rooms, m_announcer.get());
    m_webhookJobs = std::make_unique<WebhookJobStore>(*m_db);
    return opened;
}

void StoreWorker::disconnectFromDatabase()
{
    m_webhookJobs.reset();
    m_timeline.reset();
    m_rooms.reset();
    m_accounts.reset();
    m_db.reset();
}

void StoreWorker::retryAfterReconnect(const QList<PendingEvent> &events,
                                      QList<protocol::Outcome<CommittedEvent>> &outcomes)
{
    QList<qsizetype> failed;
    for (qsizetype i = 0; i < outcomes.size(); ++i) {
        if (isStoreFailure(outcomes.at(i)))
            failed.append(i);
    }
    if (failed.isEmpty() || !m_db->reconnectIfLost())
        return;
    // What failed for a lost connection was not stored: it is committed once more on the new
    // connection, and its senders never see the failure.
    QList<PendingEvent> again;
    for (qsizetype i : std::as_const(failed))
        again.append(events.at(i));
    const auto retried = m_timeline->commit(again, QDateTime::currentMSecsSinceEpoch());
    for (qsizetype i = 0; i < failed.size(); ++i)
        outcomes[failed.at(i)] = retried.at(i);
}

void StoreWorker::close()
{
    while (!m_pending.isEmpty() && m_db)
        commitPending();
    disconnectFromDatabase();
}

void StoreWorker::run(const std::function<void(StoreContext &)> &job)
{
    if (!m_db)
        return;
    // A job answers from inside itself and is not run again; with no results of an earlier
    // job held open, its first statement may meet a lost connection and still succeed.
    m_db->releaseResults();
    StoreContext context { *m_accounts, *m_rooms, *m_timeline, *m_webhookJobs };
    job(context);
}

void StoreWorker::append(PendingEvent event, ReplyTarget target, Store::AppendDone done)
{
    m_pending.append({ std::move(event), std::move(target), std::move(done) });
    // Appends that arrive while this commit is queued or running join the next batch: the
    // batch grows with the load, and one fsync covers all of it.
    if (!m_commitScheduled) {
        m_commitScheduled = true;
        QMetaObject::invokeMethod(this, &StoreWorker::commitPending, Qt::QueuedConnection);
    }
}

void StoreWorker::commitPending()
{
    m_commitScheduled = false;
    if (m_pending.isEmpty() || !m_db)
        return;
    const qsizetype count = std::min(m_pending.size(), kMaxBatch);
    QList<Queued> batch(m_pending.cbegin(), m_pending.cbegin() + count);
    m_pending.remove(0, count);

    QList<PendingEvent> events;
    events.reserve(count);
    for (const auto &queued : batch)
        events.append(queued.event);

    auto outcomes = m_timeline->commit(events, QDateTime::currentMSecsSinceEpoch());
    retryAfterReconnect(events, outcomes);
    QList<protocol::Event> committed;
    for (qsizetype i = 0; i < count; ++i) {
        const auto &outcome = outcomes.at(i);
        if (outcome && !outcome->duplicate)
            committed.append(outcome->event);
        batch[i].target.post([done = batch[i].done, outcome] { done(outcome); });
    }
    if (!committed.isEmpty())
        emit m_store->eventsCommitted(committed);

    if (!m_pending.isEmpty() && !m_commitScheduled) {
        m_commitScheduled = true;
        QMetaObject::invokeMethod(this, &StoreWorker::commitPending, Qt::QueuedConnection);
    }
}

} // namespace confab::server
