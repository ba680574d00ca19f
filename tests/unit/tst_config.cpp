#include "config/ServerConfigLoader.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace confab::server;
using namespace Qt::StringLiterals;

namespace {

// The working directory is only used to resolve paths, so it need not exist.
const QString kWork = u"/srv/confab"_s;

using Variables = QList<std::pair<QString, QString>>;

QProcessEnvironment environment(const Variables &variables = {})
{
    QProcessEnvironment result;
    for (const auto &[name, value] : variables)
        result.insert(name, value);
    return result;
}

ConfigParseResult parse(const QStringList &options, const Variables &variables = {},
                        const QString &workingDirectory = kWork)
{
    return parseServerConfig(QStringList { u"confabd"_s } + options, environment(variables),
                             workingDirectory);
}

} // namespace

class TestConfig : public QObject
{
    Q_OBJECT

private slots:
    void init();

    void defaults();
    void helpDescribesTheOptions();
    void versionIsPrinted();
    void commandLineSetsItsSettings();
    void configFileSetsEverySetting();
    void environmentSetsEverySetting();
    void emptyEnvironmentVariableCountsAsUnset();
    void laterSourcesOverrideEarlierOnes();
    void configFileIsFoundThroughTheEnvironment();
    void relativePathsAreResolved();
    void flagSpellings_data();
    void flagSpellings();
    void listenForms_data();
    void listenForms();
    void badListenIsExplained_data();
    void badListenIsExplained();
    void badValuesAreExplained_data();
    void badValuesAreExplained();
    void badCommandLineIsExplained_data();
    void badCommandLineIsExplained();
    void badConfigFilesAreExplained_data();
    void badConfigFilesAreExplained();
    void unreadableConfigFileIsExplained();
    void frameMustHoldTheLargestMessage();
    void databasePasswordIsNeverShown();
    void everyProblemIsReported();
    void listenEndpointRoundTrips();
    void exampleConfigMatchesTheDefaults();
    void clusterSettings();
    void nodeIdNeedsPostgres();

private:
    QString writeConfig(const QString &text, const QString &name = u"confabd.conf"_s);
    void verifyFailure(const ConfigParseResult &result, const QString &expectedLine);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestConfig::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestConfig::writeConfig(const QString &text, const QString &name)
{
    const QString path = m_dir->filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    file.write(text.toUtf8());
    return path;
}

// What confabd prints for a refused configuration, and that it does not start.
void TestConfig::verifyFailure(const ConfigParseResult &result, const QString &expectedLine)
{
    QVERIFY(!result.config);
    QCOMPARE(result.exitCode, 2);
    const QStringList lines = result.message.split(u'\n');
    QVERIFY2(lines.contains(expectedLine),
             qPrintable(u"expected the line\n  %1\nin\n  %2"_s.arg(expectedLine, result.message)));
}

void TestConfig::defaults()
{
    const ConfigParseResult result = parse({});
    QVERIFY2(result.config, qPrintable(result.message));
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.message, QString());

    const ServerConfig &config = *result.config;
    QCOMPARE(config.listenAddress, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(config.listenPort, 8443);
    QCOMPARE(config.dataDir, u"/srv/confab/data"_s);
    QCOMPARE(config.databaseUrl, u"sqlite:///srv/confab/data/confab.db"_s);
    QCOMPARE(config.tlsCertFile, u"/srv/confab/data/tls/cert.pem"_s);
    QCOMPARE(config.tlsKeyFile, u"/srv/confab/data/tls/key.pem"_s);
    QCOMPARE(config.insecurePlainWs, false);
    QCOMPARE(config.socketThreads, 0);
    QCOMPARE(config.maxTextBytes, 16384);
    QCOMPARE(config.maxFrameBytes, 65536);
    QCOMPARE(config.requestsPerSecond, 20.0);
    QCOMPARE(config.requestBurst, 50);
    QCOMPARE(config.connectionsPerAddress, 64);
    QCOMPARE(config.handshakeTimeoutMs, 10000);
    QCOMPARE(config.pingIntervalMs, 30000);
    QCOMPARE(config.listenBacklog, 4096);
    QCOMPARE(config.scryptLog2N, 17);
    QCOMPARE(config.kdfWorkers, 2);
    QCOMPARE(config.kdfQueueLimit, 64);
    QCOMPARE(config.tokenTtlDays, 30);
    QCOMPARE(config.loginFailuresBeforeThrottle, 5);
}

void TestConfig::helpDescribesTheOptions()
{
    for (const QString &option : { u"--help"_s, u"-h"_s }) {
        const ConfigParseResult result = parse({ option, u"--listen"_s, u"nonsense"_s });
        QVERIFY(!result.config);
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.message.startsWith("Usage: confabd [options]\n"_L1),
                 qPrintable(result.message));
        for (const auto flag :
             { "--listen <HOST:PORT>"_L1, "--data-dir <DIR>"_L1, "--database <URL>"_L1,
               "--tls-cert <FILE>"_L1, "--tls-key <FILE>"_L1, "--config <FILE>"_L1,
               "--insecure-plain-ws"_L1, "--socket-threads <N>"_L1, "--version"_L1,
               "CONFAB_"_L1 }) {
            QVERIFY2(result.message.contains(flag), qPrintable(flag));
        }
        QVERIFY(!result.message.endsWith(u'\n'));
    }
}

