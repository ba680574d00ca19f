#include "Settings.h"

#include "net/ServerAddress.h"

namespace confab::client {

using namespace Qt::StringLiterals;

Settings::Settings(const QString &filePath, QObject *parent)
    : QObject(parent)
    , m_settings(filePath, QSettings::IniFormat)
{ }

QString Settings::Account::key() const
{
    return u"%1@%2:%3"_s.arg(userName.toLower(), server.host().toLower()).arg(server.port());
}

bool Settings::notificationsEnabled() const
{
    return m_settings.value(u"ui/notifications"_s, true).toBool();
}

void Settings::setNotificationsEnabled(bool enabled)
{
    if (enabled == notificationsEnabled())
        return;
    m_settings.setValue(u"ui/notifications"_s, enabled);
    emit notificationsEnabledChanged();
}

QString Settings::themeMode() const
{
    const QString mode = m_settings.value(u"ui/theme"_s, u"system"_s).toString();
    return mode == "light"_L1 || mode == "dark"_L1 ? mode : u"system"_s;
}

void Settings::setThemeMode(const QString &mode)
{
    if (mode == themeMode())
        return;
    m_settings.setValue(u"ui/theme"_s, mode);
    emit themeModeChanged();
}

Settings::Account Settings::account() const
{
    return { QUrl(m_settings.value(u"account/server"_s).toString()),
             m_settings.value(u"account/userId"_s).toLongLong(),
             m_settings.value(u"account/userName"_s).toString() };
}

void Settings::setAccount(const Account &account)
{
    m_settings.setValue(u"account/server"_s, account.server.toString());
    m_settings.setValue(u"account/userId"_s, account.userId);
    m_settings.setValue(u"account/userName"_s, account.userName);
    m_settings.setValue(u"signin/server"_s, serverAddress::display(account.server));
    m_settings.setValue(u"signin/userName"_s, account.userName);
    m_settings.sync();
}

void Settings::clearAccount()
{
    m_settings.remove(u"account"_s);
    m_settings.sync();
}

QString Settings::lastServer() const
{
    return m_settings.value(u"signin/server"_s).toString();
}

QString Settings::lastUserName() const
{
    return m_settings.value(u"signin/userName"_s).toString();
}

} // namespace confab::client
