#pragma once

#include "cache/RoomSummary.h"

#include <QAbstractListModel>
#include <QDate>
#include <QtQml/qqmlregistration.h>

namespace confab::client {

// The user's rooms, most recent activity first, with what the sidebar shows of each: the
// newest message, its time and the number of unread messages.
class RoomListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The room list belongs to the ChatClient.")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int unreadTotal READ unreadTotal NOTIFY unreadTotalChanged)

public:
    enum Role {
        RoomIdRole = Qt::UserRole + 1,
        NameRole,
        TopicRole,
        PrivateRole,
        MemberCountRole,
        UnreadRole,
        PreviewRole,
        PreviewSenderRole,
        LastActivityRole,
        LastActivityTextRole,
    };
    Q_ENUM(Role)

    explicit RoomListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setSelfId(qint64 userId) { m_selfId = userId; }
    void setRooms(QList<RoomSummary> rooms);
    // Adds the room or replaces what is known of it, and moves it to its place.
    void upsert(const RoomSummary &summary);
    void remove(qint64 roomId);
    void clear();

    std::optional<RoomSummary> summary(qint64 roomId) const;
    const QList<RoomSummary> &summaries() const { return m_rooms; }
    bool contains(qint64 roomId) const { return indexOf(roomId) >= 0; }

    // A message was stored in the room: it may be the newest one, and it may be unread.
    void noteMessage(const protocol::Event &message, bool unread);
    void noteEdit(const protocol::Event &edit);
    void noteDelete(const protocol::Event &deletion, bool wasUnread);
    // The user has read the room up to seq.
    void markRead(qint64 roomId, qint64 seq);

    Q_INVOKABLE int rowOf(qint64 roomId) const;
    Q_INVOKABLE qint64 roomIdAt(int row) const;
    Q_INVOKABLE QString nameOf(qint64 roomId) const;

    int count() const { return int(m_rooms.size()); }
    int unreadTotal() const { return m_unreadTotal; }

    // What "today" is for the times shown; a test sets it.
    void setToday(const QDate &today) { m_today = today; }

signals:
    void countChanged();
    void unreadTotalChanged();
    // Something of this room changed that the cache keeps.
    void roomChanged(qint64 roomId);

private:
    qsizetype indexOf(qint64 roomId) const;
    qsizetype sortedPosition(const RoomSummary &summary) const;
    void placeAt(qsizetype row);
    void updateUnreadTotal();
    QString activityText(qint64 ms) const;

    QList<RoomSummary> m_rooms;
    qint64 m_selfId = 0;
    int m_unreadTotal = 0;
    QDate m_today;
};

} // namespace confab::client
