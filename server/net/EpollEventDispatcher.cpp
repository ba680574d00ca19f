#include "net/EpollEventDispatcher.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QTimerEvent>
#include <QVarLengthArray>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace confab::server {

Q_LOGGING_CATEGORY(lcDispatcher, "confab.net.dispatcher")

namespace {

// Ready descriptors taken per wait; more simply wait for the next iteration.
constexpr int kMaxReadyPerWait = 256;

// Hang-up and error wake every notifier of the socket, as Qt's own dispatcher does, so that
// whoever owns it reads the error whichever direction it is waiting for.
constexpr quint32 kAlwaysReported = EPOLLHUP | EPOLLERR;

quint32 epollEventsOf(QSocketNotifier::Type type)
{
    switch (type) {
    case QSocketNotifier::Read:
        return EPOLLIN;
    case QSocketNotifier::Write:
        return EPOLLOUT;
    case QSocketNotifier::Exception:
        return EPOLLPRI;
    }
    return 0;
}

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_epoll(epoll_create1(EPOLL_CLOEXEC))
    , m_wakeUpFd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (m_epoll < 0 || m_wakeUpFd < 0) {
        qCWarning(lcDispatcher) << "epoll is not available:" << std::strerror(errno);
        return;
    }
    epoll_event event {};
    event.events = EPOLLIN;
    event.data.fd = m_wakeUpFd;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeUpFd, &event) != 0) {
        qCWarning(lcDispatcher) << "cannot watch the wake-up descriptor:" << std::strerror(errno);
        ::close(m_wakeUpFd);
        m_wakeUpFd = -1;
    }
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    if (m_wakeUpFd >= 0)
        ::close(m_wakeUpFd);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.store(false);
    emit awake();
    QCoreApplication::sendPostedEvents();

    const bool wait = flags.testFlag(QEventLoop::WaitForMoreEvents);
    const bool withTimers = !flags.testFlag(QEventLoop::X11ExcludeTimers);
    const bool withSockets = !flags.testFlag(QEventLoop::ExcludeSocketNotifiers);
    if (wait)
        emit aboutToBlock();
    if (m_interrupted.load())
        return false;

    // An event posted while the handlers above ran has written the wake-up descriptor, so
    // waiting here cannot miss it.
    const int timeoutMs = !wait ? 0 : withTimers ? millisecondsToNextTimer() : -1;
    std::array<epoll_event, kMaxReadyPerWait> ready;
    int readyCount = epoll_wait(m_epoll, ready.data(), kMaxReadyPerWait, timeoutMs);
    if (readyCount < 0) {
        if (errno != EINTR)
            qCWarning(lcDispatcher) << "epoll_wait failed:" << std::strerror(errno);
        readyCount = 0;
    }

    int handled = 0;
    for (int i = 0; i < readyCount; ++i) {
        const int fd = ready[i].data.fd;
        if (fd == m_wakeUpFd) {
            drainWakeUps();
            ++handled;
        } else if (withSockets) {
            handled += activateSocket(fd, ready[i].events);
        }
    }
    if (withTimers)
        handled += activateDueTimers();
    return handled > 0;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    if (fd < 0)
        return;
    if (size_t(fd) >= m_sockets.size())
        m_sockets.resize(std::max(size_t(fd) + 1, m_sockets.size() * 2));
    Watched &watched = m_sockets[size_t(fd)];
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        watched.read = notifier;
        break;
    case QSocketNotifier::Write:
        watched.write = notifier;
        break;
    case QSocketNotifier::Exception:
        watched.exception = notifier;
        break;
    }
    updateInterest(fd, watched);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    Watched *watched = watchedSocket(fd);
    if (!watched)
        return;
    for (QSocketNotifier **slot : { &watched->read, &watched->write, &watched->exception }) {
        if (*slot == notifier)
            *slot = nullptr;
    }
    updateInterest(fd, *watched);
}

EpollEventDispatcher::Watched *EpollEventDispatcher::watchedSocket(int fd)
{
    if (fd < 0 || size_t(fd) >= m_sockets.size())
        return nullptr;
    Watched &watched = m_sockets[size_t(fd)];
    return watched.events != 0 ? &watched : nullptr;
}

void EpollEventDispatcher::updateInterest(int fd, Watched &watched)
{
    const quint32 wanted = (watched.read ? epollEventsOf(QSocketNotifier::Read) : 0)
        | (watched.write ? epollEventsOf(QSocketNotifier::Write) : 0)
        | (watched.exception ? epollEventsOf(QSocketNotifier::Exception) : 0);
    if (wanted == watched.events)
        return;

    epoll_event event {};
    event.events = wanted;
    event.data.fd = fd;
    int result = 0;
    if (wanted == 0) {
        // The descriptor may already be closed, which removed it from the interest list.
        result = epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, &event);
        if (result != 0 && (errno == EBADF || errno == ENOENT))
            result = 0;
    } else if (watched.events == 0) {
        result = epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
        if (result != 0 && errno == EEXIST)
            result = epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
    } else {
        // A descriptor closed and reused without being unregistered first is new to epoll.
        result = epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
        if (result != 0 && errno == ENOENT)
            result = epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
    }
    if (result != 0)
        qCWarning(lcDispatcher) << "cannot watch socket" << fd << ":" << std::strerror(errno);

    watched.events = wanted;
}

