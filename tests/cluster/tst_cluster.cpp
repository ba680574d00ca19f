// Several confabd nodes on one PostgreSQL, behind a real HAProxy: users connected to
// different nodes see one chat, each room complete and in sequence order.

#include "HaProxy.h"
#include "HttpsGet.h"
#include "Reply.h"
#include "ServerProcess.h"
#include "TestClient.h"
#include "Wait.h"
#include "protocol/Operations.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QtTest>

#include <memory>

namespace confab::test {

using namespace Qt::StringLiterals;
namespace op = protocol::op;
namespace push = protocol::push;

namespace {

const QString kPassword = u"correct horse battery staple"_s;
const QString kConfig = u"[limits]\nrequests_per_second=100000\nrequest_burst=100000\n"
                        u"[security]\nscrypt_log2_n=14\n"_s;
constexpr int kNodes = 3;

// The events of one room as one client receives them, kept across waits.
class RoomFeed
{
public:
    RoomFeed(TestClient &client, qint64 room)
        : m_client(client)
        , m_room(room)
    { }

    // Waits until count events arrived; then they must be seq 1..count in that order.
    QString problemAfter(qsizetype count)
    {
        waitUntil(
            [&] {
                take();
                return m_events.size() >= count;
            },
            TestClient::kTimeout);
        if (m_events.size() != count) {
            QStringList seqs;
            for (const QJsonObject &event : std::as_const(m_events))
                seqs << QString::number(event.value("seq"_L1).toInteger());
            return u"%1 received %2 of %3 events: seq %4"_s.arg(m_client.userName())
                .arg(m_events.size())
                .arg(count)
                .arg(seqs.join(u' '));
        }
        for (qsizetype i = 0; i < count; ++i) {
            const qint64 seq = m_events.at(i).value("seq"_L1).toInteger();
            if (seq != i + 1)
                return u"%1 received seq %2 as event %3 (expected %4)"_s.arg(m_client.userName())
                    .arg(seq)
                    .arg(i + 1)
                    .arg(i + 1);
        }
        return {};
    }

    const QList<QJsonObject> &events() const { return m_events; }

private:
    void take()
    {
        for (const QJsonObject &event : m_client.takePushes(push::Event)) {
            if (event.value("room"_L1).toInteger() == m_room)
                m_events.append(event);
        }
    }

    TestClient &m_client;
    qint64 m_room;
    QList<QJsonObject> m_events;
};

} // namespace

class tst_Cluster : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void everyNodeIsReady();
    void usersOnTwoNodesChat();
    void editsAndDeletesReachOtherNodes();
    void largeMessagesTravelByReference();
    void joinsTypingReadsAndInvitationsReachOtherNodes();
    void userOnTwoNodesIsOnePresence();
    void killedNodesUsersGoOfflineEverywhere();
    void threeNodesBehindHaProxyKeepEachRoomInOrder();
    void busReconnectsAndCatchesUp();
    void storeReconnectsAndSendsSucceed();
    void requestsRightAfterAStoreCutSucceed();
    void killedNodesClientsResumeThroughHaProxy();
    void drainingNodeReportsNotReadyThenClosesWith1001();

private:
    std::unique_ptr<TestClient> connectDirectly(int node, const QString &name, QString *error);
    std::unique_ptr<TestClient> connectThroughProxy(const QString &name, QString *error);
    qint64 sharedRoom(TestClient &owner, const QList<TestClient *> &members, const QString &name);
    static QString presenceIn(TestClient &viewer, qint64 room, qint64 userId);
    int terminateConnections(const QString &applicationName);

    QList<std::shared_ptr<ServerProcess>> m_nodes;
    std::unique_ptr<HaProxy> m_proxy;
    int m_userCount = 0;
};

void tst_Cluster::initTestCase()
{
    if (qEnvironmentVariable("CONFAB_TEST_BACKEND") != "postgres"_L1)
        QFAIL("A cluster shares one PostgreSQL database: run with CONFAB_TEST_BACKEND=postgres "
              "(ctest does) and CONFAB_TEST_POSTGRES_URL.");
    for (int i = 0; i < kNodes; ++i) {
        auto node = std::make_shared<ServerProcess>(
            kConfig, QStringList { u"--node-id"_s, u"node%1"_s.arg(i + 1) });
        if (i > 0)
            QVERIFY2(node->joinClusterOf(*m_nodes.first()), qPrintable(node->errorString()));
        QVERIFY2(node->start(), qPrintable(node->errorString()));
        m_nodes.append(node);
    }
    QList<quint16> ports;
    for (const auto &node : std::as_const(m_nodes))
        ports.append(node->port());
    m_proxy = std::make_unique<HaProxy>();
    QVERIFY2(m_proxy->start(ports), qPrintable(m_proxy->errorString()));
}