void TestConfig::versionIsPrinted()
{
    const ConfigParseResult result = parse({ u"--version"_s });
    QVERIFY(!result.config);
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.message, u"confabd "_s + QLatin1StringView(CONFAB_VERSION));
    QVERIFY(QRegularExpression(u"^confabd \\d+\\.\\d+\\.\\d+$"_s).match(result.message).hasMatch());
}

void TestConfig::commandLineSetsItsSettings()
{
    const ConfigParseResult result = parse(
        { u"--listen"_s, u"[::1]:9000"_s, u"--data-dir"_s, u"/var/lib/confab"_s,
          u"--database=postgresql://confab:secret@db.example:5432/confab"_s, u"--tls-cert"_s,
          u"/etc/confab/cert.pem"_s, u"--tls-key"_s, u"/etc/confab/key.pem"_s,
          u"--insecure-plain-ws"_s, u"--socket-threads"_s, u"3"_s });
    QVERIFY2(result.config, qPrintable(result.message));

    const ServerConfig &config = *result.config;
    QCOMPARE(config.listenAddress, QHostAddress(QHostAddress::LocalHostIPv6));
    QCOMPARE(config.listenPort, 9000);
    QCOMPARE(config.dataDir, u"/var/lib/confab"_s);
    QCOMPARE(config.databaseUrl, u"postgresql://confab:secret@db.example:5432/confab"_s);
    QCOMPARE(config.tlsCertFile, u"/etc/confab/cert.pem"_s);
    QCOMPARE(config.tlsKeyFile, u"/etc/confab/key.pem"_s);
    QCOMPARE(config.insecurePlainWs, true);
    QCOMPARE(config.socketThreads, 3);
}

void TestConfig::configFileSetsEverySetting()
{
    const QString path = writeConfig(uR"(; a comment
# another comment
[server]
listen = 0.0.0.0:443
data_dir = /var/lib/confab
database = "postgresql://confab:p;a,ss@db:5432/confab"
tls_cert = /etc/confab/cert.pem
tls_key = /etc/confab/key.pem
insecure_plain_ws = true
socket_threads = 2
event_loop = qt

[limits]
max_text_bytes = 1000
max_frame_bytes = 6000
requests_per_second = 2.5
request_burst = 7
connections_per_address = 3
handshake_timeout_ms = 2000
ping_interval_ms = 1500
listen_backlog = 128

[security]
scrypt_log2_n = 14
kdf_workers = 4
kdf_queue_limit = 9
token_ttl_days = 7
login_failures_before_throttle = 3
)"_s);
    const ConfigParseResult result = parse({ u"--config"_s, path });
    QVERIFY2(result.config, qPrintable(result.message));

    const ServerConfig &config = *result.config;
    QCOMPARE(config.listenAddress, QHostAddress(QHostAddress::AnyIPv4));
    QCOMPARE(config.listenPort, 443);
    QCOMPARE(config.dataDir, u"/var/lib/confab"_s);
    QCOMPARE(config.databaseUrl, u"postgresql://confab:p;a,ss@db:5432/confab"_s);
    QCOMPARE(config.tlsCertFile, u"/etc/confab/cert.pem"_s);
    QCOMPARE(config.tlsKeyFile, u"/etc/confab/key.pem"_s);
    QCOMPARE(config.insecurePlainWs, true);
    QCOMPARE(config.socketThreads, 2);
    QCOMPARE(config.eventLoop, ServerConfig::EventLoop::Qt);
    QCOMPARE(config.maxTextBytes, 1000);
    QCOMPARE(config.maxFrameBytes, 6000);
    QCOMPARE(config.requestsPerSecond, 2.5);
    QCOMPARE(config.requestBurst, 7);
    QCOMPARE(config.connectionsPerAddress, 3);
    QCOMPARE(config.handshakeTimeoutMs, 2000);
    QCOMPARE(config.pingIntervalMs, 1500);
    QCOMPARE(config.listenBacklog, 128);
    QCOMPARE(config.scryptLog2N, 14);
    QCOMPARE(config.kdfWorkers, 4);
    QCOMPARE(config.kdfQueueLimit, 9);
    QCOMPARE(config.tokenTtlDays, 7);
    QCOMPARE(config.loginFailuresBeforeThrottle, 3);
}

