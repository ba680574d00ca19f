#pragma once

#include "ControlChannel.h"
#include "FloorConnection.h"
#include "Measure.h"

#include <vector>

namespace confab::server {
class TlsContext;
}

namespace confab::bench::floor {

// The clients' side: connects every connection to the sender, then reads whatever arrives on
// any of them from one epoll set, decrypts it and notes each frame's latency from its due
// time, until the sender ends a case; then reports the case over the control socket and counts
// afresh. Runs in the forked process, on its one thread.
class Receiver
{
public:
    // tls null: plain TCP.
    Receiver(const server::TlsContext *tls, int port, int connections, int control);
    ~Receiver();
    Receiver(const Receiver &) = delete;
    Receiver &operator=(const Receiver &) = delete;

    // Until the sender closes the control socket; the process's exit status.
    int run();

private:
    bool connectAll();
    // false when the sender is done.
    bool onControl();
    void startCounting();
    void readFrames(FloorConnection &connection, qint64 now);
    // Counts the whole frames at the start of data; returns the bytes they took.
    size_t takeFrames(const char *data, size_t size, qint64 now);
    bool report();
    int fail();

    const server::TlsContext *m_tls;
    const int m_port;
    std::vector<FloorConnection> m_connections;
    const int m_control;
    const int m_epoll;
    std::vector<char> m_buffer;
    Latencies m_latencies;
    qint64 m_delivered = 0;
    qint64 m_expected = 0;
    qint64 m_errors = 0;
    qint64 m_lastDeliveryNs = 0;
    qint64 m_cpuStartNs = 0;
    qint64 m_endNs = 0;
    bool m_ending = false;
};

} // namespace confab::bench::floor