void tst_Cluster::cleanup()
{
    if (QTest::currentTestFailed()) {
        for (const auto &node : std::as_const(m_nodes))
            node->printDiagnostics();
        if (m_proxy)
            m_proxy->printDiagnostics();
    }
}

void tst_Cluster::cleanupTestCase()
{
    if (m_proxy)
        QVERIFY2(m_proxy->stop(), qPrintable(m_proxy->errorString()));
    for (const auto &node : std::as_const(m_nodes))
        QVERIFY2(node->stop(), qPrintable(node->errorString()));
    m_nodes.clear();
}

std::unique_ptr<TestClient> tst_Cluster::connectDirectly(int node, const QString &name,
                                                         QString *error)
{
    return TestClient::registered(*m_nodes.at(node), u"%1%2"_s.arg(name).arg(++m_userCount),
                                  kPassword, error);
}

std::unique_ptr<TestClient> tst_Cluster::connectThroughProxy(const QString &name, QString *error)
{
    auto client = std::make_unique<TestClient>(m_proxy->url(), m_nodes.first()->certificate());
    if (!client->connectToServer()) {
        *error = client->errorString();
        return nullptr;
    }
    const Reply reply = client->registerUser(u"%1%2"_s.arg(name).arg(++m_userCount), kPassword);
    if (!reply.isOk()) {
        *error = QString::fromUtf8(reply.describe());
        return nullptr;
    }
    return client;
}

// Returns 0 after recording a failure.
qint64 tst_Cluster::sharedRoom(TestClient &owner, const QList<TestClient *> &members,
                               const QString &name)
{
    const Reply created = owner.request(op::CreateRoom, { { "name"_L1, name } });
    [&] { CONFAB_VERIFY_OK(created); }();
    if (QTest::currentTestFailed())
        return 0;
    const qint64 room = created.roomId();
    for (TestClient *member : members) {
        const Reply joined = member->request(op::Join, { { "room"_L1, room } });
        [&] { CONFAB_VERIFY_OK(joined); }();
        if (QTest::currentTestFailed())
            return 0;
    }
    return room;
}

// A member's presence as the members list shows it to viewer; empty after a failure.
QString tst_Cluster::presenceIn(TestClient &viewer, qint64 room, qint64 userId)
{
    const Reply reply = viewer.request(op::Members, { { "room"_L1, room } });
    if (!reply.isOk())
        return {};
    for (const auto &member : reply.result().value("members"_L1).toArray()) {
        if (member.toObject().value("id"_L1).toInteger() == userId)
            return member.toObject().value("presence"_L1).toString();
    }
    return {};
}

// Ends the cluster database's connections that carry this application_name, as a PostgreSQL
// restart does; returns how many there were, or -1 after recording a failure.
int tst_Cluster::terminateConnections(const QString &applicationName)
{
    const QUrl url(m_nodes.first()->databaseUrl());
    int terminated = -1;
    [&] {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, u"cluster-admin"_s);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName());
        db.setPassword(url.password());
        db.setDatabaseName(url.path().mid(1));
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        QSqlQuery query(db);
        QVERIFY(query.prepare(u"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE application_name = ? AND datname = current_database()"_s));
        query.addBindValue(applicationName);
        QVERIFY2(query.exec() && query.next(), qPrintable(query.lastError().text()));
        terminated = query.value(0).toInt();
    }();
    QSqlDatabase::removeDatabase(u"cluster-admin"_s);
    return terminated;
}

