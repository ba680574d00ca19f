#include "auth/LoginThrottle.h"

#include <QTest>

#include <thread>
#include <vector>

using namespace confab::server;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kSecond = 1000;
constexpr qint64 kMinute = 60 * kSecond;

} // namespace

class TestLoginThrottle : public QObject
{
    Q_OBJECT

private slots:
    void init();

    void accountLocksAfterConsecutiveFailures();
    void lockEndsAfterItsTime();
    void lockDoublesWithEachFurtherFailureUpToFifteenMinutes();
    void successClearsTheAccount();
    void accountIsKeyedWithoutRegardToCase();
    void lockedAccountIsLockedFromEveryAddress();
    void addressLocksAfterFourTimesAsManyFailures();
    void successDoesNotClearTheAddress();
    void ipv4MappedAddressCountsAsIpv4();
    void ipv6AddressesCountByTheirSlash64();
    void failuresAreForgottenAfterFifteenMinutes();
    void forgettingCountsFromTheEndOfTheLock();
    void thresholdIsConfigurable();
    void expiredEntriesArePruned();
    void concurrentFailuresAreAllCounted();

private:
    LoginThrottle makeThrottle(int failuresBeforeThrottle = 5)
    {
        return LoginThrottle(failuresBeforeThrottle, [this] { return m_now; });
    }
    static void fail(LoginThrottle &throttle, const QString &user, const QHostAddress &from,
                     int times)
    {
        for (int i = 0; i < times; ++i)
            throttle.recordFailure(user, from);
    }

    qint64 m_now = 0;
    const QHostAddress m_home { u"192.0.2.10"_s };
    const QHostAddress m_office { u"198.51.100.7"_s };
};

void TestLoginThrottle::init()
{
    m_now = 1'700'000'000'000;
}

void TestLoginThrottle::accountLocksAfterConsecutiveFailures()
{
    LoginThrottle throttle = makeThrottle();
    fail(throttle, u"alice"_s, m_home, 4);
    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), std::nullopt);

    throttle.recordFailure(u"alice"_s, m_home);
    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), 30 * kSecond);

    m_now += 10 * kSecond;
    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), 20 * kSecond);
    // Other accounts are not affected by alice's lock.
    QCOMPARE(throttle.retryAfterMs(u"bob"_s, m_home), std::nullopt);
}

void TestLoginThrottle::lockEndsAfterItsTime()
{
    LoginThrottle throttle = makeThrottle();
    fail(throttle, u"alice"_s, m_home, 5);

    m_now += 30 * kSecond - 1;
    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), 1);
    m_now += 1;
    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), std::nullopt);
}

void TestLoginThrottle::lockDoublesWithEachFurtherFailureUpToFifteenMinutes()
{
    LoginThrottle throttle = makeThrottle();
    fail(throttle, u"alice"_s, m_home, 5);

    const QList<qint64> expected { 60 * kSecond, 120 * kSecond, 240 * kSecond, 480 * kSecond,
                                   15 * kMinute, 15 * kMinute,  15 * kMinute };
    qint64 lock = 30 * kSecond;
    for (qint64 next : expected) {
        m_now += lock;
        QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), std::nullopt);
        throttle.recordFailure(u"alice"_s, m_home);
        QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), next);
        lock = next;
    }
}

void TestLoginThrottle::successClearsTheAccount()
{
    LoginThrottle throttle = makeThrottle();
    fail(throttle, u"alice"_s, m_home, 4);
    throttle.recordSuccess(u"alice"_s, m_home);

    // The count starts again: four more failures are still allowed.
    fail(throttle, u"alice"_s, m_home, 4);
    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), std::nullopt);
    throttle.recordFailure(u"alice"_s, m_home);
    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), 30 * kSecond);
}

void TestLoginThrottle::accountIsKeyedWithoutRegardToCase()
{
    LoginThrottle throttle = makeThrottle();
    fail(throttle, u"Alice"_s, m_home, 2);
    fail(throttle, u"ALICE"_s, m_office, 2);
    throttle.recordFailure(u"alice"_s, m_home);

    QCOMPARE(throttle.retryAfterMs(u"aLiCe"_s, m_home), 30 * kSecond);
}

void TestLoginThrottle::lockedAccountIsLockedFromEveryAddress()
{
    LoginThrottle throttle = makeThrottle();
    fail(throttle, u"alice"_s, m_home, 5);

    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_office), 30 * kSecond);
    QCOMPARE(throttle.retryAfterMs(u"bob"_s, m_office), std::nullopt);
}

void TestLoginThrottle::addressLocksAfterFourTimesAsManyFailures()
{
    LoginThrottle throttle = makeThrottle();
    // One failure on each of many accounts: no account reaches its own threshold.
    for (int i = 0; i < 19; ++i)
        throttle.recordFailure(u"user%1"_s.arg(i), m_home);
    QCOMPARE(throttle.retryAfterMs(u"someone"_s, m_home), std::nullopt);

    throttle.recordFailure(u"user19"_s, m_home);
    QCOMPARE(throttle.retryAfterMs(u"someone"_s, m_home), 30 * kSecond);
    // The accounts themselves are not locked for other addresses.
    QCOMPARE(throttle.retryAfterMs(u"user0"_s, m_office), std::nullopt);
    QCOMPARE(throttle.retryAfterMs(u"someone"_s, m_office), std::nullopt);

    m_now += 30 * kSecond;
    throttle.recordFailure(u"user20"_s, m_home);
    QCOMPARE(throttle.retryAfterMs(u"someone"_s, m_home), 60 * kSecond);
}

