// Everything a careless or hostile client can send: broken frames, wrong types, oversized
// texts and frames, injection attempts, bad credentials, floods. Each is refused with the
// documented code, nothing is damaged, and the connection goes on working.

#include "EventChecks.h"
#include "Reply.h"
#include "ServerProcess.h"
#include "TestClient.h"
#include "Wait.h"
#include "protocol/Frames.h"
#include "protocol/Limits.h"
#include "protocol/Operations.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

#include <memory>

namespace confab::test {

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
namespace op = protocol::op;
namespace push = protocol::push;

namespace {

const QString kPassword = u"correct horse battery staple"_s;
constexpr qint64 kMissingRoom = 987654321;

// Sign-in failures are throttled per address too, and every connection of this test comes
// from 127.0.0.1; throttling has a test and a server of its own.
const QString kClassConfig = u"[limits]\nrequests_per_second=100000\nrequest_burst=100000\n"
                             "[security]\nlogin_failures_before_throttle=100\n"_s;

QJsonObject parseObject(const QString &json)
{
    return QJsonDocument::fromJson(json.toUtf8()).object();
}

// A send request whose frame is exactly `bytes` long in UTF-8.
QString sendFrameOfSize(qint64 room, qsizetype bytes)
{
    const QJsonObject args { { "room"_L1, room },
                             { "client_id"_L1, u"sized-frame"_s },
                             { "text"_L1, u""_s } };
    const qsizetype empty = protocol::encodeRequest(u"sized"_s, op::Send, args).toUtf8().size();
    QJsonObject padded = args;
    padded.insert("text"_L1, QString(bytes - empty, u'x'));
    return protocol::encodeRequest(u"sized"_s, op::Send, padded);
}

} // namespace

class tst_BadInput : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void framesThatAreNotJsonObjects_data();
    void framesThatAreNotJsonObjects();
    void binaryFrameIsRefused();
    void versionMustBeOne_data();
    void versionMustBeOne();
    void requestIdIsEchoedUnchanged_data();
    void requestIdIsEchoedUnchanged();
    void unknownOperation_data();
    void unknownOperation();
    void wrongArguments_data();
    void wrongArguments();
    void invalidRoomNames_data();
    void invalidRoomNames();
    void signInRequired_data();
    void signInRequired();
    void refusedConnectionStillSignsIn();
    void unknownRoom_data();
    void unknownRoom();
    void textSizeLimit_data();
    void textSizeLimit();
    void frameOfExactlyTheLimitIsAnswered();
    void oversizedFrameClosesTheConnection_data();
    void oversizedFrameClosesTheConnection();
    void hostileTextsAreStoredVerbatim_data();
    void hostileTextsAreStoredVerbatim();
    void earlierMessagesAreUnharmed();
    void invalidUsernames_data();
    void invalidUsernames();
    void weakPasswords_data();
    void weakPasswords();
    void usernameTakenIgnoresCase();
    void signedInConnectionCannotSignInAgain();
    void wrongPasswordAndUnknownUserLookAlike();
    void invalidAndRevokedTokens();
    void failedLoginsAreThrottled();
    void requestFloodIsRateLimited();
    void connectionsPerAddressAreCapped();

private:
    void verifyStillServing();

    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<TestClient> m_client; // signed in, member of m_room
    std::unique_ptr<TestClient> m_anonymous; // never signed in
    std::unique_ptr<ServerProcess> m_ownServer;
    qint64 m_room = 0;
    QList<QPair<qint64, QString>> m_stored; // every message of m_room: seq, text
};

void tst_BadInput::initTestCase()
{
    m_server = std::make_unique<ServerProcess>(kClassConfig);
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));

    QString error;
    m_client = TestClient::registered(*m_server, u"tester"_s, kPassword, &error);
    QVERIFY2(m_client, qPrintable(error));
    const Reply created = m_client->request(op::CreateRoom, { { "name"_L1, u"proving ground"_s } });
    CONFAB_VERIFY_OK(created);
    m_room = created.result().value("room"_L1).toObject().value("id"_L1).toInteger();
    const QString first = u"The first message, before anything hostile."_s;
    const Reply sent = m_client->send(m_room, first);
    CONFAB_VERIFY_OK(sent);
    m_stored.append({ sent.result().value("seq"_L1).toInteger(), first });

    m_anonymous = std::make_unique<TestClient>(*m_server);
    QVERIFY2(m_anonymous->connectToServer(), qPrintable(m_anonymous->errorString()));
}

void tst_BadInput::cleanup()
{
    for (auto *client : { m_client.get(), m_anonymous.get() }) {
        if (client)
            QVERIFY2(client->protocolViolations().isEmpty(),
                     qPrintable(client->protocolViolations().join(u'\n')));
    }
    if (QTest::currentTestFailed()) {
        m_server->printDiagnostics();
        if (m_ownServer)
            m_ownServer->printDiagnostics();
    }
    if (m_ownServer) {
        const bool stopped = m_ownServer->stop();
        const QString error = m_ownServer->errorString();
        m_ownServer.reset();
        QVERIFY2(stopped, qPrintable(error));
    }
}

