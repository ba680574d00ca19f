#include "config/ServerConfigLoader.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QSettings>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace confab::server {

using namespace Qt::StringLiterals;

namespace {

constexpr auto kProgram = "confabd"_L1;
constexpr int kExitUsage = 2;
// A frame carries a message's text inside JSON with ids, names and timestamps around it; this
// much room keeps a message of maximal size within one frame.
constexpr qsizetype kFrameOverheadBytes = 4096;

constexpr auto kServer = "server"_L1;
constexpr auto kLimits = "limits"_L1;
constexpr auto kSecurity = "security"_L1;
constexpr auto kPusher = "pusher"_L1;

// What is wrong with a value, phrased to follow "<where it came from>: ".
using Problem = std::optional<QString>;

// One key of the config file. Its environment variable and command-line option (where there
// is one) carry the same name, so a setting is described once.
struct Setting
{
    QLatin1StringView section;
    QLatin1StringView key;
    std::function<Problem(ServerConfig &, const QString &)> apply;

    QString environmentName() const { return u"CONFAB_"_s + QString(key).toUpper(); }
};

template<typename Field>
Setting wholeNumber(QLatin1StringView section, QLatin1StringView key, Field ServerConfig::*field,
                    qint64 min, qint64 max)
{
    return { section, key, [=](ServerConfig &config, const QString &text) -> Problem {
                bool ok = false;
                const qint64 value = text.trimmed().toLongLong(&ok);
                if (!ok)
                    return u"\"%1\" is not a whole number"_s.arg(text);
                if (value < min || value > max)
                    return u"must be from %1 to %2, not %3"_s.arg(min).arg(max).arg(value);
                config.*field = Field(value);
                return std::nullopt;
            } };
}

Setting number(QLatin1StringView section, QLatin1StringView key, double ServerConfig::*field,
               double min, double max)
{
    return { section, key, [=](ServerConfig &config, const QString &text) -> Problem {
                bool ok = false;
                const double value = text.trimmed().toDouble(&ok);
                if (!ok || !std::isfinite(value))
                    return u"\"%1\" is not a number"_s.arg(text);
                if (value < min || value > max)
                    return u"must be from %1 to %2, not %3"_s.arg(min).arg(max).arg(value);
                config.*field = value;
                return std::nullopt;
            } };
}

Setting flag(QLatin1StringView section, QLatin1StringView key, bool ServerConfig::*field)
{
    return { section, key, [=](ServerConfig &config, const QString &text) -> Problem {
                const QString word = text.trimmed().toLower();
                if (word == "true"_L1 || word == "yes"_L1 || word == "on"_L1 || word == "1"_L1)
                    config.*field = true;
                else if (word == "false"_L1 || word == "no"_L1 || word == "off"_L1
                         || word == "0"_L1)
                    config.*field = false;
                else
                    return u"\"%1\" is not true or false"_s.arg(text);
                return std::nullopt;
            } };
}

Setting eventLoop(QLatin1StringView section, QLatin1StringView key)
{
    return { section, key, [](ServerConfig &config, const QString &text) -> Problem {
                const QString word = text.trimmed().toLower();
                if (word == "epoll"_L1)
                    config.eventLoop = ServerConfig::EventLoop::Epoll;
                else if (word == "qt"_L1)
                    config.eventLoop = ServerConfig::EventLoop::Qt;
                else
                    return u"must be epoll or qt, not \"%1\""_s.arg(text);
                return std::nullopt;
            } };
}

// Paths are kept as given here and made absolute once the data directory is known.
Setting path(QLatin1StringView section, QLatin1StringView key, QString ServerConfig::*field)
{
    return { section, key, [=](ServerConfig &config, const QString &text) -> Problem {
                config.*field = text;
                return std::nullopt;
            } };
}

// App ids and keys travel in URL paths (/app/{key}, /apps/{id}) and before the ':' of an auth
// string, so they keep to characters that need no escaping there.
Setting identifier(QLatin1StringView section, QLatin1StringView key, QString ServerConfig::*field)
{
    return { section, key, [=](ServerConfig &config, const QString &text) -> Problem {
                const bool plain
                    = text.size() <= 128 && std::all_of(text.begin(), text.end(), [](QChar c) {
                          return (c.isLetterOrNumber() && c.unicode() < 128) || c == u'-'
                              || c == u'_' || c == u'.';
                      });
                if (!plain)
                    return u"must be 1 to 128 of the characters A-Z a-z 0-9 - _ ."_s;
                config.*field = text;
                return std::nullopt;
            } };
}

// Never repeated in a message: it is a secret.
Setting secret(QLatin1StringView section, QLatin1StringView key, QString ServerConfig::*field)
{
    return { section, key, [=](ServerConfig &config, const QString &text) -> Problem {
                if (std::any_of(text.begin(), text.end(), [](QChar c) { return c.isSpace(); }))
                    return u"must not contain white space (the value is not shown)"_s;
                config.*field = text;
                return std::nullopt;
            } };
}

Problem applyWebhookUrls(ServerConfig &config, const QString &text)
{
    QStringList urls;
    for (const QString &word : text.split(u' ', Qt::SkipEmptyParts)) {
        const QUrl url(word, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty()
            || (url.scheme() != "http"_L1 && url.scheme() != "https"_L1))
            return u"\"%1\" is not an http:// or https:// URL"_s.arg(word);
        urls << word;
    }
    config.pusherWebhookUrls = urls;
    return std::nullopt;
}

bool isDigits(QStringView text)
{
    return !text.isEmpty()
        && std::all_of(text.begin(), text.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
}

// QHostAddress also takes the inet_aton forms ("127.1", "0x7f.1", "010.0.0.1" read as octal);
// an operator who writes those almost certainly means something else.
bool isDottedQuad(QStringView host)
{
    const auto parts = host.split(u'.');
    return parts.size() == 4 && std::all_of(parts.begin(), parts.end(), [](QStringView part) {
               return isDigits(part) && part.size() <= 3 && (part.size() == 1 || part[0] != u'0');
           });
}

Problem applyListen(ServerConfig &config, const QString &text)
{
    const auto malformed = [&] {
        return u"\"%1\" is not HOST:PORT (for example 127.0.0.1:8443, [::1]:8443, "
               u"localhost:8443 or *:8443)"_s.arg(text);
    };
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon < 0)
        return malformed();
    const QString host = text.left(colon);
    const QString portText = text.mid(colon + 1);
    if (!isDigits(portText))
        return malformed();
    const qint64 port = portText.size() > 5 ? -1 : portText.toLongLong();
    if (port < 0 || port > 65535)
        return u"port %1 is not from 0 to 65535"_s.arg(portText);

    QHostAddress address;
    if (host == "localhost"_L1) {
        address = QHostAddress::LocalHost;
    } else if (host == "*"_L1) {
        address = QHostAddress::Any;
    } else if (host.startsWith(u'[') && host.endsWith(u']')) {
        if (!address.setAddress(host.mid(1, host.size() - 2))
            || address.protocol() != QAbstractSocket::IPv6Protocol)
            return u"\"%1\" is not an IPv6 address"_s.arg(host);
    } else if (host.contains(u':')) {
        return u"\"%1\": an IPv6 address goes in brackets, as in [::1]:8443"_s.arg(text);
    } else if (!isDottedQuad(host) || !address.setAddress(host)) {
        return u"\"%1\" is not an IPv4 address, an [IPv6] address, localhost or * (host "
               u"names are not looked up)"_s.arg(host);
    }
    config.listenAddress = address;
    config.listenPort = quint16(port);
    return std::nullopt;
}

QString expectedDatabaseForms()
{
    return u"must be sqlite:///absolute/path.db, sqlite:path.db (inside the data directory) or "
           u"postgresql://user:password@host:port/database"_s;
}

// Only the shape is checked here; the store reads the rest of the URL.
Problem applyDatabase(ServerConfig &config, const QString &url)
{
    constexpr auto kSqlite = "sqlite:"_L1;
    constexpr auto kPostgres = "postgresql://"_L1;
    if (url.startsWith(kPostgres)) {
        if (url.size() == kPostgres.size())
            return expectedDatabaseForms();
    } else if (url.startsWith(kSqlite)) {
        const QStringView path = QStringView(url).mid(kSqlite.size());
        if (path.isEmpty() || (path.startsWith("//"_L1) && !path.startsWith("///"_L1)))
            return expectedDatabaseForms();
    } else {
        return expectedDatabaseForms() + u" (the value is not shown as it may hold a password)"_s;
    }
    config.databaseUrl = url;
    return std::nullopt;
}

const std::vector<Setting> &allSettings()
{
    using C = ServerConfig;
    static const std::vector<Setting> settings {
        { kServer, "listen"_L1, applyListen },
        path(kServer, "data_dir"_L1, &C::dataDir),
        { kServer, "database"_L1, applyDatabase },
        path(kServer, "tls_cert"_L1, &C::tlsCertFile),
        path(kServer, "tls_key"_L1, &C::tlsKeyFile),
        flag(kServer, "insecure_plain_ws"_L1, &C::insecurePlainWs),
        wholeNumber(kServer, "socket_threads"_L1, &C::socketThreads, 0, 64),
        identifier(kServer, "node_id"_L1, &C::nodeId),
        wholeNumber(kServer, "drain_delay_ms"_L1, &C::drainDelayMs, 0, 600'000),
        eventLoop(kServer, "event_loop"_L1),

        wholeNumber(kLimits, "max_text_bytes"_L1, &C::maxTextBytes, 1, 1024 * 1024),
        wholeNumber(kLimits, "max_frame_bytes"_L1, &C::maxFrameBytes, 1, 16 * 1024 * 1024),
        number(kLimits, "requests_per_second"_L1, &C::requestsPerSecond, 0.1, 100'000),
        wholeNumber(kLimits, "request_burst"_L1, &C::requestBurst, 1, 100'000),
        wholeNumber(kLimits, "connections_per_address"_L1, &C::connectionsPerAddress, 1, 1'000'000),
        wholeNumber(kLimits, "handshake_timeout_ms"_L1, &C::handshakeTimeoutMs, 100, 300'000),
        wholeNumber(kLimits, "ping_interval_ms"_L1, &C::pingIntervalMs, 100, 3'600'000),
        wholeNumber(kLimits, "listen_backlog"_L1, &C::listenBacklog, 1, 65'535),
        wholeNumber(kLimits, "max_unsent_bytes"_L1, &C::maxUnsentBytes, 64 * 1024,
                    qint64(1024) * 1024 * 1024),

        // Below 2^14 scrypt stops being a meaningful cost; above 2^20 one hash needs 1 GiB.
        wholeNumber(kSecurity, "scrypt_log2_n"_L1, &C::scryptLog2N, 14, 20),
        wholeNumber(kSecurity, "kdf_workers"_L1, &C::kdfWorkers, 1, 16),
        wholeNumber(kSecurity, "kdf_queue_limit"_L1, &C::kdfQueueLimit, 1, 10'000),
        wholeNumber(kSecurity, "token_ttl_days"_L1, &C::tokenTtlDays, 1, 3650),
        wholeNumber(kSecurity, "login_failures_before_throttle"_L1, &C::loginFailuresBeforeThrottle,
                    1, 100),

        identifier(kPusher, "pusher_app_id"_L1, &C::pusherAppId),
        identifier(kPusher, "pusher_app_key"_L1, &C::pusherAppKey),
        secret(kPusher, "pusher_app_secret"_L1, &C::pusherAppSecret),
        { kPusher, "pusher_webhook_urls"_L1, applyWebhookUrls },
        wholeNumber(kPusher, "pusher_max_connections"_L1, &C::pusherMaxConnections, 1, 10'000'000),
        wholeNumber(kPusher, "pusher_client_events_per_second"_L1, &C::pusherClientEventsPerSecond,
                    1, 10'000),
        wholeNumber(kPusher, "pusher_max_event_bytes"_L1, &C::pusherMaxEventBytes, 1, 1024 * 1024),
        wholeNumber(kPusher, "pusher_max_presence_members"_L1, &C::pusherMaxPresenceMembers, 1,
                    100'000),
        wholeNumber(kPusher, "pusher_max_channels_per_event"_L1, &C::pusherMaxChannelsPerEvent, 1,
                    1000),
        wholeNumber(kPusher, "pusher_activity_timeout"_L1, &C::pusherActivityTimeoutS, 1, 3600),
        wholeNumber(kPusher, "pusher_max_request_bytes"_L1, &C::pusherMaxRequestBytes, 1024,
                    16 * 1024 * 1024),
    };
    return settings;
}

const Setting *findSetting(QStringView key)
{
    for (const Setting &setting : allSettings()) {
        if (setting.key == key)
            return &setting;
    }
    return nullptr;
}

// The options that take a value, named like their config key with '-' for '_'.
struct ValueOption
{
    QLatin1StringView name;
    QLatin1StringView valueName;
    QLatin1StringView description;
};
constexpr ValueOption kValueOptions[] = {
    { "listen"_L1, "HOST:PORT"_L1,
      "Address and port to listen on: 127.0.0.1:8443, [::1]:8443, localhost:8443, or *:8443 "
      "for every interface. Port 0 picks a free port. Default: 127.0.0.1:8443."_L1 },
    { "data-dir"_L1, "DIR"_L1, "Directory for the database and TLS files. Default: ./data."_L1 },
    { "database"_L1, "URL"_L1,
      "sqlite:///path/to/confab.db or postgresql://user:password@host:port/database. "
      "Default: sqlite:///<data dir>/confab.db."_L1 },
    { "tls-cert"_L1, "FILE"_L1,
      "TLS certificate chain (PEM), generated when missing. "
      "Default: <data dir>/tls/cert.pem."_L1 },
    { "tls-key"_L1, "FILE"_L1,
      "TLS private key (PEM), generated when missing. Default: <data dir>/tls/key.pem."_L1 },
    { "socket-threads"_L1, "N"_L1,
      "Threads serving connections. Default: 0, one per core, at most 4."_L1 },
    { "node-id"_L1, "NAME"_L1,
      "This node's name in a cluster of confabd nodes on one PostgreSQL database. "
      "Default: generated at start."_L1 },
    { "drain-delay-ms"_L1, "MS"_L1,
      "After SIGTERM, report not ready on /readyz for this long before closing connections. "
      "Default: 0."_L1 },
    { "event-loop"_L1, "epoll|qt"_L1,
      "How socket threads wait for their connections: epoll, or Qt's own event dispatcher. "
      "Default: epoll."_L1 },
};
constexpr auto kConfigOption = "config"_L1;
constexpr auto kPlainOption = "insecure-plain-ws"_L1;
constexpr auto kVersionOption = "version"_L1;
constexpr auto kHelpOption = "help"_L1;

QString configKeyOf(QLatin1StringView option)
{
    return QString(option).replace(u'-', u'_');
}

void addOptions(QCommandLineParser &parser)
{
    // QCommandLineParser wraps option descriptions but not this text.
    parser.setApplicationDescription(
        u"Confab chat server.\n\n"
        u"Every setting can also be given in a config file ([server], [limits], [security] and\n"
        u"[pusher] sections) or as a CONFAB_* environment variable, such as\n"
        u"CONFAB_REQUESTS_PER_SECOND or CONFAB_PUSHER_APP_KEY.\n"
        u"The command line overrides the environment, which overrides the config file.\n"
        u"confabd.conf.example lists every setting with its default."_s);
    for (const ValueOption &option : kValueOptions)
        parser.addOption(QCommandLineOption(option.name, option.description, option.valueName));
    parser.addOption(QCommandLineOption(
        kConfigOption, u"Read settings from this INI file (or the file named by CONFAB_CONFIG)."_s,
        u"FILE"_s));
    parser.addOption(QCommandLineOption(
        kPlainOption,
        u"Serve plain ws:// and http:// without TLS, for use behind a proxy that terminates "
        u"TLS."_s));
    parser.addOption(QCommandLineOption(kVersionOption, u"Print the version and exit."_s));
    parser.addOption(QCommandLineOption({ u"h"_s, kHelpOption }, u"Print this help and exit."_s));
}

// QCommandLineParser names the running binary in its usage line; the help should name the
// program, whatever the file is called.
QString helpText(const QCommandLineParser &parser)
{
    QString text = parser.helpText().trimmed();
    const qsizetype endOfUsage = text.indexOf(u'\n');
    return u"Usage: %1 [options]"_s.arg(kProgram) + text.mid(endOfUsage);
}

ConfigParseResult failure(const QStringList &problems)
{
    QStringList lines;
    for (const QString &problem : problems)
        lines << kProgram + u": "_s + problem;
    return { std::nullopt, kExitUsage, lines.join(u'\n') };
}

// Collects values from every source in rising precedence; a later value replaces an earlier
// one, but a bad value is reported whichever source it comes from.
class ConfigBuilder
{
public:
    void readFile(const QString &filePath);
    void readEnvironment(const QProcessEnvironment &environment);
    void assign(const Setting &setting, const QString &value, const QString &origin);
    ConfigParseResult finish(const QString &workingDirectory);

private:
    void checkFrameFitsText();
    void checkPusherAppComplete();
    void checkClusterNeedsPostgres();

    ServerConfig m_config;
    QHash<QString, QString> m_origins; // key → where its value came from
    QStringList m_problems;
};

void ConfigBuilder::readFile(const QString &filePath)
{
    const QString where = u"config file "_s + filePath;
    if (QFileInfo(filePath).isDir()) {
        m_problems << where + u": is a directory"_s;
        return;
    }
    // QSettings reads a missing or unreadable file as an empty one; that must not start a
    // server with defaults the operator did not ask for.
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly)) {
        m_problems << u"%1: cannot be read: %2"_s.arg(where, file.errorString());
        return;
    }
    file.close();

    const QSettings settings(filePath, QSettings::IniFormat);
    if (settings.status() != QSettings::NoError) {
        m_problems << where + u": is not a valid INI file"_s;
        return;
    }
    QSet<QString> unknownSections;
    for (const QString &name : settings.allKeys()) {
        const qsizetype slash = name.indexOf(u'/');
        if (slash < 0) {
            m_problems << u"%1: %2 is outside a section; settings belong under [server], "
                          u"[limits], [security] or [pusher]"_s.arg(where, name);
            continue;
        }
        const QString section = name.left(slash);
        const QString key = name.mid(slash + 1);
        if (section != kServer && section != kLimits && section != kSecurity
            && section != kPusher) {
            if (!unknownSections.contains(section))
                m_problems << u"%1 [%2]: unknown section; the sections are [server], [limits], "
                              u"[security] and [pusher]"_s.arg(where, section);
            unknownSections.insert(section);
            continue;
        }
        const QString origin = u"%1 [%2] %3"_s.arg(where, section, key);
        const Setting *setting = findSetting(key);
        if (!setting) {
            m_problems << origin + u": unknown setting"_s;
            continue;
        }
        if (setting->section != section) {
            m_problems << u"%1: unknown setting; %2 belongs in [%3]"_s.arg(origin, key,
                                                                           setting->section);
            continue;
        }
        const QVariant value = settings.value(name);
        if (value.typeId() == QMetaType::QStringList) {
            m_problems << origin
                    + u": holds a list; put the value in double quotes if it contains a comma"_s;
            continue;
        }
        if (value.typeId() != QMetaType::QString) {
            m_problems << origin + u": is not a plain value"_s;
            continue;
        }
        assign(*setting, value.toString(), origin);
    }
}

void ConfigBuilder::readEnvironment(const QProcessEnvironment &environment)
{
    // An empty variable counts as unset, the way `CONFAB_X=${X}` in a service file or compose
    // file reads when X is not defined.
    for (const Setting &setting : allSettings()) {
        const QString name = setting.environmentName();
        const QString value = environment.value(name);
        if (!value.isEmpty())
            assign(setting, value, name);
    }
}

void ConfigBuilder::assign(const Setting &setting, const QString &value, const QString &origin)
{
    if (value.isEmpty()) {
        m_problems << origin + u": has no value"_s;
        return;
    }
    if (const Problem problem = setting.apply(m_config, value)) {
        m_problems << origin + u": "_s + *problem;
        return;
    }
    m_origins.insert(setting.key, origin);
}

void ConfigBuilder::checkFrameFitsText()
{
    const qsizetype needed = m_config.maxTextBytes + kFrameOverheadBytes;
    if (m_config.maxFrameBytes >= needed)
        return;
    const QString defaultOrigin = u"the default"_s;
    m_problems << u"max_frame_bytes (%1, from %2) must be at least max_text_bytes + %3 = %4 "
                  u"(max_text_bytes is %5, from %6) so that a message of maximal size fits in a "
                  u"frame"_s.arg(m_config.maxFrameBytes)
                      .arg(m_origins.value(u"max_frame_bytes"_s, defaultOrigin))
                      .arg(kFrameOverheadBytes)
                      .arg(needed)
                      .arg(m_config.maxTextBytes)
                      .arg(m_origins.value(u"max_text_bytes"_s, defaultOrigin));
}

// A Pusher app is all three or nothing: two of them alone would start a server that silently
// does not speak Pusher.
void ConfigBuilder::checkPusherAppComplete()
{
    const bool anySet = !m_config.pusherAppId.isEmpty() || !m_config.pusherAppKey.isEmpty()
        || !m_config.pusherAppSecret.isEmpty();
    if (anySet && !m_config.pusherEnabled())
        m_problems << u"pusher_app_id, pusher_app_key and pusher_app_secret must be set together "
                      u"(CONFAB_PUSHER_APP_ID, CONFAB_PUSHER_APP_KEY, CONFAB_PUSHER_APP_SECRET); "
                      u"some of them are missing"_s;
}

// Nodes of a cluster share one database server and talk through it; a SQLite file belongs
// to one process, so asking for a node id there is asking for something that cannot work.
void ConfigBuilder::checkClusterNeedsPostgres()
{
    if (m_config.nodeId.isEmpty() || m_config.databaseUrl.startsWith("postgresql://"_L1))
        return;
    m_problems << u"node_id (from %1) needs a postgresql:// database: a cluster of confabd nodes "
                  u"shares one PostgreSQL database, and SQLite runs a single node"_s.arg(
                      m_origins.value(u"node_id"_s));
}

ConfigParseResult ConfigBuilder::finish(const QString &workingDirectory)
{
    if (m_problems.isEmpty()) {
        checkFrameFitsText();
        checkPusherAppComplete();
        checkClusterNeedsPostgres();
    }
    if (!m_problems.isEmpty())
        return failure(m_problems);

    const auto absolute = [](const QDir &base, const QString &path, const QString &fallback) {
        return QDir::cleanPath(base.absoluteFilePath(path.isEmpty() ? fallback : path));
    };
    ServerConfig &config = m_config;
    config.dataDir = absolute(QDir(workingDirectory), config.dataDir, u"data"_s);
    const QDir dataDir(config.dataDir);
    config.tlsCertFile = absolute(dataDir, config.tlsCertFile, u"tls/cert.pem"_s);
    config.tlsKeyFile = absolute(dataDir, config.tlsKeyFile, u"tls/key.pem"_s);
    if (config.databaseUrl.isEmpty())
        config.databaseUrl = u"sqlite:confab.db"_s;
    if (config.databaseUrl.startsWith("sqlite:"_L1)) {
        QString file = config.databaseUrl.mid(7);
        if (file.startsWith("//"_L1))
            file.remove(0, 2);
        config.databaseUrl = u"sqlite://"_s + absolute(dataDir, file, {});
    }
    return { std::move(config), 0, {} };
}

} // namespace

ConfigParseResult parseServerConfig(const QStringList &arguments,
                                    const QProcessEnvironment &environment,
                                    const QString &workingDirectory)
{
    QCommandLineParser parser;
    addOptions(parser);
    if (!parser.parse(arguments)) {
        return failure(
            { parser.errorText() + u" Run '%1 --help' for the list of options."_s.arg(kProgram) });
    }
    if (parser.isSet(kHelpOption))
        return { std::nullopt, 0, helpText(parser) };
    if (parser.isSet(kVersionOption))
        return { std::nullopt, 0, kProgram + u' ' + QLatin1StringView(CONFAB_VERSION) };
    if (!parser.positionalArguments().isEmpty()) {
        return failure(
            { u"unexpected argument \"%1\". Run '%2 --help' for the list of options."_s.arg(
                parser.positionalArguments().constFirst(), kProgram) });
    }

    ConfigBuilder builder;
    QString configFile = environment.value(u"CONFAB_CONFIG"_s);
    if (parser.isSet(kConfigOption)) {
        configFile = parser.value(kConfigOption);
        if (configFile.isEmpty())
            return failure({ u"--config: has no value"_s });
    }
    if (!configFile.isEmpty())
        builder.readFile(QDir::cleanPath(QDir(workingDirectory).absoluteFilePath(configFile)));

    builder.readEnvironment(environment);

    for (const ValueOption &option : kValueOptions) {
        if (parser.isSet(option.name))
            builder.assign(*findSetting(configKeyOf(option.name)), parser.value(option.name),
                           u"--"_s + option.name);
    }
    if (parser.isSet(kPlainOption))
        builder.assign(*findSetting(configKeyOf(kPlainOption)), u"true"_s, u"--"_s + kPlainOption);

    return builder.finish(workingDirectory);
}

} // namespace confab::server
