#pragma once

#include <QObject>
#include <QSettings>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

namespace confab::client {

// The user's preferences and the account to resume at the next start, in an INI file in the
// client's data directory.
class Settings : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Settings belong to the ChatClient.")
    Q_PROPERTY(bool notificationsEnabled READ notificationsEnabled WRITE setNotificationsEnabled
                   NOTIFY notificationsEnabledChanged)
    Q_PROPERTY(QString themeMode READ themeMode WRITE setThemeMode NOTIFY themeModeChanged)

public:
    explicit Settings(const QString &filePath, QObject *parent = nullptr);

    bool notificationsEnabled() const;
    void setNotificationsEnabled(bool enabled);
    // "system", "light" or "dark".
    QString themeMode() const;
    void setThemeMode(const QString &mode);

    struct Account
    {
        QUrl server;
        qint64 userId = 0;
        QString userName;
        bool isValid() const { return server.isValid() && userId > 0 && !userName.isEmpty(); }
        // The name its token and cache are kept under.
        QString key() const;
    };
    Account account() const;
    void setAccount(const Account &account);
    void clearAccount();
    // What the sign-in form offers after signing out.
    QString lastServer() const;
    QString lastUserName() const;

signals:
    void notificationsEnabledChanged();
    void themeModeChanged();

private:
    mutable QSettings m_settings;
};

} // namespace confab::client
