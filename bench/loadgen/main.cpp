// The load generator: drives confabd (and, for comparison, ejabberd and mosquitto) with many
// TLS WebSocket connections and reports what the server sustained. See bench/README.md.
//
//   confab-loadgen --size tiny|small|full [--scenarios a,b] [--backends sqlite,postgres]
//                  [--nodes 1,2] [--xmpp-url … --xmpp-cert … --xmpp-pid …] [--mqtt-url … ]
//                  [--json FILE] [--markdown docs/benchmarks.md]
//
// confabd is the binary named by CONFAB_SERVER_BINARY; PostgreSQL cases need
// CONFAB_TEST_POSTGRES_URL. Exits with 1 when any confabd scenario had an error, lost
// anything or did not stop cleanly.
#include "FileLimit.h"
#include "LoadThreads.h"
#include "Report.h"
#include "Scenarios.h"
#include "Target.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSslSocket>
#include <QSysInfo>
#include <QTextStream>
#include <QThread>

using namespace Qt::StringLiterals;
using namespace confab::bench;

namespace {

QTextStream out(stdout);

QString readFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return {};
    }
    return QString::fromUtf8(file.readAll());
}

void overrideInt(const QCommandLineParser &parser, const QString &name, int &value)
{
    if (parser.isSet(name))
        value = parser.value(name).toInt();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    raiseFileLimit();

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Confab server load generator"_s);
    parser.addHelpOption();
    const QList<QCommandLineOption> options {
        { u"size"_s, u"Preset: tiny, small or full"_s, u"name"_s, u"small"_s },
        { u"scenarios"_s, u"Comma-separated scenarios (default: all)"_s, u"list"_s },
        { u"backends"_s,
          u"confabd databases: sqlite,postgres (default: sqlite, and postgres "
          "when CONFAB_TEST_POSTGRES_URL is set)"_s,
          u"list"_s },
        { u"nodes"_s,
          u"confabd nodes per PostgreSQL target, e.g. 1,2: more than one runs on one database "
          "behind HAProxy (default: 1)"_s,
          u"list"_s, u"1"_s },
        { u"threads"_s, u"Generator threads (default: one per core)"_s, u"n"_s },
        { u"server-config"_s, u"confabd configuration file for the measurements"_s, u"file"_s,
          QStringLiteral(CONFAB_BENCH_SERVER_CONFIG) },
        { u"history-bench"_s, u"The confab-history-bench binary (default: beside this one)"_s,
          u"file"_s },
        { u"json"_s, u"Write the results to this file"_s, u"file"_s },
        { u"json-name"_s, u"How the Markdown names the JSON file"_s, u"text"_s },
        { u"markdown"_s, u"Replace the \"Server load\" section of this Markdown file"_s,
          u"file"_s },
        { u"command"_s, u"The command line to quote in the Markdown"_s, u"text"_s },
        { u"from-json"_s, u"Measure nothing: write the Markdown of an earlier run's JSON"_s,
          u"file"_s },
        { u"xmpp-url"_s, u"ejabberd's XMPP WebSocket URL"_s, u"url"_s },
        { u"xmpp-cert"_s, u"ejabberd's certificate (PEM) to pin"_s, u"file"_s },
        { u"xmpp-pid"_s, u"ejabberd's process id, for CPU and memory"_s, u"pid"_s },
        { u"xmpp-version"_s, u"ejabberd's name and version for the tables"_s, u"text"_s },
        { u"xmpp-domain"_s, u"XMPP domain"_s, u"name"_s, u"localhost"_s },
        { u"xmpp-muc"_s, u"Multi-user chat service"_s, u"name"_s, u"conference.localhost"_s },
        { u"xmpp-password"_s, u"Password of every XMPP account"_s, u"text"_s },
        { u"xmpp-accounts"_s, u"XMPP accounts lg0…lgN-1 that exist"_s, u"n"_s, u"0"_s },
        { u"mqtt-url"_s, u"mosquitto's MQTT WebSocket URL"_s, u"url"_s },
        { u"mqtt-cert"_s, u"mosquitto's certificate (PEM) to pin"_s, u"file"_s },
        { u"mqtt-pid"_s, u"mosquitto's process id"_s, u"pid"_s },
        { u"mqtt-version"_s, u"mosquitto's name and version for the tables"_s, u"text"_s },
        { u"connections"_s, u"connections: idle connections"_s, u"n"_s },
        { u"hold"_s, u"connections: seconds to hold them"_s, u"s"_s },
        { u"rooms"_s, u"fanout: rooms"_s, u"n"_s },
        { u"members"_s, u"fanout: members per room"_s, u"n"_s },
        { u"rate"_s, u"fanout: messages offered per second"_s, u"n"_s },
        { u"duration"_s, u"fanout: seconds"_s, u"s"_s },
        { u"senders"_s, u"ingest: senders"_s, u"n"_s },
        { u"window"_s, u"ingest: unacknowledged messages per sender"_s, u"n"_s },
        { u"ingest-duration"_s, u"ingest: seconds"_s, u"s"_s },
        { u"history-messages"_s, u"history: messages in the room"_s, u"n"_s },
        { u"history-samples"_s, u"history: fetches per position"_s, u"n"_s },
        { u"storm-clients"_s, u"reconnect-storm: clients"_s, u"n"_s },
        { u"storm-room-size"_s, u"reconnect-storm: clients per room"_s, u"n"_s },
        { u"storm-missed"_s, u"reconnect-storm: messages missed per room"_s, u"n"_s },
    };
    parser.addOptions(options);
    parser.process(app);

    const QString intro
        = u"# Benchmarks\n\nMeasurements of Confab, made with the tools in `bench/`. Each "
          "section says how its figures were taken; absolute numbers depend on the machine "
          "and on what else ran on it.\n\n"_s;
    if (parser.isSet(u"from-json"_s)) {
        QString error;
        const QString text = readFile(parser.value(u"from-json"_s), &error);
        const QJsonObject run = QJsonDocument::fromJson(text.toUtf8()).object();
        if (!error.isEmpty() || run.isEmpty() || !parser.isSet(u"markdown"_s)) {
            out << (error.isEmpty() ? u"--from-json needs a results file and --markdown"_s : error)
                << Qt::endl;
            return 2;
        }
        if (!replaceSection(parser.value(u"markdown"_s), u"## Server load"_s, markdownSection(run),
                            intro, &error)) {
            out << "cannot update " << parser.value(u"markdown"_s) << ": " << error << Qt::endl;
            return 1;
        }
        return 0;
    }

    auto sizes = Sizes::preset(parser.value(u"size"_s));
    if (!sizes) {
        out << "unknown --size " << parser.value(u"size"_s) << Qt::endl;
        return 2;
    }
    overrideInt(parser, u"connections"_s, sizes->connections);
    overrideInt(parser, u"hold"_s, sizes->holdSeconds);
    overrideInt(parser, u"rooms"_s, sizes->fanoutRooms);
    overrideInt(parser, u"members"_s, sizes->fanoutMembers);
    overrideInt(parser, u"duration"_s, sizes->fanoutSeconds);
    overrideInt(parser, u"senders"_s, sizes->ingestSenders);
    overrideInt(parser, u"window"_s, sizes->ingestWindow);
    overrideInt(parser, u"ingest-duration"_s, sizes->ingestSeconds);
    overrideInt(parser, u"history-samples"_s, sizes->historySamples);
    overrideInt(parser, u"storm-clients"_s, sizes->stormClients);
    overrideInt(parser, u"storm-room-size"_s, sizes->stormRoomSize);
    overrideInt(parser, u"storm-missed"_s, sizes->stormMissed);
    if (parser.isSet(u"rate"_s))
        sizes->fanoutRate = parser.value(u"rate"_s).toDouble();
    if (parser.isSet(u"history-messages"_s))
        sizes->historyMessages = parser.value(u"history-messages"_s).toLongLong();

    QStringList scenarios = kScenarioNames;
    if (parser.isSet(u"scenarios"_s)) {
        scenarios = parser.value(u"scenarios"_s).split(u',', Qt::SkipEmptyParts);
        for (const auto &name : std::as_const(scenarios)) {
            if (!kScenarioNames.contains(name)) {
                out << "unknown scenario " << name << "; known: " << kScenarioNames.join(u", "_s)
                    << Qt::endl;
                return 2;
            }
        }
    }
    QStringList backends { u"sqlite"_s };
    if (!qEnvironmentVariableIsEmpty("CONFAB_TEST_POSTGRES_URL"))
        backends << u"postgres"_s;
    if (parser.isSet(u"backends"_s))
        backends = parser.value(u"backends"_s).split(u',', Qt::SkipEmptyParts);

    QString error;
    const QString serverConfig = readFile(parser.value(u"server-config"_s), &error);
    if (!error.isEmpty()) {
        out << error << Qt::endl;
        return 2;
    }
    if (qEnvironmentVariableIsEmpty("CONFAB_SERVER_BINARY")) {
        out << "CONFAB_SERVER_BINARY must name the confabd binary" << Qt::endl;
        return 2;
    }

    QList<int> nodeCounts;
    for (const auto &count : parser.value(u"nodes"_s).split(u',', Qt::SkipEmptyParts)) {
        bool ok = false;
        nodeCounts.append(count.toInt(&ok));
        if (!ok || nodeCounts.last() < 1) {
            out << "--nodes takes node counts such as 1,2, not " << count << Qt::endl;
            return 2;
        }
    }
    std::vector<std::unique_ptr<Target>> targets;
    for (const auto &backend : std::as_const(backends)) {
        for (const int nodes : std::as_const(nodeCounts)) {
            // SQLite is one node's own file: a cluster of SQLite nodes does not exist.
            if (nodes == 1 || backend == "postgres"_L1)
                targets.push_back(std::make_unique<ConfabTarget>(backend, serverConfig, nodes));
        }
    }
    QJsonArray peers;
    if (parser.isSet(u"xmpp-url"_s)) {
        PeerSettings settings;
        settings.url = QUrl(parser.value(u"xmpp-url"_s));
        settings.certificateFile = parser.value(u"xmpp-cert"_s);
        settings.pid = parser.value(u"xmpp-pid"_s).toLongLong();
        settings.version = parser.value(u"xmpp-version"_s);
        settings.domain = parser.value(u"xmpp-domain"_s);
        settings.mucDomain = parser.value(u"xmpp-muc"_s);
        settings.password = parser.value(u"xmpp-password"_s);
        settings.accounts = parser.value(u"xmpp-accounts"_s).toInt();
        peers.append(settings.version.isEmpty() ? u"ejabberd"_s : settings.version);
        targets.push_back(std::make_unique<XmppTarget>(settings));
    }
    if (parser.isSet(u"mqtt-url"_s)) {
        PeerSettings settings;
        settings.url = QUrl(parser.value(u"mqtt-url"_s));
        settings.certificateFile = parser.value(u"mqtt-cert"_s);
        settings.pid = parser.value(u"mqtt-pid"_s).toLongLong();
        settings.version = parser.value(u"mqtt-version"_s);
        peers.append(settings.version.isEmpty() ? u"mosquitto"_s : settings.version);
        targets.push_back(std::make_unique<MqttTarget>(settings));
    }

    const int threadCount = parser.isSet(u"threads"_s) ? parser.value(u"threads"_s).toInt()
                                                       : QThread::idealThreadCount();
    LoadThreads threads(std::max(1, threadCount));
    QString historyBench = parser.value(u"history-bench"_s);
    if (historyBench.isEmpty()) {
        const QString beside
            = QDir(QCoreApplication::applicationDirPath()).filePath(u"confab-history-bench"_s);
        if (QFileInfo(beside).isExecutable())
            historyBench = beside;
    }
    const ScenarioContext context { threads, *sizes, historyBench };

    QJsonArray results;
    bool confabOk = true;
    for (const auto &scenario : std::as_const(scenarios)) {
        // Each scenario runs on every target before the next starts: the figures compared
        // with each other are taken minutes apart, not a whole run apart.
        for (const auto &target : targets) {
            if (!target->supports(scenario))
                continue;
            out << "== " << scenario << " on " << target->title() << Qt::endl;
            const QJsonObject result = runScenario(scenario, *target, context);
            results.append(result);
            const bool ok = result.value("ok"_L1).toBool();
            if (!ok && target->key().startsWith("confabd"_L1))
                confabOk = false;
            out << QJsonDocument(result).toJson(QJsonDocument::Indented) << Qt::endl;
        }
    }

    const QString kernel = QSysInfo::kernelType() + u' ' + QSysInfo::kernelVersion();
    const QJsonObject run {
        { "date"_L1, QDateTime::currentDateTimeUtc().toString(Qt::ISODate) },
        { "command"_L1,
          parser.isSet(u"command"_s) ? parser.value(u"command"_s)
                                     : QCoreApplication::arguments().join(u' ') },
        { "json_file"_L1,
          parser.isSet(u"json-name"_s) ? parser.value(u"json-name"_s) : parser.value(u"json"_s) },
        { "machine"_L1,
          QJsonObject { { "cores"_L1, QThread::idealThreadCount() },
                        { "kernel"_L1, kernel },
                        { "os"_L1, QSysInfo::prettyProductName() },
                        { "qt"_L1, QString::fromLatin1(qVersion()) },
                        { "openssl"_L1, QSslSocket::sslLibraryVersionString() } } },
        { "sizes"_L1, sizes->toJson() },
        { "generator_threads"_L1, threads.count() },
        { "peers"_L1, peers },
        { "results"_L1, results },
        { "ok"_L1, confabOk },
    };
    if (parser.isSet(u"json"_s)) {
        QFile file(parser.value(u"json"_s));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(QJsonDocument(run).toJson(QJsonDocument::Indented)) < 0) {
            out << "cannot write " << file.fileName() << ": " << file.errorString() << Qt::endl;
            return 1;
        }
    }
    if (parser.isSet(u"markdown"_s)) {
        if (!replaceSection(parser.value(u"markdown"_s), u"## Server load"_s, markdownSection(run),
                            intro, &error)) {
            out << "cannot update " << parser.value(u"markdown"_s) << ": " << error << Qt::endl;
            return 1;
        }
    }
    out << (confabOk ? "all confabd scenarios completed with no errors and nothing lost"
                     : "some confabd scenarios had errors or lost messages: see above")
        << Qt::endl;
    return confabOk ? 0 : 1;
}
