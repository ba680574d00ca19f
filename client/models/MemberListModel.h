#pragma once

#include "protocol/Entities.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace confab::client {

// The members of the room in view with their presence: online first, then away, then
// offline, each group by name.
class MemberListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Member lists come with the room in view.")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int onlineCount READ onlineCount NOTIFY countChanged)

public:
    enum Role { UserIdRole = Qt::UserRole + 1, NameRole, PresenceRole, SelfRole };
    Q_ENUM(Role)

    struct Member
    {
        protocol::User user;
        QString presence; // "online", "away" or "offline"
    };

    explicit MemberListModel(qint64 selfId, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setMembers(QList<Member> members);
    void add(const protocol::User &user, const QString &presence = QStringLiteral("online"));
    void remove(qint64 userId);
    void setPresence(qint64 userId, const QString &presence);
    bool contains(qint64 userId) const { return indexOf(userId) >= 0; }
    QString presenceOf(qint64 userId) const;

    int count() const { return int(m_members.size()); }
    int onlineCount() const;

signals:
    void countChanged();

private:
    qsizetype indexOf(qint64 userId) const;
    qsizetype sortedPosition(const Member &member) const;

    qint64 m_selfId;
    QList<Member> m_members;
};

} // namespace confab::client