void tst_BadInput::cleanupTestCase()
{
    m_client.reset();
    m_anonymous.reset();
    if (m_server)
        QVERIFY2(m_server->stop(), qPrintable(m_server->errorString()));
}

void tst_BadInput::verifyStillServing()
{
    QVERIFY2(m_client->isConnected(), "the connection was closed after an error reply");
    const Reply reply
        = m_client->request(op::History, { { "room"_L1, m_room }, { "limit"_L1, 1 } });
    QVERIFY2(reply.isOk(),
             ("the connection no longer serves requests: " + reply.describe()).constData());
}

void tst_BadInput::framesThatAreNotJsonObjects_data()
{
    QTest::addColumn<QString>("frame");
    QTest::newRow("plain text") << u"hello"_s;
    QTest::newRow("truncated object") << uR"({"v": 1, "id": "t1", "op": "my_rooms")"_s;
    QTest::newRow("array") << uR"([{"v": 1, "id": "t2", "op": "my_rooms"}])"_s;
    QTest::newRow("string") << uR"("my_rooms")"_s;
    QTest::newRow("number") << u"42"_s;
    QTest::newRow("null") << u"null"_s;
    QTest::newRow("true") << u"true"_s;
    QTest::newRow("empty") << QString();
    QTest::newRow("two objects") << uR"({"v": 1, "op": "my_rooms"}{"v": 1, "op": "my_rooms"})"_s;
}

void tst_BadInput::framesThatAreNotJsonObjects()
{
    QFETCH(QString, frame);
    m_client->sendRaw(frame);
    const Reply reply = m_client->nextReply();
    CONFAB_VERIFY_ERROR(reply, "bad_frame");
    QVERIFY2(!reply.frame().contains("id"_L1), reply.describe().constData());
    verifyStillServing();
}

void tst_BadInput::binaryFrameIsRefused()
{
    m_client->sendBinary(protocol::encodeRequest(u"b1"_s, op::MyRooms, {}).toUtf8());
    CONFAB_VERIFY_ERROR(m_client->nextReply(), "bad_frame");
    verifyStillServing();
}

void tst_BadInput::versionMustBeOne_data()
{
    QTest::addColumn<QString>("frame");
    QTest::newRow("missing") << uR"({"id": "v1", "op": "my_rooms"})"_s;
    QTest::newRow("2") << uR"({"v": 2, "id": "v1", "op": "my_rooms"})"_s;
    QTest::newRow("0") << uR"({"v": 0, "id": "v1", "op": "my_rooms"})"_s;
    QTest::newRow("string") << uR"({"v": "1", "id": "v1", "op": "my_rooms"})"_s;
    QTest::newRow("fraction") << uR"({"v": 1.5, "id": "v1", "op": "my_rooms"})"_s;
    QTest::newRow("null") << uR"({"v": null, "id": "v1", "op": "my_rooms"})"_s;
    QTest::newRow("true") << uR"({"v": true, "id": "v1", "op": "my_rooms"})"_s;
}

void tst_BadInput::versionMustBeOne()
{
    QFETCH(QString, frame);
    m_client->sendRaw(frame);
    const Reply reply = m_client->nextReply();
    CONFAB_VERIFY_ERROR(reply, "unsupported_version");
    QCOMPARE(reply.frame().value("id"_L1), QJsonValue(u"v1"_s));
    verifyStillServing();
}

void tst_BadInput::requestIdIsEchoedUnchanged_data()
{
    QTest::addColumn<QJsonValue>("id");
    QTest::newRow("string") << QJsonValue(u"r17"_s);
    QTest::newRow("64 characters") << QJsonValue(QString(protocol::kRequestIdMaxChars, u'i'));
    QTest::newRow("unicode string") << QJsonValue(u"ïd-✓"_s);
    QTest::newRow("integer") << QJsonValue(17);
    QTest::newRow("zero") << QJsonValue(0);
    QTest::newRow("negative") << QJsonValue(-5);
    QTest::newRow("largest exact") << QJsonValue(qint64(9007199254740991));
}

void tst_BadInput::requestIdIsEchoedUnchanged()
{
    QFETCH(QJsonValue, id);
    m_client->sendRaw(protocol::encodeRequest(id, op::MyRooms, {}));
    const Reply reply = m_client->nextReply();
    CONFAB_VERIFY_OK(reply);
    QCOMPARE(reply.frame().value("id"_L1), id);
}

void tst_BadInput::unknownOperation_data()
{
    QTest::addColumn<QString>("operation");
    QTest::newRow("fly") << u"fly"_s;
    QTest::newRow("upper case") << u"SEND"_s;
    QTest::newRow("pusher event") << u"pusher:subscribe"_s;
}

