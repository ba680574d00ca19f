#pragma once

#include "PushFrame.h"

#include <QList>
#include <QObject>

namespace confab::server {

// A thread's set of live connections, as the hub sees it: something it can hand a push to,
// addressed by connection id. deliver() always runs on the sink's own thread.
class PushSink : public QObject
{
public:
    using QObject::QObject;
    virtual void deliver(const QList<quint64> &connectionIds, const PushFrame &frame) = 0;
};

struct ConnectionHandle
{
    PushSink *sink = nullptr;
    quint64 id = 0;
    friend bool operator==(const ConnectionHandle &, const ConnectionHandle &) = default;
};

} // namespace confab::server