void tst_Cluster::everyNodeIsReady()
{
    for (const auto &node : std::as_const(m_nodes)) {
        const HttpResponse response = httpsGet(*node, u"/readyz"_s);
        QVERIFY2(response.status != 0, qPrintable(response.error));
        QCOMPARE(response.status, 200);
        const QJsonObject body = QJsonDocument::fromJson(response.body).object();
        QCOMPARE(body.value("status"_L1).toString(), u"ready"_s);
        const QJsonObject checks = body.value("checks"_L1).toObject();
        QCOMPARE(checks.value("database"_L1), QJsonValue(true));
        QCOMPARE(checks.value("bus"_L1), QJsonValue(true));
        QCOMPARE(checks.value("draining"_L1), QJsonValue(false));
    }
}

void tst_Cluster::usersOnTwoNodesChat()
{
    QString error;
    auto alice = connectDirectly(0, u"alice"_s, &error);
    QVERIFY2(alice, qPrintable(error));
    auto bob = connectDirectly(1, u"bob"_s, &error);
    QVERIFY2(bob, qPrintable(error));
    const qint64 room = sharedRoom(*alice, { bob.get() }, u"two nodes"_s);
    QVERIFY(room > 0);

    // Both send at once without waiting, so the two nodes' commits interleave in the room.
    constexpr int kEach = 100;
    QList<QJsonValue> requests;
    QSet<QString> sent;
    for (int i = 0; i < kEach; ++i) {
        for (TestClient *client : { alice.get(), bob.get() }) {
            const QString clientId = TestClient::newClientId();
            sent.insert(clientId);
            requests.append(
                client->post(op::Send,
                             { { "room"_L1, room },
                               { "text"_L1, u"%1 says %2"_s.arg(client->userName()).arg(i) },
                               { "client_id"_L1, clientId } }));
        }
    }
    for (qsizetype i = 0; i < requests.size(); ++i) {
        TestClient *client = i % 2 == 0 ? alice.get() : bob.get();
        CONFAB_VERIFY_OK(client->waitForReply(requests.at(i)));
    }

    for (TestClient *client : { alice.get(), bob.get() }) {
        RoomFeed feed(*client, room);
        const QString problem = feed.problemAfter(2 * kEach);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QSet<QString> received;
        for (const QJsonObject &event : feed.events())
            received.insert(event.value("client_id"_L1).toString());
        QCOMPARE(received, sent);
        QVERIFY2(client->expectNoPush(push::Event, std::chrono::milliseconds(300),
                                      [room](const QJsonObject &data) {
                                          return data.value("room"_L1).toInteger() == room;
                                      }),
                 "an event arrived twice");
    }
}

void tst_Cluster::editsAndDeletesReachOtherNodes()
{
    QString error;
    auto alice = connectDirectly(0, u"alice"_s, &error);
    QVERIFY2(alice, qPrintable(error));
    auto bob = connectDirectly(2, u"bob"_s, &error);
    QVERIFY2(bob, qPrintable(error));
    const qint64 room = sharedRoom(*alice, { bob.get() }, u"changes"_s);
    QVERIFY(room > 0);

    CONFAB_VERIFY_OK(alice->send(room, u"teh typo"_s));
    QVERIFY(bob->waitForPush(push::Event, TestClient::eventAt(room, 1)));
    CONFAB_VERIFY_OK(alice->request(
        op::Edit, { { "room"_L1, room }, { "seq"_L1, 1 }, { "text"_L1, u"the typo"_s } }));
    const auto edit = bob->waitForPush(push::Event, TestClient::eventAt(room, 2));
    QVERIFY2(edit, "the edit did not reach the other node's member");
    QCOMPARE(edit->value("kind"_L1).toString(), u"edit"_s);
    QCOMPARE(edit->value("target_seq"_L1).toInteger(), 1);
    QCOMPARE(edit->value("text"_L1).toString(), u"the typo"_s);

    CONFAB_VERIFY_OK(alice->request(op::Delete, { { "room"_L1, room }, { "seq"_L1, 1 } }));
    const auto deletion = bob->waitForPush(push::Event, TestClient::eventAt(room, 3));
    QVERIFY2(deletion, "the deletion did not reach the other node's member");
    QCOMPARE(deletion->value("kind"_L1).toString(), u"delete"_s);
    QCOMPARE(deletion->value("target_seq"_L1).toInteger(), 1);
}