void tst_BadInput::unknownOperation()
{
    QFETCH(QString, operation);
    m_client->sendRaw(QString::fromUtf8(
        QJsonDocument(QJsonObject { { "v"_L1, 1 }, { "id"_L1, u"u1"_s }, { "op"_L1, operation } })
            .toJson(QJsonDocument::Compact)));
    const Reply reply = m_client->nextReply();
    CONFAB_VERIFY_ERROR(reply, "unknown_op");
    QCOMPARE(reply.frame().value("id"_L1), QJsonValue(u"u1"_s));
    verifyStillServing();
}

void tst_BadInput::wrongArguments_data()
{
    // args is a JSON object in which %1 stands for a room the client is a member of.
    QTest::addColumn<QString>("operation");
    QTest::addColumn<QString>("args");
    const QString longId(protocol::kClientIdMaxChars + 1, u'c');

    QTest::newRow("send: room as string")
        << u"send"_s << uR"({"room": "%1", "client_id": "a1", "text": "hi"})"_s;
    QTest::newRow("send: room as fraction")
        << u"send"_s << uR"({"room": %1.5, "client_id": "a2", "text": "hi"})"_s;
    QTest::newRow("send: room missing") << u"send"_s << uR"({"client_id": "a3", "text": "hi"})"_s;
    QTest::newRow("send: text as number")
        << u"send"_s << uR"({"room": %1, "client_id": "a4", "text": 42})"_s;
    QTest::newRow("send: text missing") << u"send"_s << uR"({"room": %1, "client_id": "a5"})"_s;
    QTest::newRow("send: text empty")
        << u"send"_s << uR"({"room": %1, "client_id": "a6", "text": ""})"_s;
    QTest::newRow("send: text with NUL")
        << u"send"_s << uR"({"room": %1, "client_id": "a7", "text": "before\u0000after"})"_s;
    QTest::newRow("send: client_id missing") << u"send"_s << uR"({"room": %1, "text": "hi"})"_s;
    QTest::newRow("send: client_id empty")
        << u"send"_s << uR"({"room": %1, "client_id": "", "text": "hi"})"_s;
    QTest::newRow("send: client_id as number")
        << u"send"_s << uR"({"room": %1, "client_id": 7, "text": "hi"})"_s;
    QTest::newRow("send: client_id too long")
        << u"send"_s << uR"({"room": %1, "client_id": "%2", "text": "hi"})"_s.arg(u"%1"_s, longId);
    QTest::newRow("history: limit 1.5") << u"history"_s << uR"({"room": %1, "limit": 1.5})"_s;
    QTest::newRow("history: limit as string")
        << u"history"_s << uR"({"room": %1, "limit": "10"})"_s;
    QTest::newRow("history: limit 0") << u"history"_s << uR"({"room": %1, "limit": 0})"_s;
    QTest::newRow("history: limit 101") << u"history"_s << uR"({"room": %1, "limit": 101})"_s;
    QTest::newRow("history: before as string")
        << u"history"_s << uR"({"room": %1, "before": "5"})"_s;
    QTest::newRow("history: room as array") << u"history"_s << uR"({"room": [%1]})"_s;
    QTest::newRow("sync: since as array") << u"sync"_s << uR"({"since": [%1]})"_s;
    QTest::newRow("sync: since missing") << u"sync"_s << uR"({})"_s;
    QTest::newRow("sync: seq as string") << u"sync"_s << uR"({"since": {"%1": "x"}})"_s;
    QTest::newRow("sync: limit 1001") << u"sync"_s << uR"({"since": {"%1": 0}, "limit": 1001})"_s;
    QTest::newRow("read: seq as string") << u"read"_s << uR"({"room": %1, "seq": "1"})"_s;
    QTest::newRow("typing: active as string")
        << u"typing"_s << uR"({"room": %1, "active": "yes"})"_s;
    QTest::newRow("typing: active missing") << u"typing"_s << uR"({"room": %1})"_s;
    QTest::newRow("presence: unknown status") << u"presence"_s << uR"({"status": "busy"})"_s;
    QTest::newRow("create_room: unknown visibility")
        << u"create_room"_s << uR"({"name": "x", "visibility": "secret"})"_s;
    QTest::newRow("create_room: name as number") << u"create_room"_s << uR"({"name": 5})"_s;
    QTest::newRow("join: room null") << u"join"_s << uR"({"room": null})"_s;
    QTest::newRow("invite: user as number") << u"invite"_s << uR"({"room": %1, "user": 5})"_s;
    QTest::newRow("edit: seq 1.5") << u"edit"_s << uR"({"room": %1, "seq": 1.5, "text": "x"})"_s;
    QTest::newRow("edit: text with NUL")
        << u"edit"_s << uR"({"room": %1, "seq": 1, "text": "x\u0000"})"_s;
    QTest::newRow("public_rooms: limit 0") << u"public_rooms"_s << uR"({"limit": 0})"_s;
    QTest::newRow("public_rooms: limit 101") << u"public_rooms"_s << uR"({"limit": 101})"_s;
}

