// The floor under the fan-out: what loopback TCP and OpenSSL alone cost per delivery on this
// machine, with nothing of Confab's in between. One process plays the server's side (TLS
// server, one record and one send() per recipient, as confabd writes a push) and a forked one
// the clients' side (every connection in one epoll set, each record decrypted and its send time
// read out of the frame). Each runs one thread with the TLS contexts confabd and the load
// generator use, in the fan-out's shape: rooms of members, one message a room at a time, open
// loop. Whatever rate this cannot carry with a low p99, confabd and its clients cannot either.
// With --plain the same runs without TLS, which leaves the kernel's part. See
// docs/benchmarks.md, "The floor under the fan-out, measured".
//
//   confab-tls-floor [--connections 10000] [--members 100] [--rates 20000,60000,100000]
//                    [--seconds 10] [--frame-bytes 240] [--plain] [--json FILE]
#include "net/TlsContext.h"
#include "net/TlsIdentity.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <string>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vector>

using namespace Qt::StringLiterals;
using confab::server::TlsContext;
using confab::server::TlsIdentity;

namespace {

QTextStream out(stdout);

constexpr int kHandshakesInFlight = 256;
constexpr qint64 kDrainTimeoutNs = 10'000'000'000;
constexpr int kHeaderBytes = 4; // a server's WebSocket text frame of 126 to 65,535 bytes
constexpr int kTickNs = 1'000'000;

qint64 clockNs(clockid_t clock)
{
    timespec now {};
    clock_gettime(clock, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

qint64 nowNs()
{
    return clockNs(CLOCK_MONOTONIC);
}

qint64 cpuNs()
{
    return clockNs(CLOCK_PROCESS_CPUTIME_ID);
}

// --- the control channel between the two processes ------------------------------------------

// The receiver counts from Ready, and again from each Result: frames may reach it before any
// word from the sender would, so a case cannot be announced.
enum class Tag : char { Ready = 'R', End = 'E', Result = 'D', Failed = 'F' };

struct Result
{
    qint64 delivered = 0;
    qint64 cpuNs = 0;
    qint64 lastDeliveryNs = 0;
    qint64 p50Ns = 0;
    qint64 p99Ns = 0;
    qint64 maxNs = 0;
    qint64 errors = 0;
};

// The control socket blocks, and what goes over it is a few dozen bytes at a time: each read
// and write is whole or fails.
bool writeFull(int fd, const void *data, size_t size)
{
    return ::send(fd, data, size, MSG_NOSIGNAL) == ssize_t(size);
}

bool readFull(int fd, void *data, size_t size)
{
    return ::recv(fd, data, size, MSG_WAITALL) == ssize_t(size);
}

template<typename Payload> bool sendControl(int fd, Tag tag, const Payload &payload)
{
    return writeFull(fd, &tag, 1) && writeFull(fd, &payload, sizeof payload);
}

bool sendControl(int fd, Tag tag)
{
    return writeFull(fd, &tag, 1);
}

// --- what both sides share -------------------------------------------------------------------

// One socket, through TLS or, with --plain, straight to the kernel.
struct Connection
{
    int fd = -1;
    SSL *ssl = nullptr; // null with --plain
    bool established = false;
    std::string pending; // the sender's plaintext the kernel would not take yet
    std::string partial; // the receiver's start of a frame whose end has not arrived

    Connection() = default;
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;
    ~Connection()
    {
        SSL_free(ssl);
        if (fd >= 0)
            ::close(fd);
    }

    // Bytes read into buffer; 0 when nothing more has arrived; -1 when the connection failed.
    int readSome(char *buffer, int size)
    {
        if (!ssl) {
            const ssize_t n = ::recv(fd, buffer, size_t(size), 0);
            return n > 0 ? int(n) : n < 0 && errno == EAGAIN ? 0 : -1;
        }
        const int n = SSL_read(ssl, buffer, size);
        return n > 0 ? n : tlsWouldBlock(n) ? 0 : -1;
    }

    // Bytes the kernel took, 0 when none fit; -1 when the connection failed.
    int writeSome(const char *data, int size)
    {
        if (!ssl) {
            const ssize_t n = ::send(fd, data, size_t(size), MSG_NOSIGNAL);
            return n >= 0 ? int(n) : errno == EAGAIN ? 0 : -1;
        }
        const int n = SSL_write(ssl, data, size);
        return n > 0 ? n : tlsWouldBlock(n) ? 0 : -1;
    }

    // One step of the handshake: the TCP connect's outcome with --plain.
    enum class Step { Done, Waiting, Failed };
    Step handshake()
    {
        if (!ssl) {
            int error = 0;
            socklen_t length = sizeof error;
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
            return error == 0 ? Step::Done : Step::Failed;
        }
        const int rc = SSL_do_handshake(ssl);
        return rc == 1 ? Step::Done : tlsWouldBlock(rc) ? Step::Waiting : Step::Failed;
    }

private:
    bool tlsWouldBlock(int rc)
    {
        const int error = SSL_get_error(ssl, rc);
        ERR_clear_error();
        return error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE;
    }
};

void setNoDelay(int fd)
{
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

// owner comes back with each event: a connection, or one of the descriptors it marks.
void watch(int epoll, int fd, uint32_t events, const void *owner)
{
    epoll_event event {};
    event.events = events;
    event.data.ptr = const_cast<void *>(owner);
    if (::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) != 0)
        ::epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event);
}

// --- the clients' side -----------------------------------------------------------------------

class Receiver
{
public:
    // tls null: plain TCP.
    Receiver(const TlsContext *tls, int port, int connections, int control)
        : m_tls(tls)
        , m_port(port)
        , m_connections(size_t(connections))
        , m_control(control)
        , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
        , m_buffer(64 * 1024)
    { }
    ~Receiver() { ::close(m_epoll); }

    int run()
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
                if (events[size_t(i)].data.ptr == &m_control) {
                    if (!onControl())
                        return 0; // the sender is done with us
                    continue;
                }
                readFrames(*static_cast<Connection *>(events[size_t(i)].data.ptr), now);
            }
            if (m_ending && (m_delivered >= m_expected || now > m_endNs + kDrainTimeoutNs)) {
                if (!report())
                    return fail();
                m_ending = false;
            }
        }
    }

