#include "RoomSequencer.h"

namespace confab::server {

QList<protocol::Event> RoomSequencer::accept(const QList<protocol::Event> &events)
{
    QList<qint64> rooms;
    for (const auto &event : events) {
        if (event.seq <= m_delivered.value(event.room))
            continue;
        m_waiting[event.room].insert(event.seq, event);
        if (!rooms.contains(event.room))
            rooms.append(event.room);
    }
    QList<protocol::Event> out;
    for (qint64 room : std::as_const(rooms))
        drain(room, out);
    return out;
}

QList<protocol::Event> RoomSequencer::catchUp(qint64 room, qint64 upTo)
{
    QList<protocol::Event> out;
    if (upTo <= m_delivered.value(room))
        return out;
    qint64 &wanted = m_wanted[room];
    wanted = std::max(wanted, upTo);
    drain(room, out);
    return out;
}

QList<protocol::Event> RoomSequencer::retry()
{
    QList<qint64> rooms = m_waiting.keys();
    for (auto it = m_wanted.cbegin(); it != m_wanted.cend(); ++it) {
        if (!rooms.contains(it.key()))
            rooms.append(it.key());
    }
    QList<protocol::Event> out;
    for (qint64 room : std::as_const(rooms))
        drain(room, out);
    return out;
}

qsizetype RoomSequencer::waitingCount() const
{
    qsizetype count = 0;
    for (const auto &events : m_waiting)
        count += events.size();
    return count;
}

void RoomSequencer::drain(qint64 room, QList<protocol::Event> &out)
{
    qint64 &delivered = m_delivered[room];
    auto waitingIt = m_waiting.find(room);
    while (true) {
        if (waitingIt != m_waiting.end()) {
            auto &waiting = *waitingIt;
            while (!waiting.isEmpty() && waiting.firstKey() <= delivered)
                waiting.erase(waiting.begin());
            while (!waiting.isEmpty() && waiting.firstKey() == delivered + 1) {
                out.append(waiting.first());
                delivered = waiting.firstKey();
                waiting.erase(waiting.begin());
            }
            if (waiting.isEmpty()) {
                m_waiting.erase(waitingIt);
                waitingIt = m_waiting.end();
            }
        }
        const qint64 wanted = m_wanted.value(room);
        const qint64 target = waitingIt != m_waiting.end() ? waitingIt->firstKey() - 1 : wanted;
        if (target <= delivered) {
            if (wanted <= delivered)
                m_wanted.remove(room);
            return;
        }
        // The events in between were committed before the ones known here (a room's row
        // lock orders its writers), so the database has them now.
        const auto gap = m_reader(room, delivered, target);
        if (!gap)
            return;
        for (const auto &event : *gap) {
            if (event.seq == delivered + 1) {
                out.append(event);
                delivered = event.seq;
            }
        }
        if (delivered < target) {
            // A hole the database cannot fill is a bug elsewhere; stalling the room forever
            // would be worse than saying so and moving on.
            qWarning("room %lld: events %lld to %lld are missing from the database",
                     static_cast<long long>(room), static_cast<long long>(delivered + 1),
                     static_cast<long long>(target));
            delivered = target;
        }
    }
}

} // namespace confab::server
