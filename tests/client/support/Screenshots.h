#pragma once

#include <QString>

class QQuickWindow;

namespace confab::test {

// Where screenshots go: CONFAB_SCREENSHOT_DIR, or build/screenshots.
QString screenshotDir();

// Renders the window now and saves it as <dir>/<name>.png; returns the path, or an empty
// string with *error set.
QString saveScreenshot(QQuickWindow *window, const QString &name, QString *error);

} // namespace confab::test
