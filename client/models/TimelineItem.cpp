#include "TimelineItem.h"

#include "text/LinkText.h"

namespace confab::client {

TimelineItem TimelineItem::fromMessage(const protocol::Event &message)
{
    TimelineItem item;
    item.seq = message.seq;
    item.clientId = message.clientId;
    item.sender = message.sender;
    item.timestamp = message.timestamp;
    item.editedAt = message.editedAt;
    item.deleted = message.deleted;
    item.setText(message.deleted ? QString() : message.text);
    return item;
}

void TimelineItem::setText(const QString &newText)
{
    text = newText;
    linkedText = linkText::hasLinks(text) ? linkText::toHtml(text) : QString();
}

} // namespace confab::client
