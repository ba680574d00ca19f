#include "LoadThreads.h"

namespace confab::bench {

using namespace Qt::StringLiterals;

LoadThreads::LoadThreads(int count)
{
    for (int i = 0; i < count; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(u"load-%1"_s.arg(i));
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