void tst_Cluster::largeMessagesTravelByReference()
{
    QString error;
    auto alice = connectDirectly(1, u"alice"_s, &error);
    QVERIFY2(alice, qPrintable(error));
    auto bob = connectDirectly(2, u"bob"_s, &error);
    QVERIFY2(bob, qPrintable(error));
    const qint64 room = sharedRoom(*alice, { bob.get() }, u"large"_s);
    QVERIFY(room > 0);

    // Over PostgreSQL's 8000-byte limit for a notification, once as ASCII and once as text
    // of multi-byte characters.
    const QString ascii = QString(12'000, u'a');
    const QString wide = QString(3'000, QChar(0x00e9)) + QString(1'000, QChar(0x4e2d));
    CONFAB_VERIFY_OK(alice->send(room, ascii));
    CONFAB_VERIFY_OK(alice->send(room, u"small"_s));
    CONFAB_VERIFY_OK(alice->send(room, wide));
    RoomFeed feed(*bob, room);
    const QString problem = feed.problemAfter(3);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(feed.events().at(0).value("text"_L1).toString(), ascii);
    QCOMPARE(feed.events().at(1).value("text"_L1).toString(), u"small"_s);
    QCOMPARE(feed.events().at(2).value("text"_L1).toString(), wide);
}

void tst_Cluster::joinsTypingReadsAndInvitationsReachOtherNodes()
{
    QString error;
    auto alice = connectDirectly(0, u"alice"_s, &error);
    QVERIFY2(alice, qPrintable(error));
    auto bob = connectDirectly(1, u"bob"_s, &error);
    QVERIFY2(bob, qPrintable(error));
    auto carol = connectDirectly(2, u"carol"_s, &error);
    QVERIFY2(carol, qPrintable(error));
    const Reply created = alice->request(op::CreateRoom, { { "name"_L1, u"corridor"_s } });
    CONFAB_VERIFY_OK(created);
    const qint64 room = created.roomId();
    auto fromUser = [](qint64 room, qint64 userId) {
        return [room, userId](const QJsonObject &data) {
            return data.value("room"_L1).toInteger() == room
                && data.value("user"_L1).toObject().value("id"_L1).toInteger() == userId;
        };
    };

    CONFAB_VERIFY_OK(bob->request(op::Join, { { "room"_L1, room } }));
    QVERIFY2(alice->waitForPush(push::MemberJoined, fromUser(room, bob->userId())),
             alice->describeQueuedPushes().constData());
    // Bob is now a member on his node too: what Alice sends reaches him there.
    CONFAB_VERIFY_OK(alice->send(room, u"welcome"_s));
    QVERIFY(bob->waitForPush(push::Event, TestClient::eventAt(room, 1)));

    CONFAB_VERIFY_OK(bob->request(op::Typing, { { "room"_L1, room }, { "active"_L1, true } }));
    const auto typing = alice->waitForPush(push::Typing, fromUser(room, bob->userId()));
    QVERIFY2(typing, alice->describeQueuedPushes().constData());
    QCOMPARE(typing->value("active"_L1), QJsonValue(true));
    QVERIFY2(bob->expectNoPush(push::Typing, std::chrono::milliseconds(300)),
             "the typist heard his own typing");

    CONFAB_VERIFY_OK(bob->request(op::Read, { { "room"_L1, room }, { "seq"_L1, 1 } }));
    const auto read = alice->waitForPush(push::Read, fromUser(room, bob->userId()));
    QVERIFY2(read, alice->describeQueuedPushes().constData());
    QCOMPARE(read->value("seq"_L1).toInteger(), 1);

    QCOMPARE(presenceIn(*alice, room, bob->userId()), u"online"_s);
    CONFAB_VERIFY_OK(bob->request(op::Presence, { { "status"_L1, u"away"_s } }));
    const auto away = alice->waitForPush(push::Presence, [&](const QJsonObject &data) {
        return data.value("user"_L1).toObject().value("id"_L1).toInteger() == bob->userId();
    });
    QVERIFY2(away, alice->describeQueuedPushes().constData());
    QCOMPARE(away->value("status"_L1).toString(), u"away"_s);
    QCOMPARE(presenceIn(*alice, room, bob->userId()), u"away"_s);

    const Reply secret = alice->request(
        op::CreateRoom, { { "name"_L1, u"back office"_s }, { "visibility"_L1, u"private"_s } });
    CONFAB_VERIFY_OK(secret);
    CONFAB_VERIFY_OK(alice->request(
        op::Invite, { { "room"_L1, secret.roomId() }, { "user"_L1, carol->userName() } }));
    const auto invited = carol->waitForPush(push::Invited);
    QVERIFY2(invited, carol->describeQueuedPushes().constData());
    QCOMPARE(invited->value("room"_L1).toObject().value("id"_L1).toInteger(), secret.roomId());

    CONFAB_VERIFY_OK(bob->request(op::Leave, { { "room"_L1, room } }));
    QVERIFY2(alice->waitForPush(push::MemberLeft, fromUser(room, bob->userId())),
             alice->describeQueuedPushes().constData());
    CONFAB_VERIFY_OK(alice->send(room, u"after you left"_s));
    QVERIFY2(bob->expectNoPush(push::Event, std::chrono::milliseconds(500),
                               TestClient::eventAt(room, 2)),
             "a user who left still receives the room's messages on his node");
}

void tst_Cluster::userOnTwoNodesIsOnePresence()
{
    QString error;
    auto alice = connectDirectly(0, u"alice"_s, &error);
    QVERIFY2(alice, qPrintable(error));
    auto dave = connectDirectly(1, u"dave"_s, &error);
    QVERIFY2(dave, qPrintable(error));
    const qint64 room = sharedRoom(*alice, { dave.get() }, u"two screens"_s);
    QVERIFY(room > 0);
    auto aboutDave = [&](const QJsonObject &data) {
        return data.value("user"_L1).toObject().value("id"_L1).toInteger() == dave->userId();
    };

    // Dave's second device, on another node.
    auto laptop = TestClient::resumed(*m_nodes.at(2), dave->token(), &error);
    QVERIFY2(laptop, qPrintable(error));
    // Each node's announcements arrive in the order it made them: once Alice hears the laptop
    // typing, her node knows the laptop is there.
    CONFAB_VERIFY_OK(laptop->request(op::Typing, { { "room"_L1, room }, { "active"_L1, true } }));
    QVERIFY2(alice->waitForPush(push::Typing, aboutDave),
             alice->describeQueuedPushes().constData());
    // Closing the first device leaves Dave online: the laptop still has him.
    dave->close();
    QVERIFY(dave->waitForDisconnected());
    QVERIFY2(alice->expectNoPush(push::Presence, std::chrono::milliseconds(1000), aboutDave),
             "a user with a connection left on another node was announced offline");
    QCOMPARE(presenceIn(*alice, room, laptop->userId()), u"online"_s);

    laptop->close();
    QVERIFY(laptop->waitForDisconnected());
    const auto offline = alice->waitForPush(push::Presence, aboutDave);
    QVERIFY2(offline, alice->describeQueuedPushes().constData());
    QCOMPARE(offline->value("status"_L1).toString(), u"offline"_s);
    QCOMPARE(presenceIn(*alice, room, laptop->userId()), u"offline"_s);
}

void tst_Cluster::killedNodesUsersGoOfflineEverywhere()
{
    ServerProcess doomed(kConfig, { u"--node-id"_s, u"doomed"_s });
    QVERIFY2(doomed.joinClusterOf(*m_nodes.first()), qPrintable(doomed.errorString()));
    QVERIFY2(doomed.start(), qPrintable(doomed.errorString()));
    QString error;
    auto alice = connectDirectly(0, u"alice"_s, &error);
    QVERIFY2(alice, qPrintable(error));
    auto erin = TestClient::registered(doomed, u"erin%1"_s.arg(++m_userCount), kPassword, &error);
    QVERIFY2(erin, qPrintable(error));
    const qint64 room = sharedRoom(*alice, { erin.get() }, u"fragile"_s);
    QVERIFY(room > 0);
    // A node that starts later learns who is online from the others' snapshots.
    auto late = connectDirectly(1, u"late"_s, &error);
    QVERIFY2(late, qPrintable(error));
    CONFAB_VERIFY_OK(late->request(op::Join, { { "room"_L1, room } }));
    QTRY_COMPARE_WITH_TIMEOUT(presenceIn(*late, room, erin->userId()), u"online"_s, 10'000);

    QVERIFY2(doomed.kill(), qPrintable(doomed.errorString()));
    // No goodbye from a killed node: its heartbeat lapses, and every other node then takes
    // its users for offline.
    for (TestClient *client : { alice.get(), late.get() }) {
        const auto offline = client->waitForPush(push::Presence, [&](const QJsonObject &data) {
            return data.value("user"_L1).toObject().value("id"_L1).toInteger() == erin->userId();
        });
        QVERIFY2(offline, client->describeQueuedPushes().constData());
        QCOMPARE(offline->value("status"_L1).toString(), u"offline"_s);
        QCOMPARE(presenceIn(*client, room, erin->userId()), u"offline"_s);
    }
}

void tst_Cluster::threeNodesBehindHaProxyKeepEachRoomInOrder()
{
    QString error;
    QList<std::shared_ptr<TestClient>> clients;
    for (int i = 0; i < kNodes * 2; ++i) {
        auto client = connectThroughProxy(u"user"_s, &error);
        QVERIFY2(client, qPrintable(error));
        clients.append(std::move(client));
    }
    QList<TestClient *> members;
    for (qsizetype i = 1; i < clients.size(); ++i)
        members.append(clients.at(i).get());
    const qint64 room = sharedRoom(*clients.first(), members, u"three nodes"_s);
    QVERIFY(room > 0);

    constexpr int kEach = 40;
    QList<std::pair<TestClient *, QJsonValue>> requests;
    QSet<QString> sent;
    for (int i = 0; i < kEach; ++i) {
        for (const auto &client : std::as_const(clients)) {
            const QString clientId = TestClient::newClientId();
            sent.insert(clientId);
            requests.append({ client.get(),
                              client->post(op::Send,
                                           { { "room"_L1, room },
                                             { "text"_L1, u"message %1"_s.arg(i) },
                                             { "client_id"_L1, clientId } }) });
        }
    }
    for (const auto &[client, id] : std::as_const(requests))
        CONFAB_VERIFY_OK(client->waitForReply(id));

    for (const auto &client : std::as_const(clients)) {
        RoomFeed feed(*client, room);
        const QString problem = feed.problemAfter(sent.size());
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QSet<QString> received;
        for (const QJsonObject &event : feed.events())
            received.insert(event.value("client_id"_L1).toString());
        QCOMPARE(received, sent);
    }
}

// Cuts every node's bus connection the way a PostgreSQL restart or a network cut does, while
// messages keep coming: each node connects again, LISTENs again and catches up from the
// database what it missed meanwhile.
void tst_Cluster::busReconnectsAndCatchesUp()
{
    QString error;
    auto alice = connectDirectly(0, u"alice"_s, &error);
    QVERIFY2(alice, qPrintable(error));
    auto bob = connectDirectly(1, u"bob"_s, &error);
    QVERIFY2(bob, qPrintable(error));
    const qint64 room = sharedRoom(*alice, { bob.get() }, u"bus cut"_s);
    QVERIFY(room > 0);
    CONFAB_VERIFY_OK(alice->send(room, u"before the cut"_s));

    QCOMPARE(terminateConnections(u"confabd-bus"_s), kNodes);

    constexpr int kCount = 30;
    for (int i = 1; i <= kCount; ++i)
        CONFAB_VERIFY_OK(alice->send(room, u"after the cut %1"_s.arg(i)));
    for (const auto &node : std::as_const(m_nodes)) {
        QVERIFY2(
            waitUntil([&] { return node->standardError().contains("bus connection restored"); },
                      TestClient::kTimeout),
            "a node did not connect its bus again");
    }
    RoomFeed feed(*bob, room);
    const QString problem = feed.problemAfter(kCount + 1);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(feed.events().last().value("text"_L1).toString(), u"after the cut %1"_s.arg(kCount));
    QCOMPARE(httpsGet(*m_nodes.at(1), u"/readyz"_s).status, 200);
}

// Cuts every node's store connection: the sends that meet the dead connection are committed
// on a new one, and nobody sees a failure.
void tst_Cluster::storeReconnectsAndSendsSucceed()
{
    QString error;
    auto alice = connectDirectly(0, u"alice"_s, &error);
    QVERIFY2(alice, qPrintable(error));
    auto bob = connectDirectly(1, u"bob"_s, &error);
    QVERIFY2(bob, qPrintable(error));
    const qint64 room = sharedRoom(*alice, { bob.get() }, u"store cut"_s);
    QVERIFY(room > 0);
    CONFAB_VERIFY_OK(alice->send(room, u"before the cut"_s));

    QCOMPARE(terminateConnections(u"confabd"_s), kNodes);
    constexpr int kCount = 20;
    for (int i = 1; i <= kCount; ++i) {
        CONFAB_VERIFY_OK(alice->send(room, u"after the cut %1"_s.arg(i)));
        CONFAB_VERIFY_OK(bob->send(room, u"reply %1"_s.arg(i)));
    }
    QVERIFY(m_nodes.at(0)->standardError().contains("lost the database connection"));
    for (TestClient *client : { alice.get(), bob.get() }) {
        RoomFeed feed(*client, room);
        const QString problem = feed.problemAfter(1 + 2 * kCount);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
}

// Cuts the store connections right after requests on two nodes: the next requests there (a
// history page, a sign-up) are the first to meet the dead connections, and neither fails.
void tst_Cluster::requestsRightAfterAStoreCutSucceed()
{
    QString error;
    auto alice = connectDirectly(0, u"alice"_s, &error);
    QVERIFY2(alice, qPrintable(error));
    const qint64 room = sharedRoom(*alice, {}, u"cut before a read"_s);
    QVERIFY(room > 0);
    CONFAB_VERIFY_OK(alice->send(room, u"before the cut"_s));
    auto bob = connectDirectly(1, u"bob"_s, &error);
    QVERIFY2(bob, qPrintable(error));
    const auto cutsSeen = [this](int node) {
        return m_nodes.at(node)->standardError().count("lost the database connection");
    };
    const qsizetype seenOnFirst = cutsSeen(0);
    const qsizetype seenOnSecond = cutsSeen(1);

    // A node that has had no request since an earlier cut has no connection to cut.
    QVERIFY(terminateConnections(u"confabd"_s) >= 2);
    const Reply history = alice->request(op::History, { { "room"_L1, room }, { "limit"_L1, 1 } });
    CONFAB_VERIFY_OK(history);
    const QJsonArray messages = history.result().value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.first().toObject().value("text"_L1).toString(), u"before the cut"_s);
    auto carol = connectDirectly(1, u"carol"_s, &error);
    QVERIFY2(carol, qPrintable(error));
    QCOMPARE(cutsSeen(0), seenOnFirst + 1);
    QCOMPARE(cutsSeen(1), seenOnSecond + 1);
}

// Runs after the tests that need every node: the last node stays dead.
void tst_Cluster::killedNodesClientsResumeThroughHaProxy()
{
    constexpr int kCount = 200;
    ServerProcess &victim = *m_nodes.last();
    QString error;
    auto sam = connectDirectly(kNodes - 1, u"sam"_s, &error);
    QVERIFY2(sam, qPrintable(error));
    auto ann = connectDirectly(0, u"ann"_s, &error);
    QVERIFY2(ann, qPrintable(error));
    auto ben = connectDirectly(1, u"ben"_s, &error);
    QVERIFY2(ben, qPrintable(error));
    const qint64 room = sharedRoom(*sam, { ann.get(), ben.get() }, u"power cut"_s);
    QVERIFY(room > 0);

    // A steady stream with a window of sends in flight; the writer's node dies at the 50th
    // acknowledgement, while the sends in the window may be anywhere between the socket and
    // the disk.
    constexpr int kWindow = 20;
    constexpr int kKillAt = 50;
    QList<std::pair<QJsonValue, QString>> requests; // request id, client_id
    QHash<QString, QString> texts; // client_id -> text
    auto postNext = [&] {
        const QString clientId = TestClient::newClientId();
        const QString text = u"durable message %1"_s.arg(requests.size() + 1);
        texts.insert(clientId, text);
        requests.append(
            { sam->post(op::Send,
                        { { "room"_L1, room }, { "client_id"_L1, clientId }, { "text"_L1, text } }),
              clientId });
    };
    QHash<QString, qint64> acknowledged; // client_id -> seq
    auto collect = [&](const Reply &reply, const QString &clientId) {
        CONFAB_VERIFY_OK(reply);
        acknowledged.insert(clientId, reply.result().value("seq"_L1).toInteger());
    };
    for (int i = 0; i < kWindow; ++i)
        postNext();
    for (qsizetype i = 0; i < kKillAt; ++i) {
        collect(sam->waitForReply(requests.at(i).first), requests.at(i).second);
        QVERIFY(!QTest::currentTestFailed());
        postNext();
    }
    QVERIFY2(victim.kill(), qPrintable(victim.errorString()));
    for (qsizetype i = kKillAt; i < requests.size(); ++i) {
        const Reply reply = sam->waitForReply(requests.at(i).first);
        if (reply.received())
            collect(reply, requests.at(i).second);
        QVERIFY(!QTest::currentTestFailed());
    }
    // The rest of the stream, which the client's outbox holds until it is connected again.
    while (requests.size() < kCount) {
        const QString clientId = TestClient::newClientId();
        texts.insert(clientId, u"durable message %1"_s.arg(requests.size() + 1));
        requests.append({ QJsonValue(), clientId });
    }
    QVERIFY(sam->waitForDisconnected());
    qInfo("%lld of the %d sends made before the node died were acknowledged",
          qint64(acknowledged.size()), kWindow + kKillAt);

    // The client comes back through the load balancer, which sends it to a live node, and
    // its outbox sends again what was never acknowledged.
    const QString token = sam->token();
    // Until HAProxy's checks mark the dead node down, a connection may still be sent there
    // and closed; the client then tries again after a short backoff, as the real client does.
    constexpr int kAttempts = 20;
    constexpr std::chrono::milliseconds kBackoff { 250 };
    for (int attempt = 1;; ++attempt) {
        sam = std::make_unique<TestClient>(m_proxy->url(), m_nodes.first()->certificate());
        if (sam->connectToServer())
            break;
        QVERIFY2(attempt < kAttempts, qPrintable(sam->errorString()));
        runEventLoopFor(kBackoff);
    }
    CONFAB_VERIFY_OK(sam->resume(token));
    for (const auto &[id, clientId] : std::as_const(requests)) {
        if (acknowledged.contains(clientId))
            continue;
        collect(sam->send(room, texts.value(clientId), clientId), clientId);
        QVERIFY(!QTest::currentTestFailed());
    }
    QCOMPARE(acknowledged.size(), kCount);
    QCOMPARE(QSet<qint64>(acknowledged.cbegin(), acknowledged.cend()).size(), kCount);

    // Members on the surviving nodes saw every message once, in order, with the sequence
    // number its sender was given.
    for (TestClient *client : { ann.get(), ben.get() }) {
        RoomFeed feed(*client, room);
        const QString problem = feed.problemAfter(kCount);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        for (const QJsonObject &event : feed.events()) {
            const QString clientId = event.value("client_id"_L1).toString();
            QVERIFY2(acknowledged.contains(clientId), qPrintable(clientId));
            QCOMPARE(event.value("seq"_L1).toInteger(), acknowledged.value(clientId));
            QCOMPARE(event.value("text"_L1).toString(), texts.value(clientId));
        }
        QVERIFY2(client->expectNoPush(push::Event, std::chrono::milliseconds(300),
                                      [room](const QJsonObject &data) {
                                          return data.value("room"_L1).toInteger() == room;
                                      }),
                 "an event arrived twice");
    }
}

void tst_Cluster::drainingNodeReportsNotReadyThenClosesWith1001()
{
    ServerProcess node(kConfig + u"[server]\ndrain_delay_ms=3000\n"_s);
    QVERIFY2(node.joinClusterOf(*m_nodes.first()), qPrintable(node.errorString()));
    QVERIFY2(node.start(), qPrintable(node.errorString()));
    QCOMPARE(httpsGet(node, u"/readyz"_s).status, 200);
    QString error;
    auto client = TestClient::registered(node, u"leaver"_s, kPassword, &error);
    QVERIFY2(client, qPrintable(error));

    node.terminate();
    QVERIFY2(
        waitUntil([&] { return httpsGet(node, u"/readyz"_s).status == 503; }, TestClient::kTimeout),
        "/readyz did not turn to 503 after SIGTERM");
    // Still serving while the load balancer catches up.
    QVERIFY(client->isConnected());
    QVERIFY(client->waitForDisconnected());
    QCOMPARE(client->closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    QVERIFY2(node.stop(), qPrintable(node.errorString()));
}

} // namespace confab::test

QTEST_GUILESS_MAIN(confab::test::tst_Cluster)
#include "tst_cluster.moc"
