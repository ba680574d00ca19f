#pragma once

#include "ControlChannel.h"
#include "FloorConnection.h"

#include <QString>

#include <string>
#include <vector>

namespace confab::server {
class TlsContext;
}

namespace confab::bench::floor {

// One rate's figures: the sender's own, and the receiver's report.
struct RateFigures
{
    int offeredPerS = 0;
    qint64 sent = 0;
    qint64 blockedWrites = 0; // records the kernel took only later
    qint64 failedWrites = 0;
    qint64 senderCpuNs = 0;
    qint64 wallNs = 0; // from the first due time to the last delivery
    Result received;
};

// The server's side: accepts every connection, then writes each message as one record with one
// send() to every member of its room, as confabd writes a push, on a fixed schedule. Runs in
// the parent process, on its one thread.
class Sender
{
public:
    // tls null: plain TCP. members divides connections: the rooms are consecutive runs of them.
    Sender(const server::TlsContext *tls, int listener, int connections, int members,
           int frameBytes, int control);
    ~Sender();
    Sender(const Sender &) = delete;
    Sender &operator=(const Sender &) = delete;

    // Until every connection is in on both sides; an error message, or empty.
    QString acceptAll();
    // One case: message k goes to room k mod rooms at start + k / messages a second, carrying
    // that due time, so that queueing anywhere shows up in the latency. An error message, or
    // empty.
    QString runRate(int deliveriesPerS, int seconds, RateFigures *figures);

private:
    void deliver(FloorConnection &connection, const std::string &frame, RateFigures *figures);
    void flush(FloorConnection &connection);

    const server::TlsContext *m_tls;
    const int m_listener;
    std::vector<FloorConnection> m_connections;
    const int m_members;
    const int m_frameBytes;
    const int m_control;
    const int m_epoll;
    const int m_timer;
};

} // namespace confab::bench::floor