int EpollEventDispatcher::activateSocket(int fd, quint32 events)
{
    // Each handler may close or re-register the socket, so its notifiers are looked up again
    // before each one is told.
    int activated = 0;
    for (const auto type :
         { QSocketNotifier::Read, QSocketNotifier::Write, QSocketNotifier::Exception }) {
        if (!(events & (epollEventsOf(type) | kAlwaysReported)))
            continue;
        const Watched *watched = watchedSocket(fd);
        if (!watched)
            return activated;
        QSocketNotifier *notifier = type == QSocketNotifier::Read ? watched->read
            : type == QSocketNotifier::Write                      ? watched->write
                                                                  : watched->exception;
        if (!notifier)
            continue;
        QEvent activation(QEvent::SockAct);
        QCoreApplication::sendEvent(notifier, &activation);
        ++activated;
    }
    return activated;
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object)
{
    unregisterTimer(timerId);
    Timer &timer = m_timers[timerId];
    timer.object = object;
    timer.intervalMs = std::max<qint64>(interval, 0);
    timer.type = timerType;
    timer.due = Clock::now() + std::chrono::milliseconds(timer.intervalMs);
    m_timerQueue.insert({ timer.due, timerId });
    m_timerIdsByObject.emplace(object, timerId);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    m_timerQueue.erase({ it->second.due, timerId });
    const auto [first, last] = m_timerIdsByObject.equal_range(it->second.object);
    for (auto owned = first; owned != last; ++owned) {
        if (owned->second == timerId) {
            m_timerIdsByObject.erase(owned);
            break;
        }
    }
    m_timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    const auto [first, last] = m_timerIdsByObject.equal_range(object);
    if (first == last)
        return false;
    for (auto owned = first; owned != last; ++owned) {
        const auto it = m_timers.find(owned->second);
        m_timerQueue.erase({ it->second.due, it->first });
        m_timers.erase(it);
    }
    m_timerIdsByObject.erase(first, last);
    return true;
}

QList<QAbstractEventDispatcher::TimerInfo>
EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> timers;
    const auto [first, last] = m_timerIdsByObject.equal_range(object);
    for (auto owned = first; owned != last; ++owned) {
        const Timer &timer = m_timers.at(owned->second);
        timers.append(TimerInfo(owned->second, int(timer.intervalMs), timer.type));
    }
    return timers;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return -1;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(it->second.due - Clock::now());
    return int(std::clamp<qint64>(left.count(), 0, INT_MAX));
}

int EpollEventDispatcher::millisecondsToNextTimer() const
{
    // A timer whose handler is still running (in a nested event loop) is not due again until it
    // returns; counting it would make the nested loop spin.
    for (const auto &[due, id] : m_timerQueue) {
        if (m_timers.at(id).firing)
            continue;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(due - Clock::now());
        return int(std::clamp<qint64>(left.count(), 0, INT_MAX));
    }
    return -1;
}

int EpollEventDispatcher::activateDueTimers()
{
    if (m_timerQueue.empty())
        return 0;
    const auto now = Clock::now();
    QVarLengthArray<int, 16> dueIds;
    for (const auto &[due, id] : m_timerQueue) {
        if (due > now)
            break;
        dueIds.append(id);
    }

    int activated = 0;
    for (const int id : dueIds) {
        auto it = m_timers.find(id);
        if (it == m_timers.end() || it->second.firing)
            continue;
        Timer &timer = it->second;
        // The next due time is set before the handler runs, so that a handler which restarts
        // or kills its timer finds it in a consistent state. A timer that fell behind skips
        // the missed intervals rather than firing in a burst.
        const auto interval = std::chrono::milliseconds(timer.intervalMs);
        auto next = timer.due + interval;
        if (next < now)
            next = now + interval;
        schedule(id, timer, next);
        timer.firing = true;
        QObject *object = timer.object;

        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        ++activated;

        it = m_timers.find(id);
        if (it != m_timers.end())
            it->second.firing = false;
    }
    return activated;
}

void EpollEventDispatcher::schedule(int timerId, Timer &timer, Clock::time_point due)
{
    m_timerQueue.erase({ timer.due, timerId });
    timer.due = due;
    m_timerQueue.insert({ due, timerId });
}

void EpollEventDispatcher::wakeUp()
{
    // Many threads post to a busy socket thread; one pending write to the descriptor is
    // enough to wake it, the rest would only cost system calls.
    if (m_wakeUpPending.exchange(true))
        return;
    const quint64 one = 1;
    while (::write(m_wakeUpFd, &one, sizeof one) < 0 && errno == EINTR) { }
}

void EpollEventDispatcher::drainWakeUps()
{
    // Read before clearing the flag: a wakeUp() that finds the flag still set skipped its
    // write, and its event was posted before that, so the next sendPostedEvents() sees it.
    quint64 count = 0;
    while (::read(m_wakeUpFd, &count, sizeof count) < 0 && errno == EINTR) { }
    m_wakeUpPending.store(false);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true);
    wakeUp();
}

} // namespace confab::server
