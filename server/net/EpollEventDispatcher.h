#pragma once

#include <QAbstractEventDispatcher>

#include <atomic>
#include <chrono>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

class QSocketNotifier;

namespace confab::server {

// An event dispatcher for the threads that serve connections. Qt's own dispatchers (glib's
// and the plain Unix one) hand every registered socket to poll() on every loop iteration, so
// with thousands of mostly idle connections each delivery pays for all of them. epoll keeps
// the interest list in the kernel and returns only the ready sockets.
//
// Timers are precise whatever their Qt::TimerType: a server thread has few of them and
// coalescing them would buy nothing here.
class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT

public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    // False when the kernel refused the epoll or eventfd descriptor; the thread should then
    // keep Qt's own dispatcher.
    bool isValid() const { return m_epoll >= 0 && m_wakeUpFd >= 0; }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    using Clock = std::chrono::steady_clock;

    struct Watched
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        quint32 events = 0; // as registered with epoll_ctl
    };

    struct Timer
    {
        QObject *object = nullptr;
        qint64 intervalMs = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        Clock::time_point due;
        bool firing = false; // a timer never interrupts its own handler
    };

    // The socket's slot, or null when it is not watched.
    Watched *watchedSocket(int fd);
    void updateInterest(int fd, Watched &watched);
    int millisecondsToNextTimer() const;
    int activateSocket(int fd, quint32 events);
    int activateDueTimers();
    void drainWakeUps();
    void schedule(int timerId, Timer &timer, Clock::time_point due);

    int m_epoll = -1;
    int m_wakeUpFd = -1;
    std::atomic_bool m_wakeUpPending = false;
    std::atomic_bool m_interrupted = false;
    // Indexed by descriptor: descriptors are small and dense, and a look-up per readiness
    // event in a hash of thousands of sockets missed the cache each time. A slot with no
    // events registered is a socket not watched.
    std::vector<Watched> m_sockets;
    std::unordered_map<int, Timer> m_timers;
    std::set<std::pair<Clock::time_point, int>> m_timerQueue; // (due, timer id)
    // Destroying an object with running timers asks for all of its timers at once; with a
    // timer per connection a scan of every timer would make mass disconnects quadratic.
    std::unordered_multimap<QObject *, int> m_timerIdsByObject;
};

} // namespace confab::server
