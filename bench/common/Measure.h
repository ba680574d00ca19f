#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>

#include <chrono>
#include <vector>

namespace confab::bench {

// One clock for every thread of the generator: send times travel inside message texts and
// are compared with arrival times taken on other threads.
inline qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// CPU time this process has used, all its threads together.
qint64 processCpuNs();

// Latencies in microseconds; kept whole (not bucketed) because a run holds at most a few
// million of them and exact percentiles are then free.
class Latencies
{
public:
    void addNs(qint64 ns) { m_us.push_back(qint32(std::clamp<qint64>(ns / 1000, 0, INT32_MAX))); }
    void merge(const Latencies &other);
    qsizetype count() const { return qsizetype(m_us.size()); }
    void clear() { m_us.clear(); }
    struct Percentiles
    {
        double p50Ms = 0;
        double p95Ms = 0;
        double p99Ms = 0;
        double maxMs = 0;
    };
    // Sorts the samples; all zero when there are none.
    Percentiles percentiles();
    // {"count", "p50_ms", "p95_ms", "p99_ms", "max_ms"}; sorts the samples.
    QJsonObject summary();

private:
    std::vector<qint32> m_us;
};

// Refusals and failures by their typed code: the protocol's error codes as they are, and
// "socket:…", "close:…", "timeout:…" for what happens below the protocol.
class ErrorCounts
{
public:
    void add(const QString &code, qint64 count = 1) { m_counts[code] += count; }
    void merge(const ErrorCounts &other);
    qint64 total() const;
    QJsonObject toJson() const;

private:
    QMap<QString, qint64> m_counts;
};

} // namespace confab::bench
