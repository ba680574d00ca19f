#pragma once

#include "protocol/Entities.h"

#include <QList>
#include <QString>

namespace confab::test {

// A message event as the server sends it, for feeding models and caches.
protocol::Event message(qint64 room, qint64 seq, const protocol::User &sender, const QString &text,
                        qint64 timestamp = 0);
// Messages seq from..to (inclusive) of one sender, newest first, "message <seq>" each, one
// minute apart.
QList<protocol::Event> newestFirst(qint64 room, qint64 from, qint64 to,
                                   const protocol::User &sender);
QList<protocol::Event> oldestFirst(qint64 room, qint64 from, qint64 to,
                                   const protocol::User &sender);

// A fixed moment (2025-03-14 12:00 local time) from which test messages count.
qint64 baseTime();

} // namespace confab::test