void TestConfig::environmentSetsEverySetting()
{
    const ConfigParseResult result
        = parse({},
                {
                    { u"CONFAB_LISTEN"_s, u"localhost:1234"_s },
                    { u"CONFAB_DATA_DIR"_s, u"/var/lib/confab"_s },
                    { u"CONFAB_DATABASE"_s, u"sqlite:///var/db/chat.db"_s },
                    { u"CONFAB_TLS_CERT"_s, u"/etc/c.pem"_s },
                    { u"CONFAB_TLS_KEY"_s, u"/etc/k.pem"_s },
                    { u"CONFAB_INSECURE_PLAIN_WS"_s, u"1"_s },
                    { u"CONFAB_SOCKET_THREADS"_s, u"4"_s },
                    { u"CONFAB_MAX_TEXT_BYTES"_s, u"2000"_s },
                    { u"CONFAB_MAX_FRAME_BYTES"_s, u"7000"_s },
                    { u"CONFAB_REQUESTS_PER_SECOND"_s, u"0.5"_s },
                    { u"CONFAB_REQUEST_BURST"_s, u"3"_s },
                    { u"CONFAB_CONNECTIONS_PER_ADDRESS"_s, u"5"_s },
                    { u"CONFAB_HANDSHAKE_TIMEOUT_MS"_s, u"500"_s },
                    { u"CONFAB_PING_INTERVAL_MS"_s, u"250"_s },
                    { u"CONFAB_LISTEN_BACKLOG"_s, u"16"_s },
                    { u"CONFAB_SCRYPT_LOG2_N"_s, u"15"_s },
                    { u"CONFAB_KDF_WORKERS"_s, u"1"_s },
                    { u"CONFAB_KDF_QUEUE_LIMIT"_s, u"2"_s },
                    { u"CONFAB_TOKEN_TTL_DAYS"_s, u"90"_s },
                    { u"CONFAB_LOGIN_FAILURES_BEFORE_THROTTLE"_s, u"10"_s },
                });
    QVERIFY2(result.config, qPrintable(result.message));

    const ServerConfig &config = *result.config;
    QCOMPARE(config.listenAddress, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(config.listenPort, 1234);
    QCOMPARE(config.dataDir, u"/var/lib/confab"_s);
    QCOMPARE(config.databaseUrl, u"sqlite:///var/db/chat.db"_s);
    QCOMPARE(config.tlsCertFile, u"/etc/c.pem"_s);
    QCOMPARE(config.tlsKeyFile, u"/etc/k.pem"_s);
    QCOMPARE(config.insecurePlainWs, true);
    QCOMPARE(config.socketThreads, 4);
    QCOMPARE(config.maxTextBytes, 2000);
    QCOMPARE(config.maxFrameBytes, 7000);
    QCOMPARE(config.requestsPerSecond, 0.5);
    QCOMPARE(config.requestBurst, 3);
    QCOMPARE(config.connectionsPerAddress, 5);
    QCOMPARE(config.handshakeTimeoutMs, 500);
    QCOMPARE(config.pingIntervalMs, 250);
    QCOMPARE(config.listenBacklog, 16);
    QCOMPARE(config.scryptLog2N, 15);
    QCOMPARE(config.kdfWorkers, 1);
    QCOMPARE(config.kdfQueueLimit, 2);
    QCOMPARE(config.tokenTtlDays, 90);
    QCOMPARE(config.loginFailuresBeforeThrottle, 10);
}

void TestConfig::emptyEnvironmentVariableCountsAsUnset()
{
    const ConfigParseResult result = parse(
        {}, { { u"CONFAB_LISTEN"_s, QString() }, { u"CONFAB_SCRYPT_LOG2_N"_s, QString() } });
    QVERIFY2(result.config, qPrintable(result.message));
    QCOMPARE(result.config->listenPort, 8443);
    QCOMPARE(result.config->scryptLog2N, 17);
}

void TestConfig::laterSourcesOverrideEarlierOnes()
{
    const QString path = writeConfig(uR"([server]
listen = 10.0.0.1:1000
data_dir = /from/file
[limits]
requests_per_second = 5
max_text_bytes = 100
[security]
kdf_workers = 3
)"_s);
    const ConfigParseResult result
        = parse({ u"--config"_s, path, u"--listen"_s, u"10.0.0.3:3000"_s },
                { { u"CONFAB_LISTEN"_s, u"10.0.0.2:2000"_s },
                  { u"CONFAB_DATA_DIR"_s, u"/from/environment"_s },
                  { u"CONFAB_REQUESTS_PER_SECOND"_s, u"7"_s } });
    QVERIFY2(result.config, qPrintable(result.message));

    const ServerConfig &config = *result.config;
    // command line > environment > file > default
    QCOMPARE(config.listenAddress, QHostAddress(u"10.0.0.3"_s));
    QCOMPARE(config.listenPort, 3000);
    QCOMPARE(config.dataDir, u"/from/environment"_s);
    QCOMPARE(config.requestsPerSecond, 7.0);
    QCOMPARE(config.maxTextBytes, 100);
    QCOMPARE(config.kdfWorkers, 3);
    QCOMPARE(config.kdfQueueLimit, 64);
    // Paths that default from the data directory follow the winning data directory.
    QCOMPARE(config.databaseUrl, u"sqlite:///from/environment/confab.db"_s);
    QCOMPARE(config.tlsCertFile, u"/from/environment/tls/cert.pem"_s);
}

void TestConfig::configFileIsFoundThroughTheEnvironment()
{
    writeConfig(u"[security]\nkdf_workers = 5\n"_s, u"from-environment.conf"_s);
    const QString named = writeConfig(u"[security]\nkdf_workers = 6\n"_s, u"named.conf"_s);

    // A relative CONFAB_CONFIG is found in the working directory.
    const ConfigParseResult viaEnvironment
        = parse({}, { { u"CONFAB_CONFIG"_s, u"from-environment.conf"_s } }, m_dir->path());
    QVERIFY2(viaEnvironment.config, qPrintable(viaEnvironment.message));
    QCOMPARE(viaEnvironment.config->kdfWorkers, 5);

    // --config names another file, which replaces the one from the environment.
    const ConfigParseResult viaOption
        = parse({ u"--config"_s, named }, { { u"CONFAB_CONFIG"_s, u"from-environment.conf"_s } },
                m_dir->path());
    QVERIFY2(viaOption.config, qPrintable(viaOption.message));
    QCOMPARE(viaOption.config->kdfWorkers, 6);
}

void TestConfig::relativePathsAreResolved()
{
    const QString path = writeConfig(uR"([server]
data_dir = state/../var//confab/
tls_cert = certs/./server.pem
tls_key = /etc//confab/../keys/server.key
database = sqlite:db/chat.db
)"_s);
    const ConfigParseResult result = parse({ u"--config"_s, path });
    QVERIFY2(result.config, qPrintable(result.message));

    const ServerConfig &config = *result.config;
    // The data directory is relative to the working directory, not to the config file.
    QCOMPARE(config.dataDir, u"/srv/confab/var/confab"_s);
    // TLS files and an SQLite database are relative to the data directory.
    QCOMPARE(config.tlsCertFile, u"/srv/confab/var/confab/certs/server.pem"_s);
    QCOMPARE(config.tlsKeyFile, u"/etc/keys/server.key"_s);
    QCOMPARE(config.databaseUrl, u"sqlite:///srv/confab/var/confab/db/chat.db"_s);

    const ConfigParseResult absolute
        = parse({ u"--database"_s, u"sqlite:////var//lib/../db/chat.db"_s });
    QVERIFY2(absolute.config, qPrintable(absolute.message));
    QCOMPARE(absolute.config->databaseUrl, u"sqlite:///var/db/chat.db"_s);

    const ConfigParseResult relativeWork
        = parse({ u"--data-dir"_s, u"here"_s }, {}, u"/srv/confab/./bin/.."_s);
    QVERIFY2(relativeWork.config, qPrintable(relativeWork.message));
    QCOMPARE(relativeWork.config->dataDir, u"/srv/confab/here"_s);
}

void TestConfig::flagSpellings_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("expected");
    for (const char *word : { "true", "TRUE", "yes", "on", "1", " true " })
        QTest::newRow(word) << QString::fromLatin1(word) << true;
    for (const char *word : { "false", "False", "no", "off", "0" })
        QTest::newRow(word) << QString::fromLatin1(word) << false;
}

