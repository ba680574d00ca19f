#pragma once

#include <QHash>
#include <QHostAddress>
#include <QMutex>
#include <QString>

#include <functional>
#include <optional>

namespace confab::server {

// Slows down password guessing. Failed sign-ins are counted per account and per address;
// once an account has failed `failuresBeforeThrottle` times in a row it is locked for 30 s,
// and every further failure doubles the lock, up to 15 minutes. An address gets the same
// treatment after four times as many failures, so that one address cannot try a few
// passwords on each of many accounts. Counts are forgotten 15 minutes after the last failure
// or the end of the last lock, whichever is later.
//
// Accounts are keyed by protocol::validation::usernameKey(), so any spelling of a name counts
// for the same account, whether or not the account exists. IPv4-mapped IPv6 addresses count
// as their IPv4 address, and IPv6 addresses by their /64 network, the block that one host or
// household is usually given.
//
// Thread-safe: socket threads share one instance.
class LoginThrottle
{
public:
    using Clock = std::function<qint64()>; // milliseconds since the epoch

    explicit LoginThrottle(int failuresBeforeThrottle = 5, Clock clock = {});

    // How long the caller must wait before trying this account from this address, or
    // std::nullopt when the attempt may go ahead.
    std::optional<qint64> retryAfterMs(const QString &username, const QHostAddress &address) const;
    void recordFailure(const QString &username, const QHostAddress &address);
    // Clears the account's count. The address's count stays: one success does not pardon an
    // address that is guessing at other accounts.
    void recordSuccess(const QString &username, const QHostAddress &address);

    // Accounts and addresses currently remembered; for tests of the memory bound.
    qsizetype trackedEntries() const;

private:
    struct Failures
    {
        int count = 0;
        qint64 lastFailureMs = 0;
        qint64 lockedUntilMs = 0;
    };

    static bool isForgotten(const Failures &failures, qint64 nowMs);
    static void addFailure(Failures &failures, int threshold, qint64 nowMs);
    static qint64 remainingLockMs(const Failures *failures, qint64 nowMs);
    void pruneOccasionally(qint64 nowMs);

    const int m_accountThreshold;
    const int m_addressThreshold;
    const Clock m_clock;
    mutable QMutex m_mutex;
    QHash<QString, Failures> m_accounts;
    QHash<QHostAddress, Failures> m_addresses;
    int m_callsSincePrune = 0;
};

} // namespace confab::server
