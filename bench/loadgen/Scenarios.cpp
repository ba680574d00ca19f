#include "Scenarios.h"

#include "ConfabClient.h"
#include "Fleet.h"
#include "LoadThreads.h"
#include "ProcessProbe.h"
#include "Target.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <cmath>
#include <memory>

namespace confab::bench {

using namespace Qt::StringLiterals;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr int kDrainTimeoutMs = 60'000;

double round2(double value)
{
    return std::round(value * 100.0) / 100.0;
}

QString loadAverage()
{
    QFile file(u"/proc/loadavg"_s);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(file.readAll()).section(u' ', 0, 2);
}

// The frame around every scenario: the target prepared for it, the server's and the
// generator's own CPU and memory watched while it runs, and the verdict.
class Run
{
public:
    Run(const QString &name, Target &target, const ScenarioContext &context)
        : target(target)
        , threads(context.threads)
        , sizes(context.sizes)
        , context(context)
    {
        result.insert("scenario"_L1, name);
        result.insert("target"_L1, target.key());
        result.insert("target_title"_L1, target.title());
        result.insert("load_average_start"_L1, loadAverage());
    }

    bool prepare(const Plan &plan)
    {
        QString error;
        if (!target.prepare(plan, &error)) {
            problem(u"could not prepare the server: %1"_s.arg(error));
            return false;
        }
        server = std::make_unique<ProcessProbe>(target.serverPids());
        self = std::make_unique<ProcessProbe>(QList { QCoreApplication::applicationPid() });
        if (const qint64 pid = target.proxyPid()) {
            proxy = std::make_unique<ProcessProbe>(QList { pid });
            proxy->start();
        }
        server->start();
        self->start();
        return true;
    }

    void problem(const QString &text)
    {
        problems.append(text);
        qWarning().noquote() << result.value("scenario"_L1).toString() << target.key() << text;
    }

    QJsonObject finish()
    {
        if (server) {
            server->stop();
            self->stop();
            const double wall = server->wallSeconds();
            QJsonArray pids;
            for (const qint64 pid : server->pids())
                pids.append(pid);
            QJsonObject serverJson { { "pids"_L1, pids },
                                     { "cpu_s"_L1, round2(server->cpuSeconds()) },
                                     { "cpu_cores"_L1, round2(server->cpuSeconds() / wall) },
                                     { "rss_start_mib"_L1, round2(server->rssAtStart() / kMiB) },
                                     { "rss_peak_mib"_L1, round2(server->peakRss() / kMiB) },
                                     { "vm_hwm_mib"_L1, round2(server->hwm() / kMiB) } };
            for (auto it = serverExtra.constBegin(); it != serverExtra.constEnd(); ++it)
                serverJson.insert(it.key(), it.value());
            QString error;
            QJsonObject log;
            if (!target.finish(&log, &error))
                problem(u"server: %1"_s.arg(error));
            for (auto it = log.constBegin(); it != log.constEnd(); ++it)
                serverJson.insert(it.key(), it.value());
            result.insert("server"_L1, serverJson);
            result.insert("generator"_L1,
                          QJsonObject { { "cpu_s"_L1, round2(self->cpuSeconds()) },
                                        { "cpu_cores"_L1, round2(self->cpuSeconds() / wall) },
                                        { "threads"_L1, threads.count() },
                                        { "rss_peak_mib"_L1, round2(self->peakRss() / kMiB) } });
            result.insert("wall_s"_L1, round2(wall));
            if (proxy) {
                proxy->stop();
                result.insert(
                    "proxy"_L1,
                    QJsonObject { { "cpu_s"_L1, round2(proxy->cpuSeconds()) },
                                  { "cpu_cores"_L1, round2(proxy->cpuSeconds() / wall) },
                                  { "rss_peak_mib"_L1, round2(proxy->peakRss() / kMiB) } });
            }
        } else {
            QJsonObject log;
            QString error;
            target.finish(&log, &error);
        }
        result.insert("load_average_end"_L1, loadAverage());
        result.insert("problems"_L1, QJsonArray::fromStringList(problems));
        result.insert("ok"_L1, problems.isEmpty());
        return result;
    }

    // The parts of the verdict every scenario shares.
    void checkFleet(Fleet &fleet, Fleet::Totals &totals, int expectedReady)
    {
        if (fleet.readyCount < expectedReady)
            problem(
                u"%1 of %2 connections could not be opened"_s.arg(expectedReady - fleet.readyCount)
                    .arg(expectedReady));
        if (fleet.droppedCount > 0)
            problem(u"%1 connections were dropped"_s.arg(fleet.droppedCount.load()));
        if (fleet.refusedCount > 0)
            problem(u"%1 messages were refused"_s.arg(fleet.refusedCount.load()));
        if (totals.duplicates > 0)
            problem(u"%1 events were delivered twice to one connection"_s.arg(totals.duplicates));
        if (totals.outOfOrder > 0)
            problem(u"%1 events arrived out of sequence"_s.arg(totals.outOfOrder));
        result.insert("errors"_L1, totals.errors.toJson());
    }