void TestConfig::flagSpellings()
{
    QFETCH(QString, value);
    QFETCH(bool, expected);
    const ConfigParseResult result = parse({}, { { u"CONFAB_INSECURE_PLAIN_WS"_s, value } });
    QVERIFY2(result.config, qPrintable(result.message));
    QCOMPARE(result.config->insecurePlainWs, expected);
}

void TestConfig::listenForms_data()
{
    QTest::addColumn<QString>("listen");
    QTest::addColumn<QHostAddress>("address");
    QTest::addColumn<int>("port");
    QTest::newRow("IPv4") << u"192.0.2.1:8443"_s << QHostAddress(u"192.0.2.1"_s) << 8443;
    QTest::newRow("IPv4 any") << u"0.0.0.0:80"_s << QHostAddress(QHostAddress::AnyIPv4) << 80;
    QTest::newRow("IPv6") << u"[2001:db8::5]:443"_s << QHostAddress(u"2001:db8::5"_s) << 443;
    QTest::newRow("IPv6 any") << u"[::]:443"_s << QHostAddress(QHostAddress::AnyIPv6) << 443;
    QTest::newRow("localhost") << u"localhost:1"_s << QHostAddress(QHostAddress::LocalHost) << 1;
    QTest::newRow("every interface") << u"*:8443"_s << QHostAddress(QHostAddress::Any) << 8443;
    QTest::newRow("free port") << u"127.0.0.1:0"_s << QHostAddress(QHostAddress::LocalHost) << 0;
    QTest::newRow("highest port") << u"127.0.0.1:65535"_s << QHostAddress(QHostAddress::LocalHost)
                                  << 65535;
}

