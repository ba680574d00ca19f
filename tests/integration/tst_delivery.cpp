// Delivery as the user experiences it across lost acknowledgements, reconnects, a killed
// server and a stopped one: every acknowledged message is there, exactly once, in order.

#include "EventChecks.h"
#include "Reply.h"
#include "ServerProcess.h"
#include "TestClient.h"
#include "protocol/Operations.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QSet>
#include <QtTest>

#include <algorithm>
#include <memory>

namespace confab::test {

using namespace Qt::StringLiterals;
namespace op = protocol::op;
namespace push = protocol::push;

namespace {

const QString kPassword = u"correct horse battery staple"_s;
const QString kFastConfig = u"[limits]\nrequests_per_second=100000\nrequest_burst=100000\n"_s;

struct SentMessage
{
    QString clientId;
    QString text;
};

} // namespace

class tst_Delivery : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void resendingAClientIdStoresTheMessageOnce();
    void resumeAndSyncDeliverExactlyTheGap();
    void syncOfARoomOneIsNotInIsRefused();
    void acknowledgedMessagesSurviveAKilledServer();
    void gracefulStopClosesConnectionsWithGoingAway();

private:
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<TestClient> m_ann;
    std::unique_ptr<TestClient> m_ben;
    std::unique_ptr<TestClient> m_cat;
    qint64 m_gapRoom = 0;
    // A server of a test function's own, for what would disturb the others.
    std::unique_ptr<ServerProcess> m_ownServer;
};

void tst_Delivery::initTestCase()
{
    m_server = std::make_unique<ServerProcess>(kFastConfig);
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));

    QString error;
    m_ann = TestClient::registered(*m_server, u"ann"_s, kPassword, &error);
    QVERIFY2(m_ann, qPrintable(error));
    m_ben = TestClient::registered(*m_server, u"ben"_s, kPassword, &error);
    QVERIFY2(m_ben, qPrintable(error));
    m_cat = TestClient::registered(*m_server, u"cat"_s, kPassword, &error);
    QVERIFY2(m_cat, qPrintable(error));
}

void tst_Delivery::cleanup()
{
    for (auto *client : { m_ann.get(), m_ben.get(), m_cat.get() }) {
        if (client)
            QVERIFY2(client->protocolViolations().isEmpty(),
                     qPrintable(client->protocolViolations().join(u'\n')));
    }
    if (QTest::currentTestFailed()) {
        m_server->printDiagnostics();
        if (m_ownServer)
            m_ownServer->printDiagnostics();
    }
    m_ownServer.reset();
}

void tst_Delivery::cleanupTestCase()
{
    m_ann.reset();
    m_ben.reset();
    m_cat.reset();
    if (m_server)
        QVERIFY2(m_server->stop(), qPrintable(m_server->errorString()));
}

void tst_Delivery::resendingAClientIdStoresTheMessageOnce()
{
    const Reply created = m_cat->request(op::CreateRoom, { { "name"_L1, u"retries"_s } });
    CONFAB_VERIFY_OK(created);
    const qint64 room = created.roomId();
    CONFAB_VERIFY_OK(m_ben->request(op::Join, { { "room"_L1, room } }));

    const QString clientId = TestClient::newClientId();
    const QString text = u"This must arrive once, however often it is sent."_s;
    const Reply first = m_cat->send(room, text, clientId);
    CONFAB_VERIFY_OK(first);
    QCOMPARE(first.result().value("duplicate"_L1), QJsonValue(false));
    const qint64 seq = first.result().value("seq"_L1).toInteger();
    QCOMPARE(seq, 1);

    // As after a lost acknowledgement: the same send again.
    const Reply again = m_cat->send(room, text, clientId);
    CONFAB_VERIFY_OK(again);
    QCOMPARE(again.result().value("duplicate"_L1), QJsonValue(true));
    QCOMPARE(again.result().value("seq"_L1).toInteger(), seq);
    QCOMPARE(again.result().value("room"_L1).toInteger(), room);

    // As after a reconnect.
    QString error;
    auto reconnected = TestClient::resumed(*m_server, m_cat->token(), &error);
    QVERIFY2(reconnected, qPrintable(error));
    const Reply afterReconnect = reconnected->send(room, text, clientId);
    CONFAB_VERIFY_OK(afterReconnect);
    QCOMPARE(afterReconnect.result().value("duplicate"_L1), QJsonValue(true));
    QCOMPARE(afterReconnect.result().value("seq"_L1).toInteger(), seq);

    // The id is unique per sender: another sender's message with it is a message of its own.
    const Reply other = m_ben->send(room, u"Same id, different sender."_s, clientId);
    CONFAB_VERIFY_OK(other);
    QCOMPARE(other.result().value("duplicate"_L1), QJsonValue(false));
    QCOMPARE(other.result().value("seq"_L1).toInteger(), seq + 1);

    const Reply history = m_ben->request(op::History, { { "room"_L1, room } });
    CONFAB_VERIFY_OK(history);
    const QJsonArray messages = history.result().value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 2);
    CONFAB_VERIFY_MESSAGE(messages.at(1).toObject(), room, seq, m_cat->user(), text);
    QCOMPARE(messages.at(1).toObject().value("client_id"_L1).toString(), clientId);
    CONFAB_VERIFY_MESSAGE(messages.at(0).toObject(), room, seq + 1, m_ben->user(),
                          u"Same id, different sender."_s);
}

