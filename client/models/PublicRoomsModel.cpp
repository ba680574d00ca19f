#include "PublicRoomsModel.h"

#include "models/RoomListModel.h"
#include "net/ErrorText.h"
#include "net/Session.h"
#include "protocol/Limits.h"
#include "protocol/RoomMessages.h"

namespace confab::client {

using namespace Qt::StringLiterals;

PublicRoomsModel::PublicRoomsModel(Session *session, RoomListModel *myRooms, QObject *parent)
    : QAbstractListModel(parent)
    , m_session(session)
    , m_myRooms(myRooms)
{
    connect(this, &QAbstractItemModel::rowsInserted, this, &PublicRoomsModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &PublicRoomsModel::countChanged);
    // "Joined" follows the user's own list.
    const auto joinedChanged = [this] {
        if (!m_rooms.isEmpty())
            emit dataChanged(index(0), index(int(m_rooms.size()) - 1), { JoinedRole });
    };
    connect(myRooms, &QAbstractItemModel::rowsInserted, this, joinedChanged);
    connect(myRooms, &QAbstractItemModel::rowsRemoved, this, joinedChanged);
    connect(myRooms, &QAbstractItemModel::modelReset, this, joinedChanged);
}

int PublicRoomsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rooms.size());
}

QHash<int, QByteArray> PublicRoomsModel::roleNames() const
{
    return { { RoomIdRole, "roomId" },
             { NameRole, "name" },
             { TopicRole, "topic" },
             { MemberCountRole, "memberCount" },
             { JoinedRole, "joined" } };
}

QVariant PublicRoomsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const protocol::Room &room = m_rooms.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return room.name;
    case RoomIdRole:
        return room.id;
    case TopicRole:
        return room.topic;
    case MemberCountRole:
        return room.memberCount;
    case JoinedRole:
        return m_myRooms && m_myRooms->contains(room.id);
    default:
        return {};
    }
}

bool PublicRoomsModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_hasMore && !m_loading;
}

void PublicRoomsModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        load(m_rooms.isEmpty() ? 0 : m_rooms.last().id);
}

void PublicRoomsModel::refresh()
{
    ++m_generation;
    beginResetModel();
    m_rooms.clear();
    m_hasMore = false;
    endResetModel();
    setLoading(false);
    load(0);
}

void PublicRoomsModel::load(qint64 after)
{
    setLoading(true);
    setError({});
    const quint64 generation = m_generation;
    const protocol::PublicRoomsRequest request { after > 0 ? std::optional(after) : std::nullopt,
                                                 protocol::kRoomPageMax };
    m_session->request(
        request, this, [this, generation](const TypedReply<protocol::PublicRoomsReply> &reply) {
            if (generation != m_generation)
                return;
            setLoading(false);
            if (!reply.ok()) {
                setError(reply.connectionLost() ? tr("You are offline.") : errorText(reply.error));
                return;
            }
            const QList<protocol::Room> &rooms = reply.value.rooms;
            m_hasMore = reply.value.hasMore;
            if (rooms.isEmpty())
                return;
            const int first = int(m_rooms.size());
            beginInsertRows({}, first, first + int(rooms.size()) - 1);
            m_rooms.append(rooms);
            endInsertRows();
        });
}

void PublicRoomsModel::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    emit loadingChanged();
}

void PublicRoomsModel::setError(const QString &error)
{
    if (m_error == error)
        return;
    m_error = error;
    emit errorChanged();
}

} // namespace confab::client