void TestConfig::listenForms()
{
    QFETCH(QString, listen);
    QFETCH(QHostAddress, address);
    QFETCH(int, port);
    const ConfigParseResult result = parse({ u"--listen"_s, listen });
    QVERIFY2(result.config, qPrintable(result.message));
    QCOMPARE(result.config->listenAddress, address);
    QCOMPARE(result.config->listenPort, port);
}

void TestConfig::badListenIsExplained_data()
{
    const QString example = u"(for example 127.0.0.1:8443, [::1]:8443, localhost:8443 or *:8443)"_s;
    const QString notAHost
        = u"is not an IPv4 address, an [IPv6] address, localhost or * (host names are not "
          u"looked up)"_s;
    QTest::addColumn<QString>("listen");
    QTest::addColumn<QString>("message");
    QTest::newRow("port only") << u"8443"_s << u"\"8443\" is not HOST:PORT "_s + example;
    QTest::newRow("no port") << u"127.0.0.1:"_s << u"\"127.0.0.1:\" is not HOST:PORT "_s + example;
    QTest::newRow("port not a number")
        << u"127.0.0.1:https"_s << u"\"127.0.0.1:https\" is not HOST:PORT "_s + example;
    QTest::newRow("negative port")
        << u"127.0.0.1:-1"_s << u"\"127.0.0.1:-1\" is not HOST:PORT "_s + example;
    QTest::newRow("port too large")
        << u"127.0.0.1:65536"_s << u"port 65536 is not from 0 to 65535"_s;
    QTest::newRow("port far too large") << u"127.0.0.1:99999999999999999999"_s
                                        << u"port 99999999999999999999 is not from 0 to 65535"_s;
    QTest::newRow("host name") << u"chat.example:443"_s << u"\"chat.example\" "_s + notAHost;
    QTest::newRow("no host") << u":443"_s << u"\"\" "_s + notAHost;
    QTest::newRow("short IPv4") << u"127.1:443"_s << u"\"127.1\" "_s + notAHost;
    QTest::newRow("octal IPv4") << u"010.0.0.1:443"_s << u"\"010.0.0.1\" "_s + notAHost;
    QTest::newRow("IPv4 out of range") << u"256.0.0.1:443"_s << u"\"256.0.0.1\" "_s + notAHost;
    QTest::newRow("bare IPv6")
        << u"::1:443"_s << u"\"::1:443\": an IPv6 address goes in brackets, as in [::1]:8443"_s;
    QTest::newRow("IPv4 in brackets")
        << u"[127.0.0.1]:443"_s << u"\"[127.0.0.1]\" is not an IPv6 address"_s;
    QTest::newRow("bad IPv6") << u"[::g]:443"_s << u"\"[::g]\" is not an IPv6 address"_s;
}

void TestConfig::badListenIsExplained()
{
    QFETCH(QString, listen);
    QFETCH(QString, message);
    verifyFailure(parse({ u"--listen"_s, listen }), u"confabd: --listen: "_s + message);
    verifyFailure(parse({}, { { u"CONFAB_LISTEN"_s, listen } }),
                  u"confabd: CONFAB_LISTEN: "_s + message);
}

