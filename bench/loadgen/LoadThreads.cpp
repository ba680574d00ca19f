#include "LoadThreads.h"

#include "net/EpollEventDispatcher.h"

#include <memory>

namespace confab::bench {

using namespace Qt::StringLiterals;

LoadThreads::LoadThreads(int count)
{
    for (int i = 0; i < count; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(u"load-%1"_s.arg(i));
        // The generator holds as many connections as the server it measures; with Qt's own
        // dispatcher every socket write would cost a scan of all of them (see the server's
        // socket threads), and the generator, not the server, would set the pace.
        auto dispatcher = std::make_unique<server::EpollEventDispatcher>();
        if (dispatcher->isValid())
            thread->setEventDispatcher(dispatcher.release());
        auto *context = new QObject;
        context->moveToThread(thread);
        QObject::connect(thread, &QThread::finished, context, &QObject::deleteLater);
        thread->start();
        m_threads.append(thread);
        m_contexts.append(context);
    }
}

LoadThreads::~LoadThreads()
{
    for (auto *thread : std::as_const(m_threads)) {
        thread->quit();
        thread->wait();
        delete thread;
    }
}

void LoadThreads::post(int i, std::function<void()> job) const
{
    QMetaObject::invokeMethod(m_contexts.at(i), std::move(job), Qt::QueuedConnection);
}

void LoadThreads::runEverywhere(const std::function<void(int)> &job) const
{
    for (int i = 0; i < count(); ++i)
        QMetaObject::invokeMethod(
            m_contexts.at(i), [&job, i] { job(i); }, Qt::BlockingQueuedConnection);
}

} // namespace confab::bench
