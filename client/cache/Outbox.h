#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

namespace confab::client {

class Cache;
class Session;

// Messages the user sent that the server has not acknowledged yet. Each one is written to
// the cache database before anything goes on the wire, so it survives a lost connection and a
// restart of the client; it is sent whenever the session is online, one at a time per room so
// that a room's messages arrive in the order they were written. Resending after a lost
// acknowledgement is safe: the server recognises the client_id and answers with the original seq.
class Outbox : public QObject
{
    Q_OBJECT

public:
    struct Item
    {
        QString clientId;
        qint64 roomId = 0;
        QString text;
        qint64 createdAt = 0;
        bool failed = false; // refused by the server; waits for the user to retry or discard
        QString error;
    };

    Outbox(Cache *cache, Session *session, QObject *parent = nullptr);

    // Queues a message and sends it as soon as the session is online.
    Item enqueue(qint64 roomId, const QString &text);
    void retry(const QString &clientId);
    void discard(const QString &clientId);

    QList<Item> items() const { return m_items; }
    QList<Item> items(qint64 roomId) const;
    std::optional<Item> item(const QString &clientId) const;
    bool isSending(const QString &clientId) const { return m_inFlight.contains(clientId); }

    // Sends what waits; called by itself when the session comes online.
    void flush();

    static QString newClientId();

signals:
    void itemAdded(const confab::client::Outbox::Item &item);
    void itemFailed(const confab::client::Outbox::Item &item);
    void itemRetried(const confab::client::Outbox::Item &item);
    // The server stored the message (or had stored it before: duplicate) as seq at ts.
    void itemDelivered(const confab::client::Outbox::Item &item, qint64 seq, qint64 timestamp);
    void itemDiscarded(const confab::client::Outbox::Item &item);

private:
    void load();
    void send(const Item &item);
    void remove(const QString &clientId);
    void setFailed(const QString &clientId, bool failed, const QString &error);
    qsizetype indexOf(const QString &clientId) const;

    Cache *m_cache;
    Session *m_session;
    QList<Item> m_items; // in the order written
    QSet<QString> m_inFlight;
    QSet<qint64> m_busyRooms;
};

} // namespace confab::client
