#include "auth/KdfPool.h"

#include <QElapsedTimer>
#include <QThread>

#include <algorithm>
#include <memory>

namespace confab::server {

using namespace Qt::StringLiterals;

namespace {

// A first guess until real jobs have been timed: one hash at N=2^17 takes about half a second
// on a modest x86-64 core, and each step of log2N doubles it.
qint64 initialJobEstimateMs(int log2N)
{
    constexpr int kReferenceLog2N = 17;
    constexpr qint64 kReferenceMs = 500;
    return log2N >= kReferenceLog2N
        ? kReferenceMs << (log2N - kReferenceLog2N)
        : std::max<qint64>(1, kReferenceMs >> (kReferenceLog2N - log2N));
}

// A well-formed hash that no password produces in practice; verifying against it costs what
// verifying a real user's password costs.
QString dummyHash(int log2N)
{
    return u"scrypt$ln=%1,r=8,p=1$%2$%3"_s.arg(log2N).arg(QString(22, u'A'), QString(43, u'A'));
}

} // namespace

// Carries a finished job back to the caller's thread. A queued signal connection is used
// rather than QMetaObject::invokeMethod(context, …) from the worker because Qt severs the
// connection, and drops events already posted, when `context` is destroyed on its own thread;
// the worker never touches a pointer that may have died meanwhile.
class KdfRelay : public QObject
{
    Q_OBJECT

signals:
    void finished();
};

KdfPool::KdfPool(int workers, int queueLimit, int log2N, QObject *parent)
    : QObject(parent)
    , m_workers(std::max(1, workers))
    , m_queueLimit(std::max(1, queueLimit))
    , m_hasher(log2N)
    , m_dummyHash(dummyHash(m_hasher.log2N()))
    , m_jobMs(initialJobEstimateMs(m_hasher.log2N()))
{
    m_threads.setObjectName(u"KdfPool"_s);
    m_threads.setMaxThreadCount(m_workers);
}

KdfPool::~KdfPool()
{
    m_threads.clear();
    m_threads.waitForDone();
}

bool KdfPool::hashPassword(const QString &password, QObject *context,
                           std::function<void(QString encoded)> done)
{
    if (!reserveSlot())
        return false;
    auto encoded = std::make_shared<QString>();
    run(
        context, [this, password, encoded] { *encoded = m_hasher.hash(password); },
        [done = std::move(done), encoded] { done(*encoded); });
    return true;
}

bool KdfPool::verifyPassword(const QString &password, const std::optional<QString> &encoded,
                             QObject *context, std::function<void(bool matches)> done)
{
    if (!reserveSlot())
        return false;
    auto matches = std::make_shared<bool>(false);
    run(
        context,
        [this, password, encoded, matches] {
            if (encoded)
                *matches = m_hasher.verify(password, *encoded);
            else
                m_hasher.verify(password, m_dummyHash);
        },
        [done = std::move(done), matches] { done(*matches); });
    return true;
}

qint64 KdfPool::suggestedRetryAfterMs() const
{
    // Everything ahead of the caller has to drain through m_workers threads first.
    const qint64 rounds = (qint64(m_pending.load()) + m_workers - 1) / m_workers;
    return std::max<qint64>(500, rounds * m_jobMs.load());
}

bool KdfPool::reserveSlot()
{
    int pending = m_pending.load();
    do {
        if (pending >= m_queueLimit)
            return false;
    } while (!m_pending.compare_exchange_weak(pending, pending + 1));
    return true;
}

void KdfPool::run(QObject *context, std::function<void()> work, std::function<void()> deliver)
{
    Q_ASSERT(context);
    // The relay belongs to the job: without thread affinity it can be adopted by the worker
    // that runs the job, or deleted by the destructor's clear() if the job never starts.
    auto relay = std::make_shared<KdfRelay>();
    connect(relay.get(), &KdfRelay::finished, context, std::move(deliver), Qt::QueuedConnection);
    relay->moveToThread(nullptr);

    m_threads.start([this, relay, work = std::move(work)]() mutable {
        relay->moveToThread(QThread::currentThread());
        QElapsedTimer timer;
        timer.start();
        work();
        const qint64 elapsed = timer.elapsed();
        // A rough moving average is enough for a retry hint; concurrent updates may lose one.
        m_jobMs.store((m_jobMs.load() * 3 + elapsed) / 4);
        --m_pending;
        emit relay->finished();
        relay.reset();
    });
}

} // namespace confab::server

#include "KdfPool.moc"
