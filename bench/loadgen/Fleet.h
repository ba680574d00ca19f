#pragma once

#include "ChatClient.h"
#include "LoadThreads.h"
#include "Measure.h"

#include <QList>
#include <QVarLengthArray>

#include <atomic>
#include <functional>
#include <vector>

namespace confab::bench {

class Target;

// The clients of one scenario, spread over the generator's threads, and what they count:
// connections made, messages sent, accepted and delivered, latencies and errors. Clients are
// opened with a bounded number of handshakes in flight per thread and retried with backoff
// and jitter when a connection attempt fails, as a real client would.
class Fleet final : public ChatClient::Observer
{
public:
    static constexpr int kMaxAttempts = 6;
    static constexpr int kCloseGraceMs = 1500;

    // roomSizes: members per room, to know how many deliveries each accepted message owes.
    Fleet(const LoadThreads &threads, const Target &target, int clients, QList<int> roomSizes,
          int textBytes);
    ~Fleet() override;

    int size() const { return m_clientCount; }
    // Only on the client's own thread.
    ChatClient *client(int i) const { return m_clients.at(i); }

    // Opens the given clients (all when empty) and returns at once.
    void open(const QList<int> &clients, int inFlightPerThread);
    // Waits until every client opened since the last reset is ready or gave up.
    bool waitOpened(int timeoutMs);
    void abort(const QList<int> &clients);
    void closeAll();
    void keepAlive();

    // On the client's thread: sends message k of the scenario, stamped with sentNs.
    void send(ChatClient *client, int room, qint64 k, qint64 sentNs);

    std::function<void(ChatClient *)> onReady;
    std::function<void(ChatClient *, int room, qint64 seq)> onAccepted;
    std::function<void(ChatClient *, int room, qint64 seq)> onDelivered;

    // Live counters, read from the main thread while the threads work.
    std::atomic<qint64> openingCount { 0 };
    std::atomic<qint64> readyCount { 0 };
    std::atomic<qint64> gaveUpCount { 0 };
    std::atomic<qint64> droppedCount { 0 };
    std::atomic<qint64> sentCount { 0 };
    std::atomic<qint64> acceptedCount { 0 };
    std::atomic<qint64> refusedCount { 0 };
    std::atomic<qint64> deliveredCount { 0 };
    std::atomic<qint64> expectedCount { 0 };
    std::atomic<qint64> lastDeliveryNs { 0 };

    struct Totals
    {
        Latencies connect;
        Latencies sendLag; // how late the generator sent, against the schedule
        Latencies accept;
        Latencies delivery;
        ErrorCounts errors;
        qint64 retries = 0;
        qint64 duplicates = 0;
        qint64 outOfOrder = 0;
        QList<qint64> acceptedPerRoom;
    };
    // Merges what every thread measured (blocks until each thread has answered).
    Totals collect() const;
    // Forgets latencies and errors measured so far, e.g. those of a warm-up.
    void resetLatencies();
    // The highest seq each client saw per room; only on the client's own thread.
    qint64 lastSeq(int client, int room) const;
    void setLastSeq(int client, int room, qint64 seq);

    void ready(ChatClient *client) override;
    void failed(ChatClient *client, const QString &code, bool wasReady) override;
    void accepted(ChatClient *client, int room, qint64 seq, qint64 sentNs) override;
    void refused(ChatClient *client, const QString &code) override;
    void delivered(ChatClient *client, int room, qint64 seq, QStringView text) override;

private:
    struct Lane
    {
        QList<int> queue;
        int inFlight = 0;
        int inFlightLimit = 64;
        Latencies connect;
        Latencies sendLag;
        Latencies accept;
        Latencies delivery;
        ErrorCounts errors;
        qint64 retries = 0;
        qint64 duplicates = 0;
        qint64 outOfOrder = 0;
        QList<qint64> acceptedPerRoom;
    };
    struct ClientState
    {
        qint64 firstOpenNs = 0;
        int attempts = 0;
        // The highest seq seen per room. A client is in a room or two, so the list stays inline,
        // in memory the delivery reads anyway, where a hash per client cost up to three cache
        // misses per delivery.
        QVarLengthArray<std::pair<int, qint64>, 2> lastSeqs;

        // Inserted as 0 when the room is new.
        qint64 &lastSeqIn(int room);
    };

    Lane &laneOf(const ChatClient *client) { return m_lanes[m_threads.threadOf(client->index())]; }
    void pump(Lane &lane);

    const LoadThreads &m_threads;
    int m_clientCount;
    QList<int> m_roomSizes;
    QString m_padding;
    std::vector<ChatClient *> m_clients;
    std::vector<ClientState> m_states;
    std::vector<Lane> m_lanes;
};

// Runs the main thread's event loop until condition holds or the time is up.
bool pollUntil(const std::function<bool()> &condition, int timeoutMs);
void pauseFor(int ms);

} // namespace confab::bench
