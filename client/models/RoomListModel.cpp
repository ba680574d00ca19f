#include "RoomListModel.h"

#include "text/TimeText.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype kPreviewChars = 140;

// The room list's order: most recent activity first, newer rooms first among equals.
bool before(const RoomSummary &a, const RoomSummary &b)
{
    if (a.lastActivity() != b.lastActivity())
        return a.lastActivity() > b.lastActivity();
    return a.room.id > b.room.id;
}

} // namespace

RoomListModel::RoomListModel(QObject *parent)
    : QAbstractListModel(parent)
{
    connect(this, &QAbstractItemModel::rowsInserted, this, &RoomListModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &RoomListModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &RoomListModel::countChanged);
}

int RoomListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rooms.size());
}

QHash<int, QByteArray> RoomListModel::roleNames() const
{
    return {
        { RoomIdRole, "roomId" },
        { NameRole, "name" },
        { TopicRole, "topic" },
        { PrivateRole, "isPrivate" },
        { MemberCountRole, "memberCount" },
        { UnreadRole, "unread" },
        { PreviewRole, "preview" },
        { PreviewSenderRole, "previewSender" },
        { LastActivityRole, "lastActivity" },
        { LastActivityTextRole, "lastActivityText" },
    };
}

QVariant RoomListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RoomSummary &summary = m_rooms.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return summary.room.name;
    case RoomIdRole:
        return summary.room.id;
    case TopicRole:
        return summary.room.topic;
    case PrivateRole:
        return summary.room.visibility == protocol::Visibility::Private;
    case MemberCountRole:
        return summary.room.memberCount;
    case UnreadRole:
        return summary.unread;
    case PreviewRole: {
        if (!summary.lastMessage)
            return tr("No messages yet");
        if (summary.lastMessage->deleted)
            return tr("Message deleted");
        QString text = summary.lastMessage->text.left(kPreviewChars + 1).simplified();
        if (text.size() > kPreviewChars)
            text = text.left(kPreviewChars) + u'…';
        return text;
    }
    case PreviewSenderRole:
        if (!summary.lastMessage)
            return QString();
        return summary.lastMessage->sender.id == m_selfId ? tr("You")
                                                          : summary.lastMessage->sender.name;
    case LastActivityRole:
        return summary.lastActivity();
    case LastActivityTextRole:
        return activityText(summary.lastActivity());
    default:
        return {};
    }
}

QString RoomListModel::activityText(qint64 ms) const
{
    if (ms <= 0)
        return {};
    return timeText::activity(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(),
                              m_today.isValid() ? m_today : QDate::currentDate());
}

qsizetype RoomListModel::indexOf(qint64 roomId) const
{
    for (qsizetype i = 0; i < m_rooms.size(); ++i) {
        if (m_rooms.at(i).room.id == roomId)
            return i;
    }
    return -1;
}

int RoomListModel::rowOf(qint64 roomId) const
{
    return int(indexOf(roomId));
}

qint64 RoomListModel::roomIdAt(int row) const
{
    return row >= 0 && row < m_rooms.size() ? m_rooms.at(row).room.id : 0;
}

QString RoomListModel::nameOf(qint64 roomId) const
{
    const qsizetype row = indexOf(roomId);
    return row < 0 ? QString() : m_rooms.at(row).room.name;
}

std::optional<RoomSummary> RoomListModel::summary(qint64 roomId) const
{
    const qsizetype row = indexOf(roomId);
    return row < 0 ? std::nullopt : std::optional(m_rooms.at(row));
}

void RoomListModel::updateUnreadTotal()
{
    int total = 0;
    for (const auto &summary : std::as_const(m_rooms))
        total += int(summary.unread);
    if (total == m_unreadTotal)
        return;
    m_unreadTotal = total;
    emit unreadTotalChanged();
}

void RoomListModel::setRooms(QList<RoomSummary> rooms)
{
    std::stable_sort(rooms.begin(), rooms.end(), before);
    beginResetModel();
    m_rooms = std::move(rooms);
    endResetModel();
    updateUnreadTotal();
}

