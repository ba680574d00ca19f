#pragma once

#include <QtGlobal>

#include <algorithm>
#include <optional>

namespace confab::server {

// A request budget: `burst` requests at once, refilled at `ratePerSecond`. The clock is
// passed in (milliseconds, monotonic) so that the bucket is deterministic to test.
class TokenBucket
{
public:
    TokenBucket(double ratePerSecond, int burst)
        : m_rate(ratePerSecond / 1000.0)
        , m_capacity(burst)
        , m_tokens(burst)
    { }

    // Takes one token; when none is left, returns how long until one is.
    std::optional<qint64> take(qint64 nowMs)
    {
        refill(nowMs);
        if (m_tokens >= 1.0) {
            m_tokens -= 1.0;
            return std::nullopt;
        }
        return qint64((1.0 - m_tokens) / m_rate) + 1;
    }

private:
    void refill(qint64 nowMs)
    {
        if (m_lastMs >= 0)
            m_tokens = std::min<double>(m_capacity, m_tokens + double(nowMs - m_lastMs) * m_rate);
        m_lastMs = nowMs;
    }

    double m_rate;
    double m_capacity;
    double m_tokens;
    qint64 m_lastMs = -1;
};

} // namespace confab::server
