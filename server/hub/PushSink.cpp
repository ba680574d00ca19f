#include "PushSink.h"

namespace confab::server {

void pushTo(const PushRecipients &recipients, const QString &frame)
{
    if (recipients.isEmpty())
        return;
    const PushFrame push(frame);
    for (auto it = recipients.cbegin(); it != recipients.cend(); ++it) {
        QMetaObject::invokeMethod(
            it.key(), [sink = it.key(), ids = it.value(), push] { sink->deliver(ids, push); },
            Qt::QueuedConnection);
    }
}

} // namespace confab::server
