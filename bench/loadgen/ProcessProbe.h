#pragma once

#include <QList>
#include <QObject>
#include <QTimer>

namespace confab::bench {

// CPU time and resident memory of a process, read from /proc: the server under test (or
// the generator itself) between start() and stop(), sampled often enough to catch the peak.
// Given several processes (the nodes of a cluster) it reports their sum, so that one node and
// several compare as one service.
class ProcessProbe : public QObject
{
    Q_OBJECT

public:
    struct Reading
    {
        bool valid = false;
        double cpuSeconds = 0; // user + system since the process started
        qint64 rssBytes = 0;
        qint64 hwmBytes = 0; // VmHWM: the peak since the process started
    };

    explicit ProcessProbe(QList<qint64> pids, QObject *parent = nullptr);

    static Reading read(qint64 pid);
    static Reading read(const QList<qint64> &pids);
    Reading now() const { return read(m_pids); }
    const QList<qint64> &pids() const { return m_pids; }

    void start();
    void stop();
    double cpuSeconds() const { return m_cpuSeconds; }
    double wallSeconds() const { return m_wallSeconds; }
    qint64 rssAtStart() const { return m_startRss; }
    qint64 peakRss() const { return m_peakRss; }
    qint64 hwm() const { return m_hwm; }

private:
    void sample();

    QList<qint64> m_pids;
    QTimer m_timer;
    Reading m_start;
    qint64 m_startNs = 0;
    qint64 m_startRss = 0;
    qint64 m_peakRss = 0;
    qint64 m_hwm = 0;
    double m_cpuSeconds = 0;
    double m_wallSeconds = 0;
};

} // namespace confab::bench
