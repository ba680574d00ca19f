#pragma once

#include "protocol/Entities.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

namespace confab::client {

class RoomListModel;
class Session;

// The server's directory of public rooms, fetched page by page, each marked with whether the
// user is in it already.
class PublicRoomsModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The room directory belongs to the ChatClient.")
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Role { RoomIdRole = Qt::UserRole + 1, NameRole, TopicRole, MemberCountRole, JoinedRole };
    Q_ENUM(Role)

    PublicRoomsModel(Session *session, RoomListModel *myRooms, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // Starts over from the first page.
    Q_INVOKABLE void refresh();

    bool isLoading() const { return m_loading; }
    QString error() const { return m_error; }
    int count() const { return int(m_rooms.size()); }

signals:
    void loadingChanged();
    void errorChanged();
    void countChanged();

private:
    void load(qint64 after);
    void setLoading(bool loading);
    void setError(const QString &error);

    Session *m_session;
    QPointer<RoomListModel> m_myRooms;
    QList<protocol::Room> m_rooms;
    bool m_hasMore = false;
    bool m_loading = false;
    quint64 m_generation = 0;
    QString m_error;
};

} // namespace confab::client
