#include "Server.h"
#include "SignalWatcher.h"
#include "config/ServerConfigLoader.h"

#include <QCoreApplication>
#include <QDir>
#include <QProcessEnvironment>
#include <QTextStream>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    qSetMessagePattern(u"%{time yyyy-MM-ddThh:mm:ss.zzz} %{type} %{category}: %{message}"_s);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"confabd"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION));

    const auto parsed = confab::server::parseServerConfig(
        app.arguments(), QProcessEnvironment::systemEnvironment(), QDir::currentPath());
    if (!parsed.config) {
        QTextStream(parsed.exitCode == 0 ? stdout : stderr) << parsed.message << Qt::endl;
        return parsed.exitCode;
    }

    confab::server::SignalWatcher signalWatcher;
    confab::server::Server server(*parsed.config);
    QObject::connect(&signalWatcher, &confab::server::SignalWatcher::terminationRequested, &server,
                     &confab::server::Server::stop);
    QObject::connect(&server, &confab::server::Server::stopped, &app, &QCoreApplication::quit);

    QString error;
    if (!server.start(&error)) {
        QTextStream(stderr) << "confabd: " << error << Qt::endl;
        return 1;
    }
    return app.exec();
}
