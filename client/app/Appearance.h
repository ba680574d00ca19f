#pragma once

#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace confab::client {

class Settings;

// Light or dark: the system's choice unless the user chose one. Qt 6.4 cannot ask the
// platform for its colour scheme, so the system counts as dark when its window colour is.
class Appearance : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The appearance belongs to the ChatClient.")
    Q_PROPERTY(bool dark READ isDark NOTIFY darkChanged)
    Q_PROPERTY(bool systemDark READ isSystemDark NOTIFY darkChanged)

public:
    explicit Appearance(Settings *settings, QObject *parent = nullptr);

    bool isDark() const;
    bool isSystemDark() const { return m_systemDark; }

signals:
    void darkChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void updateSystemDark();

    Settings *m_settings;
    bool m_systemDark = false;
};

} // namespace confab::client