void TestConfig::badValuesAreExplained_data()
{
    QTest::addColumn<QString>("section");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("message");
    const auto row
        = [](const char *name, const QString &section, const QString &key, const QString &value,
             const QString &message) { QTest::newRow(name) << section << key << value << message; };
    const QString server = u"server"_s;
    const QString limits = u"limits"_s;
    const QString security = u"security"_s;
    const QString databaseForms
        = u"must be sqlite:///absolute/path.db, sqlite:path.db (inside the data directory) or "
          u"postgresql://user:password@host:port/database"_s;

    row("flag", server, u"insecure_plain_ws"_s, u"maybe"_s, u"\"maybe\" is not true or false"_s);
    row("fraction for a count", server, u"socket_threads"_s, u"1.5"_s,
        u"\"1.5\" is not a whole number"_s);
    row("unknown event loop", server, u"event_loop"_s, u"select"_s,
        u"must be epoll or qt, not \"select\""_s);
    row("too many socket threads", server, u"socket_threads"_s, u"65"_s,
        u"must be from 0 to 64, not 65"_s);
    row("sqlite with a host", server, u"database"_s, u"sqlite://db/chat.db"_s, databaseForms);
    row("sqlite without a path", server, u"database"_s, u"sqlite:"_s, databaseForms);
    row("postgresql without a server", server, u"database"_s, u"postgresql://"_s, databaseForms);

    row("empty text limit", limits, u"max_text_bytes"_s, u"0"_s,
        u"must be from 1 to 1048576, not 0"_s);
    row("huge text limit", limits, u"max_text_bytes"_s, u"1048577"_s,
        u"must be from 1 to 1048576, not 1048577"_s);
    row("huge frame limit", limits, u"max_frame_bytes"_s, u"16777217"_s,
        u"must be from 1 to 16777216, not 16777217"_s);
    row("rate not a number", limits, u"requests_per_second"_s, u"abc"_s,
        u"\"abc\" is not a number"_s);
    row("infinite rate", limits, u"requests_per_second"_s, u"inf"_s, u"\"inf\" is not a number"_s);
    row("rate too low", limits, u"requests_per_second"_s, u"0"_s,
        u"must be from 0.1 to 100000, not 0"_s);
    row("burst in words", limits, u"request_burst"_s, u"lots"_s,
        u"\"lots\" is not a whole number"_s);
    row("no burst", limits, u"request_burst"_s, u"0"_s, u"must be from 1 to 100000, not 0"_s);
    row("no connections", limits, u"connections_per_address"_s, u"-1"_s,
        u"must be from 1 to 1000000, not -1"_s);
    row("short handshake", limits, u"handshake_timeout_ms"_s, u"99"_s,
        u"must be from 100 to 300000, not 99"_s);
    row("long ping", limits, u"ping_interval_ms"_s, u"3600001"_s,
        u"must be from 100 to 3600000, not 3600001"_s);
    row("backlog", limits, u"listen_backlog"_s, u"65536"_s,
        u"must be from 1 to 65535, not 65536"_s);

    row("scrypt too cheap", security, u"scrypt_log2_n"_s, u"13"_s,
        u"must be from 14 to 20, not 13"_s);
    row("scrypt too costly", security, u"scrypt_log2_n"_s, u"21"_s,
        u"must be from 14 to 20, not 21"_s);
    row("no workers", security, u"kdf_workers"_s, u"0"_s, u"must be from 1 to 16, not 0"_s);
    row("too many workers", security, u"kdf_workers"_s, u"17"_s, u"must be from 1 to 16, not 17"_s);
    row("no queue", security, u"kdf_queue_limit"_s, u"0"_s, u"must be from 1 to 10000, not 0"_s);
    row("eternal tokens", security, u"token_ttl_days"_s, u"3651"_s,
        u"must be from 1 to 3650, not 3651"_s);
    row("no failures allowed", security, u"login_failures_before_throttle"_s, u"0"_s,
        u"must be from 1 to 100, not 0"_s);
}

void TestConfig::badValuesAreExplained()
{
    QFETCH(QString, section);
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, message);

    const QString variable = u"CONFAB_"_s + key.toUpper();
    verifyFailure(parse({}, { { variable, value } }), u"confabd: %1: %2"_s.arg(variable, message));

    const QString path = writeConfig(u"[%1]\n%2 = \"%3\"\n"_s.arg(section, key, value));
    verifyFailure(parse({ u"--config"_s, path }),
                  u"confabd: config file %1 [%2] %3: %4"_s.arg(path, section, key, message));
}

void TestConfig::badCommandLineIsExplained_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown option")
        << QStringList { u"--frobnicate"_s }
        << u"confabd: Unknown option 'frobnicate'. Run 'confabd --help' for the list of options."_s;
    QTest::newRow("missing value")
        << QStringList { u"--data-dir"_s }
        << u"confabd: Missing value after '--data-dir'. Run 'confabd --help' for the list of "
           u"options."_s;
    QTest::newRow("stray argument") << QStringList {
        u"8443"_s
    } << u"confabd: unexpected argument \"8443\". Run 'confabd --help' for the list of options."_s;
    QTest::newRow("empty value") << QStringList { u"--data-dir="_s }
                                 << u"confabd: --data-dir: has no value"_s;
    QTest::newRow("bad count") << QStringList { u"--socket-threads"_s, u"-2"_s }
                               << u"confabd: --socket-threads: must be from 0 to 64, not -2"_s;
}

void TestConfig::badCommandLineIsExplained()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    verifyFailure(parse(arguments), message);
}

