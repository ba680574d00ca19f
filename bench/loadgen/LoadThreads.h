#pragma once

#include <QList>
#include <QObject>
#include <QThread>

#include <functional>

namespace confab::bench {

// The generator's event-loop threads. Connections are spread over them round-robin and live
// on their thread for good; the scenarios on the main thread reach them only through run().
class LoadThreads
{
public:
    explicit LoadThreads(int count);
    ~LoadThreads();

    int count() const { return int(m_threads.size()); }
    int threadOf(int connection) const { return connection % count(); }
    // An object living on thread i: a parent for that thread's clients and timers.
    QObject *context(int i) const { return m_contexts.at(i); }

    // Runs job on thread i and returns at once.
    void post(int i, std::function<void()> job) const;
    // Runs job on every thread (with the thread's index) and waits for all of them; what the
    // jobs wrote is then visible to the caller.
    void runEverywhere(const std::function<void(int)> &job) const;

private:
    QList<QThread *> m_threads;
    QList<QObject *> m_contexts;
};

} // namespace confab::bench
