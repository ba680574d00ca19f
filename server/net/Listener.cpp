#include "Listener.h"

namespace confab::server {

Listener::Listener(QList<Acceptor> acceptors, int backlog, QObject *parent)
    : QTcpServer(parent)
    , m_acceptors(std::move(acceptors))
{
    setListenBacklogSize(backlog);
}

void Listener::incomingConnection(qintptr socketDescriptor)
{
    const Acceptor &acceptor = m_acceptors.at(m_next);
    m_next = (m_next + 1) % m_acceptors.size();
    acceptor(socketDescriptor);
}

} // namespace confab::server
