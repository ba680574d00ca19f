// The epoll event dispatcher of the socket threads, in a thread of its own, doing what Qt
// code running there relies on: timers, queued calls from other threads, deferred deletes,
// sockets with back-pressure, nested event loops, objects moving between threads, quitting.
#include "net/EpollEventDispatcher.h"

#include <QEventLoop>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <memory>

using confab::server::EpollEventDispatcher;

namespace {

constexpr int kTimeoutMs = 20'000;

// A started thread running the epoll dispatcher, with an object living in it to run code on.
class EpollThread
{
public:
    EpollThread()
    {
        auto dispatcher = std::make_unique<EpollEventDispatcher>();
        valid = dispatcher->isValid();
        thread.setEventDispatcher(dispatcher.release());
        context.moveToThread(&thread);
        thread.start();
    }
    ~EpollThread()
    {
        // What the test made in the thread goes with it, in the thread, timers and all.
        if (thread.isRunning())
            run([this] { qDeleteAll(context.children()); });
        thread.quit();
        thread.wait();
    }

    // Runs f in the thread and waits for it to return.
    template<typename F> void run(F f)
    {
        QMetaObject::invokeMethod(&context, f, Qt::BlockingQueuedConnection);
    }

    bool valid = false;
    QThread thread;
    QObject context;
};

} // namespace

class TestEpollDispatcher : public QObject
{
    Q_OBJECT

private slots:
    void isTheThreadsDispatcher()
    {
        EpollThread loop;
        QVERIFY(loop.valid);
        QVERIFY(qobject_cast<EpollEventDispatcher *>(loop.thread.eventDispatcher()));
    }

