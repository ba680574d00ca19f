#include "Listener.h"

#include "SocketWorker.h"

namespace confab::server {

Listener::Listener(QList<SocketWorker *> workers, int backlog, QObject *parent)
    : QTcpServer(parent)
    , m_workers(std::move(workers))
{
    setListenBacklogSize(backlog);
}

void Listener::incomingConnection(qintptr socketDescriptor)
{
    SocketWorker *worker = m_workers.at(m_next);
    m_next = (m_next + 1) % m_workers.size();
    QMetaObject::invokeMethod(
        worker, [worker, socketDescriptor] { worker->adopt(socketDescriptor); },
        Qt::QueuedConnection);
}

} // namespace confab::server