private:
    bool connectAll()
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
                Connection &connection = m_connections[opened];
                connection.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
                if (connection.fd < 0
                    || (::connect(connection.fd, reinterpret_cast<sockaddr *>(&address),
                                  sizeof address)
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
            const int count = ::epoll_wait(m_epoll, events.data(), int(events.size()), 10'000);
            if (count <= 0)
                return false;
            for (int i = 0; i < count; ++i) {
                if (events[size_t(i)].data.ptr == &m_control)
                    return false; // the sender gave up
                auto &connection = *static_cast<Connection *>(events[size_t(i)].data.ptr);
                if (connection.established)
                    continue;
                const auto step = connection.handshake();
                if (step == Connection::Step::Failed)
                    return false;
                if (step == Connection::Step::Done) {
                    connection.established = true;
                    ++established;
                    --inFlight;
                    watch(m_epoll, connection.fd, EPOLLIN, &connection);
                }
            }
        }
        return true;
    }

    bool onControl()
    {
        Tag tag {};
        if (!readFull(m_control, &tag, 1))
            return false;
        if (tag == Tag::End) {
            if (!readFull(m_control, &m_expected, sizeof m_expected))
                return false;
            m_ending = true;
            m_endNs = nowNs();
            return true;
        }
        return false;
    }

    void startCounting()
    {
        m_latencies.clear();
        m_delivered = 0;
        m_errors = 0;
        m_lastDeliveryNs = 0;
        m_cpuStartNs = cpuNs();
    }

    void readFrames(Connection &connection, qint64 now)
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

    // The whole frames at the start of data, counted; returns the bytes they took.
    size_t takeFrames(const char *data, size_t size, qint64 now)
    {
        size_t used = 0;
        while (size - used >= kHeaderBytes + sizeof(qint64)) {
            const auto *header = reinterpret_cast<const unsigned char *>(data + used);
            const size_t frameBytes = kHeaderBytes + (size_t(header[2]) << 8 | header[3]);
            if (size - used < frameBytes)
                break;
            qint64 dueNs = 0;
            std::memcpy(&dueNs, data + used + kHeaderBytes, sizeof dueNs);
            m_latencies.push_back(now - dueNs);
            ++m_delivered;
            m_lastDeliveryNs = now;
            used += frameBytes;
        }
        return used;
    }

    bool report()
    {
        Result result;
        result.cpuNs = cpuNs() - m_cpuStartNs;
        result.delivered = m_delivered;
        result.lastDeliveryNs = m_lastDeliveryNs;
        result.errors = m_errors;
        if (!m_latencies.empty()) {
            auto at = [this](double fraction) {
                const auto index = size_t(std::ceil(fraction * double(m_latencies.size()))) - 1;
                std::nth_element(m_latencies.begin(), m_latencies.begin() + qsizetype(index),
                                 m_latencies.end());
                return m_latencies[index];
            };
            result.p50Ns = at(0.50);
            result.p99Ns = at(0.99);
            result.maxNs = *std::max_element(m_latencies.begin(), m_latencies.end());
        }
        startCounting();
        return sendControl(m_control, Tag::Result, result);
    }

    int fail()
    {
        sendControl(m_control, Tag::Failed);
        return 1;
    }

    const TlsContext *m_tls;
    const int m_port;
    std::vector<Connection> m_connections;
    const int m_control;
    const int m_epoll;
    std::vector<char> m_buffer;
    std::vector<qint64> m_latencies;
    qint64 m_delivered = 0;
    qint64 m_expected = 0;
    qint64 m_errors = 0;
    qint64 m_lastDeliveryNs = 0;
    qint64 m_cpuStartNs = 0;
    qint64 m_endNs = 0;
    bool m_ending = false;
};

