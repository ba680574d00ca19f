#include "InvitationListModel.h"

namespace confab::client {

InvitationListModel::InvitationListModel(QObject *parent)
    : QAbstractListModel(parent)
{
    connect(this, &QAbstractItemModel::rowsInserted, this, &InvitationListModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &InvitationListModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &InvitationListModel::countChanged);
}

int InvitationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_invitations.size());
}

QHash<int, QByteArray> InvitationListModel::roleNames() const
{
    return { { RoomIdRole, "roomId" },
             { NameRole, "name" },
             { TopicRole, "topic" },
             { PrivateRole, "isPrivate" },
             { InvitedByRole, "invitedBy" } };
}

QVariant InvitationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Invitation &invitation = m_invitations.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return invitation.room.name;
    case RoomIdRole:
        return invitation.room.id;
    case TopicRole:
        return invitation.room.topic;
    case PrivateRole:
        return invitation.room.visibility == protocol::Visibility::Private;
    case InvitedByRole:
        return invitation.by.name;
    default:
        return {};
    }
}

void InvitationListModel::setInvitations(const QList<Invitation> &invitations)
{
    beginResetModel();
    m_invitations = invitations;
    endResetModel();
}

void InvitationListModel::add(const Invitation &invitation)
{
    remove(invitation.room.id);
    beginInsertRows({}, 0, 0);
    m_invitations.prepend(invitation);
    endInsertRows();
}

void InvitationListModel::remove(qint64 roomId)
{
    for (qsizetype i = 0; i < m_invitations.size(); ++i) {
        if (m_invitations.at(i).room.id != roomId)
            continue;
        beginRemoveRows({}, int(i), int(i));
        m_invitations.removeAt(i);
        endRemoveRows();
        return;
    }
}

} // namespace confab::client
