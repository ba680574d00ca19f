#pragma once

#include "protocol/Entities.h"

#include <QCache>
#include <QJsonObject>
#include <QMutex>

#include <utility>

namespace confab::server {

// The JSON of recently sent events, shared by every socket thread. When many members of a room
// catch up at once (after a restart or a network cut, everyone asks for the same gap) each
// event is converted once instead of once per member; history pages of a busy room likewise.
// An entry is used only for an event equal in every field to the one it was made from, so an
// edit or a delete is never answered with the text from before it.
class EventJsonCache
{
public:
    explicit EventJsonCache(qsizetype maxBytes);
    EventJsonCache(const EventJsonCache &) = delete;
    EventJsonCache &operator=(const EventJsonCache &) = delete;

    // Callable from any thread.
    QJsonObject toJson(const protocol::Event &event);

private:
    struct Entry
    {
        protocol::Event event;
        QJsonObject json;
    };

    QMutex m_mutex;
    QCache<std::pair<qint64, qint64>, Entry> m_entries; // (room, seq); cost in bytes
};

} // namespace confab::server