void tst_BadInput::wrongArguments()
{
    QFETCH(QString, operation);
    QFETCH(QString, args);
    const QString json = args.contains(u"%1"_s) ? args.arg(m_room) : args;
    const QJsonObject object = parseObject(json);
    QVERIFY2(!object.isEmpty() || json == u"{}"_s, qPrintable(json));
    const Reply reply = m_client->request(QLatin1StringView(operation.toLatin1()), object);
    CONFAB_VERIFY_ERROR(reply, "bad_request");
    verifyStillServing();
}

void tst_BadInput::invalidRoomNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("topic");
    QTest::newRow("empty name") << QString() << QString();
    QTest::newRow("name of 65 characters")
        << QString(protocol::kRoomNameMaxChars + 1, u'n') << QString();
    QTest::newRow("tab in name") << u"tab\tname"_s << QString();
    QTest::newRow("newline in name") << u"new\nline"_s << QString();
    QTest::newRow("bell character in name") << u"bell\u0007"_s << QString();
    QTest::newRow("topic of 257 characters")
        << u"fine"_s << QString(protocol::kTopicMaxChars + 1, u't');
    QTest::newRow("control character in topic") << u"fine"_s << u"escape \u001b[31m"_s;
}

void tst_BadInput::invalidRoomNames()
{
    QFETCH(QString, name);
    QFETCH(QString, topic);
    QJsonObject args { { "name"_L1, name } };
    if (!topic.isEmpty())
        args.insert("topic"_L1, topic);
    CONFAB_VERIFY_ERROR(m_client->request(op::CreateRoom, args), "invalid_name");
    verifyStillServing();
}

void tst_BadInput::signInRequired_data()
{
    QTest::addColumn<QString>("operation");
    QTest::addColumn<QString>("args");
    QTest::newRow("create_room") << u"create_room"_s << uR"({"name": "sneaky"})"_s;
    QTest::newRow("public_rooms") << u"public_rooms"_s << uR"({})"_s;
    QTest::newRow("join") << u"join"_s << uR"({"room": %1})"_s;
    QTest::newRow("leave") << u"leave"_s << uR"({"room": %1})"_s;
    QTest::newRow("invite") << u"invite"_s << uR"({"room": %1, "user": "tester"})"_s;
    QTest::newRow("my_rooms") << u"my_rooms"_s << uR"({})"_s;
    QTest::newRow("members") << u"members"_s << uR"({"room": %1})"_s;
    QTest::newRow("send") << u"send"_s << uR"({"room": %1, "client_id": "s1", "text": "hi"})"_s;
    QTest::newRow("edit") << u"edit"_s << uR"({"room": %1, "seq": 1, "text": "hi"})"_s;
    QTest::newRow("delete") << u"delete"_s << uR"({"room": %1, "seq": 1})"_s;
    QTest::newRow("history") << u"history"_s << uR"({"room": %1})"_s;
    QTest::newRow("sync") << u"sync"_s << uR"({"since": {"%1": 0}})"_s;
    QTest::newRow("read") << u"read"_s << uR"({"room": %1, "seq": 1})"_s;
    QTest::newRow("typing") << u"typing"_s << uR"({"room": %1, "active": true})"_s;
    QTest::newRow("presence") << u"presence"_s << uR"({"status": "away"})"_s;
    QTest::newRow("logout") << u"logout"_s << uR"({})"_s;
}

void tst_BadInput::signInRequired()
{
    QFETCH(QString, operation);
    QFETCH(QString, args);
    const QJsonObject object = parseObject(args.contains(u"%1"_s) ? args.arg(m_room) : args);
    CONFAB_VERIFY_ERROR(m_anonymous->request(QLatin1StringView(operation.toLatin1()), object),
                        "unauthenticated");
    QVERIFY2(m_anonymous->isConnected(), "the connection was closed after an error reply");
}

void tst_BadInput::refusedConnectionStillSignsIn()
{
    const Reply resumed = m_anonymous->resume(m_client->token());
    CONFAB_VERIFY_OK(resumed);
    QVERIFY(sameUser(resumed.result().value("user"_L1), m_client->user()));
    const Reply history = m_anonymous->request(op::History, { { "room"_L1, m_room } });
    CONFAB_VERIFY_OK(history);
    // Nothing the refused requests carried was stored.
    QCOMPARE(history.result().value("messages"_L1).toArray().size(), m_stored.size());
}

