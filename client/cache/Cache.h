#pragma once

#include "cache/RoomSummary.h"
#include "protocol/Entities.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QVariantList>

#include <optional>

class QSqlQuery;

namespace confab::client {

// The local copy of one account's rooms and their newest messages, in SQLite, so that the
// client starts with something to show and can be read offline. Per room it keeps a run of
// consecutive messages ending at the newest one synced (at most kMessagesPerRoom of them),
// the position up to which it is in sync, and whether the run reaches the room's first message.
// Edit and delete events are applied to the message they name rather than kept.
class Cache
{
public:
    static constexpr int kMessagesPerRoom = 1000;

    explicit Cache(const QString &filePath);
    ~Cache();
    Cache(const Cache &) = delete;
    Cache &operator=(const Cache &) = delete;

    bool isOpen() const { return m_open; }
    QString errorString() const { return m_error; }
    QString filePath() const { return m_filePath; }
    QSqlDatabase database() const;

    QString value(const QString &key) const;
    void setValue(const QString &key, const QString &value);

    QList<RoomSummary> rooms() const;
    void saveRoom(const RoomSummary &summary);
    // The room list as the server gave it: rooms not in it are forgotten with their messages.
    void replaceRooms(const QList<RoomSummary> &rooms);
    void removeRoom(qint64 roomId);

    // The last seq up to which every event of the room has been applied (0 when unknown).
    qint64 syncedSeq(qint64 roomId) const;
    void setSyncedSeq(qint64 roomId, qint64 seq);
    bool historyComplete(qint64 roomId) const;
    void setHistoryComplete(qint64 roomId, bool complete);

    void saveMessages(const QList<protocol::Event> &messages);
    // Both return whether the target message is in the cache.
    bool applyEdit(const protocol::Event &edit);
    bool applyDelete(const protocol::Event &deletion);
    // Newest first.
    QList<protocol::Event> newestMessages(qint64 roomId, int limit) const;
    QList<protocol::Event> messagesBefore(qint64 roomId, qint64 seq, int limit) const;
    // Oldest first.
    QList<protocol::Event> messagesAfter(qint64 roomId, qint64 seq, int limit) const;
    std::optional<protocol::Event> message(qint64 roomId, qint64 seq) const;
    qint64 oldestSeq(qint64 roomId) const;
    qint64 newestSeq(qint64 roomId) const;
    int messageCount(qint64 roomId) const;
    void dropMessages(qint64 roomId);
    // Keeps the newest keepPerRoom messages of every room.
    void prune(int keepPerRoom = kMessagesPerRoom);

    QList<Invitation> invitations() const;
    void saveInvitation(const Invitation &invitation);
    void removeInvitation(qint64 roomId);

    // Everything, as at signing out.
    void clear();

    // A statement with bound values; reports failures through errorString().
    bool exec(QSqlQuery &query, const QString &statement, const QVariantList &values) const;

private:
    bool migrate();
    QList<protocol::Event> readMessages(QSqlQuery &query) const;

    QString m_filePath;
    QString m_connectionName;
    bool m_open = false;
    mutable QString m_error;
};

} // namespace confab::client
