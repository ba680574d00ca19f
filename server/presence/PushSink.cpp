#include "PushSink.h"

namespace confab::server {

void pushTo(const PushRecipients &recipients, QByteArrayView utf8)
{
    if (recipients.isEmpty())
        return;
    const PushFrame push(utf8);
    for (auto it = recipients.cbegin(); it != recipients.cend(); ++it) {
        QMetaObject::invokeMethod(
            it.key(), [sink = it.key(), ids = it.value(), push] { sink->deliver(ids, push); },
            Qt::QueuedConnection);
    }
}

} // namespace confab::server
