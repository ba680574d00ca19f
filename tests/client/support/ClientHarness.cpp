#include "ClientHarness.h"

#include "Screenshots.h"
#include "Wait.h"
#include "app/Translations.h"

#include <QQmlContext>
#include <QQuickStyle>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(ConfabPlugin)
Q_IMPORT_QML_PLUGIN(Confab_UiPlugin)

namespace confab::test {

using namespace Qt::StringLiterals;

namespace {

QObject *findObject(QObject *root, const QString &name)
{
    QList<QObject *> queue { root };
    QSet<QObject *> seen;
    while (!queue.isEmpty()) {
        QObject *object = queue.takeFirst();
        if (!object || seen.contains(object))
            continue;
        seen.insert(object);
        if (object->objectName() == name)
            return object;
        if (auto *item = qobject_cast<QQuickItem *>(object)) {
            const auto children = item->childItems();
            for (auto *child : children)
                queue.append(child);
        }
        if (auto *window = qobject_cast<QQuickWindow *>(object))
            queue.append(window->contentItem());
        const auto children = object->children();
        for (auto *child : children)
            queue.append(child);
    }
    return nullptr;
}

QQuickItem *findItem(QObject *root, const QString &name, bool visibleOnly)
{
    if (!root)
        return nullptr;
    // Breadth first over both trees: QObject children (popups, loaders) and visual children
    // (delegates, a popup's content in the overlay).
    QList<QObject *> queue { root };
    QSet<QObject *> seen;
    while (!queue.isEmpty()) {
        QObject *object = queue.takeFirst();
        if (!object || seen.contains(object))
            continue;
        seen.insert(object);
        if (auto *item = qobject_cast<QQuickItem *>(object)) {
            if (object->objectName() == name && (!visibleOnly || item->isVisible()))
                return item;
            const auto children = item->childItems();
            for (auto *child : children)
                queue.append(child);
        }
        if (auto *window = qobject_cast<QQuickWindow *>(object))
            queue.append(window->contentItem());
        const auto children = object->children();
        for (auto *child : children)
            queue.append(child);
    }
    return nullptr;
}

} // namespace

QString textOf(const QQuickItem *item)
{
    return item ? item->property("text").toString() : QString();
}

ClientHarness::ClientHarness(QString dataDir, QObject *parent)
    : QObject(parent)
    , m_dataDir(std::move(dataDir))
{
    QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    QQuickStyle::setStyle(u"Material"_s);
    static bool translated = false;
    if (!std::exchange(translated, true))
        client::installTranslations(*QCoreApplication::instance());
}

ClientHarness::~ClientHarness()
{
    stop();
}

bool ClientHarness::start(QString *error)
{
    stop();
    m_client = std::make_unique<client::ChatClient>(m_dataDir, client::TokenStore::Backend::File);
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_engine->addImportPath(u"qrc:/"_s);
    m_engine->setInitialProperties({ { u"client"_s, QVariant::fromValue(m_client.get()) } });
    m_warnings.clear();
    connect(m_engine.get(), &QQmlEngine::warnings, this, [this](const QList<QQmlError> &list) {
        for (const auto &warning : list)
            m_warnings.append(warning.toString());
    });
    m_engine->load(QUrl(u"qrc:/Confab/Ui/Main.qml"_s));
    if (m_engine->rootObjects().isEmpty()) {
        *error = u"Main.qml did not load: %1"_s.arg(m_warnings.join(u'\n'));
        return false;
    }
    m_window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().first());
    if (!m_window) {
        *error = u"The root of Main.qml is not a window."_s;
        return false;
    }
    m_window->show();
    m_window->requestActivate();
    if (!QTest::qWaitForWindowExposed(m_window.data())) {
        *error = u"The window was not exposed."_s;
        return false;
    }
    m_client->start();
    return true;
}

void ClientHarness::stop()
{
    if (m_window)
        m_window->close();
    m_engine.reset();
    m_client.reset();
}

QQuickItem *ClientHarness::item(const QString &objectName) const
{
    return findItem(m_window, objectName, false);
}

QQuickItem *ClientHarness::visibleItem(const QString &objectName) const
{
    return findItem(m_window, objectName, true);
}

QQuickItem *ClientHarness::waitForVisibleItem(const QString &objectName,
                                              std::chrono::milliseconds timeout) const
{
    QQuickItem *found = nullptr;
    waitUntil([&] { return (found = visibleItem(objectName)) != nullptr; }, timeout);
    return found;
}

QObject *ClientHarness::object(const QString &objectName) const
{
    return findObject(m_window, objectName);
}

bool ClientHarness::waitForPopup(const QString &objectName, bool opened,
                                 std::chrono::milliseconds timeout) const
{
    return waitUntil(
        [&] {
            QObject *popup = object(objectName);
            return popup && popup->property("opened").toBool() == opened
                && popup->property("visible").toBool() == opened;
        },
        timeout);
}

bool ClientHarness::click(QQuickItem *item)
{
    if (!item || !item->isVisible() || !item->isEnabled())
        return false;
    const QPointF center = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    QTest::mouseClick(m_window.data(), Qt::LeftButton, Qt::NoModifier, center.toPoint());
    return true;
}

bool ClientHarness::typeInto(QQuickItem *item, const QString &text)
{
    if (!item)
        return false;
    item->forceActiveFocus();
    if (!waitUntil([item] { return item->hasActiveFocus(); }, std::chrono::seconds(5)))
        return false;
    for (const QChar c : text) {
        if (c.unicode() < 0x80)
            QTest::keyClick(m_window.data(), char(c.unicode()));
        else
            QTest::sendKeyEvent(QTest::Click, m_window.data(), Qt::Key_unknown, QString(c),
                                Qt::NoModifier);
    }
    return true;
}

void ClientHarness::pressKey(Qt::Key key, Qt::KeyboardModifiers modifiers)
{
    QTest::keyClick(m_window.data(), key, modifiers);
}

QString ClientHarness::screenshot(const QString &name, QString *error)
{
    return saveScreenshot(m_window, name, error);
}

} // namespace confab::test
