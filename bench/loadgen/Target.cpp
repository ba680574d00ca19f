#include "Target.h"

#include "HaProxy.h"
#include "ServerProcess.h"
#include "net/TlsContext.h"
#include "store/Database.h"
#include "store/DatabaseUrl.h"

#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>

namespace confab::bench {

using namespace Qt::StringLiterals;

namespace {

constexpr int kLogLinesKept = 12;
// Room for health checks and connections still closing from the scenario before.
constexpr int kProxySpareConnections = 256;

QList<QList<int>> roomsOfUser(const Population &population)
{
    QList<QList<int>> rooms(population.users);
    for (qsizetype r = 0; r < population.rooms.size(); ++r) {
        for (int member : population.rooms.at(r))
            rooms[member].append(int(r));
    }
    return rooms;
}

bool peerAlive(qint64 pid, const QString &name, QString *error)
{
    if (QFile::exists(u"/proc/%1/stat"_s.arg(pid)))
        return true;
    *error = u"%1 (pid %2) is no longer running"_s.arg(name).arg(pid);
    return false;
}

// Established TCP connections whose local port is `port`: a node's share of the clients,
// counted by the kernel rather than by the node itself.
int establishedOn(quint16 port)
{
    int count = 0;
    for (const auto *path : { "/proc/net/tcp", "/proc/net/tcp6" }) {
        QFile file { QString::fromLatin1(path) };
        if (!file.open(QIODevice::ReadOnly))
            continue;
        // Read whole, then split: read line by line it came out short of the end in runs
        // with thousands of connections.
        const auto lines = file.readAll().split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) {
            // "sl local_address rem_address st ...": the state 01 is ESTABLISHED.
            const auto fields = lines.at(i).simplified().split(' ');
            if (fields.size() > 3 && fields.at(3) == "01"
                && fields.at(1).mid(fields.at(1).lastIndexOf(':') + 1).toUInt(nullptr, 16) == port)
                ++count;
        }
    }
    return count;
}

} // namespace

bool loadEndpoint(const QUrl &url, const QString &certificateFile, const QString &subprotocol,
                  Endpoint *endpoint, QString *error)
{
    const auto certificates = QSslCertificate::fromPath(certificateFile, QSsl::Pem);
    if (certificates.isEmpty()) {
        *error = u"no PEM certificate in %1"_s.arg(certificateFile);
        return false;
    }
    endpoint->url = url;
    endpoint->subprotocol = subprotocol;
    endpoint->tls = server::TlsContext::forClient(certificates.first(), error);
    return endpoint->tls != nullptr;
}

ConfabTarget::ConfabTarget(QString backend, QString serverConfig, int nodes)
    : m_backend(std::move(backend))
    , m_serverConfig(std::move(serverConfig))
    , m_nodes(std::max(1, nodes))
{ }

ConfabTarget::~ConfabTarget() = default;

QString ConfabTarget::key() const
{
    const QString key = u"confabd-"_s + m_backend;
    return m_nodes == 1 ? key : key + u"-%1nodes"_s.arg(m_nodes);
}

QString ConfabTarget::title() const
{
    const QString database = m_backend == "postgres"_L1 ? u"PostgreSQL"_s : u"SQLite"_s;
    if (m_nodes == 1)
        return u"confabd (%1)"_s.arg(database);
    return u"confabd ×%1 (%2) behind HAProxy"_s.arg(m_nodes).arg(database);
}

QList<qint64> ConfabTarget::serverPids() const
{
    QList<qint64> pids;
    for (const auto &server : m_servers)
        pids.append(server->processId());
    return pids;
}

qint64 ConfabTarget::proxyPid() const
{
    return m_proxy ? m_proxy->processId() : 0;
}

QList<int> ConfabTarget::connectionsPerNode() const
{
    QList<int> counts;
    if (m_proxy) {
        for (const auto &server : m_servers)
            counts.append(establishedOn(server->port()));
    }
    return counts;
}

