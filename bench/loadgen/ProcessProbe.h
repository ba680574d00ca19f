#pragma once

#include <QObject>
#include <QTimer>

namespace confab::bench {

// CPU time and resident memory of one process, read from /proc: the server under test (or
// the generator itself) between start() and stop(), sampled often enough to catch the peak.
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

    explicit ProcessProbe(qint64 pid, QObject *parent = nullptr);

    static Reading read(qint64 pid);
    Reading now() const { return read(m_pid); }
    qint64 pid() const { return m_pid; }

    void start();
    void stop();
    double cpuSeconds() const { return m_cpuSeconds; }
    double wallSeconds() const { return m_wallSeconds; }
    qint64 rssAtStart() const { return m_startRss; }
    qint64 peakRss() const { return m_peakRss; }
    qint64 hwm() const { return m_hwm; }

private:
    void sample();

    qint64 m_pid;
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
