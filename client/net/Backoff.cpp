#include "Backoff.h"

#include <algorithm>

namespace confab::client {

Backoff::Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, quint32 seed)
    : m_base(base)
    , m_cap(std::max(cap, base))
    , m_random(seed)
{ }

std::chrono::milliseconds Backoff::next()
{
    // 2^20 times any sensible base is past any sensible cap; stop doubling there.
    const int exponent = std::min(m_attempts, 20);
    ++m_attempts;
    const qint64 ceiling = std::min<qint64>(m_cap.count(), m_base.count() << exponent);
    const qint64 floor = ceiling / 2;
    return std::chrono::milliseconds(floor
                                     + qint64(m_random.bounded(quint64(ceiling - floor + 1))));
}

} // namespace confab::client
