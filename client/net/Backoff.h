#pragma once

#include <QRandomGenerator>

#include <chrono>

namespace confab::client {

// Delays between reconnection attempts: doubling from a base up to a cap, each drawn at
// random from the upper half of its range, so that the clients a restarting server dropped
// all at once do not come back all at once.
class Backoff
{
public:
    explicit Backoff(std::chrono::milliseconds base = std::chrono::milliseconds(500),
                     std::chrono::milliseconds cap = std::chrono::seconds(30),
                     quint32 seed = QRandomGenerator::global()->generate());

    // The delay before the next attempt; each call counts as one more failed attempt.
    std::chrono::milliseconds next();
    void reset() { m_attempts = 0; }
    int attempts() const { return m_attempts; }

    std::chrono::milliseconds base() const { return m_base; }
    std::chrono::milliseconds cap() const { return m_cap; }

private:
    std::chrono::milliseconds m_base;
    std::chrono::milliseconds m_cap;
    QRandomGenerator m_random;
    int m_attempts = 0;
};

} // namespace confab::client
