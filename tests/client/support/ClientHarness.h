#pragma once

#include "app/ChatClient.h"

#include <QObject>
#include <QPointer>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QString>
#include <QStringList>

#include <chrono>
#include <memory>

namespace confab::test {

// The whole client in this process - ChatClient and the QML of Main.qml - on the offscreen
// platform, driven the way a user drives it: finding controls by objectName, clicking them
// and typing into them.
class ClientHarness : public QObject
{
    Q_OBJECT

public:
    static constexpr std::chrono::milliseconds kTimeout { 30'000 };

    explicit ClientHarness(QString dataDir, QObject *parent = nullptr);
    ~ClientHarness() override;

    // Makes the client (on dataDir, tokens in a file) and shows its window; start() of the
    // client resumes the last account, as at a real start.
    bool start(QString *error);
    // Closes the window and destroys the client, as quitting does.
    void stop();

    client::ChatClient *client() const { return m_client.get(); }
    QQuickWindow *window() const { return m_window; }

    // The first object with that objectName anywhere in the window, dialogs included, or null.
    QQuickItem *item(const QString &objectName) const;
    QQuickItem *visibleItem(const QString &objectName) const;
    QQuickItem *waitForVisibleItem(const QString &objectName,
                                   std::chrono::milliseconds timeout = kTimeout) const;

    // Any object with that name: items, and popups and dialogs (which are not items).
    QObject *object(const QString &objectName) const;
    // Waits until the popup or dialog has finished opening (or closing) its transition.
    bool waitForPopup(const QString &objectName, bool opened = true,
                      std::chrono::milliseconds timeout = kTimeout) const;

    bool click(QQuickItem *item);
    // Gives the item keyboard focus, then types text into the window.
    bool typeInto(QQuickItem *item, const QString &text);
    void pressKey(Qt::Key key, Qt::KeyboardModifiers modifiers = Qt::NoModifier);
    QString screenshot(const QString &name, QString *error);
    // What the QML engine warned about since start(): a view that shows what it should
    // produces none.
    QStringList warnings() const { return m_warnings; }
    void clearWarnings() { m_warnings.clear(); }

private:
    QString m_dataDir;
    std::unique_ptr<client::ChatClient> m_client;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QPointer<QQuickWindow> m_window;
    QStringList m_warnings;
};

// A visible item's text property (Text, TextField, TextArea), for assertions.
QString textOf(const QQuickItem *item);

} // namespace confab::test
