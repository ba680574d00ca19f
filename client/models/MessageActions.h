#pragma once

#include "models/TimelineItem.h"

#include <QString>
#include <QtQml/qqmlregistration.h>

namespace confab::client {

// What the user may do with a message of the timeline is decided here and nowhere else: the
// timeline's roles, its context menu and the key that edits the last message all ask these
// functions, so that they cannot disagree.
namespace messageRules {

// Sent by the user, or still on its way from this client (which has no sender from the server).
bool isOwn(const TimelineItem &item, qint64 selfId);
// The server refuses to edit or delete someone else's message or a deleted one, and a message
// still in the outbox has no seq to name it by.
bool canEdit(const TimelineItem &item, qint64 selfId);
bool canDelete(const TimelineItem &item, qint64 selfId);
// Only a message the server refused waits for the user; a pending one is sent by the outbox.
bool canRetry(const TimelineItem &item);
bool canCopy(const TimelineItem &item);

} // namespace messageRules

// One message and what may be done with it, taken when its menu opens: the menu then acts on
// that message even if rows move while it is open, as new messages arrive.
class MessageActions
{
    Q_GADGET
    QML_VALUE_TYPE(messageActions)
    Q_PROPERTY(qint64 seq MEMBER seq CONSTANT)
    Q_PROPERTY(QString clientId MEMBER clientId CONSTANT)
    Q_PROPERTY(QString text MEMBER text CONSTANT)
    Q_PROPERTY(bool canEdit MEMBER canEdit CONSTANT)
    Q_PROPERTY(bool canDelete MEMBER canDelete CONSTANT)
    Q_PROPERTY(bool canRetry MEMBER canRetry CONSTANT)
    Q_PROPERTY(bool canCopy MEMBER canCopy CONSTANT)

public:
    static MessageActions of(const TimelineItem &item, qint64 selfId);

    qint64 seq = 0;
    QString clientId;
    QString text;
    bool canEdit = false;
    bool canDelete = false;
    bool canRetry = false;
    bool canCopy = false;
};

} // namespace confab::client