void TestConfig::badConfigFilesAreExplained_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message"); // %1 is the file's path
    QTest::newRow("unknown key") << u"[limits]\nmax_txt_bytes = 5\n"_s
                                 << u"config file %1 [limits] max_txt_bytes: unknown setting"_s;
    QTest::newRow("key in the wrong section")
        << u"[server]\nmax_text_bytes = 5\n"_s
        << u"config file %1 [server] max_text_bytes: unknown setting; max_text_bytes belongs in "
           u"[limits]"_s;
    QTest::newRow("upper-case key") << u"[server]\nListen = 127.0.0.1:1\n"_s
                                    << u"config file %1 [server] Listen: unknown setting"_s;
    QTest::newRow("unknown section")
        << u"[limit]\nmax_text_bytes = 5\nmax_frame_bytes = 9000\n"_s
        << u"config file %1 [limit]: unknown section; the sections are [server], [limits], "
           u"[security] and [pusher]"_s;
    QTest::newRow("outside a section")
        << u"listen = 127.0.0.1:1\n"_s
        << u"config file %1: listen is outside a section; settings belong under [server], "
           u"[limits], [security] or [pusher]"_s;
    QTest::newRow("unquoted comma")
        << u"[server]\ndata_dir = /srv/a, b\n"_s
        << u"config file %1 [server] data_dir: holds a list; put the value in double quotes if it "
           u"contains a comma"_s;
    QTest::newRow("empty value") << u"[server]\ndata_dir =\n"_s
                                 << u"config file %1 [server] data_dir: has no value"_s;
    QTest::newRow("number out of range")
        << u"[limits]\nmax_text_bytes = 0\n"_s
        << u"config file %1 [limits] max_text_bytes: must be from 1 to 1048576, not 0"_s;
}

void TestConfig::badConfigFilesAreExplained()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    const QString path = writeConfig(text);
    const ConfigParseResult result = parse({ u"--config"_s, path });
    verifyFailure(result, u"confabd: "_s + message.arg(path));
    QCOMPARE(result.message.count(u'\n'), 0);
}

void TestConfig::unreadableConfigFileIsExplained()
{
    const QString missing = m_dir->filePath(u"missing.conf"_s);
    verifyFailure(
        parse({ u"--config"_s, missing }),
        u"confabd: config file %1: cannot be read: No such file or directory"_s.arg(missing));
    verifyFailure(
        parse({}, { { u"CONFAB_CONFIG"_s, missing } }),
        u"confabd: config file %1: cannot be read: No such file or directory"_s.arg(missing));
    verifyFailure(parse({ u"--config"_s, m_dir->path() }),
                  u"confabd: config file %1: is a directory"_s.arg(m_dir->path()));
    verifyFailure(parse({ u"--config="_s }), u"confabd: --config: has no value"_s);

    if (::geteuid() == 0)
        QSKIP("root reads files whatever their permissions");
    const QString locked = writeConfig(u"[server]\n"_s, u"locked.conf"_s);
    QVERIFY(QFile::setPermissions(locked, QFileDevice::WriteOwner));
    verifyFailure(parse({ u"--config"_s, locked }),
                  u"confabd: config file %1: cannot be read: Permission denied"_s.arg(locked));
}

void TestConfig::frameMustHoldTheLargestMessage()
{
    const QString path = writeConfig(u"[limits]\nmax_frame_bytes = 8192\n"_s);
    verifyFailure(
        parse({ u"--config"_s, path }),
        u"confabd: max_frame_bytes (8192, from config file %1 [limits] max_frame_bytes) "
        u"must be at least max_text_bytes + 4096 = 20480 (max_text_bytes is 16384, "
        u"from the default) so that a message of maximal size fits in a frame"_s.arg(path));

    verifyFailure(parse({}, { { u"CONFAB_MAX_TEXT_BYTES"_s, u"65536"_s } }),
                  u"confabd: max_frame_bytes (65536, from the default) must be at least "
                  u"max_text_bytes + 4096 = 69632 (max_text_bytes is 65536, from "
                  u"CONFAB_MAX_TEXT_BYTES) so that a message of maximal size fits in a frame"_s);

    // Exactly enough room is enough.
    const ConfigParseResult fits = parse({}, { { u"CONFAB_MAX_TEXT_BYTES"_s, u"61440"_s } });
    QVERIFY2(fits.config, qPrintable(fits.message));
}

void TestConfig::databasePasswordIsNeverShown()
{
    for (const QString &url : { u"mysql://root:hunter2@db/confab"_s, u"hunter2@db"_s,
                                u"postgres://root:hunter2@db/confab"_s }) {
        const ConfigParseResult result = parse({ u"--database"_s, url });
        verifyFailure(
            result,
            u"confabd: --database: must be sqlite:///absolute/path.db, sqlite:path.db "
            u"(inside the data directory) or postgresql://user:password@host:port/database "
            u"(the value is not shown as it may hold a password)"_s);
        QVERIFY(!result.message.contains("hunter2"_L1));
    }
}

void TestConfig::everyProblemIsReported()
{
    const QString path = writeConfig(u"[limits]\nmax_txt_bytes = 5\nrequest_burst = none\n"_s);
    const ConfigParseResult result
        = parse({ u"--config"_s, path, u"--socket-threads"_s, u"many"_s },
                { { u"CONFAB_KDF_WORKERS"_s, u"99"_s } });
    QVERIFY(!result.config);
    QCOMPARE(result.exitCode, 2);
    QCOMPARE(
        result.message.split(u'\n'),
        QStringList({
            u"confabd: config file %1 [limits] max_txt_bytes: unknown setting"_s.arg(path),
            u"confabd: config file %1 [limits] request_burst: \"none\" is not a whole number"_s.arg(
                path),
            u"confabd: CONFAB_KDF_WORKERS: must be from 1 to 16, not 99"_s,
            u"confabd: --socket-threads: \"many\" is not a whole number"_s,
        }));
}