    void repeatingAndSingleShotTimersFire()
    {
        EpollThread loop;
        std::atomic_int ticks = 0;
        std::atomic_int singleShots = 0;
        QTimer *repeating = nullptr;
        loop.run([&] {
            repeating = new QTimer(&loop.context);
            repeating->setInterval(5);
            QObject::connect(repeating, &QTimer::timeout, repeating, [&] {
                if (++ticks == 5)
                    repeating->stop();
            });
            repeating->start();
            QTimer::singleShot(20, &loop.context, [&] { ++singleShots; });
        });
        QTRY_COMPARE_WITH_TIMEOUT(ticks.load(), 5, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(singleShots.load(), 1, kTimeoutMs);

        // Stopped means stopped: a timer three times as fast, started now, overtakes any late
        // tick of the stopped one.
        std::atomic_int laterTicks = 0;
        loop.run([&] {
            auto *fast = new QTimer(&loop.context);
            QObject::connect(fast, &QTimer::timeout, fast, [&, fast] {
                if (++laterTicks == 3)
                    fast->stop();
            });
            fast->start(5);
        });
        QTRY_COMPARE_WITH_TIMEOUT(laterTicks.load(), 3, kTimeoutMs);
        QCOMPARE(ticks.load(), 5);
        QCOMPARE(singleShots.load(), 1);
    }

    void remainingTimeCountsDown()
    {
        EpollThread loop;
        int remaining = -2;
        int unknown = 0;
        loop.run([&] {
            auto *timer = new QTimer(&loop.context);
            timer->start(60'000);
            remaining = timer->remainingTime();
            unknown = QAbstractEventDispatcher::instance()->remainingTime(987654);
        });
        QVERIFY2(remaining > 0 && remaining <= 60'000, qPrintable(QString::number(remaining)));
        QCOMPARE(unknown, -1);
    }

    void queuedCallsFromOtherThreadsAllArrive()
    {
        EpollThread loop;
        std::atomic_int calls = 0;
        constexpr int kCalls = 20'000;
        std::vector<std::unique_ptr<QThread>> posters;
        for (int i = 0; i < 4; ++i) {
            posters.emplace_back(QThread::create([&] {
                for (int n = 0; n < kCalls / 4; ++n)
                    QMetaObject::invokeMethod(
                        &loop.context, [&] { ++calls; }, Qt::QueuedConnection);
            }));
            posters.back()->start();
        }
        for (auto &poster : posters)
            QVERIFY(poster->wait(kTimeoutMs));
        QTRY_COMPARE_WITH_TIMEOUT(calls.load(), kCalls, kTimeoutMs);
    }

    void deferredDeletesHappen()
    {
        EpollThread loop;
        QPointer<QObject> doomed;
        loop.run([&] {
            doomed = new QObject;
            doomed->deleteLater();
        });
        QTRY_VERIFY_WITH_TIMEOUT(doomed.isNull(), kTimeoutMs);
    }

    // More than the kernel's socket buffers, echoed back: both sides' write notifiers are
    // switched on and off many times on the way.
    void socketsCarryDataBothWaysUnderBackPressure()
    {
        EpollThread loop;
        QTcpServer *server = nullptr;
        quint16 port = 0;
        loop.run([&] {
            server = new QTcpServer(&loop.context);
            if (server->listen(QHostAddress::LocalHost))
                port = server->serverPort();
            QObject::connect(server, &QTcpServer::newConnection, server, [server] {
                while (QTcpSocket *peer = server->nextPendingConnection()) {
                    QObject::connect(peer, &QTcpSocket::readyRead, peer,
                                     [peer] { peer->write(peer->readAll()); });
                }
            });
        });
        QVERIFY(port != 0);

        QByteArray payload(8 * 1024 * 1024, Qt::Uninitialized);
        for (qsizetype i = 0; i < payload.size(); ++i)
            payload[i] = char(i * 7 + i / 4096);

        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(client.waitForConnected(kTimeoutMs));
        client.write(payload);
        QByteArray echoed;
        QObject::connect(&client, &QTcpSocket::readyRead, &client,
                         [&] { echoed += client.readAll(); });
        QTRY_COMPARE_WITH_TIMEOUT(echoed.size(), payload.size(), kTimeoutMs);
        QVERIFY(echoed == payload);

        // The peer's close reaches the thread as well.
        std::atomic_bool peerSawClose = false;
        loop.run([&] {
            for (auto *peer : server->findChildren<QTcpSocket *>()) {
                QObject::connect(peer, &QTcpSocket::disconnected, peer,
                                 [&] { peerSawClose = true; });
            }
        });
        client.disconnectFromHost();
        QTRY_VERIFY_WITH_TIMEOUT(peerSawClose.load(), kTimeoutMs);
    }

    // Traffic on one connection among many idle ones reaches the right one only.
    void manyIdleSocketsAndOneBusy()
    {
        EpollThread loop;
        QTcpServer *server = nullptr;
        quint16 port = 0;
        std::atomic_int accepted = 0;
        std::atomic_int readers = 0;
        loop.run([&] {
            server = new QTcpServer(&loop.context);
            if (server->listen(QHostAddress::LocalHost))
                port = server->serverPort();
            QObject::connect(server, &QTcpServer::newConnection, server, [&, server] {
                while (QTcpSocket *peer = server->nextPendingConnection()) {
                    ++accepted;
                    QObject::connect(peer, &QTcpSocket::readyRead, peer, [&, peer] {
                        ++readers;
                        peer->write(peer->readAll().toUpper());
                    });
                }
            });
        });
        QVERIFY(port != 0);

        // In batches that fit the listen backlog, which is not what is tested here.
        constexpr int kIdle = 300;
        constexpr int kBatch = 25;
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        while (idle.size() < kIdle) {
            for (int i = 0; i < kBatch; ++i) {
                idle.push_back(std::make_unique<QTcpSocket>());
                idle.back()->connectToHost(QHostAddress::LocalHost, port);
            }
            QTRY_COMPARE_WITH_TIMEOUT(accepted.load(), int(idle.size()), kTimeoutMs);
        }
        QTcpSocket busy;
        busy.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(busy.waitForConnected(kTimeoutMs));
        QTRY_COMPARE_WITH_TIMEOUT(accepted.load(), kIdle + 1, kTimeoutMs);

        QByteArray answer;
        QObject::connect(&busy, &QTcpSocket::readyRead, &busy, [&] { answer += busy.readAll(); });
        for (int i = 0; i < 100; ++i)
            busy.write("ping ");
        QTRY_COMPARE_WITH_TIMEOUT(answer, QByteArray("PING ").repeated(100), kTimeoutMs);
        for (const auto &socket : idle)
            QCOMPARE(socket->bytesAvailable(), 0);
        QVERIFY(readers.load() >= 1);
    }

    // A handler that waits in a nested loop keeps the thread serving, and its own timer does
    // not fire again until it returns.
    void nestedLoopsDoNotReenterATimer()
    {
        EpollThread loop;
        std::atomic_int outerEntries = 0;
        std::atomic_int outerReturns = 0;
        std::atomic_int innerTicks = 0;
        std::atomic_bool reentered = false;
        loop.run([&] {
            auto *outer = new QTimer(&loop.context);
            outer->setInterval(1);
            QObject::connect(outer, &QTimer::timeout, outer, [&, outer] {
                if (outerEntries != outerReturns)
                    reentered = true;
                ++outerEntries;
                if (outerEntries == 3)
                    outer->stop();
                QEventLoop nested;
                QTimer inner;
                int seen = 0;
                QObject::connect(&inner, &QTimer::timeout, &nested, [&] {
                    ++innerTicks;
                    if (++seen == 5)
                        nested.quit();
                });
                inner.start(2);
                nested.exec();
                ++outerReturns;
            });
            outer->start();
        });
        QTRY_COMPARE_WITH_TIMEOUT(outerReturns.load(), 3, kTimeoutMs);
        QCOMPARE(outerEntries.load(), 3);
        QCOMPARE(innerTicks.load(), 15);
        QVERIFY(!reentered.load());
    }

    // Qt hands an object's timers from one thread's dispatcher to the other's.
    void timersFollowAnObjectToAnotherThread()
    {
        EpollThread from;
        EpollThread to;
        std::atomic_int ticksInTarget = 0;
        QTimer *timer = nullptr;
        qsizetype registeredBefore = -1;
        qsizetype registeredAfter = -1;
        from.run([&] {
            timer = new QTimer;
            QObject::connect(timer, &QTimer::timeout, timer, [&] {
                if (QThread::currentThread() == &to.thread)
                    ++ticksInTarget;
            });
            timer->start(5);
            auto *dispatcher = QAbstractEventDispatcher::instance();
            registeredBefore = dispatcher->registeredTimers(timer).size();
            timer->moveToThread(&to.thread);
            registeredAfter = dispatcher->registeredTimers(timer).size();
        });
        QCOMPARE(registeredBefore, 1);
        QCOMPARE(registeredAfter, 0);
        QTRY_VERIFY_WITH_TIMEOUT(ticksInTarget.load() >= 3, kTimeoutMs);
        to.run([&] { delete timer; });
    }

    void quitWakesABlockedThread()
    {
        auto loop = std::make_unique<EpollThread>();
        loop->run([] {});
        // A thread blocked in epoll_wait with no timer at all must still see the quit.
        loop->thread.quit();
        QVERIFY(loop->thread.wait(kTimeoutMs));
        loop.reset();
    }
};

QTEST_GUILESS_MAIN(TestEpollDispatcher)
#include "tst_epolldispatcher.moc"
