#include "Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace confab::client {

using namespace Qt::StringLiterals;

void installTranslations(QCoreApplication &application)
{
    auto *qt = new QTranslator(&application);
    if (qt->load(QLocale(), u"qt"_s, u"_"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    auto *confab = new QTranslator(&application);
    if (confab->load(QLocale(), u"confab"_s, u"_"_s, u":/i18n"_s)
        || confab->load(u"confab_en"_s, u":/i18n"_s))
        QCoreApplication::installTranslator(confab);
}

} // namespace confab::client