void tst_BadInput::unknownRoom_data()
{
    QTest::addColumn<QString>("operation");
    QTest::addColumn<QString>("args");
    QTest::newRow("join") << u"join"_s << uR"({"room": %1})"_s;
    QTest::newRow("leave") << u"leave"_s << uR"({"room": %1})"_s;
    QTest::newRow("send") << u"send"_s << uR"({"room": %1, "client_id": "n1", "text": "hello?"})"_s;
    QTest::newRow("history") << u"history"_s << uR"({"room": %1})"_s;
    QTest::newRow("members") << u"members"_s << uR"({"room": %1})"_s;
    QTest::newRow("invite") << u"invite"_s << uR"({"room": %1, "user": "tester"})"_s;
    QTest::newRow("read") << u"read"_s << uR"({"room": %1, "seq": 1})"_s;
    QTest::newRow("typing") << u"typing"_s << uR"({"room": %1, "active": true})"_s;
    QTest::newRow("edit") << u"edit"_s << uR"({"room": %1, "seq": 1, "text": "x"})"_s;
    QTest::newRow("delete") << u"delete"_s << uR"({"room": %1, "seq": 1})"_s;
    QTest::newRow("sync") << u"sync"_s << uR"({"since": {"%1": 0}})"_s;
}

void tst_BadInput::unknownRoom()
{
    QFETCH(QString, operation);
    QFETCH(QString, args);
    const QJsonObject object = parseObject(args.arg(kMissingRoom));
    CONFAB_VERIFY_ERROR(m_client->request(QLatin1StringView(operation.toLatin1()), object),
                        "room_not_found");
    verifyStillServing();
}

void tst_BadInput::textSizeLimit_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("accepted");
    const qsizetype limit = protocol::kMaxTextBytes;
    QTest::newRow("ASCII at the limit") << QString(limit, u'a') << true;
    QTest::newRow("ASCII one byte over") << QString(limit + 1, u'a') << false;
    // 4 bytes of UTF-8 each: 16 KiB exactly in 4,096 characters.
    QTest::newRow("emoji at the limit") << u"😀"_s.repeated(limit / 4) << true;
    // 3 bytes each: 16,386 bytes in only 5,462 characters.
    QTest::newRow("euro signs over in bytes, not characters")
        << u"€"_s.repeated(limit / 3 + 1) << false;
    QTest::newRow("far over, in a frame under the frame limit")
        << QString(3 * limit, u'z') << false;
}

void tst_BadInput::textSizeLimit()
{
    QFETCH(QString, text);
    QFETCH(bool, accepted);
    const Reply sent = m_client->send(m_room, text);
    if (!accepted) {
        CONFAB_VERIFY_ERROR(sent, "too_large");
        // An edit is held to the same limit.
        CONFAB_VERIFY_ERROR(
            m_client->request(op::Edit,
                              { { "room"_L1, m_room }, { "seq"_L1, 1 }, { "text"_L1, text } }),
            "too_large");
        verifyStillServing();
        return;
    }
    CONFAB_VERIFY_OK(sent);
    const qint64 seq = sent.result().value("seq"_L1).toInteger();
    m_stored.append({ seq, text });
    const Reply history
        = m_client->request(op::History, { { "room"_L1, m_room }, { "limit"_L1, 1 } });
    CONFAB_VERIFY_OK(history);
    const QJsonObject newest = history.result().value("messages"_L1).toArray().first().toObject();
    CONFAB_VERIFY_MESSAGE(newest, m_room, seq, m_client->user(), text);
}

void tst_BadInput::frameOfExactlyTheLimitIsAnswered()
{
    // max_frame_bytes is the largest frame allowed; this one carries a text over the text
    // limit, so it is answered with too_large and the connection stays.
    const QString frame = sendFrameOfSize(m_room, protocol::kMaxFrameBytes);
    QCOMPARE(frame.toUtf8().size(), protocol::kMaxFrameBytes);
    m_client->sendRaw(frame);
    const Reply reply = m_client->nextReply();
    CONFAB_VERIFY_ERROR(reply, "too_large");
    verifyStillServing();
}

void tst_BadInput::oversizedFrameClosesTheConnection_data()
{
    QTest::addColumn<int>("fragmentSize");
    QTest::newRow("one frame") << 0;
    QTest::newRow("fragments adding up") << 16 * 1024;
}

