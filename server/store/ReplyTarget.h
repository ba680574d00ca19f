#pragma once

#include <QMetaObject>
#include <QObject>
#include <QPointer>

#include <functional>

namespace confab::server {

// Where a result computed on another thread goes back to. The anchor is a long-lived object
// of the caller's thread (its socket worker), so posting to it is always safe; the receiver
// (a client session) may be gone by the time the result arrives, and is checked in its own
// thread, where it would have been deleted.
struct ReplyTarget
{
    QObject *anchor = nullptr;
    QPointer<QObject> receiver;

    void post(std::function<void()> deliver) const
    {
        QMetaObject::invokeMethod(
            anchor,
            [receiver = receiver, deliver = std::move(deliver)] {
                if (receiver)
                    deliver();
            },
            Qt::QueuedConnection);
    }
};

} // namespace confab::server