bool ConfabTarget::prepare(const Plan &plan, QString *error)
{
    // The first start creates and migrates the database; the rows of the scenario are then
    // written while the server is down, and the second start is the one measured, with
    // nothing in its memory but what the scenario puts there.
    qputenv("CONFAB_TEST_BACKEND", m_backend.toUtf8());
    // confabd logs a handshake that ran out of time at debug level only; a reconnect storm
    // needs to count them.
    qputenv("QT_LOGGING_RULES", "confab.net.debug=true");
    m_proxy.reset();
    m_servers.clear();
    auto &first = *m_servers.emplace_back(std::make_unique<test::ServerProcess>(m_serverConfig));
    if (!first.start() || !first.stop()) {
        *error = first.errorString();
        return false;
    }
    const auto url = server::DatabaseUrl::parse(first.databaseUrl(), error);
    if (!url)
        return false;
    if (m_nodes > 1 && url->dialect != server::Dialect::Postgres) {
        *error = u"several nodes need PostgreSQL, not %1"_s.arg(m_backend);
        return false;
    }
    SeededPopulation seeded;
    {
        server::Database db(*url, u"bench-seed"_s);
        if (!db.open(error) || !seedPopulation(db, plan.population, u"lg"_s, &seeded, error))
            return false;
        if (plan.archiveMessages > 0
            && !seedArchive(db, seeded.roomIds.at(0), seeded.userIds.at(0), plan.archiveMessages,
                            {}, error))
            return false;
        if (url->dialect == server::Dialect::Postgres)
            db.execDirect(u"ANALYZE users, sessions, rooms, memberships, events"_s, error);
    }
    m_directory.tokens = seeded.tokens;
    m_directory.roomIds = seeded.roomIds;
    m_directory.roomIndex.clear();
    for (qsizetype r = 0; r < seeded.roomIds.size(); ++r)
        m_directory.roomIndex.insert(seeded.roomIds.at(r), int(r));

    if (!first.start()) {
        *error = first.errorString();
        return false;
    }
    m_endpoint.url = first.url();
    m_endpoint.subprotocol.clear();
    // Every node has the first one's certificate.
    m_endpoint.tls = server::TlsContext::forClient(first.certificate(), error);
    if (!m_endpoint.tls)
        return false;
    return m_nodes == 1 || startCluster(plan.population.users, error);
}

bool ConfabTarget::startCluster(int connections, QString *error)
{
    const auto &first = *m_servers.front();
    QList<quint16> ports { first.port() };
    for (int n = 1; n < m_nodes; ++n) {
        auto &node = *m_servers.emplace_back(std::make_unique<test::ServerProcess>(m_serverConfig));
        if (!node.joinClusterOf(first) || !node.start()) {
            *error = u"node %1: %2"_s.arg(n + 1).arg(node.errorString());
            return false;
        }
        ports.append(node.port());
    }
    m_proxy = std::make_unique<test::HaProxy>();
    if (!m_proxy->start(ports, connections + kProxySpareConnections)) {
        *error = m_proxy->errorString();
        return false;
    }
    m_endpoint.url = m_proxy->url();
    return true;
}

ChatClient *ConfabTarget::createClient(int user, QObject *parent) const
{
    return new ConfabClient(m_endpoint, &m_directory, user, parent);
}

bool ConfabTarget::finish(QJsonObject *report, QString *error)
{
    if (m_servers.empty())
        return true;
    bool stopped = true;
    if (m_proxy && !m_proxy->stop()) {
        stopped = false;
        *error = m_proxy->errorString();
    }
    // Everything confabd logged above info level is worth a look after a load run.
    static const QRegularExpression notable(u" (warning|critical|fatal) "_s);
    QJsonArray kept;
    qint64 count = 0;
    qint64 missedPings = 0;
    qint64 handshakeTimeouts = 0;
    for (const auto &server : m_servers) {
        if (!server->stop() && stopped) {
            stopped = false;
            *error = server->errorString();
        }
        const QStringList lines = QString::fromUtf8(server->standardError()).split(u'\n');
        for (const auto &line : lines) {
            if (line.contains("after missed pings"_L1))
                ++missedPings;
            if (line.contains("handshake timed out"_L1))
                ++handshakeTimeouts;
            if (!notable.match(line).hasMatch())
                continue;
            if (++count <= kLogLinesKept)
                kept.append(line.left(400));
        }
    }
    report->insert("clean_stop"_L1, stopped);
    report->insert("log_warnings"_L1, count);
    report->insert("log_lines"_L1, kept);
    report->insert("dropped_after_missed_pings"_L1, missedPings);
    report->insert("handshake_timeouts"_L1, handshakeTimeouts);
    report->insert("nodes"_L1, m_nodes);
    m_proxy.reset();
    m_servers.clear();
    return stopped;
}

