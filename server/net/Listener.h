#pragma once

#include <QList>
#include <QTcpServer>

namespace confab::server {

class SocketWorker;

// Accepts TCP connections and deals them out to the socket threads round-robin. Accepting
// here rather than in QWebSocketServer lets the listen backlog be set: its fixed 50 overflows
// when thousands of clients reconnect at once.
class Listener : public QTcpServer
{
    Q_OBJECT

public:
    Listener(QList<SocketWorker *> workers, int backlog, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    QList<SocketWorker *> m_workers;
    qsizetype m_next = 0;
};

} // namespace confab::server