void TestConfig::listenEndpointRoundTrips()
{
    for (const QString &listen :
         { u"127.0.0.1:8443"_s, u"[::1]:9000"_s, u"*:443"_s, u"0.0.0.0:0"_s, u"[::]:80"_s }) {
        const ConfigParseResult result = parse({ u"--listen"_s, listen });
        QVERIFY2(result.config, qPrintable(result.message));
        QCOMPARE(result.config->listenEndpoint(), listen);
    }
}

// The shipped example lists every setting, commented out at its default; with the comment
// marks removed it must describe exactly the built-in configuration.
void TestConfig::exampleConfigMatchesTheDefaults()
{
    const QString examplePath = QFINDTESTDATA("../../resources/confabd.conf.example");
    QVERIFY2(!examplePath.isEmpty(), "resources/confabd.conf.example not found");
    QFile example(examplePath);
    QVERIFY(example.open(QIODevice::ReadOnly));

    static const QRegularExpression commentedSetting(u"^;([a-z0-9_]+) = (.*)$"_s);
    QStringList keys;
    QStringList lines;
    for (const QString &line : QString::fromUtf8(example.readAll()).split(u'\n')) {
        const auto match = commentedSetting.match(line);
        if (match.hasMatch()) {
            keys << match.captured(1);
            lines << match.captured(1) + u" = "_s + match.captured(2);
        } else {
            lines << line;
        }
    }
    QCOMPARE(keys,
             QStringList({ u"listen"_s,
                           u"data_dir"_s,
                           u"database"_s,
                           u"tls_cert"_s,
                           u"tls_key"_s,
                           u"insecure_plain_ws"_s,
                           u"socket_threads"_s,
                           u"drain_delay_ms"_s,
                           u"event_loop"_s,
                           u"max_text_bytes"_s,
                           u"max_frame_bytes"_s,
                           u"requests_per_second"_s,
                           u"request_burst"_s,
                           u"connections_per_address"_s,
                           u"handshake_timeout_ms"_s,
                           u"ping_interval_ms"_s,
                           u"listen_backlog"_s,
                           u"scrypt_log2_n"_s,
                           u"kdf_workers"_s,
                           u"kdf_queue_limit"_s,
                           u"token_ttl_days"_s,
                           u"login_failures_before_throttle"_s,
                           u"pusher_max_connections"_s,
                           u"pusher_client_events_per_second"_s,
                           u"pusher_max_event_bytes"_s,
                           u"pusher_max_presence_members"_s,
                           u"pusher_max_channels_per_event"_s,
                           u"pusher_activity_timeout"_s,
                           u"pusher_max_request_bytes"_s }));

    const QString uncommented = writeConfig(lines.join(u'\n'), u"example.conf"_s);
    const ConfigParseResult fromExample = parse({ u"--config"_s, uncommented });
    QVERIFY2(fromExample.config, qPrintable(fromExample.message));
    const ConfigParseResult fromDefaults = parse({});
    QVERIFY(fromDefaults.config);
    QVERIFY(*fromExample.config == *fromDefaults.config);
}

void TestConfig::clusterSettings()
{
    const ConfigParseResult result
        = parse({ u"--database"_s, u"postgresql://confab:secret@db:5432/confab"_s, u"--node-id"_s,
                  u"confab-2"_s, u"--drain-delay-ms"_s, u"5000"_s });
    QVERIFY2(result.config, qPrintable(result.message));
    QCOMPARE(result.config->nodeId, u"confab-2"_s);
    QCOMPARE(result.config->drainDelayMs, 5000);

    const ConfigParseResult defaults = parse({});
    QVERIFY(defaults.config);
    QVERIFY(defaults.config->nodeId.isEmpty());
    QCOMPARE(defaults.config->drainDelayMs, 0);
}

void TestConfig::nodeIdNeedsPostgres()
{
    for (const QStringList &arguments :
         { QStringList { u"--node-id"_s, u"confab-1"_s },
           QStringList { u"--node-id"_s, u"confab-1"_s, u"--database"_s, u"sqlite:chat.db"_s } }) {
        const ConfigParseResult result = parse(arguments);
        QVERIFY(!result.config);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(
            result.message.contains("node_id (from --node-id) needs a postgresql:// database"_L1),
            qPrintable(result.message));
        QVERIFY2(result.message.contains("SQLite runs a single node"_L1),
                 qPrintable(result.message));
    }
}

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
