#pragma once

#include "cache/RoomSummary.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace confab::client {

// Invitations to rooms the user has not joined (yet), newest first.
class InvitationListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Invitations belong to the ChatClient.")
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Role { RoomIdRole = Qt::UserRole + 1, NameRole, TopicRole, PrivateRole, InvitedByRole };
    Q_ENUM(Role)

    explicit InvitationListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setInvitations(const QList<Invitation> &invitations);
    void add(const Invitation &invitation);
    void remove(qint64 roomId);
    int count() const { return int(m_invitations.size()); }

signals:
    void countChanged();

private:
    QList<Invitation> m_invitations;
};

} // namespace confab::client
