#include "Messages.h"

#include <QDateTime>

#include <algorithm>

namespace confab::test {

using namespace Qt::StringLiterals;

qint64 baseTime()
{
    return QDateTime(QDate(2025, 3, 14), QTime(12, 0)).toMSecsSinceEpoch();
}

protocol::Event message(qint64 room, qint64 seq, const protocol::User &sender, const QString &text,
                        qint64 timestamp)
{
    protocol::Event event;
    event.room = room;
    event.seq = seq;
    event.kind = protocol::EventKind::Message;
    event.sender = sender;
    event.clientId = u"client-%1-%2"_s.arg(room).arg(seq);
    event.text = text;
    event.timestamp = timestamp ? timestamp : baseTime() + seq * 60'000;
    return event;
}

QList<protocol::Event> oldestFirst(qint64 room, qint64 from, qint64 to,
                                   const protocol::User &sender)
{
    QList<protocol::Event> events;
    for (qint64 seq = from; seq <= to; ++seq)
        events.append(message(room, seq, sender, u"message %1"_s.arg(seq)));
    return events;
}

QList<protocol::Event> newestFirst(qint64 room, qint64 from, qint64 to,
                                   const protocol::User &sender)
{
    auto events = oldestFirst(room, from, to, sender);
    std::reverse(events.begin(), events.end());
    return events;
}

} // namespace confab::test
