#include "ProcessProbe.h"

#include "Measure.h"

#include <QFile>

#include <unistd.h>

namespace confab::bench {

using namespace Qt::StringLiterals;

namespace {

constexpr int kSampleIntervalMs = 100;

QByteArray readProcFile(qint64 pid, const char *name)
{
    QFile file(QString::fromLatin1("/proc/%1/%2").arg(pid).arg(QLatin1StringView(name)));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

qint64 statusKilobytes(const QByteArray &status, QByteArrayView key)
{
    const qsizetype at = status.indexOf(key);
    if (at < 0)
        return 0;
    const qsizetype end = status.indexOf('\n', at);
    const QByteArray value = status.mid(at + key.size(), end - at - key.size()).trimmed();
    return value.left(value.indexOf(' ')).toLongLong();
}

} // namespace

ProcessProbe::ProcessProbe(QList<qint64> pids, QObject *parent)
    : QObject(parent)
    , m_pids(std::move(pids))
{
    m_timer.setInterval(kSampleIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ProcessProbe::sample);
}

ProcessProbe::Reading ProcessProbe::read(qint64 pid)
{
    Reading reading;
    const QByteArray stat = readProcFile(pid, "stat");
    const QByteArray status = readProcFile(pid, "status");
    // The command name in parentheses may contain spaces; the fields after it do not.
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0 || status.isEmpty())
        return reading;
    const auto fields = stat.mid(close + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the state field.
    if (fields.size() < 13)
        return reading;
    const double ticks = double(sysconf(_SC_CLK_TCK));
    reading.cpuSeconds = double(fields.at(11).toLongLong() + fields.at(12).toLongLong()) / ticks;
    reading.rssBytes = statusKilobytes(status, "VmRSS:") * 1024;
    reading.hwmBytes = statusKilobytes(status, "VmHWM:") * 1024;
    reading.valid = true;
    return reading;
}

ProcessProbe::Reading ProcessProbe::read(const QList<qint64> &pids)
{
    Reading sum;
    sum.valid = !pids.isEmpty();
    for (const qint64 pid : pids) {
        const Reading one = read(pid);
        sum.valid = sum.valid && one.valid;
        sum.cpuSeconds += one.cpuSeconds;
        sum.rssBytes += one.rssBytes;
        // The sum of the peaks bounds the peak of the sum from above; the sampled sum in
        // peakRss() bounds it from below.
        sum.hwmBytes += one.hwmBytes;
    }
    return sum;
}

void ProcessProbe::start()
{
    m_start = now();
    m_startNs = nowNs();
    m_startRss = m_start.rssBytes;
    m_peakRss = m_start.rssBytes;
    m_hwm = m_start.hwmBytes;
    m_timer.start();
}

void ProcessProbe::sample()
{
    const Reading reading = now();
    if (!reading.valid)
        return;
    m_peakRss = std::max(m_peakRss, reading.rssBytes);
    m_hwm = std::max(m_hwm, reading.hwmBytes);
    m_cpuSeconds = reading.cpuSeconds - m_start.cpuSeconds;
}

void ProcessProbe::stop()
{
    m_timer.stop();
    sample();
    m_wallSeconds = double(nowNs() - m_startNs) / 1e9;
}

} // namespace confab::bench
