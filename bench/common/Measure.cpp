#include "Measure.h"

#include <algorithm>
#include <time.h>

namespace confab::bench {

using namespace Qt::StringLiterals;

qint64 processCpuNs()
{
    timespec used {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &used);
    return qint64(used.tv_sec) * 1'000'000'000 + used.tv_nsec;
}

void Latencies::merge(const Latencies &other)
{
    m_us.insert(m_us.end(), other.m_us.begin(), other.m_us.end());
}

Latencies::Percentiles Latencies::percentiles()
{
    if (m_us.empty())
        return {};
    std::sort(m_us.begin(), m_us.end());
    const auto at = [this](double quantile) {
        const auto index = std::min(m_us.size() - 1, size_t(quantile * double(m_us.size())));
        return double(m_us[index]) / 1000.0;
    };
    return { at(0.50), at(0.95), at(0.99), double(m_us.back()) / 1000.0 };
}

QJsonObject Latencies::summary()
{
    QJsonObject result { { "count"_L1, qint64(m_us.size()) } };
    if (m_us.empty())
        return result;
    const Percentiles p = percentiles();
    result.insert("p50_ms"_L1, p.p50Ms);
    result.insert("p95_ms"_L1, p.p95Ms);
    result.insert("p99_ms"_L1, p.p99Ms);
    result.insert("max_ms"_L1, p.maxMs);
    return result;
}

void ErrorCounts::merge(const ErrorCounts &other)
{
    for (auto it = other.m_counts.cbegin(); it != other.m_counts.cend(); ++it)
        m_counts[it.key()] += it.value();
}

qint64 ErrorCounts::total() const
{
    qint64 sum = 0;
    for (qint64 count : m_counts)
        sum += count;
    return sum;
}

QJsonObject ErrorCounts::toJson() const
{
    QJsonObject result;
    for (auto it = m_counts.cbegin(); it != m_counts.cend(); ++it)
        result.insert(it.key(), it.value());
    return result;
}

} // namespace confab::bench
