#pragma once

#include "protocol/Entities.h"

#include <QList>
#include <QString>

#include <optional>

namespace confab::server {

// The sequence numbers one committed batch took in one room: first to last, no holes.
struct SeqRange
{
    qint64 room = 0;
    qint64 first = 0;
    qint64 last = 0;
    friend bool operator==(const SeqRange &, const SeqRange &) = default;
};

// What one NOTIFY on the bus carries: the committing node and either the batch's events
// themselves or, when they would not fit in a notification, the ranges to read them from.
struct BusMessage
{
    QString node;
    QList<protocol::Event> events; // in commit order
    QList<SeqRange> ranges;
};

// The compact JSON form of bus messages. PostgreSQL refuses payloads of 8000 bytes or more,
// so a batch whose events do not fit goes by reference, and a batch touching so many rooms
// that even its ranges do not fit is split over several notifications of one transaction.
class BusPayload
{
public:
    static constexpr qsizetype kMaxBytes = 7900;

    static QList<QByteArray> encode(const QString &node, const QList<protocol::Event> &events);
    static std::optional<BusMessage> decode(const QString &payload);
    // How every payload of node begins: a node hears its own notifications too, and they are
    // most of what it hears under load, so it tells them by their first bytes, unparsed.
    static QString prefixOf(const QString &node);
};

} // namespace confab::server
