#include "Outbox.h"

#include "cache/Cache.h"
#include "net/ErrorText.h"
#include "net/Session.h"
#include "protocol/TimelineMessages.h"

#include <QDateTime>
#include <QSqlQuery>
#include <QUuid>

namespace confab::client {

using namespace Qt::StringLiterals;
using protocol::ErrorCode;

Outbox::Outbox(Cache *cache, Session *session, QObject *parent)
    : QObject(parent)
    , m_cache(cache)
    , m_session(session)
{
    load();
    if (m_session)
        connect(m_session, &Session::ready, this, &Outbox::flush);
}

QString Outbox::newClientId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

void Outbox::load()
{
    QSqlQuery query(m_cache->database());
    if (!m_cache->exec(query,
                       u"SELECT client_id, room_id, text, created_at, failed, error FROM outbox "
                       "ORDER BY position"_s,
                       {}))
        return;
    while (query.next()) {
        m_items.append({ query.value(0).toString(), query.value(1).toLongLong(),
                         query.value(2).toString(), query.value(3).toLongLong(),
                         query.value(4).toBool(), query.value(5).toString() });
    }
}

qsizetype Outbox::indexOf(const QString &clientId) const
{
    for (qsizetype i = 0; i < m_items.size(); ++i) {
        if (m_items.at(i).clientId == clientId)
            return i;
    }
    return -1;
}

QList<Outbox::Item> Outbox::items(qint64 roomId) const
{
    QList<Item> items;
    for (const auto &item : m_items) {
        if (item.roomId == roomId)
            items.append(item);
    }
    return items;
}

std::optional<Outbox::Item> Outbox::item(const QString &clientId) const
{
    const qsizetype index = indexOf(clientId);
    return index < 0 ? std::nullopt : std::optional(m_items.at(index));
}

Outbox::Item Outbox::enqueue(qint64 roomId, const QString &text)
{
    Item item { newClientId(), roomId, text, QDateTime::currentMSecsSinceEpoch(), false, {} };
    QSqlQuery query(m_cache->database());
    m_cache->exec(
        query, u"INSERT INTO outbox (client_id, room_id, text, created_at) VALUES (?, ?, ?, ?)"_s,
        { item.clientId, item.roomId, item.text, item.createdAt });
    m_items.append(item);
    emit itemAdded(item);
    flush();
    return item;
}

void Outbox::retry(const QString &clientId)
{
    const qsizetype index = indexOf(clientId);
    if (index < 0 || !m_items.at(index).failed)
        return;
    setFailed(clientId, false, {});
    emit itemRetried(m_items.at(indexOf(clientId)));
    flush();
}

void Outbox::discard(const QString &clientId)
{
    const qsizetype index = indexOf(clientId);
    if (index < 0 || m_inFlight.contains(clientId))
        return;
    const Item item = m_items.at(index);
    remove(clientId);
    emit itemDiscarded(item);
}

void Outbox::remove(const QString &clientId)
{
    QSqlQuery query(m_cache->database());
    m_cache->exec(query, u"DELETE FROM outbox WHERE client_id = ?"_s, { clientId });
    const qsizetype index = indexOf(clientId);
    if (index >= 0)
        m_items.removeAt(index);
}

void Outbox::setFailed(const QString &clientId, bool failed, const QString &error)
{
    const qsizetype index = indexOf(clientId);
    if (index < 0)
        return;
    QSqlQuery query(m_cache->database());
    m_cache->exec(query, u"UPDATE outbox SET failed = ?, error = ? WHERE client_id = ?"_s,
                  { failed ? 1 : 0, error, clientId });
    m_items[index].failed = failed;
    m_items[index].error = error;
}

void Outbox::flush()
{
    if (!m_session || !m_session->isOnline())
        return;
    for (const auto &item : std::as_const(m_items)) {
        if (item.failed || m_busyRooms.contains(item.roomId))
            continue;
        send(item);
    }
}

void Outbox::send(const Item &item)
{
    m_busyRooms.insert(item.roomId);
    m_inFlight.insert(item.clientId);
    const protocol::SendRequest request { item.roomId, item.clientId, item.text };
    m_session->request(request, this, [this, item](const TypedReply<protocol::AppendReply> &reply) {
        m_busyRooms.remove(item.roomId);
        m_inFlight.remove(item.clientId);
        if (indexOf(item.clientId) < 0)
            return;
        if (reply.connectionLost())
            return; // sent again, with the same client_id, when the session is back
        if (reply.ok()) {
            remove(item.clientId);
            emit itemDelivered(item, reply.value.seq, reply.value.timestamp);
        } else {
            setFailed(item.clientId, true, errorText(reply.error));
            emit itemFailed(m_items.at(indexOf(item.clientId)));
        }
        flush();
    });
}

} // namespace confab::client
