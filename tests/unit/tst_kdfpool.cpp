#include "auth/KdfPool.h"
#include "auth/PasswordHasher.h"

#include <QMutex>
#include <QPointer>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace confab::server;
using namespace Qt::StringLiterals;

namespace {

// The cheapest cost the pool accepts, so that the tests stay quick.
constexpr int kLog2N = 14;

} // namespace

class TestKdfPool : public QObject
{
    Q_OBJECT

private slots:
    void hashIsDeliveredLaterInTheCallersThread();
    void doneRunsInTheContextsThread();
    void verifyTellsRightFromWrong();
    void unknownUserIsRejected();
    void fullQueueRefusesWork();
    void noCallAfterContextIsDestroyed();
    void noCallAfterContextInAnotherThreadIsDestroyed();
    void destroyingThePoolDropsQueuedJobs();
};

void TestKdfPool::hashIsDeliveredLaterInTheCallersThread()
{
    KdfPool pool(2, 8, kLog2N);
    QObject context;
    std::optional<QString> encoded;
    QThread *ranIn = nullptr;

    QVERIFY(pool.hashPassword(u"a password"_s, &context, [&](QString result) {
        encoded = result;
        ranIn = QThread::currentThread();
    }));
    // Never synchronously: a caller may still be setting up state when it submits.
    QVERIFY(!encoded);

    QTRY_VERIFY(encoded.has_value());
    QCOMPARE(ranIn, QThread::currentThread());
    QVERIFY2(encoded->startsWith("scrypt$ln=14,"_L1), qPrintable(*encoded));
    QVERIFY(PasswordHasher(kLog2N).verify(u"a password"_s, *encoded));
}

void TestKdfPool::doneRunsInTheContextsThread()
{
    QThread socketThread;
    socketThread.start();
    auto *context = new QObject;
    context->moveToThread(&socketThread);

    KdfPool pool(2, 8, kLog2N);
    std::atomic<QThread *> ranIn = nullptr;
    std::atomic<bool> matches = false;
    QVERIFY(pool.verifyPassword(u"a password"_s, PasswordHasher(kLog2N).hash(u"a password"_s),
                                context, [&](bool result) {
                                    matches = result;
                                    ranIn = QThread::currentThread();
                                }));

    QTRY_VERIFY(ranIn.load() != nullptr);
    QCOMPARE(ranIn.load(), &socketThread);
    QVERIFY(matches);

    QMetaObject::invokeMethod(
        context, [context] { delete context; }, Qt::BlockingQueuedConnection);
    socketThread.quit();
    QVERIFY(socketThread.wait());
}

void TestKdfPool::verifyTellsRightFromWrong()
{
    KdfPool pool(2, 8, kLog2N);
    QObject context;
    const QString encoded = PasswordHasher(kLog2N).hash(u"the right one"_s);
    std::optional<bool> right;
    std::optional<bool> wrong;

    QVERIFY(pool.verifyPassword(u"the right one"_s, encoded, &context,
                                [&](bool matches) { right = matches; }));
    QVERIFY(pool.verifyPassword(u"the wrong one"_s, encoded, &context,
                                [&](bool matches) { wrong = matches; }));

    QTRY_VERIFY(right.has_value() && wrong.has_value());
    QCOMPARE(*right, true);
    QCOMPARE(*wrong, false);
}

void TestKdfPool::unknownUserIsRejected()
{
    KdfPool pool(1, 8, kLog2N);
    QObject context;
    std::optional<bool> matches;

    QVERIFY(pool.verifyPassword(u"any password"_s, std::nullopt, &context,
                                [&](bool result) { matches = result; }));
    QVERIFY(!matches);

    QTRY_VERIFY(matches.has_value());
    QCOMPARE(*matches, false);
}

