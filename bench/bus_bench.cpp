// The ceiling of the cluster bus: how many transactions a second PostgreSQL commits when each
// bumps a room's last_seq, as the store's group commit does, with and without the one
// pg_notify per batch that carries the batch to the other nodes, and how many of those
// notifications a LISTENing connection receives. See docs/benchmarks.md, "Several nodes".
//
//   confab-bus-bench [--writers 1,2,4,8,16] [--seconds 5] [--rooms 1000]
//                    [--synchronous-commit on,off] [--json FILE]
//
// Needs CONFAB_TEST_POSTGRES_URL (a role that may create databases): the measurement runs in
// a database of its own, dropped at the end.
#include "Seeder.h"
#include "TestDatabase.h"
#include "cluster/BusChannel.h"
#include "cluster/BusPayload.h"
#include "protocol/Entities.h"
#include "store/Database.h"
#include "store/DatabaseUrl.h"
#include "store/Migrations.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSqlDriver>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <cmath>
#include <sys/resource.h>
#include <thread>
#include <vector>

using namespace Qt::StringLiterals;
using namespace confab::server;

namespace {

QTextStream out(stdout);

constexpr int kWarmUpMs = 1000;
constexpr int kDrainTimeoutMs = 30'000;

struct Mode
{
    QString name;
    QString payload; // empty: no notification
    bool listening = false;
};

struct Figures
{
    qint64 commits = 0; // in the measured window
    qint64 failures = 0;
    double seconds = 0;
    qint64 notified = 0; // every notifying commit of the case, warm-up included
    qint64 received = 0; // of those, what the listener got
    qint64 receivedInWindow = 0;
    double processCores = 0;
};

double processCpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// A payload as a node sends it, made by the bus's own encoder: `events` messages of about a
// hundred bytes of text each, in one room.
QString busPayload(int events)
{
    QList<confab::protocol::Event> batch;
    for (int i = 0; i < events; ++i) {
        confab::protocol::Event event;
        event.room = 42;
        event.seq = 100'000 + i;
        event.sender = { 7, u"benchuser7"_s };
        event.clientId = u"c7-%1"_s.arg(123'456 + i);
        event.text = QString(100, u'x');
        event.timestamp = 1'795'000'000'000 + i;
        batch.append(event);
    }
    return QString::fromUtf8(BusPayload::encode(u"confab1"_s, batch).first());
}

// The largest batch that still goes by value, close to PostgreSQL's limit of 8000 bytes.
QString largestPayload()
{
    int events = 1;
    while (busPayload(events + 1).contains(u"\"events\""_s))
        ++events;
    return busPayload(events);
}

// One writer: its own connection, committing one transaction after another until told to
// stop, as a node's store thread does with one batch after another.
void writer(const DatabaseUrl &url, int index, const QList<qint64> &rooms, const QString &payload,
            bool synchronousCommit, const std::atomic<bool> &stop,
            const std::atomic<bool> &counting, std::atomic<qint64> &commits,
            std::atomic<qint64> &failures, std::atomic<qint64> &notified)
{
    Database db(url, u"bus-bench-%1"_s.arg(index));
    QString error;
    if (!db.open(&error)
        || (!synchronousCommit && !db.execDirect(u"SET synchronous_commit = off"_s, &error))) {
        qWarning().noquote() << "writer" << index << error;
        ++failures;
        return;
    }
    QRandomGenerator random(quint32(index + 1));
    while (!stop) {
        const qint64 room = rooms.at(random.bounded(int(rooms.size())));
        bool ok = db.begin();
        ok = ok && db.execOk(u"UPDATE rooms SET last_seq = last_seq + 1 WHERE id = ?"_s, { room });
        if (ok && !payload.isEmpty())
            ok = db.execOk(u"SELECT pg_notify(?, ?)"_s, { QString(kBusChannel), payload });
        ok = ok && db.commit();
        if (!ok) {
            db.rollback();
            ++failures;
            continue;
        }
        if (!payload.isEmpty())
            ++notified;
        if (counting)
            ++commits;
    }
}

Figures runCase(const DatabaseUrl &url, Database &listener, const Mode &mode, int writers,
                const QList<qint64> &rooms, bool synchronousCommit, int seconds)
{
    std::atomic<bool> stop { false };
    std::atomic<bool> counting { false };
    std::atomic<qint64> commits { 0 };
    std::atomic<qint64> failures { 0 };
    std::atomic<qint64> notified { 0 };
    qint64 received = 0;
    qint64 receivedInWindow = 0;
    bool inWindow = false;

    QSqlDriver *driver = listener.driver();
    QMetaObject::Connection connection;
    // LISTEN only for the cases that have a listener: a LISTENing connection is what makes
    // PostgreSQL signal and deliver, and notifications sent before it are never its own.
    if (mode.listening && !driver->subscribeToNotification(kBusChannel)) {
        Figures failed;
        failed.failures = 1;
        return failed;
    }
    if (mode.listening) {
        connection
            = QObject::connect(driver, &QSqlDriver::notification, driver, [&](const QString &name) {
                  if (name != kBusChannel)
                      return;
                  ++received;
                  if (inWindow)
                      ++receivedInWindow;
              });
    }

    std::vector<std::thread> threads;
    for (int i = 0; i < writers; ++i)
        threads.emplace_back(writer, std::cref(url), i, std::cref(rooms), std::cref(mode.payload),
                             synchronousCommit, std::cref(stop), std::cref(counting),
                             std::ref(commits), std::ref(failures), std::ref(notified));

    // The listener's notifications arrive through the event loop of this thread.
    const auto runFor = [](int ms) {
        QEventLoop loop;
        QTimer::singleShot(ms, &loop, &QEventLoop::quit);
        loop.exec();
    };
    runFor(kWarmUpMs);
    const double cpuStart = processCpuSeconds();
    const qint64 start = nowMs();
    counting = true;
    inWindow = true;
    runFor(seconds * 1000);
    counting = false;
    inWindow = false;
    const qint64 end = nowMs();
    const double cpuEnd = processCpuSeconds();
    stop = true;
    for (auto &thread : threads)
        thread.join();
    if (mode.listening) {
        const qint64 deadline = nowMs() + kDrainTimeoutMs;
        while (received < notified && nowMs() < deadline)
            runFor(50);
        QObject::disconnect(connection);
        driver->unsubscribeFromNotification(kBusChannel);
    }

    Figures figures;
    figures.commits = commits;
    figures.failures = failures;
    figures.seconds = double(end - start) / 1000.0;
    figures.notified = notified;
    figures.received = received;
    figures.receivedInWindow = receivedInWindow;
    figures.processCores = (cpuEnd - cpuStart) / figures.seconds;
    return figures;
}

QString loadAverage()
{
    QFile file(u"/proc/loadavg"_s);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(file.readAll()).section(u' ', 0, 2);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Transactions per second on the cluster bus"_s);
    parser.addHelpOption();
    parser.addOption(
        { u"writers"_s, u"Concurrent writers, one case each"_s, u"list"_s, u"1,2,4,8,16"_s });
    parser.addOption(
        { u"seconds"_s, u"Measured seconds per case (after 1 s warm-up)"_s, u"s"_s, u"5"_s });
    parser.addOption({ u"rooms"_s, u"Rooms whose last_seq the writers bump"_s, u"n"_s, u"1000"_s });
    parser.addOption({ u"synchronous-commit"_s,
                       u"The writers' synchronous_commit, one pass each: on waits for the WAL "
                       "flush at every commit, as confabd does"_s,
                       u"list"_s, u"on"_s });
    parser.addOption({ u"json"_s, u"Also write the figures to this file"_s, u"file"_s });
    parser.process(app);
    const int seconds = std::max(1, parser.value(u"seconds"_s).toInt());
    const int rooms = std::max(1, parser.value(u"rooms"_s).toInt());
    QList<int> writerCounts;
    for (const auto &count : parser.value(u"writers"_s).split(u',', Qt::SkipEmptyParts))
        writerCounts.append(std::max(1, count.toInt()));

    qputenv("CONFAB_TEST_BACKEND", "postgres");
    QTemporaryDir dir;
    QString error;
    auto testDatabase = confab::test::TestDatabase::create(dir.path(), &error);
    if (!testDatabase) {
        out << error << Qt::endl;
        return 1;
    }
    const auto url = DatabaseUrl::parse(testDatabase->url(), &error);
    if (!url) {
        out << error << Qt::endl;
        return 1;
    }
    QList<qint64> roomIds;
    {
        Database db(*url, u"bus-bench-seed"_s);
        confab::bench::Population population { 1, QList<QList<int>>(rooms, QList<int> { 0 }) };
        confab::bench::SeededPopulation seeded;
        if (!db.open(&error) || !Migrations::apply(db, &error)
            || !confab::bench::seedPopulation(db, population, u"bus"_s, &seeded, &error)) {
            out << error << Qt::endl;
            return 1;
        }
        roomIds = seeded.roomIds;
    }
    Database listener(*url, u"bus-bench-listener"_s, kBusApplicationName);
    if (!listener.open(&error)) {
        out << error << Qt::endl;
        return 1;
    }

    const QString small = busPayload(1);
    const QString large = largestPayload();
    const QList<Mode> modes {
        { u"no notification"_s, {}, false },
        { u"notify %1 B, nobody listening"_s.arg(small.size()), small, false },
        { u"notify %1 B, one listener"_s.arg(small.size()), small, true },
        { u"notify %1 B, one listener"_s.arg(large.size()), large, true },
    };
    out << "database " << url->redacted() << "; " << rooms << " rooms; " << seconds
        << " s per case; payloads " << small.size() << " and " << large.size() << " bytes"
        << Qt::endl;
    out << "load average " << loadAverage() << ", " << QThread::idealThreadCount() << " cores"
        << Qt::endl;

    QJsonArray cases;
    // The modes alternate within each writer count, so that a change in what else runs on
    // the machine (or in its disk's flush time) moves neighbouring figures alike.
    const QStringList commitSettings
        = parser.value(u"synchronous-commit"_s).split(u',', Qt::SkipEmptyParts);
    for (const auto &commitSetting : commitSettings) {
        const bool synchronousCommit = commitSetting != "off"_L1;
        for (const int writers : std::as_const(writerCounts)) {
            for (const auto &mode : modes) {
                const QString load = loadAverage();
                const Figures f
                    = runCase(*url, listener, mode, writers, roomIds, synchronousCommit, seconds);
                const double perSecond = double(f.commits) / f.seconds;
                QJsonObject json { { "mode"_L1, mode.name },
                                   { "payload_bytes"_L1, mode.payload.size() },
                                   { "listening"_L1, mode.listening },
                                   { "writers"_L1, writers },
                                   { "synchronous_commit"_L1, synchronousCommit },
                                   { "transactions_per_s"_L1, std::round(perSecond) },
                                   { "failures"_L1, f.failures },
                                   { "bench_process_cores"_L1,
                                     std::round(f.processCores * 100) / 100 },
                                   { "load_average"_L1, load } };
                QString line = u"synchronous_commit %1 | %2 | %3 writers | %4 transactions/s"_s
                                   .arg(commitSetting, mode.name)
                                   .arg(writers)
                                   .arg(qint64(std::llround(perSecond)));
                if (mode.listening) {
                    json.insert("notified"_L1, f.notified);
                    json.insert("received"_L1, f.received);
                    json.insert("received_per_s"_L1,
                                std::round(double(f.receivedInWindow) / f.seconds));
                    line += u" | received %1/s, %2 of %3 in all"_s
                                .arg(qint64(std::llround(double(f.receivedInWindow) / f.seconds)))
                                .arg(f.received)
                                .arg(f.notified);
                }
                if (f.failures > 0)
                    line += u" | %1 failed"_s.arg(f.failures);
                out << line << " | process " << QString::number(f.processCores, 'f', 2)
                    << " cores | load " << load << Qt::endl;
                cases.append(json);
            }
        }
    }

    if (parser.isSet(u"json"_s)) {
        const QJsonObject run { { "date"_L1,
                                  QDateTime::currentDateTimeUtc().toString(Qt::ISODate) },
                                { "command"_L1, QCoreApplication::arguments().join(u' ') },
                                { "cores"_L1, QThread::idealThreadCount() },
                                { "rooms"_L1, rooms },
                                { "seconds"_L1, seconds },
                                { "cases"_L1, cases } };
        QFile file(parser.value(u"json"_s));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(QJsonDocument(run).toJson(QJsonDocument::Indented)) < 0) {
            out << "cannot write " << file.fileName() << Qt::endl;
            return 1;
        }
    }
    return 0;
}