XmppTarget::XmppTarget(PeerSettings settings)
    : m_settings(std::move(settings))
{ }

QString XmppTarget::title() const
{
    return m_settings.version.isEmpty() ? u"ejabberd"_s : m_settings.version;
}

bool XmppTarget::supports(const QString &scenario) const
{
    return scenario == "connections"_L1 || scenario == "fanout"_L1 || scenario == "ingest"_L1;
}

bool XmppTarget::prepare(const Plan &plan, QString *error)
{
    if (plan.population.users > m_settings.accounts) {
        *error = u"the scenario needs %1 XMPP accounts, the bench script made %2"_s
                     .arg(plan.population.users)
                     .arg(m_settings.accounts);
        return false;
    }
    if (!peerAlive(m_settings.pid, u"ejabberd"_s, error))
        return false;
    if (m_endpoint.url.isEmpty()
        && !loadEndpoint(m_settings.url, m_settings.certificateFile, u"xmpp"_s, &m_endpoint, error))
        return false;
    m_directory.domain = m_settings.domain;
    m_directory.mucDomain = m_settings.mucDomain;
    m_directory.userPrefix = u"lg"_s;
    m_directory.password = m_settings.password;
    // Rooms of earlier scenarios keep their archives; every scenario gets rooms of its own.
    m_directory.roomPrefix = u"%1-%2-"_s.arg(plan.scenario).arg(++m_round);
    m_directory.roomsOfUser = roomsOfUser(plan.population);
    return true;
}

ChatClient *XmppTarget::createClient(int user, QObject *parent) const
{
    return new XmppClient(m_endpoint, &m_directory, user, parent);
}

bool XmppTarget::finish(QJsonObject *report, QString *error)
{
    const bool alive = peerAlive(m_settings.pid, u"ejabberd"_s, error);
    report->insert("still_running"_L1, alive);
    return alive;
}

MqttTarget::MqttTarget(PeerSettings settings)
    : m_settings(std::move(settings))
{ }

QString MqttTarget::title() const
{
    return m_settings.version.isEmpty() ? u"mosquitto"_s : m_settings.version;
}

bool MqttTarget::supports(const QString &scenario) const
{
    return scenario == "connections"_L1 || scenario == "fanout"_L1 || scenario == "ingest"_L1;
}

bool MqttTarget::prepare(const Plan &plan, QString *error)
{
    if (!peerAlive(m_settings.pid, u"mosquitto"_s, error))
        return false;
    if (m_endpoint.url.isEmpty()
        && !loadEndpoint(m_settings.url, m_settings.certificateFile, u"mqtt"_s, &m_endpoint, error))
        return false;
    m_directory.topicPrefix = u"bench/%1-%2/"_s.arg(plan.scenario).arg(++m_round);
    m_directory.roomsOfUser = roomsOfUser(plan.population);
    return true;
}

ChatClient *MqttTarget::createClient(int user, QObject *parent) const
{
    return new MqttClient(m_endpoint, &m_directory, user, parent);
}

bool MqttTarget::finish(QJsonObject *report, QString *error)
{
    const bool alive = peerAlive(m_settings.pid, u"mosquitto"_s, error);
    report->insert("still_running"_L1, alive);
    return alive;
}

} // namespace confab::bench
