#pragma once

#include "PushFrame.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

namespace confab::server {

// A thread's set of live connections, as the presence registry sees it: something it can hand a
// push to, addressed by connection id. deliver() always runs on the sink's own thread.
class PushSink : public QObject
{
public:
    using QObject::QObject;
    virtual void deliver(const QList<quint64> &connectionIds, const PushFrame &frame) = 0;
};

// Connections to push to, by the sink (socket thread) that holds them.
using PushRecipients = QHash<PushSink *, QList<quint64>>;

// Frames the push once, then makes one queued call per sink, not per connection: each
// thread writes the same (shared) bytes to each of its connections.
void pushTo(const PushRecipients &recipients, QByteArrayView utf8);

struct ConnectionHandle
{
    PushSink *sink = nullptr;
    quint64 id = 0;
    friend bool operator==(const ConnectionHandle &, const ConnectionHandle &) = default;
};

} // namespace confab::server
