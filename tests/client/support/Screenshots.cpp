#include "Screenshots.h"

#include <QDir>
#include <QImage>
#include <QQuickWindow>
#include <QSignalSpy>

namespace confab::test {

using namespace Qt::StringLiterals;

QString screenshotDir()
{
    QString dir = qEnvironmentVariable("CONFAB_SCREENSHOT_DIR");
    if (dir.isEmpty())
        dir = QStringLiteral(CONFAB_DEFAULT_SCREENSHOT_DIR);
    QDir().mkpath(dir);
    return dir;
}

QString saveScreenshot(QQuickWindow *window, const QString &name, QString *error)
{
    // One frame with everything that is pending (polish, layout) done, then the grab.
    QSignalSpy swapped(window, &QQuickWindow::frameSwapped);
    window->update();
    if (!swapped.wait(5000)) {
        *error = u"The window rendered no frame for the screenshot %1."_s.arg(name);
        return {};
    }
    const QImage image = window->grabWindow();
    if (image.isNull()) {
        *error = u"Grabbing the window for %1 gave no image."_s.arg(name);
        return {};
    }
    const QString path = QDir(screenshotDir()).filePath(name + u".png"_s);
    if (!image.save(path)) {
        *error = u"Cannot write %1."_s.arg(path);
        return {};
    }
    return path;
}

} // namespace confab::test