void TestKdfPool::fullQueueRefusesWork()
{
    // One worker at a higher cost: the first job cannot finish while the next calls are made,
    // so the queue is certainly full when the limit is reached.
    KdfPool pool(1, 3, 16);
    QObject context;
    int delivered = 0;
    bool refusedJobRan = false;
    const auto count = [&](const QString &) { ++delivered; };

    QVERIFY(pool.hashPassword(u"one"_s, &context, count));
    QVERIFY(pool.hashPassword(u"two"_s, &context, count));
    QVERIFY(pool.verifyPassword(u"three"_s, std::nullopt, &context, [&](bool) { ++delivered; }));
    QCOMPARE(pool.pendingJobs(), 3);

    QVERIFY(
        !pool.hashPassword(u"four"_s, &context, [&](const QString &) { refusedJobRan = true; }));
    QVERIFY(!pool.verifyPassword(u"five"_s, std::nullopt, &context,
                                 [&](bool) { refusedJobRan = true; }));
    QVERIFY(pool.suggestedRetryAfterMs() >= 500);

    QTRY_COMPARE_WITH_TIMEOUT(delivered, 3, 60'000);
    QCOMPARE(pool.pendingJobs(), 0);
    QVERIFY(!refusedJobRan);

    // Room again once the queue has drained.
    QVERIFY(pool.hashPassword(u"six"_s, &context, count));
    QTRY_COMPARE_WITH_TIMEOUT(delivered, 4, 60'000);
    QVERIFY(!refusedJobRan);
}

void TestKdfPool::noCallAfterContextIsDestroyed()
{
    KdfPool pool(1, 8, kLog2N);
    bool orphanCalled = false;

    // Destroyed before its job has run.
    auto *early = new QObject;
    QVERIFY(pool.hashPassword(u"early"_s, early, [&](const QString &) { orphanCalled = true; }));
    delete early;

    // Destroyed after its job has finished, with the delivery possibly already posted.
    auto *late = new QObject;
    QVERIFY(pool.hashPassword(u"late"_s, late, [&](const QString &) { orphanCalled = true; }));
    while (pool.pendingJobs() > 0)
        QThread::yieldCurrentThread();
    delete late;

    // The single worker runs jobs in order; once this one is delivered the others would have been.
    QObject survivor;
    bool survivorCalled = false;
    QVERIFY(
        pool.hashPassword(u"last"_s, &survivor, [&](const QString &) { survivorCalled = true; }));
    QTRY_VERIFY(survivorCalled);
    QCoreApplication::processEvents();
    QVERIFY(!orphanCalled);
}

void TestKdfPool::noCallAfterContextInAnotherThreadIsDestroyed()
{
    QThread socketThread;
    socketThread.start();
    auto *context = new QObject;
    context->moveToThread(&socketThread);

    KdfPool pool(1, 8, kLog2N);
    std::atomic<bool> orphanCalled = false;
    QVERIFY(
        pool.hashPassword(u"a password"_s, context, [&](const QString &) { orphanCalled = true; }));
    QMetaObject::invokeMethod(
        context, [context] { delete context; }, Qt::BlockingQueuedConnection);

    auto *survivor = new QObject;
    survivor->moveToThread(&socketThread);
    std::atomic<bool> survivorCalled = false;
    QVERIFY(
        pool.hashPassword(u"another"_s, survivor, [&](const QString &) { survivorCalled = true; }));
    QTRY_VERIFY(survivorCalled.load());
    QVERIFY(!orphanCalled.load());

    QMetaObject::invokeMethod(
        survivor, [survivor] { delete survivor; }, Qt::BlockingQueuedConnection);
    socketThread.quit();
    QVERIFY(socketThread.wait());
}

void TestKdfPool::destroyingThePoolDropsQueuedJobs()
{
    auto pool = std::make_unique<KdfPool>(1, 16, kLog2N);
    QObject context;
    int delivered = 0;
    for (int i = 0; i < 8; ++i) {
        QVERIFY(pool->hashPassword(u"password %1"_s.arg(i), &context,
                                   [&](const QString &) { ++delivered; }));
    }

    pool.reset();
    QCoreApplication::processEvents();
    // At most the job that was running when shutdown began finishes; the others never start.
    QVERIFY2(delivered <= 1, qPrintable(QString::number(delivered)));
}

QTEST_GUILESS_MAIN(TestKdfPool)
#include "tst_kdfpool.moc"
