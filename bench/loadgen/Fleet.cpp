#include "Fleet.h"

#include "Target.h"

#include <QEventLoop>
#include <QRandomGenerator>
#include <QTimer>

namespace confab::bench {

using namespace Qt::StringLiterals;

Fleet::Fleet(const LoadThreads &threads, const Target &target, int clients, QList<int> roomSizes,
             int textBytes)
    : m_threads(threads)
    , m_clientCount(clients)
    , m_roomSizes(std::move(roomSizes))
    , m_clients(size_t(clients), nullptr)
    , m_states(size_t(clients))
    , m_lanes(size_t(threads.count()))
{
    // Letters and spaces only: nothing any of the protocols would have to escape.
    const QString words = u"the quick brown fox jumps over the lazy dog "_s;
    while (m_padding.size() < textBytes)
        m_padding += words;
    m_padding.truncate(textBytes);
    for (auto &lane : m_lanes)
        lane.acceptedPerRoom = QList<qint64>(m_roomSizes.size(), 0);
    threads.runEverywhere([&](int thread) {
        for (int i = thread; i < clients; i += threads.count()) {
            m_clients[size_t(i)] = target.createClient(i, threads.context(thread));
            m_clients[size_t(i)]->setObserver(this);
        }
    });
}

Fleet::~Fleet()
{
    m_threads.runEverywhere([this](int thread) {
        for (int i = thread; i < m_clientCount; i += m_threads.count()) {
            m_clients[size_t(i)]->setObserver(nullptr);
            delete m_clients[size_t(i)];
        }
    });
}

void Fleet::open(const QList<int> &clients, int inFlightPerThread)
{
    QList<QList<int>> perThread(m_threads.count());
    if (clients.isEmpty()) {
        for (int i = 0; i < m_clientCount; ++i)
            perThread[m_threads.threadOf(i)].append(i);
    } else {
        for (int i : clients)
            perThread[m_threads.threadOf(i)].append(i);
    }
    for (int t = 0; t < m_threads.count(); ++t)
        openingCount += perThread.at(t).size();
    for (int t = 0; t < m_threads.count(); ++t) {
        m_threads.post(t, [this, t, list = perThread.at(t), inFlightPerThread] {
            Lane &lane = m_lanes[size_t(t)];
            lane.inFlightLimit = inFlightPerThread;
            const qint64 now = nowNs();
            for (int i : list) {
                m_states[size_t(i)].firstOpenNs = now;
                m_states[size_t(i)].attempts = 0;
            }
            lane.queue.append(list);
            pump(lane);
        });
    }
}

void Fleet::pump(Lane &lane)
{
    while (lane.inFlight < lane.inFlightLimit && !lane.queue.isEmpty()) {
        const int i = lane.queue.takeFirst();
        ++lane.inFlight;
        m_clients[size_t(i)]->open();
    }
}

bool Fleet::waitOpened(int timeoutMs)
{
    return pollUntil([this] { return readyCount + gaveUpCount >= openingCount; }, timeoutMs);
}

void Fleet::abort(const QList<int> &clients)
{
    m_threads.runEverywhere([&](int thread) {
        for (int i : clients) {
            if (m_threads.threadOf(i) == thread)
                m_clients[size_t(i)]->abort();
        }
    });
    openingCount = 0;
    readyCount = 0;
    gaveUpCount = 0;
}

void Fleet::closeAll()
{
    m_threads.runEverywhere([this](int thread) {
        m_lanes[size_t(thread)].queue.clear();
        for (int i = thread; i < m_clientCount; i += m_threads.count())
            m_clients[size_t(i)]->close();
    });
    // Gives the closing handshakes a moment, so that the server sees orderly closes; the
    // destructor aborts whatever is still open after that.
    const qint64 deadline = nowNs() + qint64(kCloseGraceMs) * 1'000'000;
    for (;;) {
        std::atomic<int> open { 0 };
        m_threads.runEverywhere([&](int thread) {
            for (int i = thread; i < m_clientCount; i += m_threads.count())
                open += m_clients[size_t(i)]->isOpen() ? 1 : 0;
        });
        if (open == 0 || nowNs() > deadline)
            break;
        pauseFor(50);
    }
}

void Fleet::keepAlive()
{
    for (int t = 0; t < m_threads.count(); ++t) {
        m_threads.post(t, [this, t] {
            for (int i = t; i < m_clientCount; i += m_threads.count())
                m_clients[size_t(i)]->keepAlive();
        });
    }
}

void Fleet::send(ChatClient *client, int room, qint64 k, qint64 sentNs)
{
    ++sentCount;
    laneOf(client).sendLag.addNs(nowNs() - sentNs);
    client->sendMessage(room,
                        QString::number(sentNs) + u' ' + QString::number(client->index()) + u' '
                            + QString::number(k) + u' ' + m_padding,
                        sentNs);
}

void Fleet::ready(ChatClient *client)
{
    Lane &lane = laneOf(client);
    lane.connect.addNs(nowNs() - m_states[size_t(client->index())].firstOpenNs);
    --lane.inFlight;
    ++readyCount;
    pump(lane);
    if (onReady)
        onReady(client);
}

void Fleet::failed(ChatClient *client, const QString &code, bool wasReady)
{
    Lane &lane = laneOf(client);
    lane.errors.add(code);
    if (wasReady) {
        ++droppedCount;
        return;
    }
    --lane.inFlight;
    auto &state = m_states[size_t(client->index())];
    if (++state.attempts >= kMaxAttempts) {
        ++gaveUpCount;
        pump(lane);
        return;
    }
    ++lane.retries;
    // Exponential backoff with jitter, so that retries do not arrive as a second storm.
    const int base = std::min(250 << (state.attempts - 1), 8000);
    const int delay = base / 2 + int(QRandomGenerator::global()->bounded(base));
    const int i = client->index();
    QTimer::singleShot(delay, client, [this, &lane, i] {
        lane.queue.append(i);
        pump(lane);
    });
    pump(lane);
}

void Fleet::accepted(ChatClient *client, int room, qint64, qint64 sentNs)
{
    Lane &lane = laneOf(client);
    lane.accept.addNs(nowNs() - sentNs);
    ++lane.acceptedPerRoom[room];
    expectedCount += m_roomSizes.at(room);
    ++acceptedCount;
    if (onAccepted)
        onAccepted(client, room, 0);
}

void Fleet::refused(ChatClient *client, const QString &code)
{
    laneOf(client).errors.add(code);
    ++refusedCount;
}

void Fleet::delivered(ChatClient *client, int room, qint64 seq, QStringView text)
{
    Lane &lane = laneOf(client);
    const qsizetype space = text.indexOf(u' ');
    bool isOurs = false;
    const qint64 sentNs = space > 0 ? text.left(space).toLongLong(&isOurs) : 0;
    if (!isOurs)
        return;
    const qint64 now = nowNs();
    if (seq > 0) {
        qint64 &last = m_states[size_t(client->index())].lastSeqIn(room);
        if (seq <= last) {
            ++lane.duplicates;
            return;
        }
        if (last > 0 && seq != last + 1)
            ++lane.outOfOrder;
        last = seq;
    }
    lane.delivery.addNs(now - sentNs);
    ++deliveredCount;
    lastDeliveryNs = now;
    if (onDelivered)
        onDelivered(client, room, seq);
}

qint64 Fleet::lastSeq(int client, int room) const
{
    for (const auto &[seen, seq] : m_states[size_t(client)].lastSeqs) {
        if (seen == room)
            return seq;
    }
    return 0;
}

void Fleet::setLastSeq(int client, int room, qint64 seq)
{
    m_states[size_t(client)].lastSeqIn(room) = seq;
}

qint64 &Fleet::ClientState::lastSeqIn(int room)
{
    for (auto &[seen, seq] : lastSeqs) {
        if (seen == room)
            return seq;
    }
    lastSeqs.append({ room, 0 });
    return lastSeqs.back().second;
}

Fleet::Totals Fleet::collect() const
{
    Totals totals;
    totals.acceptedPerRoom = QList<qint64>(m_roomSizes.size(), 0);
    m_threads.runEverywhere([&](int thread) {
        const Lane &lane = m_lanes[size_t(thread)];
        totals.connect.merge(lane.connect);
        totals.sendLag.merge(lane.sendLag);
        totals.accept.merge(lane.accept);
        totals.delivery.merge(lane.delivery);
        totals.errors.merge(lane.errors);
        totals.retries += lane.retries;
        totals.duplicates += lane.duplicates;
        totals.outOfOrder += lane.outOfOrder;
        for (qsizetype r = 0; r < lane.acceptedPerRoom.size(); ++r)
            totals.acceptedPerRoom[r] += lane.acceptedPerRoom.at(r);
    });
    return totals;
}

void Fleet::resetLatencies()
{
    m_threads.runEverywhere([this](int thread) {
        Lane &lane = m_lanes[size_t(thread)];
        lane.accept.clear();
        lane.delivery.clear();
    });
}

bool pollUntil(const std::function<bool()> &condition, int timeoutMs)
{
    if (condition())
        return true;
    QEventLoop loop;
    QTimer check;
    check.setInterval(10);
    const qint64 deadline = nowNs() + qint64(timeoutMs) * 1'000'000;
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (condition() || nowNs() >= deadline)
            loop.quit();
    });
    check.start();
    loop.exec();
    return condition();
}

void pauseFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace confab::bench