// --- the server's side -----------------------------------------------------------------------

struct RateFigures
{
    int offeredPerS = 0;
    qint64 sent = 0;
    qint64 blockedWrites = 0; // records the kernel took only later
    qint64 failedWrites = 0;
    qint64 senderCpuNs = 0;
    qint64 wallNs = 0;
    Result received;
};

class Sender
{
public:
    // tls null: plain TCP.
    Sender(const TlsContext *tls, int listener, int connections, int members, int frameBytes,
           int control)
        : m_tls(tls)
        , m_listener(listener)
        , m_connections(size_t(connections))
        , m_members(members)
        , m_frameBytes(frameBytes)
        , m_control(control)
        , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
        , m_timer(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC))
    { }
    ~Sender()
    {
        ::close(m_timer);
        ::close(m_epoll);
    }

    QString acceptAll()
    {
        watch(m_epoll, m_listener, EPOLLIN, &m_listener);
        watch(m_epoll, m_control, EPOLLIN, &m_control);
        size_t accepted = 0;
        size_t established = 0;
        bool receiverReady = false;
        std::vector<epoll_event> events(1024);
        while (established < m_connections.size() || !receiverReady) {
            const int count = ::epoll_wait(m_epoll, events.data(), int(events.size()), 30'000);
            if (count <= 0)
                return u"the connections were not all made within 30 s"_s;
            for (int i = 0; i < count; ++i) {
                void *owner = events[size_t(i)].data.ptr;
                if (owner == &m_control) {
                    Tag tag {};
                    if (!readFull(m_control, &tag, 1) || tag != Tag::Ready)
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
                        if (accepted == m_connections.size())
                            return u"more connections than asked for"_s;
                        Connection &connection = m_connections[accepted++];
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
                        // A record the kernel takes only in part is finished from the pending
                        // copy, which may move as more is appended.
                        SSL_set_mode(connection.ssl,
                                     SSL_MODE_ENABLE_PARTIAL_WRITE
                                         | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
                        watch(m_epoll, fd, EPOLLIN, &connection);
                    }
                    continue;
                }
                auto &connection = *static_cast<Connection *>(owner);
                if (connection.established)
                    continue;
                const auto step = connection.handshake();
                if (step == Connection::Step::Failed)
                    return u"a TLS handshake failed"_s;
                if (step == Connection::Step::Done) {
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

    // Message k goes to room k mod rooms at start + k / messages a second, one record to each
    // member, carrying that due time: queueing anywhere shows up in the latency.
    QString runRate(int deliveriesPerS, int seconds, RateFigures *figures)
    {
        const int rooms = int(m_connections.size()) / m_members;
        const double messagesPerS = double(deliveriesPerS) / m_members;
        const qint64 total = qint64(std::llround(messagesPerS * seconds));
        const double intervalNs = 1e9 / messagesPerS;
        figures->offeredPerS = deliveriesPerS;
        const qint64 cpuStart = cpuNs();
        const qint64 start = nowNs();
        itimerspec period {};
        period.it_interval.tv_nsec = kTickNs;
        period.it_value.tv_nsec = kTickNs;
        ::timerfd_settime(m_timer, 0, &period, nullptr);

        std::string frame(size_t(m_frameBytes), 'x');
        frame[0] = char(0x81); // FIN, text
        frame[1] = char(126);
        frame[2] = char((m_frameBytes - kHeaderBytes) >> 8);
        frame[3] = char((m_frameBytes - kHeaderBytes) & 0xff);
        qint64 next = 0;
        bool ended = false;
        std::vector<epoll_event> events(1024);
        for (;;) {
            const int count = ::epoll_wait(m_epoll, events.data(), int(events.size()), 30'000);
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
                        std::memcpy(frame.data() + kHeaderBytes, &due, sizeof due);
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
                    if (!readFull(m_control, &tag, 1) || tag != Tag::Result
                        || !readFull(m_control, &figures->received, sizeof figures->received))
                        return u"the receiving side failed"_s;
                    figures->senderCpuNs = cpuNs() - cpuStart;
                    figures->wallNs = figures->received.lastDeliveryNs - start;
                    return {};
                } else {
                    flush(*static_cast<Connection *>(owner));
                }
            }
        }
    }

private:
    void deliver(Connection &connection, const std::string &frame, RateFigures *figures)
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

    void flush(Connection &connection)
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

    const TlsContext *m_tls;
    const int m_listener;
    std::vector<Connection> m_connections;
    const int m_members;
    const int m_frameBytes;
    const int m_control;
    const int m_epoll;
    const int m_timer;
};

void raiseDescriptorLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

int listenOnLoopback(int *port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
        || ::listen(fd, SOMAXCONN) != 0
        || ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0)
        return -1;
    *port = ntohs(address.sin_port);
    return fd;
}

double perS(qint64 count, qint64 ns)
{
    return ns > 0 ? double(count) * 1e9 / double(ns) : 0.0;
}

double usPer(qint64 ns, qint64 count)
{
    return count > 0 ? double(ns) / 1e3 / double(count) : 0.0;
}

QJsonObject toJson(const RateFigures &f)
{
    const qint64 lost = f.sent - f.received.delivered;
    return { { "offered_per_s"_L1, f.offeredPerS },
             { "sent"_L1, f.sent },
             { "delivered"_L1, f.received.delivered },
             { "lost"_L1, lost },
             { "errors"_L1, f.received.errors + f.failedWrites },
             { "blocked_writes"_L1, f.blockedWrites },
             { "delivered_per_s"_L1, std::round(perS(f.received.delivered, f.wallNs)) },
             { "p50_ms"_L1, double(f.received.p50Ns) / 1e6 },
             { "p99_ms"_L1, double(f.received.p99Ns) / 1e6 },
             { "max_ms"_L1, double(f.received.maxNs) / 1e6 },
             { "sender_cores"_L1, double(f.senderCpuNs) / double(std::max<qint64>(f.wallNs, 1)) },
             { "receiver_cores"_L1,
               double(f.received.cpuNs) / double(std::max<qint64>(f.wallNs, 1)) },
             { "sender_us_per_delivery"_L1, usPer(f.senderCpuNs, f.received.delivered) },
             { "receiver_us_per_delivery"_L1, usPer(f.received.cpuNs, f.received.delivered) } };
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Deliveries a second that loopback TCP and OpenSSL alone carry, in the fan-out's shape"_s);
    parser.addHelpOption();
    parser.addOption(
        { u"connections"_s, u"Connections, all of them in rooms"_s, u"n"_s, u"10000"_s });
    parser.addOption(
        { u"members"_s, u"Members of a room: the records a message becomes"_s, u"n"_s, u"100"_s });
    parser.addOption({ u"rates"_s, u"Deliveries a second offered, one case each"_s, u"list"_s,
                       u"20000,60000,100000"_s });
    parser.addOption({ u"seconds"_s, u"Seconds per case"_s, u"s"_s, u"10"_s });
    parser.addOption({ u"frame-bytes"_s,
                       u"A delivery's WebSocket frame, header included (a fan-out push of a "
                       "100-byte text is about 240)"_s,
                       u"n"_s, u"240"_s });
    parser.addOption({ u"plain"_s, u"Plain TCP, no TLS: the kernel's part alone"_s });
    parser.addOption({ u"json"_s, u"Also write the figures to this file"_s, u"file"_s });
    parser.process(app);
    const int members = std::max(1, parser.value(u"members"_s).toInt());
    const int connections
        = std::max(members, parser.value(u"connections"_s).toInt()) / members * members;
    const int seconds = std::max(1, parser.value(u"seconds"_s).toInt());
    const int frameBytes = std::clamp(parser.value(u"frame-bytes"_s).toInt(),
                                      int(kHeaderBytes + sizeof(qint64)), 65'535);
    QList<int> rates;
    for (const auto &rate : parser.value(u"rates"_s).split(u',', Qt::SkipEmptyParts))
        rates.append(std::max(members, rate.toInt()));

    raiseDescriptorLimit();
    QTemporaryDir dir;
    QString error;
    const auto identity = TlsIdentity::loadOrGenerate(dir.filePath(u"cert.pem"_s),
                                                      dir.filePath(u"key.pem"_s), &error);
    const bool plain = parser.isSet(u"plain"_s);
    const auto serverTls = identity ? TlsContext::forServer(*identity, &error) : nullptr;
    const auto clientTls
        = identity ? TlsContext::forClient(identity->certificate, &error) : nullptr;
    int port = 0;
    const int listener = serverTls && clientTls ? listenOnLoopback(&port) : -1;
    int control[2] = { -1, -1 };
    if (listener < 0 || ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, control) != 0) {
        out << (error.isEmpty() ? u"Cannot listen on loopback"_s : error) << Qt::endl;
        return 1;
    }
    out.flush();
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(listener);
        ::close(control[0]);
        Receiver receiver(plain ? nullptr : clientTls.get(), port, connections, control[1]);
        ::_exit(receiver.run());
    }
    ::close(control[1]);

    out << (plain ? "Plain TCP floor: " : "TLS floor: ") << connections << " connections, rooms of "
        << members << ", " << frameBytes << "-byte frames, " << seconds << " s a case" << Qt::endl;
    Sender sender(plain ? nullptr : serverTls.get(), listener, connections, members, frameBytes,
                  control[0]);
    error = sender.acceptAll();
    QJsonArray cases;
    bool clean = error.isEmpty();
    for (const int rate : rates) {
        if (!error.isEmpty())
            break;
        RateFigures figures;
        error = sender.runRate(rate, seconds, &figures);
        if (!error.isEmpty())
            break;
        const QJsonObject json = toJson(figures);
        cases.append(json);
        clean = clean && json.value("lost"_L1).toInteger() == 0
            && json.value("errors"_L1).toInteger() == 0;
        out << u"offered %1/s  delivered %2/s  p50 %3 ms  p99 %4 ms  max %5 ms  sender %6 cores "
               "(%7 µs)  receiver %8 cores (%9 µs)  lost %10  errors %11"_s.arg(rate)
                   .arg(json.value("delivered_per_s"_L1).toDouble(), 0, 'f', 0)
                   .arg(json.value("p50_ms"_L1).toDouble(), 0, 'f', 2)
                   .arg(json.value("p99_ms"_L1).toDouble(), 0, 'f', 2)
                   .arg(json.value("max_ms"_L1).toDouble(), 0, 'f', 1)
                   .arg(json.value("sender_cores"_L1).toDouble(), 0, 'f', 2)
                   .arg(json.value("sender_us_per_delivery"_L1).toDouble(), 0, 'f', 2)
                   .arg(json.value("receiver_cores"_L1).toDouble(), 0, 'f', 2)
                   .arg(json.value("receiver_us_per_delivery"_L1).toDouble(), 0, 'f', 2)
                   .arg(json.value("lost"_L1).toInteger())
                   .arg(json.value("errors"_L1).toInteger())
            << Qt::endl;
    }
    ::close(control[0]); // the receiver's cue to leave
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!error.isEmpty())
        out << error << Qt::endl;
    if (const QString path = parser.value(u"json"_s); !path.isEmpty()) {
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(QJsonDocument(QJsonObject { { "connections"_L1, connections },
                                                   { "members"_L1, members },
                                                   { "frame_bytes"_L1, frameBytes },
                                                   { "tls"_L1, !plain },
                                                   { "seconds"_L1, seconds },
                                                   { "cases"_L1, cases } })
                           .toJson());
    }
    return error.isEmpty() && clean ? 0 : 1;
}
