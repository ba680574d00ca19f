#pragma once

#include <QObject>

class QSocketNotifier;

namespace confab::server {

// Turns SIGTERM and SIGINT into a Qt signal on the main thread. A Unix signal handler may
// do almost nothing; it writes the signal number to a socket pair that the event loop reads.
class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

signals:
    void terminationRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace confab::server
