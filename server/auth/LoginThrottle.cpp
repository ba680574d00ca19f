#include "auth/LoginThrottle.h"

#include "protocol/Validation.h"

#include <QDateTime>
#include <QMutexLocker>

#include <algorithm>

namespace confab::server {

namespace {

constexpr qint64 kFirstLockMs = 30'000;
constexpr qint64 kLongestLockMs = 15 * 60'000;
constexpr qint64 kForgetAfterMs = 15 * 60'000;
constexpr int kAddressThresholdFactor = 4;
// A full sweep costs a pass over both maps; doing it every this many changes keeps the cost
// per call constant while expired entries cannot pile up.
constexpr int kPruneEveryCalls = 256;

QString accountKey(const QString &username)
{
    return protocol::validation::usernameKey(username);
}

QHostAddress addressKey(const QHostAddress &address)
{
    bool isIPv4 = false;
    const quint32 ipv4 = address.toIPv4Address(&isIPv4);
    if (isIPv4)
        return QHostAddress(ipv4);
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return address;
    Q_IPV6ADDR network = address.toIPv6Address();
    std::fill(std::begin(network.c) + 8, std::end(network.c), quint8(0));
    return QHostAddress(network);
}

} // namespace

LoginThrottle::LoginThrottle(int failuresBeforeThrottle, Clock clock)
    : m_accountThreshold(std::max(1, failuresBeforeThrottle))
    , m_addressThreshold(m_accountThreshold * kAddressThresholdFactor)
    , m_clock(clock ? std::move(clock) : Clock(&QDateTime::currentMSecsSinceEpoch))
{ }

std::optional<qint64> LoginThrottle::retryAfterMs(const QString &username,
                                                  const QHostAddress &address) const
{
    const qint64 now = m_clock();
    QMutexLocker locker(&m_mutex);
    const auto account = m_accounts.constFind(accountKey(username));
    const auto host = m_addresses.constFind(addressKey(address));
    const qint64 wait
        = std::max(remainingLockMs(account == m_accounts.cend() ? nullptr : &*account, now),
                   remainingLockMs(host == m_addresses.cend() ? nullptr : &*host, now));
    if (wait <= 0)
        return std::nullopt;
    return wait;
}

void LoginThrottle::recordFailure(const QString &username, const QHostAddress &address)
{
    const qint64 now = m_clock();
    QMutexLocker locker(&m_mutex);
    addFailure(m_accounts[accountKey(username)], m_accountThreshold, now);
    addFailure(m_addresses[addressKey(address)], m_addressThreshold, now);
    pruneOccasionally(now);
}

void LoginThrottle::recordSuccess(const QString &username, const QHostAddress &address)
{
    Q_UNUSED(address);
    const qint64 now = m_clock();
    QMutexLocker locker(&m_mutex);
    m_accounts.remove(accountKey(username));
    pruneOccasionally(now);
}

qsizetype LoginThrottle::trackedEntries() const
{
    QMutexLocker locker(&m_mutex);
    return m_accounts.size() + m_addresses.size();
}

// Counting from the end of the lock as well as from the last failure matters once the lock
// reaches its 15-minute ceiling: otherwise the count would be forgotten the moment the lock
// ends, and a patient guesser would get a fresh set of free attempts each time.
bool LoginThrottle::isForgotten(const Failures &failures, qint64 nowMs)
{
    return nowMs - std::max(failures.lastFailureMs, failures.lockedUntilMs) >= kForgetAfterMs;
}

void LoginThrottle::addFailure(Failures &failures, int threshold, qint64 nowMs)
{
    if (isForgotten(failures, nowMs))
        failures = {};
    ++failures.count;
    failures.lastFailureMs = nowMs;
    const int doublings = failures.count - threshold;
    if (doublings >= 0) {
        // Past five doublings the lock is over the ceiling anyway; the cap keeps the shift sane.
        const qint64 lock = std::min(kFirstLockMs << std::min(doublings, 6), kLongestLockMs);
        failures.lockedUntilMs = nowMs + lock;
    }
}

qint64 LoginThrottle::remainingLockMs(const Failures *failures, qint64 nowMs)
{
    return failures ? failures->lockedUntilMs - nowMs : 0;
}

void LoginThrottle::pruneOccasionally(qint64 nowMs)
{
    if (++m_callsSincePrune < kPruneEveryCalls)
        return;
    m_callsSincePrune = 0;
    m_accounts.removeIf([nowMs](const auto &entry) { return isForgotten(entry.value(), nowMs); });
    m_addresses.removeIf([nowMs](const auto &entry) { return isForgotten(entry.value(), nowMs); });
}

} // namespace confab::server
