// confab, the desktop client.
//
//   confab [--data-dir DIR] [--server ADDRESS --trust-fingerprint AB:CD:… [--demo]]
//
// Without options it opens the account signed in last time, or the sign-in page.

#include "app/ChatClient.h"
#include "app/DemoSetup.h"
#include "app/Translations.h"
#include "net/CertificatePins.h"
#include "net/ServerAddress.h"
#include "net/Session.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QStandardPaths>
#include <QtQml/QQmlExtensionPlugin>

Q_IMPORT_QML_PLUGIN(ConfabPlugin)
Q_IMPORT_QML_PLUGIN(Confab_UiPlugin)

using namespace Qt::StringLiterals;
using namespace confab::client;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"Confab"_s);
    QApplication::setApplicationName(u"Confab"_s);
    QApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION));
    QApplication::setDesktopFileName(u"confab"_s);
    // The tray icon stays when the window closes only if the user quits from the tray.
    QApplication::setQuitOnLastWindowClosed(true);

    installTranslations(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Confab, self-hosted chat."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dataDirOption(
        u"data-dir"_s,
        QApplication::translate("main",
                                "Where settings, pinned certificates and the cache are kept."),
        u"dir"_s);
    const QCommandLineOption serverOption(
        u"server"_s, QApplication::translate("main", "The server to sign in to (host:port)."),
        u"address"_s);
    const QCommandLineOption fingerprintOption(
        u"trust-fingerprint"_s,
        QApplication::translate("main",
                                "Accept the server's certificate if its SHA-256 fingerprint is "
                                "this one (as confabd prints it)."),
        u"fingerprint"_s);
    const QCommandLineOption demoOption(
        u"demo"_s,
        QApplication::translate("main",
                                "Prepare demo accounts and rooms on the server and sign "
                                "in as \"demo\"."));
    parser.addOptions({ dataDirOption, serverOption, fingerprintOption, demoOption });
    parser.process(app);

    QString dataDir = parser.value(dataDirOption);
    if (dataDir.isEmpty())
        dataDir = qEnvironmentVariable("CONFAB_DATA_DIR");
    if (dataDir.isEmpty())
        dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    const auto tokenBackend = qEnvironmentVariable("CONFAB_TOKEN_STORE") == "file"_L1
        ? TokenStore::Backend::File
        : TokenStore::Backend::Keychain;

    const QUrl server = serverAddress::fromUserInput(parser.value(serverOption));
    const QString fingerprint = parser.value(fingerprintOption);
    if (parser.isSet(serverOption) && !server.isValid())
        qFatal("confab: %s is not a server address", qUtf8Printable(parser.value(serverOption)));
    if (!fingerprint.isEmpty() && !CertificatePins::isFingerprint(fingerprint))
        qFatal("confab: --trust-fingerprint wants 32 hex pairs separated by colons");
    if (parser.isSet(demoOption) && !server.isValid())
        qFatal("confab: --demo needs --server");

    ChatClient client(QDir(dataDir).absolutePath(), tokenBackend);
    if (server.isValid() && !fingerprint.isEmpty())
        client.session()->trustFingerprint(server.host(), quint16(server.port()), fingerprint);

    QQuickStyle::setStyle(u"Material"_s);
    QQmlApplicationEngine engine;
    engine.addImportPath(u"qrc:/"_s);
    engine.setInitialProperties({ { u"client"_s, QVariant::fromValue(&client) } });
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
        [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(QUrl(u"qrc:/Confab/Ui/Main.qml"_s));
    if (engine.rootObjects().isEmpty())
        return 1;

    if (parser.isSet(demoOption)) {
        auto *demo = new DemoSetup(server, client.pins(), fingerprint, &client);
        QObject::connect(demo, &DemoSetup::finished, &client,
                         [&client, demo, server](bool ok, const QString &error) {
                             demo->deleteLater();
                             if (!ok) {
                                 qWarning("confab: the demo could not be prepared: %s",
                                          qUtf8Printable(error));
                                 client.start();
                                 return;
                             }
                             if (client.settings()->account().userName == DemoSetup::kUserName)
                                 client.start();
                             else
                                 client.signIn(serverAddress::display(server), DemoSetup::kUserName,
                                               DemoSetup::kPassword);
                         });
        demo->run();
    } else {
        client.start();
    }
    return QApplication::exec();
}
