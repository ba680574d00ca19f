#include "Target.h"

#include "Pinning.h"
#include "ServerProcess.h"
#include "store/Database.h"
#include "store/DatabaseUrl.h"

#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>

namespace confab::bench {

using namespace Qt::StringLiterals;

namespace {

constexpr int kLogLinesKept = 12;

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
    endpoint->certificate = certificates.first();
    endpoint->subprotocol = subprotocol;
    endpoint->expectedErrors = test::expectedSslErrors(endpoint->certificate, url.host());
    return true;
}

ConfabTarget::ConfabTarget(QString backend, QString serverConfig)
    : m_backend(std::move(backend))
    , m_serverConfig(std::move(serverConfig))
{ }

ConfabTarget::~ConfabTarget() = default;

QString ConfabTarget::title() const
{
    return m_backend == "postgres"_L1 ? u"confabd (PostgreSQL)"_s : u"confabd (SQLite)"_s;
}

qint64 ConfabTarget::serverPid() const
{
    return m_server ? m_server->processId() : 0;
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
    m_server = std::make_unique<test::ServerProcess>(m_serverConfig);
    if (!m_server->start() || !m_server->stop()) {
        *error = m_server->errorString();
        return false;
    }
    const auto url = server::DatabaseUrl::parse(m_server->databaseUrl(), error);
    if (!url)
        return false;
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

    if (!m_server->start()) {
        *error = m_server->errorString();
        return false;
    }
    m_endpoint.url = m_server->url();
    m_endpoint.certificate = m_server->certificate();
    m_endpoint.subprotocol.clear();
    m_endpoint.expectedErrors
        = test::expectedSslErrors(m_endpoint.certificate, m_endpoint.url.host());
    return true;
}

ChatClient *ConfabTarget::createClient(int user, QObject *parent) const
{
    return new ConfabClient(m_endpoint, &m_directory, user, parent);
}

bool ConfabTarget::finish(QJsonObject *report, QString *error)
{
    if (!m_server)
        return true;
    const bool stopped = m_server->stop();
    if (!stopped)
        *error = m_server->errorString();
    // Everything confabd logged above info level is worth a look after a load run.
    static const QRegularExpression notable(u" (warning|critical|fatal) "_s);
    const QStringList lines = QString::fromUtf8(m_server->standardError()).split(u'\n');
    QJsonArray kept;
    qint64 count = 0;
    qint64 missedPings = 0;
    qint64 handshakeTimeouts = 0;
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
    report->insert("clean_stop"_L1, stopped);
    report->insert("log_warnings"_L1, count);
    report->insert("log_lines"_L1, kept);
    report->insert("dropped_after_missed_pings"_L1, missedPings);
    report->insert("handshake_timeouts"_L1, handshakeTimeouts);
    m_server.reset();
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
