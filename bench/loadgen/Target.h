#pragma once

#include "ChatClient.h"
#include "ConfabClient.h"
#include "MqttClient.h"
#include "Seeder.h"
#include "XmppClient.h"

#include <QJsonObject>
#include <QString>

#include <memory>
#include <vector>

namespace confab::test {
class HaProxy;
class ServerProcess;
} // namespace confab::test

namespace confab::bench {

// What one scenario needs from the server under test before its clients connect.
struct Plan
{
    QString scenario;
    Population population;
    qint64 archiveMessages = 0; // messages seeded into room 0 (confabd only)
};

// A chat server under measurement: confabd, which the generator starts itself for every
// scenario on a freshly seeded database (alone, or as several nodes on one PostgreSQL behind
// HAProxy), or a peer that the bench script started.
class Target
{
public:
    virtual ~Target() = default;

    virtual QString key() const = 0; // "confabd-sqlite", "ejabberd", "mosquitto"
    virtual QString title() const = 0;
    virtual bool supports(const QString &scenario) const = 0;
    virtual bool prepare(const Plan &plan, QString *error) = 0;
    // Every process that serves the clients: one, or the nodes of a cluster.
    virtual QList<qint64> serverPids() const = 0;
    // The load balancer in front of the nodes, measured on its own; 0 when there is none.
    virtual qint64 proxyPid() const { return 0; }
    // Connections each node holds, to show how the balancer spread them; empty for one node.
    virtual QList<int> connectionsPerNode() const { return {}; }
    // Called on the thread the client will live on; reads only what prepare() set up.
    virtual ChatClient *createClient(int user, QObject *parent) const = 0;
    // After the scenario's clients are gone: stops or checks the server, and describes what
    // its own log said.
    virtual bool finish(QJsonObject *report, QString *error) = 0;

    const Endpoint &endpoint() const { return m_endpoint; }

protected:
    Endpoint m_endpoint;
};

class ConfabTarget : public Target
{
public:
    // nodes > 1: that many confabd nodes on one PostgreSQL database with one TLS identity,
    // and the clients connecting through HAProxy (TCP mode, TLS passed through).
    ConfabTarget(QString backend, QString serverConfig, int nodes = 1);
    ~ConfabTarget() override;

    QString key() const override;
    QString title() const override;
    bool supports(const QString &) const override { return true; }
    bool prepare(const Plan &plan, QString *error) override;
    QList<qint64> serverPids() const override;
    qint64 proxyPid() const override;
    QList<int> connectionsPerNode() const override;
    ChatClient *createClient(int user, QObject *parent) const override;
    bool finish(QJsonObject *report, QString *error) override;

    const ConfabDirectory &directory() const { return m_directory; }

private:
    bool startCluster(int connections, QString *error);

    QString m_backend;
    QString m_serverConfig;
    int m_nodes;
    std::vector<std::unique_ptr<test::ServerProcess>> m_servers; // the first made the database
    std::unique_ptr<test::HaProxy> m_proxy;
    ConfabDirectory m_directory;
};

// A peer server already running: its address, certificate and process id come from the
// bench script.
struct PeerSettings
{
    QUrl url;
    QString certificateFile;
    qint64 pid = 0;
    QString version;
    // XMPP only
    QString domain = QStringLiteral("localhost");
    QString mucDomain = QStringLiteral("conference.localhost");
    QString password;
    int accounts = 0;
};

class XmppTarget : public Target
{
public:
    explicit XmppTarget(PeerSettings settings);
    QString key() const override { return QStringLiteral("ejabberd"); }
    QString title() const override;
    bool supports(const QString &scenario) const override;
    bool prepare(const Plan &plan, QString *error) override;
    QList<qint64> serverPids() const override { return { m_settings.pid }; }
    ChatClient *createClient(int user, QObject *parent) const override;
    bool finish(QJsonObject *report, QString *error) override;

private:
    PeerSettings m_settings;
    XmppDirectory m_directory;
    int m_round = 0;
};

class MqttTarget : public Target
{
public:
    explicit MqttTarget(PeerSettings settings);
    QString key() const override { return QStringLiteral("mosquitto"); }
    QString title() const override;
    bool supports(const QString &scenario) const override;
    bool prepare(const Plan &plan, QString *error) override;
    QList<qint64> serverPids() const override { return { m_settings.pid }; }
    ChatClient *createClient(int user, QObject *parent) const override;
    bool finish(QJsonObject *report, QString *error) override;

private:
    PeerSettings m_settings;
    MqttDirectory m_directory;
    int m_round = 0;
};

bool loadEndpoint(const QUrl &url, const QString &certificateFile, const QString &subprotocol,
                  Endpoint *endpoint, QString *error);

} // namespace confab::bench
