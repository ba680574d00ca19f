#include "EventJsonCache.h"

namespace confab::server {

namespace {

// What an entry holds, roughly: the event's strings twice (the event and its JSON) as UTF-16,
// and the containers around them.
qsizetype approximateBytes(const protocol::Event &event)
{
    const qsizetype characters
        = event.text.size() + event.clientId.size() + event.sender.name.size();
    return 512 + 4 * characters;
}

} // namespace

EventJsonCache::EventJsonCache(qsizetype maxBytes)
    : m_entries(maxBytes)
{ }

QJsonObject EventJsonCache::toJson(const protocol::Event &event)
{
    const std::pair key { event.room, event.seq };
    {
        QMutexLocker lock(&m_mutex);
        if (const Entry *entry = m_entries.object(key); entry && entry->event == event)
            return entry->json;
    }
    QJsonObject json = event.toJson();
    QMutexLocker lock(&m_mutex);
    m_entries.insert(key, new Entry { event, json }, approximateBytes(event));
    return json;
}

} // namespace confab::server
