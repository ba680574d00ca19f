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
    m_db = std::make_unique<Database>(m_url, u"confab-store"_s);
    if (!m_db->open(error) || !Migrations::apply(*m_db, error)) {
        m_db.reset();
        return false;
    }
    m_accounts = std::make_unique<AccountStore>(*m_db);
    m_rooms = std::make_unique<RoomStore>(*m_db);
    m_timeline = std::make_unique<TimelineStore>(*m_db, *m_rooms, m_announcer.get());
    m_webhookJobs = std::make_unique<WebhookJobStore>(*m_db);
    qCInfo(lcStore) << "database ready:" << m_url.redacted();
    return true;
}

void StoreWorker::close()
{
    while (!m_pending.isEmpty())
        commitPending();
    m_webhookJobs.reset();
    m_timeline.reset();
    m_rooms.reset();
    m_accounts.reset();
    m_db.reset();
}

void StoreWorker::run(const std::function<void(StoreContext &)> &job)
{
    if (!m_db)
        return;
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

    const auto outcomes = m_timeline->commit(events, QDateTime::currentMSecsSinceEpoch());
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