void TestLoginThrottle::successDoesNotClearTheAddress()
{
    LoginThrottle throttle = makeThrottle();
    for (int i = 0; i < 20; ++i)
        throttle.recordFailure(u"user%1"_s.arg(i), m_home);
    throttle.recordSuccess(u"alice"_s, m_home);

    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), 30 * kSecond);
}

void TestLoginThrottle::ipv4MappedAddressCountsAsIpv4()
{
    LoginThrottle throttle = makeThrottle();
    const QHostAddress mapped(u"::ffff:192.0.2.10"_s);
    for (int i = 0; i < 10; ++i)
        throttle.recordFailure(u"user%1"_s.arg(i), mapped);
    for (int i = 10; i < 20; ++i)
        throttle.recordFailure(u"user%1"_s.arg(i), m_home);

    QCOMPARE(throttle.retryAfterMs(u"someone"_s, m_home), 30 * kSecond);
    QCOMPARE(throttle.retryAfterMs(u"someone"_s, mapped), 30 * kSecond);
}

void TestLoginThrottle::ipv6AddressesCountByTheirSlash64()
{
    LoginThrottle throttle = makeThrottle();
    for (int i = 1; i <= 20; ++i)
        throttle.recordFailure(u"user%1"_s.arg(i),
                               QHostAddress(u"2001:db8:0:7::%1"_s.arg(i, 0, 16)));

    QCOMPARE(throttle.retryAfterMs(u"someone"_s, QHostAddress(u"2001:db8:0:7:ffff::1"_s)),
             30 * kSecond);
    QCOMPARE(throttle.retryAfterMs(u"someone"_s, QHostAddress(u"2001:db8:0:8::1"_s)), std::nullopt);
}

void TestLoginThrottle::failuresAreForgottenAfterFifteenMinutes()
{
    LoginThrottle throttle = makeThrottle();
    fail(throttle, u"alice"_s, m_home, 4);
    m_now += 15 * kMinute - 1;
    throttle.recordFailure(u"alice"_s, m_home);
    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), 30 * kSecond);

    LoginThrottle other = makeThrottle();
    fail(other, u"bob"_s, m_home, 4);
    m_now += 15 * kMinute;
    fail(other, u"bob"_s, m_home, 4);
    QCOMPARE(other.retryAfterMs(u"bob"_s, m_home), std::nullopt);
    other.recordFailure(u"bob"_s, m_home);
    QCOMPARE(other.retryAfterMs(u"bob"_s, m_home), 30 * kSecond);
}

void TestLoginThrottle::forgettingCountsFromTheEndOfTheLock()
{
    LoginThrottle throttle = makeThrottle();
    fail(throttle, u"alice"_s, m_home, 5);
    for (qint64 lock : { 30, 60, 120, 240, 480 }) {
        m_now += lock * kSecond;
        throttle.recordFailure(u"alice"_s, m_home);
    }
    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), 15 * kMinute);

    // When the longest lock ends, the next failure still meets the longest lock.
    m_now += 15 * kMinute;
    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), std::nullopt);
    throttle.recordFailure(u"alice"_s, m_home);
    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), 15 * kMinute);

    // Fifteen quiet minutes after the lock ends, the account starts afresh.
    m_now += 30 * kMinute;
    fail(throttle, u"alice"_s, m_home, 4);
    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), std::nullopt);
}

void TestLoginThrottle::thresholdIsConfigurable()
{
    LoginThrottle throttle = makeThrottle(2);
    throttle.recordFailure(u"alice"_s, m_home);
    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), std::nullopt);
    throttle.recordFailure(u"alice"_s, m_home);
    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), 30 * kSecond);

    // The address threshold follows: 4 × 2.
    LoginThrottle strict = makeThrottle(2);
    for (int i = 0; i < 7; ++i)
        strict.recordFailure(u"user%1"_s.arg(i), m_office);
    QCOMPARE(strict.retryAfterMs(u"someone"_s, m_office), std::nullopt);
    strict.recordFailure(u"user7"_s, m_office);
    QCOMPARE(strict.retryAfterMs(u"someone"_s, m_office), 30 * kSecond);
}

void TestLoginThrottle::expiredEntriesArePruned()
{
    LoginThrottle throttle = makeThrottle();
    for (int i = 0; i < 500; ++i)
        throttle.recordFailure(u"user%1"_s.arg(i), QHostAddress(quint32(0x0A000000 + i)));
    QCOMPARE(throttle.trackedEntries(), 1000);

    m_now += 16 * kMinute;
    for (int i = 0; i < 300; ++i)
        throttle.recordSuccess(u"alice"_s, m_home);
    QCOMPARE(throttle.trackedEntries(), 0);
}

void TestLoginThrottle::concurrentFailuresAreAllCounted()
{
    constexpr int kThreads = 4;
    constexpr int kFailuresPerThread = 2500;
    LoginThrottle throttle = makeThrottle(kThreads * kFailuresPerThread);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&throttle, t] {
            for (int i = 0; i < kFailuresPerThread; ++i) {
                // Many distinct addresses make the maps grow while other threads use them.
                throttle.recordFailure(u"alice"_s,
                                       QHostAddress(quint32(0x0A000000 + t * 65536 + i)));
            }
        });
    }
    for (auto &thread : threads)
        thread.join();

    // Exactly the threshold: the account is locked, but no failure was counted twice.
    QCOMPARE(throttle.retryAfterMs(u"alice"_s, m_home), 30 * kSecond);
    QCOMPARE(throttle.trackedEntries(), 1 + kThreads * kFailuresPerThread);
}

QTEST_GUILESS_MAIN(TestLoginThrottle)
#include "tst_loginthrottle.moc"