void tst_Delivery::resumeAndSyncDeliverExactlyTheGap()
{
    const Reply created
        = m_ben->request(op::CreateRoom, { { "name"_L1, u"while you were away"_s } });
    CONFAB_VERIFY_OK(created);
    const qint64 room = created.roomId();
    m_gapRoom = room;
    CONFAB_VERIFY_OK(m_ann->request(op::Join, { { "room"_L1, room } }));

    for (int i = 1; i <= 3; ++i)
        CONFAB_VERIFY_OK(m_ben->send(room, u"before the gap %1"_s.arg(i)));
    QVERIFY2(m_ann->waitForPush(push::Event, TestClient::eventAt(room, 3)),
             "ann did not see the first messages");
    const qint64 lastSeen = 3;
    const QString token = m_ann->token();
    const QJsonObject annUser = m_ann->user();

    m_ann->close();
    QVERIFY(m_ann->waitForDisconnected());

    QList<QPair<qint64, QString>> missed;
    for (int i = 1; i <= 20; ++i) {
        const QString text = u"missed message %1"_s.arg(i);
        const Reply sent = m_ben->send(room, text);
        CONFAB_VERIFY_OK(sent);
        missed.append({ sent.result().value("seq"_L1).toInteger(), text });
    }

    m_ann = std::make_unique<TestClient>(*m_server);
    QVERIFY2(m_ann->connectToServer(), qPrintable(m_ann->errorString()));
    const Reply resumed = m_ann->resume(token);
    CONFAB_VERIFY_OK(resumed);
    QVERIFY(sameUser(resumed.result().value("user"_L1), annUser));
    QVERIFY2(resumed.result().value("expires_at"_L1).toInteger()
                 > QDateTime::currentMSecsSinceEpoch(),
             resumed.describe().constData());

    const Reply sync = m_ann->request(
        op::Sync, { { "since"_L1, QJsonObject { { QString::number(room), lastSeen } } } });
    CONFAB_VERIFY_OK(sync);
    const QJsonArray rooms = sync.result().value("rooms"_L1).toArray();
    QCOMPARE(rooms.size(), 1);
    const QJsonObject entry = rooms.first().toObject();
    QCOMPARE(entry.value("room"_L1).toInteger(), room);
    QCOMPARE(entry.value("has_more"_L1), QJsonValue(false));
    QCOMPARE(entry.value("last_seq"_L1).toInteger(), lastSeen + missed.size());
    const QJsonArray events = entry.value("events"_L1).toArray();
    QVERIFY2(
        events.size() == missed.size(),
        qPrintable(u"sync gave %1 events for a gap of %2"_s.arg(events.size()).arg(missed.size())));
    for (qsizetype i = 0; i < events.size(); ++i) {
        QCOMPARE(missed.at(i).first, lastSeen + 1 + i);
        CONFAB_VERIFY_MESSAGE(events.at(i).toObject(), room, missed.at(i).first, m_ben->user(),
                              missed.at(i).second);
    }

    // The resumed connection is live again.
    const Reply next = m_ben->send(room, u"welcome back"_s);
    CONFAB_VERIFY_OK(next);
    const auto event = m_ann->waitForPush(
        push::Event, TestClient::eventAt(room, next.result().value("seq"_L1).toInteger()));
    QVERIFY2(event, "the resumed connection does not receive new messages");
    CONFAB_VERIFY_MESSAGE(*event, room, lastSeen + missed.size() + 1, m_ben->user(),
                          u"welcome back"_s);
}

