#pragma once

class QCoreApplication;

namespace confab::client {

// Installs the translations for the user's language (Qt's own, and Confab's, built in from
// client/translations); English, the source language, for any language without one, so that
// plural forms read right.
void installTranslations(QCoreApplication &application);

} // namespace confab::client
