#include "Appearance.h"

#include "app/Settings.h"

#include <QEvent>
#include <QGuiApplication>
#include <QPalette>

namespace confab::client {

using namespace Qt::StringLiterals;

Appearance::Appearance(Settings *settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
{
    updateSystemDark();
    connect(settings, &Settings::themeModeChanged, this, &Appearance::darkChanged);
    if (qApp)
        qApp->installEventFilter(this);
}

bool Appearance::isDark() const
{
    const QString mode = m_settings->themeMode();
    if (mode == "dark"_L1)
        return true;
    if (mode == "light"_L1)
        return false;
    return m_systemDark;
}

bool Appearance::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == qApp && event->type() == QEvent::ApplicationPaletteChange)
        updateSystemDark();
    return QObject::eventFilter(watched, event);
}

void Appearance::updateSystemDark()
{
    const bool dark = QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
    if (dark == m_systemDark)
        return;
    m_systemDark = dark;
    emit darkChanged();
}

} // namespace confab::client