void tst_Delivery::syncOfARoomOneIsNotInIsRefused()
{
    QVERIFY2(m_gapRoom > 0, "needs the room of resumeAndSyncDeliverExactlyTheGap");
    CONFAB_VERIFY_ERROR(
        m_cat->request(op::Sync,
                       { { "since"_L1, QJsonObject { { QString::number(m_gapRoom), 0 } } } }),
        "not_member");
    CONFAB_VERIFY_OK(m_cat->request(op::MyRooms));
}

void tst_Delivery::acknowledgedMessagesSurviveAKilledServer()
{
    constexpr int kCount = 200;
    m_ownServer = std::make_unique<ServerProcess>(kFastConfig);
    ServerProcess &server = *m_ownServer;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QSslCertificate certificate = server.certificate();

    QString error;
    auto sam = TestClient::registered(server, u"sam"_s, kPassword, &error);
    QVERIFY2(sam, qPrintable(error));
    const Reply created = sam->request(op::CreateRoom, { { "name"_L1, u"power cut"_s } });
    CONFAB_VERIFY_OK(created);
    const qint64 room = created.roomId();

    QList<QJsonValue> ids;
    QHash<QString, SentMessage> sent; // by request id
    auto post = [&](int first, int last) {
        for (int i = first; i <= last; ++i) {
            const SentMessage message { TestClient::newClientId(), u"durable message %1"_s.arg(i) };
            const QJsonValue id = sam->post(op::Send,
                                            { { "room"_L1, room },
                                              { "client_id"_L1, message.clientId },
                                              { "text"_L1, message.text } });
            ids.append(id);
            sent.insert(id.toString(), message);
        }
    };
    QHash<QString, qint64> acknowledged; // client_id -> seq
    QHash<qint64, SentMessage> bySeq;
    auto collect = [&](const Reply &reply) {
        const SentMessage message = sent.value(reply.frame().value("id"_L1).toString());
        CONFAB_VERIFY_OK(reply);
        const qint64 seq = reply.result().value("seq"_L1).toInteger();
        QVERIFY2(!bySeq.contains(seq), qPrintable(u"seq %1 acknowledged twice"_s.arg(seq)));
        acknowledged.insert(message.clientId, seq);
        bySeq.insert(seq, message);
    };

    // The first half is acknowledged in full. The second half goes out at once and the
    // server is killed as soon as its first acknowledgement arrives, while the rest may be
    // anywhere between the socket and the disk.
    post(1, kCount / 2);
    for (const auto &id : std::as_const(ids)) {
        collect(sam->waitForReply(id));
        if (QTest::currentTestFailed())
            return;
    }
    post(kCount / 2 + 1, kCount);
    collect(sam->waitForReply(ids.at(kCount / 2)));
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(server.kill(), qPrintable(server.errorString()));
    for (int i = kCount / 2 + 1; i < kCount; ++i) {
        // Whatever had arrived before the connection died counts as acknowledged.
        const Reply reply = sam->waitForReply(ids.at(i));
        if (reply.received())
            collect(reply);
        if (QTest::currentTestFailed())
            return;
    }
    QVERIFY(sam->waitForDisconnected());
    qInfo("%lld of %d sends were acknowledged before the kill", qint64(acknowledged.size()),
          kCount);

    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QCOMPARE(server.certificate(), certificate);
    const QString token = sam->token();
    sam = TestClient::resumed(server, token, &error);
    QVERIFY2(sam, qPrintable(error));

    QList<QJsonObject> history = sam->wholeHistory(room, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    std::reverse(history.begin(), history.end());
    QHash<QString, SentMessage> byClientId;
    for (const auto &message : std::as_const(sent))
        byClientId.insert(message.clientId, message);
    QSet<QString> stored;
    for (qsizetype i = 0; i < history.size(); ++i) {
        const QJsonObject message = history.at(i);
        const qint64 seq = message.value("seq"_L1).toInteger();
        QVERIFY2(seq == i + 1,
                 qPrintable(u"after the restart, position %1 of the history has seq "
                            "%2: the sequence has a gap or a repetition"_s.arg(i + 1)
                                .arg(seq)));
        const QString clientId = message.value("client_id"_L1).toString();
        QVERIFY2(byClientId.contains(clientId),
                 qPrintable(u"seq %1 is no message that was sent"_s.arg(seq)));
        QVERIFY2(!stored.contains(clientId),
                 qPrintable(u"the message with client_id %1 is stored twice"_s.arg(clientId)));
        stored.insert(clientId);
        CONFAB_VERIFY_MESSAGE(message, room, seq, sam->user(), byClientId.value(clientId).text);
        if (acknowledged.contains(clientId))
            QCOMPARE(seq, acknowledged.value(clientId));
    }
    for (auto it = acknowledged.cbegin(); it != acknowledged.cend(); ++it)
        QVERIFY2(stored.contains(it.key()),
                 qPrintable(u"the acknowledged message with seq %1 is lost"_s.arg(it.value())));

    const qint64 lastSeq = history.size();
    const Reply fresh = sam->send(room, u"after the restart"_s);
    CONFAB_VERIFY_OK(fresh);
    QCOMPARE(fresh.result().value("seq"_L1).toInteger(), lastSeq + 1);

    // The client resends what was never acknowledged: what had been stored is recognised,
    // the rest is stored now, so that in the end every message is there exactly once.
    qint64 nextSeq = lastSeq + 2;
    QHash<QString, qint64> storedSeq;
    for (const auto &message : std::as_const(history))
        storedSeq.insert(message.value("client_id"_L1).toString(),
                         message.value("seq"_L1).toInteger());
    for (const auto &id : std::as_const(ids)) {
        const SentMessage message = sent.value(id.toString());
        if (acknowledged.contains(message.clientId))
            continue;
        const Reply resent = sam->send(room, message.text, message.clientId);
        CONFAB_VERIFY_OK(resent);
        if (storedSeq.contains(message.clientId)) {
            QCOMPARE(resent.result().value("duplicate"_L1), QJsonValue(true));
            QCOMPARE(resent.result().value("seq"_L1).toInteger(),
                     storedSeq.value(message.clientId));
        } else {
            QCOMPARE(resent.result().value("duplicate"_L1), QJsonValue(false));
            QCOMPARE(resent.result().value("seq"_L1).toInteger(), nextSeq++);
        }
    }
    history = sam->wholeHistory(room, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(history.size(), kCount + 1);

    sam.reset();
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
}

void tst_Delivery::gracefulStopClosesConnectionsWithGoingAway()
{
    m_ownServer = std::make_unique<ServerProcess>();
    ServerProcess &server = *m_ownServer;
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    QString error;
    auto signedIn = TestClient::registered(server, u"leaver"_s, kPassword, &error);
    QVERIFY2(signedIn, qPrintable(error));
    const Reply created = signedIn->request(op::CreateRoom, { { "name"_L1, u"last words"_s } });
    CONFAB_VERIFY_OK(created);
    const qint64 room = created.roomId();
    CONFAB_VERIFY_OK(signedIn->send(room, u"see you after the restart"_s));
    TestClient anonymous(server);
    QVERIFY2(anonymous.connectToServer(), qPrintable(anonymous.errorString()));

    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    for (auto *client : { signedIn.get(), &anonymous }) {
        QVERIFY(client->waitForDisconnected());
        QCOMPARE(client->closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    }

    // Clients come back, resume, and find everything where it was.
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    auto back = TestClient::resumed(server, signedIn->token(), &error);
    QVERIFY2(back, qPrintable(error));
    const Reply history = back->request(op::History, { { "room"_L1, room } });
    CONFAB_VERIFY_OK(history);
    const QJsonArray messages = history.result().value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 1);
    CONFAB_VERIFY_MESSAGE(messages.first().toObject(), room, 1, signedIn->user(),
                          u"see you after the restart"_s);

    back.reset();
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
}

} // namespace confab::test

QTEST_GUILESS_MAIN(confab::test::tst_Delivery)
#include "tst_delivery.moc"
