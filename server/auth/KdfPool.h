#pragma once

#include "auth/PasswordHasher.h"

#include <QObject>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <optional>

namespace confab::server {

// Runs password hashing on a few dedicated threads. A hash costs hundreds of milliseconds of
// CPU and 128 MiB of memory, so it must never run on a socket thread, and the number of jobs
// queued or running is bounded: past the bound the caller is told to come back later
// (server_busy) rather than the queue growing without end.
//
// Every method may be called from any thread. `done` runs in the thread of `context`, and not
// at all if `context` is destroyed first.
class KdfPool : public QObject
{
    Q_OBJECT

public:
    KdfPool(int workers, int queueLimit, int log2N, QObject *parent = nullptr);
    // Drops jobs that have not started and waits for the running ones.
    ~KdfPool() override;

    // False, without queuing, when the pool is full. `encoded` is empty if hashing failed.
    bool hashPassword(const QString &password, QObject *context,
                      std::function<void(QString encoded)> done);
    // For an unknown user pass std::nullopt: the same work is spent on a dummy hash and the
    // answer is false, so the time taken does not reveal whether the user exists.
    bool verifyPassword(const QString &password, const std::optional<QString> &encoded,
                        QObject *context, std::function<void(bool matches)> done);

    // How long a refused caller should wait, estimated from the queue and the measured cost of
    // a job; at least 500 ms.
    qint64 suggestedRetryAfterMs() const;
    // Jobs queued or running.
    int pendingJobs() const { return m_pending.load(); }

private:
    bool reserveSlot();
    void run(QObject *context, std::function<void()> work, std::function<void()> deliver);

    const int m_workers;
    const int m_queueLimit;
    const PasswordHasher m_hasher;
    const QString m_dummyHash;
    std::atomic<int> m_pending { 0 };
    std::atomic<qint64> m_jobMs;
    QThreadPool m_threads;
};

} // namespace confab::server