    QJsonObject connectionsJson(Fleet &fleet, Fleet::Totals &totals, int requested)
    {
        return { { "requested"_L1, requested },
                 { "ready"_L1, fleet.readyCount.load() },
                 { "gave_up"_L1, fleet.gaveUpCount.load() },
                 { "dropped"_L1, fleet.droppedCount.load() },
                 { "retries"_L1, totals.retries },
                 { "connect_ms"_L1, totals.connect.summary() } };
    }

    Target &target;
    const LoadThreads &threads;
    const Sizes &sizes;
    const ScenarioContext &context;
    QJsonObject result;
    QJsonObject serverExtra;
    QStringList problems;
    std::unique_ptr<ProcessProbe> server;
    std::unique_ptr<ProcessProbe> self;
    std::unique_ptr<ProcessProbe> proxy; // the load balancer in front of several nodes
};

int openTimeoutMs(int connections)
{
    return std::max(120'000, connections * 30);
}

// --- connections -------------------------------------------------------------------------

void connections(Run &run)
{
    const int count = run.sizes.connections;
    if (!run.prepare({ u"connections"_s, { count, {} }, 0 }))
        return;
    const qint64 before = run.server->now().rssBytes;
    Fleet fleet(run.threads, run.target, count, {}, run.sizes.textBytes);
    const qint64 start = nowNs();
    fleet.open({}, run.sizes.handshakesInFlight);
    fleet.waitOpened(openTimeoutMs(count));
    const double setupSeconds = double(nowNs() - start) / 1e9;
    // Lets the server finish what the last sign-ins started before its memory is read.
    pauseFor(count >= 1000 ? 2000 : 500);
    const qint64 after = run.server->now().rssBytes;
    for (int held = 0; held < run.sizes.holdSeconds; held += 10) {
        pauseFor(std::min(10, run.sizes.holdSeconds - held) * 1000);
        fleet.keepAlive();
    }
    auto totals = fleet.collect();
    const qint64 heldCount = fleet.readyCount - fleet.droppedCount;
    run.result.insert("connections"_L1, [&] {
        auto json = run.connectionsJson(fleet, totals, count);
        json.insert("held"_L1, heldCount);
        json.insert("setup_s"_L1, round2(setupSeconds));
        json.insert("opened_per_s"_L1, round2(double(fleet.readyCount) / setupSeconds));
        return json;
    }());
    run.serverExtra.insert("rss_idle_mib"_L1, round2(before / kMiB));
    run.serverExtra.insert("rss_connected_mib"_L1, round2(after / kMiB));
    if (fleet.readyCount > 0)
        run.serverExtra.insert("kib_per_connection"_L1,
                               round2(double(after - before) / 1024.0 / double(fleet.readyCount)));
    run.checkFleet(fleet, totals, count);
    fleet.closeAll();
}

// --- fanout ------------------------------------------------------------------------------

void fanout(Run &run)
{
    const int rooms = run.sizes.fanoutRooms;
    const int members = run.sizes.fanoutMembers;
    Population population { rooms * members, {} };
    for (int r = 0; r < rooms; ++r) {
        QList<int> room;
        for (int m = 0; m < members; ++m)
            room.append(r * members + m);
        population.rooms.append(room);
    }
    if (!run.prepare({ u"fanout"_s, population, 0 }))
        return;
    Fleet fleet(run.threads, run.target, population.users, QList<int>(rooms, members),
                run.sizes.textBytes);
    fleet.open({}, run.sizes.handshakesInFlight);
    fleet.waitOpened(openTimeoutMs(population.users));
    // The set-up (thousands of TLS handshakes) costs more CPU than many seconds of traffic, so
    // the cost per delivery is taken from the traffic alone.
    const auto serverBefore = run.server->now();
    const auto generatorBefore = run.self->now();
    const auto proxyBefore = run.proxy ? run.proxy->now() : ProcessProbe::Reading {};
    if (const auto perNode = run.target.connectionsPerNode(); !perNode.isEmpty()) {
        QJsonArray counts;
        for (const int count : perNode)
            counts.append(count);
        run.serverExtra.insert("connections_per_node"_L1, counts);
    }

    // Open loop: message k is due at start + k / rate whatever happened to earlier ones, and
    // carries that due time, so that queueing anywhere shows up in the latency.
    const qint64 total = qint64(std::llround(run.sizes.fanoutRate * run.sizes.fanoutSeconds));
    const double intervalNs = 1e9 / run.sizes.fanoutRate;
    const qint64 start = nowNs() + 200'000'000;
    std::atomic<qint64> skipped { 0 };
    const int threadCount = run.threads.count();
    auto timers = std::vector<QPointer<QTimer>>(size_t(threadCount));
    for (int t = 0; t < threadCount; ++t) {
        run.threads.post(t, [&, t] {
            auto *timer = new QTimer(run.threads.context(t));
            timers[size_t(t)] = timer;
            timer->setTimerType(Qt::PreciseTimer);
            timer->setInterval(1);
            auto next = std::make_shared<qint64>(0);
            QObject::connect(timer, &QTimer::timeout, timer, [&, t, timer, next] {
                const qint64 now = nowNs();
                for (; *next < total; ++*next) {
                    const qint64 due = start + qint64(double(*next) * intervalNs);
                    if (due > now)
                        return;
                    const int room = int(*next % rooms);
                    const int member = int((*next / rooms) % members);
                    const int sender = room * members + member;
                    if (run.threads.threadOf(sender) != t)
                        continue;
                    ChatClient *client = fleet.client(sender);
                    if (client->isReady())
                        fleet.send(client, room, *next, due);
                    else
                        ++skipped;
                }
                timer->deleteLater();
            });
            timer->start();
        });
    }
    pollUntil([&] { return fleet.sentCount + skipped >= total; },
              run.sizes.fanoutSeconds * 1000 + 30'000);
    const double sendSeconds = double(nowNs() - start) / 1e9;
    // A schedule that could not keep up stops here rather than outlive the scenario.
    run.threads.runEverywhere([&](int t) { delete timers[size_t(t)]; });
    pollUntil([&] { return fleet.acceptedCount + fleet.refusedCount >= fleet.sentCount; },
              kDrainTimeoutMs);
    pollUntil([&] { return fleet.deliveredCount >= fleet.expectedCount; }, kDrainTimeoutMs);
    const double deliverySeconds = double(fleet.lastDeliveryNs - start) / 1e9;
    const double serverTrafficCpu = run.server->now().cpuSeconds - serverBefore.cpuSeconds;
    const double generatorTrafficCpu = run.self->now().cpuSeconds - generatorBefore.cpuSeconds;
    const double proxyTrafficCpu
        = run.proxy ? run.proxy->now().cpuSeconds - proxyBefore.cpuSeconds : 0.0;
    const double trafficSeconds = double(nowNs() - start) / 1e9;
    auto totals = fleet.collect();

    const qint64 lost = fleet.expectedCount - fleet.deliveredCount;
    const qint64 unanswered = fleet.sentCount - fleet.acceptedCount - fleet.refusedCount;
    run.result.insert("connections"_L1, run.connectionsJson(fleet, totals, population.users));
    run.result.insert(
        "messages"_L1,
        QJsonObject { { "offered"_L1, total },
                      { "offered_per_s"_L1, run.sizes.fanoutRate },
                      { "sent"_L1, fleet.sentCount.load() },
                      { "skipped"_L1, skipped.load() },
                      { "accepted"_L1, fleet.acceptedCount.load() },
                      { "refused"_L1, fleet.refusedCount.load() },
                      { "unanswered"_L1, unanswered },
                      { "accepted_per_s"_L1, round2(double(fleet.acceptedCount) / sendSeconds) },
                      { "accept_latency"_L1, totals.accept.summary() },
                      { "send_lag"_L1, totals.sendLag.summary() } });
    run.result.insert(
        "deliveries"_L1,
        QJsonObject {
            { "expected"_L1, fleet.expectedCount.load() },
            { "delivered"_L1, fleet.deliveredCount.load() },
            { "lost"_L1, lost },
            { "duplicates"_L1, totals.duplicates },
            { "per_s"_L1, round2(double(fleet.deliveredCount) / std::max(deliverySeconds, 1e-3)) },
            { "latency"_L1, totals.delivery.summary() } });
    run.result.insert(
        "traffic"_L1,
        QJsonObject {
            { "wall_s"_L1, round2(trafficSeconds) },
            { "server_cpu_s"_L1, round2(serverTrafficCpu) },
            { "server_cpu_cores"_L1, round2(serverTrafficCpu / std::max(trafficSeconds, 1e-3)) },
            { "server_cpu_us_per_delivery"_L1,
              round2(serverTrafficCpu * 1e6 / double(std::max<qint64>(fleet.deliveredCount, 1))) },
            { "generator_cpu_s"_L1, round2(generatorTrafficCpu) },
            { "generator_cpu_cores"_L1,
              round2(generatorTrafficCpu / std::max(trafficSeconds, 1e-3)) },
            { "proxy_cpu_s"_L1, round2(proxyTrafficCpu) },
            { "proxy_cpu_us_per_delivery"_L1,
              round2(proxyTrafficCpu * 1e6
                     / double(std::max<qint64>(fleet.deliveredCount, 1))) } });
    run.checkFleet(fleet, totals, population.users);
    if (skipped > 0)
        run.problem(
            u"%1 messages were not sent: their sender was not connected"_s.arg(skipped.load()));
    if (unanswered > 0)
        run.problem(u"%1 messages were never acknowledged"_s.arg(unanswered));
    if (lost > 0)
        run.problem(u"%1 deliveries are missing"_s.arg(lost));
    fleet.closeAll();
}

// --- ingest ------------------------------------------------------------------------------

// Reads every room's last_seq back through `sync` and compares it with what was
// acknowledged: an acknowledged message that is not in the room would be lost.
qint64 verifyPersisted(Run &run, Fleet &fleet, const QList<qint64> &acceptedPerRoom)
{
    std::atomic<qint64> answered { 0 };
    std::atomic<qint64> missing { 0 };
    const int senders = fleet.size();
    for (int t = 0; t < run.threads.count(); ++t) {
        run.threads.post(t, [&, t] {
            for (int i = t; i < senders; i += run.threads.count()) {
                auto *client = dynamic_cast<ConfabClient *>(fleet.client(i));
                auto *target = dynamic_cast<ConfabTarget *>(&run.target);
                const qint64 roomId = target->directory().roomIds.at(i);
                client->call(
                    "sync"_L1,
                    { { "since"_L1, QJsonObject { { QString::number(roomId), 0 } } },
                      { "limit"_L1, 1 } },
                    [&, i](const QJsonObject &reply) {
                        const auto rooms
                            = reply.value("result"_L1).toObject().value("rooms"_L1).toArray();
                        const qint64 last = rooms.isEmpty()
                            ? -1
                            : rooms.at(0).toObject().value("last_seq"_L1).toInteger();
                        if (last != acceptedPerRoom.at(i))
                            missing += std::abs(acceptedPerRoom.at(i) - last);
                        ++answered;
                    });
            }
        });
    }
    if (!pollUntil([&] { return answered >= senders; }, kDrainTimeoutMs))
        return -1;
    return missing;
}

void ingest(Run &run)
{
    const int senders = run.sizes.ingestSenders;
    Population population { senders, {} };
    for (int i = 0; i < senders; ++i)
        population.rooms.append(QList<int> { i });
    if (!run.prepare({ u"ingest"_s, population, 0 }))
        return;
    Fleet fleet(run.threads, run.target, senders, QList<int>(senders, 1), run.sizes.textBytes);
    fleet.open({}, run.sizes.handshakesInFlight);
    fleet.waitOpened(openTimeoutMs(senders));

    // Closed loop: every sender keeps `window` messages unacknowledged, and sends the next
    // one as soon as one is acknowledged, until the time is up.
    std::atomic<qint64> stopNs { std::numeric_limits<qint64>::max() };
    std::vector<qint64> nextK(size_t(senders), 0);
    fleet.onAccepted = [&](ChatClient *client, int room, qint64) {
        const qint64 now = nowNs();
        if (now < stopNs)
            fleet.send(client, room, nextK[size_t(client->index())]++, now);
    };
    for (int t = 0; t < run.threads.count(); ++t) {
        run.threads.post(t, [&, t] {
            for (int i = t; i < senders; i += run.threads.count()) {
                ChatClient *client = fleet.client(i);
                if (!client->isReady())
                    continue;
                for (int w = 0; w < run.sizes.ingestWindow; ++w)
                    fleet.send(client, i, nextK[size_t(i)]++, nowNs());
            }
        });
    }
    // The first second is warm-up: caches, prepared statements, the batch size settling.
    const int warmUpMs = std::min(1000, run.sizes.ingestSeconds * 1000 / 4);
    pauseFor(warmUpMs);
    fleet.resetLatencies();
    const qint64 acceptedBefore = fleet.acceptedCount;
    const qint64 measureStart = nowNs();
    pauseFor(run.sizes.ingestSeconds * 1000 - warmUpMs);
    const qint64 acceptedAfter = fleet.acceptedCount;
    const double measured = double(nowNs() - measureStart) / 1e9;
    stopNs = nowNs();
    pollUntil([&] { return fleet.acceptedCount + fleet.refusedCount >= fleet.sentCount; },
              kDrainTimeoutMs);
    pollUntil([&] { return fleet.deliveredCount >= fleet.expectedCount; }, kDrainTimeoutMs);
    auto totals = fleet.collect();

    qint64 notPersisted = 0;
    if (dynamic_cast<ConfabTarget *>(&run.target)) {
        notPersisted = verifyPersisted(run, fleet, totals.acceptedPerRoom);
        if (notPersisted < 0)
            run.problem(u"the rooms' last_seq could not be read back"_s);
        else if (notPersisted > 0)
            run.problem(u"%1 acknowledged messages are not in their rooms"_s.arg(notPersisted));
    }
    const qint64 unanswered = fleet.sentCount - fleet.acceptedCount - fleet.refusedCount;
    const qint64 lost = fleet.expectedCount - fleet.deliveredCount;
    run.result.insert("connections"_L1, run.connectionsJson(fleet, totals, senders));
    run.result.insert("messages"_L1,
                      QJsonObject { { "window"_L1, run.sizes.ingestWindow },
                                    { "sent"_L1, fleet.sentCount.load() },
                                    { "accepted"_L1, fleet.acceptedCount.load() },
                                    { "refused"_L1, fleet.refusedCount.load() },
                                    { "unanswered"_L1, unanswered },
                                    { "not_persisted"_L1, notPersisted },
                                    { "accepted_per_s"_L1,
                                      round2(double(acceptedAfter - acceptedBefore) / measured) },
                                    { "accept_latency"_L1, totals.accept.summary() } });
    run.result.insert("deliveries"_L1,
                      QJsonObject { { "expected"_L1, fleet.expectedCount.load() },
                                    { "delivered"_L1, fleet.deliveredCount.load() },
                                    { "lost"_L1, lost },
                                    { "latency"_L1, totals.delivery.summary() } });
    run.checkFleet(fleet, totals, senders);
    if (unanswered > 0)
        run.problem(u"%1 messages were never acknowledged"_s.arg(unanswered));
    if (lost > 0)
        run.problem(u"%1 deliveries are missing"_s.arg(lost));
    fleet.closeAll();
}

// --- history -----------------------------------------------------------------------------

struct Position
{
    QString name;
    QLatin1StringView op;
    QJsonObject args;
    std::function<bool(const QJsonObject &result)> check;
};

QJsonArray storeFigures(Run &run, QString *error)
{
    if (run.context.historyBench.isEmpty())
        return {};
    QTemporaryDir dir;
    const QString json = dir.filePath(u"history.json"_s);
    const QString backend = run.target.key().section(u'-', 1);
    QProcess bench;
    bench.setProcessChannelMode(QProcess::MergedChannels);
    bench.start(run.context.historyBench,
                { u"--backend"_s, backend, u"--messages"_s,
                  QString::number(run.sizes.historyMessages), u"--samples"_s,
                  QString::number(run.sizes.historySamples), u"--json"_s, json });
    if (!bench.waitForFinished(30 * 60 * 1000) || bench.exitCode() != 0) {
        *error = u"confab-history-bench failed: %1"_s.arg(
            QString::fromUtf8(bench.readAll().right(2000)));
        return {};
    }
    QFile file(json);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"confab-history-bench wrote no %1"_s.arg(json);
        return {};
    }
    return QJsonDocument::fromJson(file.readAll()).object().value("positions"_L1).toArray();
}

void history(Run &run)
{
    const qint64 messages = run.sizes.historyMessages;
    if (!run.prepare({ u"history"_s, { 1, { { 0 } } }, messages }))
        return;
    Fleet fleet(run.threads, run.target, 1, { 1 }, run.sizes.textBytes);
    fleet.open({}, 1);
    fleet.waitOpened(openTimeoutMs(1));
    const qint64 roomId = dynamic_cast<ConfabTarget &>(run.target).directory().roomIds.at(0);
    const auto pageOf
        = [](const QJsonObject &result) { return result.value("messages"_L1).toArray(); };
    const QList<Position> positions {
        { u"history, newest page"_s,
          "history"_L1,
          { { "room"_L1, roomId }, { "limit"_L1, 50 } },
          [&](const QJsonObject &r) {
              return pageOf(r).size() == 50
                  && pageOf(r).at(0).toObject().value("seq"_L1).toInteger() == messages;
          } },
        { u"history, middle page"_s,
          "history"_L1,
          { { "room"_L1, roomId }, { "before"_L1, messages / 2 }, { "limit"_L1, 50 } },
          [&](const QJsonObject &r) { return pageOf(r).size() == 50; } },
        { u"history, oldest page"_s,
          "history"_L1,
          { { "room"_L1, roomId }, { "before"_L1, 51 }, { "limit"_L1, 50 } },
          [&](const QJsonObject &r) {
              return pageOf(r).size() == 50
                  && pageOf(r).last().toObject().value("seq"_L1).toInteger() == 1;
          } },
        { u"sync 500 from the middle"_s,
          "sync"_L1,
          { { "since"_L1, QJsonObject { { QString::number(roomId), messages / 2 } } },
            { "limit"_L1, 500 } },
          [&](const QJsonObject &r) {
              const auto rooms = r.value("rooms"_L1).toArray();
              return !rooms.isEmpty()
                  && rooms.at(0).toObject().value("events"_L1).toArray().size()
                  == std::min<qint64>(500, messages - messages / 2);
          } },
    };

    QJsonArray rows;
    ErrorCounts errors;
    for (const auto &position : positions) {
        Latencies times;
        std::atomic<bool> done { false };
        qint64 wrong = 0;
        // One request at a time, each sent when the previous reply is in: the time of one
        // page as a client sees it. The first is a warm-up.
        auto *client = dynamic_cast<ConfabClient *>(fleet.client(0));
        std::function<void(int)> next = [&](int remaining) {
            const qint64 sent = nowNs();
            client->call(
                position.op, position.args, [&, sent, remaining](const QJsonObject &reply) {
                    if (remaining < run.sizes.historySamples)
                        times.addNs(nowNs() - sent);
                    if (!reply.value("ok"_L1).toBool())
                        errors.add(reply.value("error"_L1).toObject().value("code"_L1).toString());
                    else if (!position.check(reply.value("result"_L1).toObject()))
                        ++wrong;
                    if (remaining == 0)
                        done = true;
                    else
                        next(remaining - 1);
                });
        };
        run.threads.post(run.threads.threadOf(0), [&] { next(run.sizes.historySamples); });
        if (!pollUntil([&] { return done.load(); }, 10 * 60 * 1000))
            run.problem(u"%1: no answer"_s.arg(position.name));
        if (wrong > 0)
            run.problem(
                u"%1: %2 replies did not hold the expected events"_s.arg(position.name).arg(wrong));
        QJsonObject row = times.summary();
        row.insert("position"_L1, position.name);
        rows.append(row);
    }
    run.result.insert("messages_in_room"_L1, messages);
    run.result.insert("samples"_L1, run.sizes.historySamples);
    run.result.insert("over_wss"_L1, rows);
    run.result.insert("errors"_L1, errors.toJson());
    if (errors.total() > 0)
        run.problem(u"%1 history requests were refused"_s.arg(errors.total()));
    fleet.closeAll();

    QString error;
    const QJsonArray store = storeFigures(run, &error);
    if (!error.isEmpty())
        run.problem(error);
    else
        run.result.insert("store"_L1, store);
}

// --- reconnect-storm ---------------------------------------------------------------------

void reconnectStorm(Run &run)
{
    constexpr int kBefore = 3; // messages every client saw before it dropped
    const int clients = run.sizes.stormClients;
    const int roomSize = run.sizes.stormRoomSize;
    const int rooms = (clients + roomSize - 1) / roomSize;
    const int missed = run.sizes.stormMissed;
    // Users 0..clients-1 drop and come back; user clients + r stays and writes in room r.
    Population population { clients + rooms, {} };
    for (int r = 0; r < rooms; ++r) {
        QList<int> room;
        for (int i = r * roomSize; i < std::min(clients, (r + 1) * roomSize); ++i)
            room.append(i);
        room.append(clients + r);
        population.rooms.append(room);
    }
    if (!run.prepare({ u"reconnect-storm"_s, population, 0 }))
        return;
    QList<int> roomSizes;
    for (const auto &room : std::as_const(population.rooms))
        roomSizes.append(int(room.size()));
    Fleet fleet(run.threads, run.target, population.users, roomSizes, run.sizes.textBytes);
    fleet.open({}, run.sizes.handshakesInFlight);
    fleet.waitOpened(openTimeoutMs(population.users));
    const bool allOpened = fleet.readyCount == population.users;

    const auto writeToEveryRoom = [&](int count, qint64 firstK) {
        const qint64 target = fleet.sentCount + qint64(count) * rooms;
        for (int r = 0; r < rooms; ++r) {
            const int writer = clients + r;
            run.threads.post(run.threads.threadOf(writer), [&, writer, r, count, firstK] {
                for (int k = 0; k < count; ++k)
                    fleet.send(fleet.client(writer), r, firstK + k, nowNs());
            });
        }
        pollUntil([&] { return fleet.sentCount >= target; }, kDrainTimeoutMs);
        pollUntil([&] { return fleet.acceptedCount + fleet.refusedCount >= fleet.sentCount; },
                  kDrainTimeoutMs);
    };
    writeToEveryRoom(kBefore, 0);
    pollUntil([&] { return fleet.deliveredCount >= fleet.expectedCount; }, kDrainTimeoutMs);
    const qint64 deliveredBefore = fleet.deliveredCount;
    const qint64 expectedBefore = fleet.expectedCount;

    QList<int> dropping;
    for (int i = 0; i < clients; ++i)
        dropping.append(i);
    fleet.abort(dropping);
    pauseFor(1000); // the server notices the lost connections
    writeToEveryRoom(missed, kBefore);
    const qint64 finalSeq = kBefore + missed;

    // Back all at once: resume, then sync from the last seq seen until the room's end.
    const auto *target = dynamic_cast<ConfabTarget *>(&run.target);
    std::atomic<qint64> caughtUp { 0 };
    std::atomic<qint64> gaps { 0 };
    std::atomic<qint64> lastCaughtUpNs { 0 };
    std::vector<Latencies> catchUp(size_t(run.threads.count()));
    const qint64 stormStart = nowNs();
    std::function<void(ConfabClient *)> syncFrom = [&](ConfabClient *client) {
        const int room = client->index() / roomSize;
        const qint64 roomId = target->directory().roomIds.at(room);
        client->call(
            "sync"_L1,
            { { "since"_L1,
                QJsonObject { { QString::number(roomId), fleet.lastSeq(client->index(), room) } } },
              { "limit"_L1, 1000 } },
            [&, client, room](const QJsonObject &reply) {
                const auto result = reply.value("result"_L1).toObject();
                const auto backfill = result.value("rooms"_L1).toArray().at(0).toObject();
                qint64 last = fleet.lastSeq(client->index(), room);
                const auto events = backfill.value("events"_L1).toArray();
                for (const auto &event : events) {
                    const qint64 seq = event.toObject().value("seq"_L1).toInteger();
                    if (seq != last + 1)
                        ++gaps;
                    last = std::max(last, seq);
                }
                fleet.setLastSeq(client->index(), room, last);
                if (!reply.value("ok"_L1).toBool())
                    fleet.refused(client,
                                  reply.value("error"_L1).toObject().value("code"_L1).toString());
                else if (backfill.value("has_more"_L1).toBool())
                    syncFrom(client);
                else if (last >= finalSeq) {
                    const qint64 now = nowNs();
                    catchUp[size_t(run.threads.threadOf(client->index()))].addNs(now - stormStart);
                    lastCaughtUpNs = now;
                    ++caughtUp;
                }
            });
    };
    fleet.onReady = [&](ChatClient *client) {
        if (client->index() < clients)
            syncFrom(dynamic_cast<ConfabClient *>(client));
    };
    fleet.open(dropping, clients);
    pollUntil([&] { return caughtUp + fleet.gaveUpCount + fleet.refusedCount >= clients; },
              std::max(180'000, clients * 40));
    const double allCaughtUpSeconds = double(lastCaughtUpNs - stormStart) / 1e9;

    // Every client should now hold seq 1..finalSeq of its room: the missing are what it lacks.
    std::atomic<qint64> missingEvents { 0 };
    run.threads.runEverywhere([&](int thread) {
        for (int i = thread; i < clients; i += run.threads.count())
            missingEvents += std::max<qint64>(0, finalSeq - fleet.lastSeq(i, i / roomSize));
    });
    auto totals = fleet.collect();
    Latencies catchUpAll;
    for (const auto &lane : catchUp)
        catchUpAll.merge(lane);

    run.result.insert("connections"_L1,
                      QJsonObject { { "clients"_L1, clients },
                                    { "room_size"_L1, roomSize },
                                    { "rooms"_L1, rooms },
                                    { "missed_per_room"_L1, missed },
                                    { "reopened"_L1, fleet.readyCount.load() },
                                    { "gave_up"_L1, fleet.gaveUpCount.load() },
                                    { "retries"_L1, totals.retries },
                                    { "connect_ms"_L1, totals.connect.summary() } });
    run.result.insert("catch_up"_L1,
                      QJsonObject { { "caught_up"_L1, caughtUp.load() },
                                    { "all_caught_up_s"_L1,
                                      caughtUp == clients ? round2(allCaughtUpSeconds) : -1.0 },
                                    { "per_client"_L1, catchUpAll.summary() },
                                    { "missing_events"_L1, missingEvents.load() },
                                    { "gaps"_L1, gaps.load() },
                                    { "live_deliveries_before_drop"_L1, deliveredBefore },
                                    { "live_deliveries_expected"_L1, expectedBefore } });
    if (!allOpened)
        run.problem(u"not every client connected before the storm"_s);
    if (deliveredBefore < expectedBefore)
        run.problem(u"%1 live deliveries before the drop are missing"_s.arg(expectedBefore
                                                                            - deliveredBefore));
    if (caughtUp < clients)
        run.problem(u"%1 of %2 clients did not catch up"_s.arg(clients - caughtUp).arg(clients));
    if (missingEvents > 0)
        run.problem(u"%1 events are missing after the backfill"_s.arg(missingEvents.load()));
    if (gaps > 0)
        run.problem(u"%1 backfills skipped a seq"_s.arg(gaps.load()));
    if (fleet.refusedCount > 0)
        run.problem(u"%1 requests were refused"_s.arg(fleet.refusedCount.load()));
    run.result.insert("errors"_L1, totals.errors.toJson());
    fleet.onReady = {};
    fleet.closeAll();
}

} // namespace

std::optional<Sizes> Sizes::preset(const QString &name)
{
    Sizes sizes;
    sizes.name = name;
    if (name == "tiny"_L1) {
        sizes.connections = 40;
        sizes.holdSeconds = 1;
        sizes.fanoutRooms = 3;
        sizes.fanoutMembers = 5;
        sizes.fanoutRate = 40;
        sizes.fanoutSeconds = 2;
        sizes.ingestSenders = 4;
        sizes.ingestWindow = 4;
        sizes.ingestSeconds = 2;
        sizes.historyMessages = 1000;
        sizes.historySamples = 10;
        sizes.stormClients = 30;
        sizes.stormRoomSize = 10;
        sizes.stormMissed = 5;
    } else if (name == "small"_L1) {
        sizes.connections = 1000;
        sizes.holdSeconds = 5;
        sizes.fanoutRooms = 10;
        sizes.fanoutMembers = 20;
        sizes.fanoutRate = 100;
        sizes.fanoutSeconds = 10;
        sizes.ingestSenders = 32;
        sizes.ingestWindow = 8;
        sizes.ingestSeconds = 8;
        sizes.historyMessages = 100'000;
        sizes.historySamples = 100;
        sizes.stormClients = 500;
        sizes.stormRoomSize = 50;
        sizes.stormMissed = 20;
    } else if (name == "full"_L1) {
        sizes.connections = 10'000;
        sizes.holdSeconds = 10;
        sizes.fanoutRooms = 100;
        sizes.fanoutMembers = 100;
        sizes.fanoutRate = 100;
        sizes.fanoutSeconds = 30;
        sizes.ingestSenders = 64;
        sizes.ingestWindow = 8;
        sizes.ingestSeconds = 20;
        sizes.historyMessages = 1'000'000;
        sizes.historySamples = 300;
        sizes.stormClients = 5000;
        sizes.stormRoomSize = 50;
        sizes.stormMissed = 50;
    } else {
        return std::nullopt;
    }
    return sizes;
}

QJsonObject Sizes::toJson() const
{
    return { { "preset"_L1, name },
             { "connections"_L1, connections },
             { "hold_s"_L1, holdSeconds },
             { "fanout_rooms"_L1, fanoutRooms },
             { "fanout_members"_L1, fanoutMembers },
             { "fanout_rate"_L1, fanoutRate },
             { "fanout_s"_L1, fanoutSeconds },
             { "ingest_senders"_L1, ingestSenders },
             { "ingest_window"_L1, ingestWindow },
             { "ingest_s"_L1, ingestSeconds },
             { "history_messages"_L1, historyMessages },
             { "history_samples"_L1, historySamples },
             { "storm_clients"_L1, stormClients },
             { "storm_room_size"_L1, stormRoomSize },
             { "storm_missed"_L1, stormMissed },
             { "text_bytes"_L1, textBytes } };
}

QJsonObject runScenario(const QString &name, Target &target, const ScenarioContext &context)
{
    Run run(name, target, context);
    if (name == "connections"_L1)
        connections(run);
    else if (name == "fanout"_L1)
        fanout(run);
    else if (name == "ingest"_L1)
        ingest(run);
    else if (name == "history"_L1)
        history(run);
    else if (name == "reconnect-storm"_L1)
        reconnectStorm(run);
    else
        run.problem(u"unknown scenario"_s);
    return run.finish();
}

} // namespace confab::bench
