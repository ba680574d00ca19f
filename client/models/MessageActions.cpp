#include "MessageActions.h"

namespace confab::client {

namespace messageRules {

bool isOwn(const TimelineItem &item, qint64 selfId)
{
    return item.delivery != TimelineItem::Delivery::Delivered || item.sender.id == selfId;
}

bool canEdit(const TimelineItem &item, qint64 selfId)
{
    return isOwn(item, selfId) && item.delivery == TimelineItem::Delivery::Delivered
        && !item.deleted;
}

bool canDelete(const TimelineItem &item, qint64 selfId)
{
    return isOwn(item, selfId) && item.delivery == TimelineItem::Delivery::Delivered
        && !item.deleted;
}

bool canRetry(const TimelineItem &item)
{
    return item.delivery == TimelineItem::Delivery::Failed;
}

bool canCopy(const TimelineItem &item)
{
    return !item.deleted && !item.text.isEmpty();
}

} // namespace messageRules

MessageActions MessageActions::of(const TimelineItem &item, qint64 selfId)
{
    MessageActions actions;
    actions.seq = item.seq;
    actions.clientId = item.clientId;
    actions.text = item.text;
    actions.canEdit = messageRules::canEdit(item, selfId);
    actions.canDelete = messageRules::canDelete(item, selfId);
    actions.canRetry = messageRules::canRetry(item);
    actions.canCopy = messageRules::canCopy(item);
    return actions;
}

} // namespace confab::client
