#include "Sender.h"

#include "Frame.h"
#include "Measure.h"
#include "net/TlsContext.h"

#include <cmath>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace confab::bench::floor {

using namespace Qt::StringLiterals;

namespace {

constexpr int kTickNs = 1'000'000; // as the load generator's fan-out timer
constexpr int kWaitMs = 30'000;

} // namespace

Sender::Sender(const server::TlsContext *tls, int listener, int connections, int members,
               int frameBytes, int control)
    : m_tls(tls)
    , m_listener(listener)
    , m_connections(size_t(connections))
    , m_members(members)
    , m_frameBytes(frameBytes)
    , m_control(control)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
    , m_timer(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC))
{ }

Sender::~Sender()
{
    ::close(m_timer);
    ::close(m_epoll);
}

QString Sender::acceptAll()
{
    watch(m_epoll, m_listener, EPOLLIN, &m_listener);
    watch(m_epoll, m_control, EPOLLIN, &m_control);
    size_t accepted = 0;
    size_t established = 0;
    bool receiverReady = false;
    std::vector<epoll_event> events(1024);
    while (established < m_connections.size() || !receiverReady) {
        const int count = ::epoll_wait(m_epoll, events.data(), int(events.size()), kWaitMs);
        if (count <= 0)
            return u"the connections were not all made within 30 s"_s;
        for (int i = 0; i < count; ++i) {
            void *owner = events[size_t(i)].data.ptr;
            if (owner == &m_control) {
                Tag tag {};
                if (!readControl(m_control, &tag, 1) || tag != Tag::Ready)
                    return u"the receiving side could not connect"_s;
                receiverReady = true;
                continue;
            }
            if (owner == &m_listener) {
                for (;;) {
                    const int fd
                        = ::accept4(m_listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0)
                        break;
                    if (accepted == m_connections.size()) {
                        ::close(fd);
                        return u"more connections than asked for"_s;
                    }
                    FloorConnection &connection = m_connections[accepted++];
                    connection.fd = fd;
                    setNoDelay(fd);
                    if (!m_tls) {
                        connection.established = true;
                        ++established;
                        continue;
                    }
                    connection.ssl = m_tls->newConnection();
                    SSL_set_fd(connection.ssl, fd);
                    SSL_set_accept_state(connection.ssl);
                    // A record the kernel takes only in part is finished from the pending copy,
                    // which may move as more is appended.
                    SSL_set_mode(connection.ssl,
                                 SSL_MODE_ENABLE_PARTIAL_WRITE
                                     | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
                    watch(m_epoll, fd, EPOLLIN, &connection);
                }
                continue;
            }
            auto &connection = *static_cast<FloorConnection *>(owner);
            if (connection.established)
                continue;
            const auto step = connection.handshake();
            if (step == FloorConnection::Step::Failed)
                return u"a TLS handshake failed"_s;
            if (step == FloorConnection::Step::Done) {
                connection.established = true;
                ++established;
                // Nothing more is read: the clients send nothing once they are in.
                ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, connection.fd, nullptr);
            }
        }
    }
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, m_listener, nullptr);
    watch(m_epoll, m_timer, EPOLLIN, &m_timer);
    return {};
}

QString Sender::runRate(int deliveriesPerS, int seconds, RateFigures *figures)
{
    const int rooms = int(m_connections.size()) / m_members;
    const double messagesPerS = double(deliveriesPerS) / m_members;
    const qint64 total = qint64(std::llround(messagesPerS * seconds));
    const double intervalNs = 1e9 / messagesPerS;
    figures->offeredPerS = deliveriesPerS;
    const qint64 cpuStart = processCpuNs();
    const qint64 start = nowNs();
    itimerspec period {};
    period.it_interval.tv_nsec = kTickNs;
    period.it_value.tv_nsec = kTickNs;
    ::timerfd_settime(m_timer, 0, &period, nullptr);

    std::string frame = makeFrame(m_frameBytes);
    qint64 next = 0;
    bool ended = false;
    std::vector<epoll_event> events(1024);
    for (;;) {
        const int count = ::epoll_wait(m_epoll, events.data(), int(events.size()), kWaitMs);
        if (count <= 0)
            return u"no result from the receiving side within 30 s"_s;
        for (int i = 0; i < count; ++i) {
            void *owner = events[size_t(i)].data.ptr;
            if (owner == &m_timer) {
                quint64 ticks = 0;
                [[maybe_unused]] const auto n = ::read(m_timer, &ticks, sizeof ticks);
                const qint64 now = nowNs();
                for (; next < total; ++next) {
                    const qint64 due = start + qint64(double(next) * intervalNs);
                    if (due > now)
                        break;
                    setDue(frame, due);
                    const size_t first = size_t(next % rooms) * size_t(m_members);
                    for (size_t m = first; m < first + size_t(m_members); ++m)
                        deliver(m_connections[m], frame, figures);
                }
                if (next == total && !ended) {
                    ended = true;
                    figures->sent = total * m_members;
                    const itimerspec stopped {};
                    ::timerfd_settime(m_timer, 0, &stopped, nullptr);
                    if (!sendControl(m_control, Tag::End, figures->sent))
                        return u"the receiving side is gone"_s;
                }
            } else if (owner == &m_control) {
                Tag tag {};
                if (!readControl(m_control, &tag, 1) || tag != Tag::Result
                    || !readControl(m_control, &figures->received, sizeof figures->received))
                    return u"the receiving side failed"_s;
                figures->senderCpuNs = processCpuNs() - cpuStart;
                figures->wallNs = figures->received.lastDeliveryNs - start;
                return {};
            } else {
                flush(*static_cast<FloorConnection *>(owner));
            }
        }
    }
}

void Sender::deliver(FloorConnection &connection, const std::string &frame, RateFigures *figures)
{
    if (!connection.pending.empty()) {
        connection.pending += frame;
        return;
    }
    const int n = connection.writeSome(frame.data(), int(frame.size()));
    if (n == int(frame.size()))
        return;
    if (n < 0) {
        ++figures->failedWrites;
        return;
    }
    ++figures->blockedWrites;
    connection.pending.assign(frame, size_t(n));
    watch(m_epoll, connection.fd, EPOLLOUT, &connection);
}

void Sender::flush(FloorConnection &connection)
{
    while (!connection.pending.empty()) {
        const int n
            = connection.writeSome(connection.pending.data(), int(connection.pending.size()));
        if (n == 0)
            return;
        if (n < 0) {
            connection.pending.clear(); // lost, and counted so by the receiver
            break;
        }
        connection.pending.erase(0, size_t(n));
    }
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, connection.fd, nullptr);
}

} // namespace confab::bench::floor
