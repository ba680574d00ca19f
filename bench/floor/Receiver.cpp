#include "Receiver.h"

#include "Frame.h"
#include "Measure.h"
#include "net/TlsContext.h"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace confab::bench::floor {

namespace {

constexpr int kHandshakesInFlight = 256;
constexpr int kHandshakeWaitMs = 10'000;
constexpr qint64 kDrainTimeoutNs = 10'000'000'000;

} // namespace

Receiver::Receiver(const server::TlsContext *tls, int port, int connections, int control)
    : m_tls(tls)
    , m_port(port)
    , m_connections(size_t(connections))
    , m_control(control)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
    , m_buffer(64 * 1024)
{ }

Receiver::~Receiver()
{
    ::close(m_epoll);
}

int Receiver::run()
{
    watch(m_epoll, m_control, EPOLLIN, &m_control);
    if (!connectAll() || !sendControl(m_control, Tag::Ready))
        return fail();
    startCounting();
    std::vector<epoll_event> events(1024);
    for (;;) {
        const int count
            = ::epoll_wait(m_epoll, events.data(), int(events.size()), m_ending ? 100 : -1);
        if (count < 0 && errno != EINTR)
            return fail();
        const qint64 now = nowNs();
        for (int i = 0; i < count; ++i) {
            void *owner = events[size_t(i)].data.ptr;
            if (owner == &m_control) {
                if (!onControl())
                    return 0;
                continue;
            }
            readFrames(*static_cast<FloorConnection *>(owner), now);
        }
        if (m_ending && (m_delivered >= m_expected || now > m_endNs + kDrainTimeoutNs)) {
            if (!report())
                return fail();
            m_ending = false;
        }
    }
}

bool Receiver::connectAll()
{
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(quint16(m_port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    size_t opened = 0;
    size_t established = 0;
    int inFlight = 0;
    std::vector<epoll_event> events(1024);
    while (established < m_connections.size()) {
        for (; opened < m_connections.size() && inFlight < kHandshakesInFlight; ++opened) {
            FloorConnection &connection = m_connections[opened];
            connection.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (connection.fd < 0
                || (::connect(connection.fd, reinterpret_cast<sockaddr *>(&address), sizeof address)
                        != 0
                    && errno != EINPROGRESS))
                return false;
            setNoDelay(connection.fd);
            if (m_tls) {
                connection.ssl = m_tls->newConnection();
                SSL_set_fd(connection.ssl, connection.fd);
                SSL_set_connect_state(connection.ssl);
            }
            watch(m_epoll, connection.fd, EPOLLIN | EPOLLOUT, &connection);
            ++inFlight;
        }
        const int count
            = ::epoll_wait(m_epoll, events.data(), int(events.size()), kHandshakeWaitMs);
        if (count <= 0)
            return false;
        for (int i = 0; i < count; ++i) {
            void *owner = events[size_t(i)].data.ptr;
            if (owner == &m_control)
                return false; // the sender gave up
            auto &connection = *static_cast<FloorConnection *>(owner);
            if (connection.established)
                continue;
            const auto step = connection.handshake();
            if (step == FloorConnection::Step::Failed)
                return false;
            if (step == FloorConnection::Step::Done) {
                connection.established = true;
                ++established;
                --inFlight;
                watch(m_epoll, connection.fd, EPOLLIN, &connection);
            }
        }
    }
    return true;
}

bool Receiver::onControl()
{
    Tag tag {};
    if (!readControl(m_control, &tag, 1) || tag != Tag::End
        || !readControl(m_control, &m_expected, sizeof m_expected))
        return false;
    m_ending = true;
    m_endNs = nowNs();
    return true;
}

void Receiver::startCounting()
{
    m_latencies.clear();
    m_delivered = 0;
    m_errors = 0;
    m_lastDeliveryNs = 0;
    m_cpuStartNs = processCpuNs();
}

void Receiver::readFrames(FloorConnection &connection, qint64 now)
{
    for (;;) {
        const int n = connection.readSome(m_buffer.data(), int(m_buffer.size()));
        if (n <= 0) {
            if (n < 0) {
                ++m_errors;
                ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, connection.fd, nullptr);
            }
            return;
        }
        if (connection.partial.empty()) {
            const size_t used = takeFrames(m_buffer.data(), size_t(n), now);
            connection.partial.assign(m_buffer.data() + used, size_t(n) - used);
        } else {
            connection.partial.append(m_buffer.data(), size_t(n));
            const size_t used
                = takeFrames(connection.partial.data(), connection.partial.size(), now);
            connection.partial.erase(0, used);
        }
    }
}

size_t Receiver::takeFrames(const char *data, size_t size, qint64 now)
{
    size_t used = 0;
    while (size - used >= size_t(kMinFrameBytes)) {
        const size_t frameBytes = frameBytesAt(data + used);
        if (size - used < frameBytes)
            break;
        m_latencies.addNs(now - dueAt(data + used));
        ++m_delivered;
        m_lastDeliveryNs = now;
        used += frameBytes;
    }
    return used;
}

bool Receiver::report()
{
    Result result;
    result.cpuNs = processCpuNs() - m_cpuStartNs;
    result.delivered = m_delivered;
    result.lastDeliveryNs = m_lastDeliveryNs;
    result.errors = m_errors;
    const Latencies::Percentiles latency = m_latencies.percentiles();
    result.p50Ms = latency.p50Ms;
    result.p99Ms = latency.p99Ms;
    result.maxMs = latency.maxMs;
    startCounting();
    return sendControl(m_control, Tag::Result, result);
}

int Receiver::fail()
{
    sendControl(m_control, Tag::Failed);
    return 1;
}

} // namespace confab::bench::floor
