#pragma once

#include "protocol/Entities.h"

#include <QHash>
#include <QList>
#include <QMap>

#include <functional>
#include <optional>

namespace confab::server {

// Puts the events of every room in sequence order before they reach this node's members,
// whichever node committed them and in whatever order their announcements arrive. It
// remembers the last sequence number delivered per room; an event further ahead waits while
// the gap is read from the database, and what was delivered already is dropped. Nothing is
// ever skipped: when the database cannot be read, events wait for retry().
class RoomSequencer
{
public:
    // Events of a room with after < seq <= upTo, oldest first; nullopt when the read failed.
    using RangeReader = std::function<std::optional<QList<protocol::Event>>(
        qint64 room, qint64 after, qint64 upTo)>;

    explicit RoomSequencer(RangeReader reader)
        : m_reader(std::move(reader))
    { }

    // The last sequence number of a room that needs no delivery (all of it happened before
    // this node listened). Rooms never seen start at 0: they were created later.
    void setDelivered(qint64 room, qint64 seq) { m_delivered.insert(room, seq); }
    qint64 delivered(qint64 room) const { return m_delivered.value(room); }

    // Returns what can be delivered now, in order, each event once.
    QList<protocol::Event> accept(const QList<protocol::Event> &events);
    // The room has events up to upTo (an announcement by reference, or a resync).
    QList<protocol::Event> catchUp(qint64 room, qint64 upTo);
    // Tries again the rooms whose gap could not be read.
    QList<protocol::Event> retry();

    qsizetype waitingCount() const;

private:
    void drain(qint64 room, QList<protocol::Event> &out);

    RangeReader m_reader;
    QHash<qint64, qint64> m_delivered;
    QHash<qint64, QMap<qint64, protocol::Event>> m_waiting; // room → seq → event
    QHash<qint64, qint64> m_wanted; // room → highest seq known to exist
};

} // namespace confab::server