void RoomListModel::clear()
{
    setRooms({});
}

qsizetype RoomListModel::sortedPosition(const RoomSummary &summary) const
{
    qsizetype position = 0;
    for (const auto &other : m_rooms) {
        if (other.room.id != summary.room.id && before(other, summary))
            ++position;
    }
    return position;
}

void RoomListModel::placeAt(qsizetype row)
{
    // The row changed; it may have to move for the order to hold again.
    const qsizetype target = sortedPosition(m_rooms.at(row));
    emit dataChanged(index(int(row)), index(int(row)));
    if (target == row)
        return;
    beginMoveRows({}, int(row), int(row), {}, int(target > row ? target + 1 : target));
    m_rooms.move(row, target);
    endMoveRows();
}

void RoomListModel::upsert(const RoomSummary &summary)
{
    const qsizetype row = indexOf(summary.room.id);
    if (row < 0) {
        const qsizetype position = sortedPosition(summary);
        beginInsertRows({}, int(position), int(position));
        m_rooms.insert(position, summary);
        endInsertRows();
    } else {
        m_rooms[row] = summary;
        placeAt(row);
    }
    updateUnreadTotal();
    emit roomChanged(summary.room.id);
}

void RoomListModel::remove(qint64 roomId)
{
    const qsizetype row = indexOf(roomId);
    if (row < 0)
        return;
    beginRemoveRows({}, int(row), int(row));
    m_rooms.removeAt(row);
    endRemoveRows();
    updateUnreadTotal();
}

void RoomListModel::noteMessage(const protocol::Event &message, bool unread)
{
    const qsizetype row = indexOf(message.room);
    if (row < 0)
        return;
    RoomSummary &summary = m_rooms[row];
    summary.room.lastSeq = std::max(summary.room.lastSeq, message.seq);
    if (!summary.lastMessage || summary.lastMessage->seq <= message.seq)
        summary.lastMessage = message;
    if (unread)
        ++summary.unread;
    placeAt(row);
    updateUnreadTotal();
    emit roomChanged(message.room);
}

void RoomListModel::noteEdit(const protocol::Event &edit)
{
    const qsizetype row = indexOf(edit.room);
    if (row < 0)
        return;
    RoomSummary &summary = m_rooms[row];
    summary.room.lastSeq = std::max(summary.room.lastSeq, edit.seq);
    if (summary.lastMessage && summary.lastMessage->seq == edit.targetSeq) {
        summary.lastMessage->text = edit.text;
        summary.lastMessage->editedAt = edit.timestamp;
        emit dataChanged(index(int(row)), index(int(row)), { PreviewRole });
    }
    emit roomChanged(edit.room);
}

void RoomListModel::noteDelete(const protocol::Event &deletion, bool wasUnread)
{
    const qsizetype row = indexOf(deletion.room);
    if (row < 0)
        return;
    RoomSummary &summary = m_rooms[row];
    summary.room.lastSeq = std::max(summary.room.lastSeq, deletion.seq);
    if (summary.lastMessage && summary.lastMessage->seq == deletion.targetSeq) {
        summary.lastMessage->text.clear();
        summary.lastMessage->deleted = true;
    }
    if (wasUnread && summary.unread > 0)
        --summary.unread;
    emit dataChanged(index(int(row)), index(int(row)), { PreviewRole, UnreadRole });
    updateUnreadTotal();
    emit roomChanged(deletion.room);
}

void RoomListModel::markRead(qint64 roomId, qint64 seq)
{
    const qsizetype row = indexOf(roomId);
    if (row < 0)
        return;
    RoomSummary &summary = m_rooms[row];
    if (seq < summary.lastReadSeq || (seq == summary.lastReadSeq && summary.unread == 0))
        return;
    summary.lastReadSeq = std::max(summary.lastReadSeq, seq);
    summary.unread = 0;
    emit dataChanged(index(int(row)), index(int(row)), { UnreadRole });
    updateUnreadTotal();
    emit roomChanged(roomId);
}

} // namespace confab::client
