#pragma once

#include <QHash>
#include <QHostAddress>
#include <QMutex>

namespace confab::server {

// Counts open connections per client address across all socket threads, so that one
// address cannot take every connection the server has.
class ConnectionLimiter
{
public:
    explicit ConnectionLimiter(int perAddress)
        : m_perAddress(perAddress)
    { }

    bool tryAcquire(const QHostAddress &address)
    {
        QMutexLocker lock(&m_mutex);
        int &count = m_counts[key(address)];
        if (count >= m_perAddress)
            return false;
        ++count;
        return true;
    }

    void release(const QHostAddress &address)
    {
        QMutexLocker lock(&m_mutex);
        const QString k = key(address);
        auto it = m_counts.find(k);
        if (it != m_counts.end() && --it.value() <= 0)
            m_counts.erase(it);
    }

private:
    static QString key(const QHostAddress &address)
    {
        bool isV4 = false;
        const quint32 v4 = address.toIPv4Address(&isV4);
        return isV4 ? QHostAddress(v4).toString() : address.toString();
    }

    const int m_perAddress;
    QMutex m_mutex;
    QHash<QString, int> m_counts;
};

} // namespace confab::server
