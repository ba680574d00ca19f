#pragma once

#include <QList>
#include <QTcpServer>

#include <functional>

namespace confab::server {

// Accepts TCP connections and deals them out round-robin to the acceptors (one per socket
// thread; each passes the descriptor on to its own thread). Accepting here rather than in
// QWebSocketServer lets the listen backlog be set: its fixed 50 overflows when thousands of
// clients reconnect at once.
class Listener : public QTcpServer
{
    Q_OBJECT

public:
    using Acceptor = std::function<void(qintptr socketDescriptor)>;

    Listener(QList<Acceptor> acceptors, int backlog, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    QList<Acceptor> m_acceptors;
    qsizetype m_next = 0;
};

} // namespace confab::server
