// The QML components of Confab.Ui on their own, with Qt Quick Test: qml/tst_*.qml.

#include "app/Translations.h"

#include <QQmlEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(ConfabPlugin)
Q_IMPORT_QML_PLUGIN(Confab_UiPlugin)

using namespace Qt::StringLiterals;

class Setup : public QObject
{
    Q_OBJECT

public slots:
    void applicationAvailable()
    {
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
        QQuickStyle::setStyle(u"Material"_s);
        confab::client::installTranslations(*QCoreApplication::instance());
    }
    void qmlEngineAvailable(QQmlEngine *engine) { engine->addImportPath(u"qrc:/"_s); }
};

QUICK_TEST_MAIN_WITH_SETUP(confab_qml, Setup)

#include "tst_qml.moc"
