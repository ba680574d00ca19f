#pragma once

#include <QObject>
#include <QtQml/qqmlregistration.h>

#include <memory>

class QSystemTrayIcon;

namespace confab::client {

class RoomListModel;
class Settings;

// Desktop notifications for new messages in rooms the user is not looking at, and the
// unread total on the system tray icon, where the desktop has a tray.
class Notifier : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The notifier belongs to the ChatClient.")
    Q_PROPERTY(bool trayAvailable READ isTrayAvailable CONSTANT)

public:
    Notifier(RoomListModel *rooms, Settings *settings, QObject *parent = nullptr);
    ~Notifier() override;

    bool isTrayAvailable() const { return m_tray != nullptr; }
    void showMessage(qint64 roomId, const QString &roomName, const QString &sender,
                     const QString &text);

signals:
    // Every notification, whether or not a tray shows it.
    void notified(qint64 roomId, const QString &title, const QString &body);
    // The user clicked the notification or the tray icon.
    void activated(qint64 roomId);

private:
    void updateIcon();

    RoomListModel *m_rooms;
    Settings *m_settings;
    std::unique_ptr<QSystemTrayIcon> m_tray;
    qint64 m_lastRoom = 0;
};

} // namespace confab::client