void tst_BadInput::oversizedFrameClosesTheConnection()
{
    QFETCH(int, fragmentSize);
    TestClient client(*m_server);
    QVERIFY2(client.connectToServer(), qPrintable(client.errorString()));
    if (fragmentSize > 0)
        client.socket().setOutgoingFrameSize(quint64(fragmentSize));

    const QString frame = sendFrameOfSize(m_room, protocol::kMaxFrameBytes + 1);
    QCOMPARE(frame.toUtf8().size(), protocol::kMaxFrameBytes + 1);
    client.sendRaw(frame);
    QVERIFY2(client.waitForDisconnected(), "the connection stayed open after an oversized frame");
    QCOMPARE(client.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    // Others are not affected.
    verifyStillServing();
}

void tst_BadInput::hostileTextsAreStoredVerbatim_data()
{
    QTest::addColumn<QString>("text");
    // Whether the text is also a valid room name and topic (no control characters, short).
    QTest::addColumn<bool>("nameToo");

    QTest::newRow("SQL: drop events") << u"'); DROP TABLE events;--"_s << true;
    QTest::newRow("SQL: drop users") << u"Robert'); DROP TABLE users; --"_s << true;
    QTest::newRow("SQL: tautology") << u"' OR '1'='1"_s << true;
    QTest::newRow("SQL: comment and semicolon") << u"x\"; SELECT * FROM sessions; /*"_s << true;
    QTest::newRow("HTML: script") << u"<script>alert(1)</script>"_s << true;
    QTest::newRow("HTML: bold") << u"<b>x</b>"_s << true;
    QTest::newRow("HTML: image") << u"<img src=x onerror=alert(1)>"_s << true;
    QTest::newRow("HTML: entities") << u"&lt;b&gt; &amp; &#x27;"_s << true;
    QTest::newRow("quotes") << u"\"double\" 'single' `back` „low“ «guillemets»"_s << true;
    QTest::newRow("backslashes") << u"C:\\temp\\new \\u0041 \\n \\\\"_s << true;
    QTest::newRow("looks like a frame") << uR"({"v": 1, "op": "logout"})"_s << true;
    QTest::newRow("format strings") << u"%s %n %1 %% {0} ${jndi:ldap://x}"_s << true;
    QTest::newRow("emoji") << u"👩‍💻 🎉 🇩🇪 👍🏽"_s << true;
    QTest::newRow("scripts") << u"Ünïcödé — 中文 — עברית — العربية — ﷽"_s << true;
    QTest::newRow("combining and invisible") << u"e\u0301 a\u200Bb \u202Etxt.exe"_s << true;
    QTest::newRow("astral") << u"𝕮𝖔𝖓𝖋𝖆𝖇 𓀀 🀄"_s << true;
    QTest::newRow("lines and tabs") << u"line one\nline two\r\n\tindented"_s << false;
    QTest::newRow("surrounding spaces") << u"  padded  "_s << false;
}

void tst_BadInput::hostileTextsAreStoredVerbatim()
{
    QFETCH(QString, text);
    QFETCH(bool, nameToo);

    const Reply sent = m_client->send(m_room, text);
    CONFAB_VERIFY_OK(sent);
    const qint64 seq = sent.result().value("seq"_L1).toInteger();
    m_stored.append({ seq, text });
    const auto event = m_client->waitForPush(push::Event, [&](const QJsonObject &data) {
        return data.value("seq"_L1).toInteger() == seq;
    });
    QVERIFY2(event, "the sender did not receive the event push");
    CONFAB_VERIFY_MESSAGE(*event, m_room, seq, m_client->user(), text);
    const Reply history
        = m_client->request(op::History, { { "room"_L1, m_room }, { "limit"_L1, 1 } });
    CONFAB_VERIFY_OK(history);
    CONFAB_VERIFY_MESSAGE(history.result().value("messages"_L1).toArray().first().toObject(),
                          m_room, seq, m_client->user(), text);

    if (!nameToo)
        return;
    const Reply created
        = m_client->request(op::CreateRoom, { { "name"_L1, text }, { "topic"_L1, text } });
    CONFAB_VERIFY_OK(created);
    const QJsonObject room = created.result().value("room"_L1).toObject();
    QCOMPARE(room.value("name"_L1).toString(), text);
    QCOMPARE(room.value("topic"_L1).toString(), text);
    const Reply mine = m_client->request(op::MyRooms);
    CONFAB_VERIFY_OK(mine);
    bool listed = false;
    for (const auto &entry : mine.result().value("rooms"_L1).toArray()) {
        if (entry.toObject().value("id"_L1) == room.value("id"_L1)) {
            listed = true;
            QCOMPARE(entry.toObject().value("name"_L1).toString(), text);
            QCOMPARE(entry.toObject().value("topic"_L1).toString(), text);
        }
    }
    QVERIFY2(listed, mine.describe().constData());
}

void tst_BadInput::earlierMessagesAreUnharmed()
{
    QString error;
    const QList<QJsonObject> history = m_client->wholeHistory(m_room, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(history.size(), m_stored.size());
    for (qsizetype i = 0; i < m_stored.size(); ++i) {
        const auto &[seq, text] = m_stored.at(i);
        CONFAB_VERIFY_MESSAGE(history.at(history.size() - 1 - i), m_room, seq, m_client->user(),
                              text);
    }
    // The accounts survived as well.
    TestClient again(*m_server);
    QVERIFY2(again.connectToServer(), qPrintable(again.errorString()));
    CONFAB_VERIFY_OK(again.login(u"tester"_s, kPassword));
}

void tst_BadInput::invalidUsernames_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("empty") << QString();
    QTest::newRow("2 characters") << u"ab"_s;
    QTest::newRow("33 characters") << QString(protocol::kUsernameMaxChars + 1, u'u');
    QTest::newRow("space") << u"two words"_s;
    QTest::newRow("non-ASCII letter") << u"naïve"_s;
    QTest::newRow("slash") << u"a/b"_s;
    QTest::newRow("at sign") << u"me@example"_s;
    QTest::newRow("SQL") << u"robert'); DROP TABLE users;--"_s;
    QTest::newRow("HTML") << u"<b>bold</b>"_s;
}

void tst_BadInput::invalidUsernames()
{
    QFETCH(QString, name);
    TestClient client(*m_server);
    QVERIFY2(client.connectToServer(), qPrintable(client.errorString()));
    CONFAB_VERIFY_ERROR(client.registerUser(name, kPassword), "invalid_username");
    // Still not signed in, and still answering.
    CONFAB_VERIFY_ERROR(client.request(op::MyRooms), "unauthenticated");
}

void tst_BadInput::weakPasswords_data()
{
    QTest::addColumn<QString>("password");
    QTest::newRow("empty") << QString();
    QTest::newRow("7 characters") << u"1234567"_s;
    QTest::newRow("1025 characters") << QString(protocol::kPasswordMaxChars + 1, u'p');
}

void tst_BadInput::weakPasswords()
{
    QFETCH(QString, password);
    TestClient client(*m_server);
    QVERIFY2(client.connectToServer(), qPrintable(client.errorString()));
    CONFAB_VERIFY_ERROR(client.registerUser(u"newcomer"_s, password), "weak_password");
    CONFAB_VERIFY_ERROR(client.request(op::MyRooms), "unauthenticated");
}

void tst_BadInput::usernameTakenIgnoresCase()
{
    QString error;
    auto erin = TestClient::registered(*m_server, u"Erin"_s, kPassword, &error);
    QVERIFY2(erin, qPrintable(error));

    TestClient client(*m_server);
    QVERIFY2(client.connectToServer(), qPrintable(client.errorString()));
    for (const auto &name : { u"Erin"_s, u"erin"_s, u"ERIN"_s, u"eRiN"_s })
        CONFAB_VERIFY_ERROR(client.registerUser(name, u"another password"_s), "username_taken");
    CONFAB_VERIFY_OK(client.login(u"Erin"_s, kPassword));
    QCOMPARE(client.userId(), erin->userId());
}

void tst_BadInput::signedInConnectionCannotSignInAgain()
{
    CONFAB_VERIFY_ERROR(m_client->registerUser(u"second-self"_s, kPassword),
                        "already_authenticated");
    CONFAB_VERIFY_ERROR(m_client->login(u"tester"_s, kPassword), "already_authenticated");
    CONFAB_VERIFY_ERROR(m_client->resume(m_client->token()), "already_authenticated");
    verifyStillServing();
}

void tst_BadInput::wrongPasswordAndUnknownUserLookAlike()
{
    TestClient client(*m_server);
    QVERIFY2(client.connectToServer(), qPrintable(client.errorString()));
    const Reply wrongPassword = client.login(u"tester"_s, u"not the password"_s);
    CONFAB_VERIFY_ERROR(wrongPassword, "invalid_credentials");
    const Reply unknownUser = client.login(u"nobody-at-all"_s, u"not the password"_s);
    CONFAB_VERIFY_ERROR(unknownUser, "invalid_credentials");
    QCOMPARE(unknownUser.errorMessage(), wrongPassword.errorMessage());

    const Reply right = client.login(u"tester"_s, kPassword);
    CONFAB_VERIFY_OK(right);
    QVERIFY(sameUser(right.result().value("user"_L1), m_client->user()));
    QVERIFY2(!right.result().value("token"_L1).toString().isEmpty(), right.describe().constData());
}

void tst_BadInput::invalidAndRevokedTokens()
{
    TestClient client(*m_server);
    QVERIFY2(client.connectToServer(), qPrintable(client.errorString()));
    CONFAB_VERIFY_ERROR(client.resume(u"not-a-token"_s), "invalid_token");
    // Well-formed, 256 bits of base64url, but never issued.
    CONFAB_VERIFY_ERROR(client.resume(u"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"_s),
                        "invalid_token");
    CONFAB_VERIFY_ERROR(client.resume(QString()), "invalid_token");

    // The same connection signs in, signs out, and its token is dead afterwards.
    CONFAB_VERIFY_OK(client.login(u"tester"_s, kPassword));
    const QString token = client.token();
    CONFAB_VERIFY_OK(client.request(op::MyRooms));
    CONFAB_VERIFY_OK(client.logout());
    CONFAB_VERIFY_ERROR(client.request(op::MyRooms), "unauthenticated");

    TestClient later(*m_server);
    QVERIFY2(later.connectToServer(), qPrintable(later.errorString()));
    CONFAB_VERIFY_ERROR(later.resume(token), "invalid_token");
    // The user's other signed-in connections are untouched.
    verifyStillServing();
    CONFAB_VERIFY_OK(later.resume(m_client->token()));
}

void tst_BadInput::failedLoginsAreThrottled()
{
    m_ownServer = std::make_unique<ServerProcess>();
    QVERIFY2(m_ownServer->start(), qPrintable(m_ownServer->errorString()));
    QString error;
    auto frank = TestClient::registered(*m_ownServer, u"frank"_s, kPassword, &error);
    QVERIFY2(frank, qPrintable(error));

    TestClient client(*m_ownServer);
    QVERIFY2(client.connectToServer(), qPrintable(client.errorString()));
    for (int attempt = 1; attempt <= 5; ++attempt) {
        const Reply reply = client.login(u"frank"_s, u"guess number %1"_s.arg(attempt));
        QVERIFY2(
            reply.isError("invalid_credentials"_L1),
            qPrintable(u"attempt %1: %2"_s.arg(attempt).arg(QString::fromUtf8(reply.describe()))));
    }
    const Reply throttled = client.login(u"frank"_s, kPassword);
    CONFAB_VERIFY_ERROR(throttled, "login_throttled");
    QVERIFY2(throttled.retryAfterMs().value_or(0) > 0, throttled.describe().constData());

    // The connection is still there and answers.
    QVERIFY(client.isConnected());
    CONFAB_VERIFY_ERROR(client.request(op::MyRooms), "unauthenticated");
    // Frank's connection that signed in earlier is not affected.
    CONFAB_VERIFY_OK(frank->request(op::MyRooms));
}

void tst_BadInput::requestFloodIsRateLimited()
{
    m_ownServer
        = std::make_unique<ServerProcess>(u"[limits]\nrequests_per_second=1\nrequest_burst=3\n"_s);
    QVERIFY2(m_ownServer->start(), qPrintable(m_ownServer->errorString()));
    QString error;
    auto owner = TestClient::registered(*m_ownServer, u"flooder"_s, kPassword, &error);
    QVERIFY2(owner, qPrintable(error));

    // A fresh connection has its full burst. Four requests go out at once; their answers
    // need nothing but the request itself, so the order in which they are handled does not
    // matter.
    TestClient client(*m_ownServer);
    QVERIFY2(client.connectToServer(), qPrintable(client.errorString()));
    QList<QJsonValue> ids;
    for (int i = 0; i < 4; ++i)
        ids << client.post(op::Register,
                           { { "username"_L1, u"x"_s }, { "password"_L1, kPassword } });
    for (int i = 0; i < 3; ++i)
        CONFAB_VERIFY_ERROR(client.waitForReply(ids.at(i)), "invalid_username");
    const Reply limited = client.waitForReply(ids.at(3));
    CONFAB_VERIFY_ERROR(limited, "rate_limited");
    const qint64 retryAfter = limited.retryAfterMs().value_or(0);
    // One request a second: the next one is due within about a second.
    QVERIFY2(retryAfter > 0 && retryAfter <= 1500, limited.describe().constData());
    QVERIFY2(client.isConnected(), "a rate-limited connection was closed");

    // After waiting as told, the connection is served again.
    runEventLoopFor(std::chrono::milliseconds(retryAfter));
    const Reply resumed = client.resume(owner->token());
    CONFAB_VERIFY_OK(resumed);
}

void tst_BadInput::connectionsPerAddressAreCapped()
{
    m_ownServer = std::make_unique<ServerProcess>(u"[limits]\nconnections_per_address=3\n"_s);
    QVERIFY2(m_ownServer->start(), qPrintable(m_ownServer->errorString()));

    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<TestClient>(*m_ownServer));
        QVERIFY2(clients.back()->connectToServer(), qPrintable(clients.back()->errorString()));
    }

    TestClient fourth(*m_ownServer);
    if (fourth.connectToServer())
        QVERIFY2(fourth.waitForDisconnected(), "a fourth connection from one address stayed open");
    QCOMPARE(fourth.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QCOMPARE(fourth.closeReason(), u"too_many_connections"_s);

    // The three are unaffected.
    for (const auto &client : clients)
        QVERIFY(client->isConnected());
    CONFAB_VERIFY_OK(clients.front()->registerUser(u"capped"_s, kPassword));

    // Once one closes, there is room for another. The server learns of the closing a moment
    // after the client does, so a refused attempt is retried, a bounded number of times.
    clients.back()->close();
    QVERIFY(clients.back()->waitForDisconnected());
    bool admitted = false;
    for (int attempt = 0; attempt < 50 && !admitted; ++attempt) {
        TestClient next(*m_ownServer);
        admitted = next.connectToServer() && next.isConnected();
        if (!admitted)
            QCOMPARE(next.closeReason(), u"too_many_connections"_s);
    }
    QVERIFY2(admitted, "no connection was admitted after one of three closed");
}

} // namespace confab::test

QTEST_GUILESS_MAIN(confab::test::tst_BadInput)
#include "tst_badinput.moc"
