#include "MemberListModel.h"

#include <algorithm>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {

int rank(const QString &presence)
{
    if (presence == "online"_L1)
        return 0;
    if (presence == "away"_L1)
        return 1;
    return 2;
}

bool before(const MemberListModel::Member &a, const MemberListModel::Member &b)
{
    if (rank(a.presence) != rank(b.presence))
        return rank(a.presence) < rank(b.presence);
    const int byName = a.user.name.compare(b.user.name, Qt::CaseInsensitive);
    return byName != 0 ? byName < 0 : a.user.id < b.user.id;
}

} // namespace

MemberListModel::MemberListModel(qint64 selfId, QObject *parent)
    : QAbstractListModel(parent)
    , m_selfId(selfId)
{
    connect(this, &QAbstractItemModel::rowsInserted, this, &MemberListModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &MemberListModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &MemberListModel::countChanged);
    connect(this, &QAbstractItemModel::dataChanged, this, &MemberListModel::countChanged);
}

int MemberListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_members.size());
}

QHash<int, QByteArray> MemberListModel::roleNames() const
{
    return { { UserIdRole, "userId" },
             { NameRole, "name" },
             { PresenceRole, "presence" },
             { SelfRole, "isSelf" } };
}

QVariant MemberListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Member &member = m_members.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return member.user.name;
    case UserIdRole:
        return member.user.id;
    case PresenceRole:
        return member.presence;
    case SelfRole:
        return member.user.id == m_selfId;
    default:
        return {};
    }
}

int MemberListModel::onlineCount() const
{
    return int(std::count_if(m_members.cbegin(), m_members.cend(),
                             [](const Member &member) { return member.presence != "offline"_L1; }));
}

qsizetype MemberListModel::indexOf(qint64 userId) const
{
    for (qsizetype i = 0; i < m_members.size(); ++i) {
        if (m_members.at(i).user.id == userId)
            return i;
    }
    return -1;
}

QString MemberListModel::presenceOf(qint64 userId) const
{
    const qsizetype row = indexOf(userId);
    return row < 0 ? QString() : m_members.at(row).presence;
}

qsizetype MemberListModel::sortedPosition(const Member &member) const
{
    qsizetype position = 0;
    for (const auto &other : m_members) {
        if (other.user.id != member.user.id && before(other, member))
            ++position;
    }
    return position;
}

void MemberListModel::setMembers(QList<Member> members)
{
    std::sort(members.begin(), members.end(), before);
    beginResetModel();
    m_members = std::move(members);
    endResetModel();
}

void MemberListModel::add(const protocol::User &user, const QString &presence)
{
    if (contains(user.id))
        return setPresence(user.id, presence);
    const Member member { user, presence };
    const qsizetype position = sortedPosition(member);
    beginInsertRows({}, int(position), int(position));
    m_members.insert(position, member);
    endInsertRows();
}

void MemberListModel::remove(qint64 userId)
{
    const qsizetype row = indexOf(userId);
    if (row < 0)
        return;
    beginRemoveRows({}, int(row), int(row));
    m_members.removeAt(row);
    endRemoveRows();
}

void MemberListModel::setPresence(qint64 userId, const QString &presence)
{
    const qsizetype row = indexOf(userId);
    if (row < 0 || m_members.at(row).presence == presence)
        return;
    m_members[row].presence = presence;
    emit dataChanged(index(int(row)), index(int(row)), { PresenceRole });
    const qsizetype target = sortedPosition(m_members.at(row));
    if (target == row)
        return;
    beginMoveRows({}, int(row), int(row), {}, int(target > row ? target + 1 : target));
    m_members.move(row, target);
    endMoveRows();
}

} // namespace confab::client
