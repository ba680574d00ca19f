// Conversations as users have them: rooms, messages, invitations, unread counts, edits,
// typing and presence, each seen from every participant's connection.

#include "EventChecks.h"
#include "HttpsGet.h"
#include "Pinning.h"
#include "Reply.h"
#include "ServerProcess.h"
#include "TestClient.h"
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

TestClient::PushFilter inRoom(qint64 room)
{
    return [room](const QJsonObject &data) { return data.value("room"_L1).toInteger() == room; };
}

QJsonObject entryFor(const QJsonArray &rooms, qint64 room)
{
    for (const auto &entry : rooms) {
        if (entry.toObject().value("id"_L1).toInteger() == room)
            return entry.toObject();
    }
    return {};
}

QByteArray compact(const QJsonObject &object)
{
    return abbreviated(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QByteArray compact(const QJsonArray &array)
{
    return abbreviated(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

} // namespace

class tst_Chat : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void healthzAnswersOk();
    void readyzAnswersReady();
    void printedFingerprintIsTheCertificates();
    void helloAnnouncesServerAndLimits();
    void twoUsersChatInARoom();
    void nonMemberSeesNothingOfTheRoom();
    void everyConnectionOfAMemberReceivesEvents();
    void privateRoomNeedsInvitation();
    void myRoomsShowsUnreadCountAndLastMessage();
    void readMarkerClearsUnreadAndTellsOthers();
    void authorEditsAndDeletesOwnMessage();
    void othersCannotEditOrDeleteAMessage();
    void typingReachesOnlyTheOthers();
    void membersShowPresence();
    void leavingEndsMembership();

private:
    qint64 createRoom(TestClient &owner, const QString &name,
                      QLatin1StringView visibility = "public"_L1);
    bool join(TestClient &client, qint64 room);

    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<TestClient> m_alice;
    std::unique_ptr<TestClient> m_bob;
    std::unique_ptr<TestClient> m_carol;
};

void tst_Chat::initTestCase()
{
    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));

    QString error;
    m_alice = TestClient::registered(*m_server, u"alice"_s, kPassword, &error);
    QVERIFY2(m_alice, qPrintable(error));
    m_bob = TestClient::registered(*m_server, u"bob"_s, kPassword, &error);
    QVERIFY2(m_bob, qPrintable(error));
    m_carol = TestClient::registered(*m_server, u"carol"_s, kPassword, &error);
    QVERIFY2(m_carol, qPrintable(error));
}

void tst_Chat::init()
{
    for (auto *client : { m_alice.get(), m_bob.get(), m_carol.get() }) {
        if (client)
            client->clearPushes();
    }
}

void tst_Chat::cleanup()
{
    for (auto *client : { m_alice.get(), m_bob.get(), m_carol.get() }) {
        if (client)
            QVERIFY2(client->protocolViolations().isEmpty(),
                     qPrintable(client->protocolViolations().join(u'\n')));
    }
    if (QTest::currentTestFailed())
        m_server->printDiagnostics();
}

void tst_Chat::cleanupTestCase()
{
    m_alice.reset();
    m_bob.reset();
    m_carol.reset();
    if (m_server)
        QVERIFY2(m_server->stop(), qPrintable(m_server->errorString()));
}

// Returns 0 after recording a failure; callers return when QTest::currentTestFailed().
qint64 tst_Chat::createRoom(TestClient &owner, const QString &name, QLatin1StringView visibility)
{
    const Reply reply = owner.request(
        op::CreateRoom, { { "name"_L1, name }, { "visibility"_L1, QString(visibility) } });
    [&] {
        CONFAB_VERIFY_OK(reply);
        const QJsonObject room = reply.result().value("room"_L1).toObject();
        QVERIFY2(room.value("id"_L1).toInteger() > 0, compact(room).constData());
        QCOMPARE(room.value("name"_L1).toString(), name);
        QCOMPARE(room.value("visibility"_L1).toString(), QString(visibility));
        QCOMPARE(room.value("member_count"_L1).toInteger(), 1);
        QCOMPARE(room.value("last_seq"_L1).toInteger(), 0);
        QVERIFY2(room.value("created_at"_L1).toInteger() > 0, compact(room).constData());
    }();
    return QTest::currentTestFailed() ? 0 : reply.roomId();
}

bool tst_Chat::join(TestClient &client, qint64 room)
{
    const Reply reply = client.request(op::Join, { { "room"_L1, room } });
    [&] {
        CONFAB_VERIFY_OK(reply);
        QCOMPARE(reply.roomId(), room);
    }();
    return !QTest::currentTestFailed();
}

void tst_Chat::healthzAnswersOk()
{
    const HttpResponse response = httpsGet(*m_server, u"/healthz"_s);
    QVERIFY2(response.status != 0, qPrintable(response.error));
    QCOMPARE(response.status, 200);
    QJsonParseError parseError;
    const auto document = QJsonDocument::fromJson(response.body, &parseError);
    QVERIFY2(document.isObject(),
             ("/healthz body is not a JSON object: " + response.body).constData());
    QCOMPARE(document.object().value("status"_L1).toString(), u"ok"_s);
}

void tst_Chat::readyzAnswersReady()
{
    const HttpResponse response = httpsGet(*m_server, u"/readyz"_s);
    QVERIFY2(response.status != 0, qPrintable(response.error));
    QCOMPARE(response.status, 200);
    const auto document = QJsonDocument::fromJson(response.body);
    QVERIFY2(document.isObject(),
             ("/readyz body is not a JSON object: " + response.body).constData());
    QCOMPARE(document.object().value("status"_L1).toString(), u"ready"_s);
    const QJsonObject checks = document.object().value("checks"_L1).toObject();
    QCOMPARE(checks.value("database"_L1), QJsonValue(true));
    QCOMPARE(checks.value("draining"_L1), QJsonValue(false));
}

void tst_Chat::printedFingerprintIsTheCertificates()
{
    // Every TestClient pins this certificate, so the connections made in initTestCase have
    // already shown that it is the one the server presents.
    const QSslCertificate certificate = m_server->certificate();
    QVERIFY(!certificate.isNull());
    QVERIFY2(certificate.isSelfSigned(), qPrintable(certificate.toText()));
    QCOMPARE(m_server->printedFingerprint(), sha256Fingerprint(certificate));
}

void tst_Chat::helloAnnouncesServerAndLimits()
{
    TestClient client(*m_server);
    QVERIFY2(client.connectToServer(), qPrintable(client.errorString()));
    const QJsonObject hello = client.hello();
    QVERIFY2(hello.value("server"_L1).toString().startsWith("confabd "_L1),
             compact(hello).constData());
    QCOMPARE(hello.value("protocol"_L1).toInteger(), protocol::kProtocolVersion);
    const QJsonObject limits = hello.value("limits"_L1).toObject();
    QCOMPARE(limits.value("max_text_bytes"_L1).toInteger(), protocol::kMaxTextBytes);
    QCOMPARE(limits.value("max_frame_bytes"_L1).toInteger(), protocol::kMaxFrameBytes);
    QVERIFY2(limits.value("history_limit"_L1).toInteger() > 0, compact(hello).constData());
    QVERIFY2(limits.value("sync_limit"_L1).toInteger() > 0, compact(hello).constData());
}

void tst_Chat::twoUsersChatInARoom()
{
    const qint64 room = createRoom(*m_alice, u"general"_s);
    if (QTest::currentTestFailed())
        return;

    const Reply joined = m_bob->request(op::Join, { { "room"_L1, room } });
    CONFAB_VERIFY_OK(joined);
    QCOMPARE(joined.roomId(), room);
    QCOMPARE(joined.result().value("room"_L1).toObject().value("member_count"_L1).toInteger(), 2);
    const auto joinedPush = m_alice->waitForPush(push::MemberJoined, inRoom(room));
    QVERIFY2(joinedPush, "alice was not told that bob joined");
    QVERIFY(sameUser(joinedPush->value("user"_L1), m_bob->user()));

    const QString hello = u"Hello, Bob!"_s;
    const QString clientId = TestClient::newClientId();
    const Reply sent = m_alice->send(room, hello, clientId);
    CONFAB_VERIFY_OK(sent);
    QCOMPARE(sent.result().value("room"_L1).toInteger(), room);
    QCOMPARE(sent.result().value("seq"_L1).toInteger(), 1);
    QCOMPARE(sent.result().value("duplicate"_L1), QJsonValue(false));
    QVERIFY2(sent.result().value("ts"_L1).toInteger() > 0, sent.describe().constData());

    for (auto *client : { m_alice.get(), m_bob.get() }) {
        const auto event = client->waitForPush(push::Event, TestClient::eventAt(room, 1));
        QVERIFY2(event, qPrintable(client->userName() + u" did not receive alice's message"_s));
        CONFAB_VERIFY_MESSAGE(*event, room, 1, m_alice->user(), hello);
        QCOMPARE(event->value("client_id"_L1).toString(), clientId);
        QCOMPARE(event->value("ts"_L1), sent.result().value("ts"_L1));
    }

    const QString answer = u"Hi Alice, good to see you."_s;
    const Reply answered = m_bob->send(room, answer);
    CONFAB_VERIFY_OK(answered);
    QCOMPARE(answered.result().value("seq"_L1).toInteger(), 2);
    for (auto *client : { m_alice.get(), m_bob.get() }) {
        const auto event = client->waitForPush(push::Event, TestClient::eventAt(room, 2));
        QVERIFY2(event, qPrintable(client->userName() + u" did not receive bob's answer"_s));
        CONFAB_VERIFY_MESSAGE(*event, room, 2, m_bob->user(), answer);
    }

    const Reply history = m_bob->request(op::History, { { "room"_L1, room } });
    CONFAB_VERIFY_OK(history);
    const QJsonArray messages = history.result().value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 2);
    CONFAB_VERIFY_MESSAGE(messages.at(0).toObject(), room, 2, m_bob->user(), answer);
    CONFAB_VERIFY_MESSAGE(messages.at(1).toObject(), room, 1, m_alice->user(), hello);
    QCOMPARE(history.result().value("has_more"_L1), QJsonValue(false));
}

void tst_Chat::nonMemberSeesNothingOfTheRoom()
{
    const qint64 room = createRoom(*m_alice, u"alice and bob"_s);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(join(*m_bob, room));
    CONFAB_VERIFY_OK(m_alice->send(room, u"Just between us."_s));
    QVERIFY(m_bob->waitForPush(push::Event, TestClient::eventAt(room, 1)));

    // Carol's own message comes after alice's on her connection: had alice's been pushed to
    // her, it would already be queued when her own arrives.
    const qint64 carolsRoom = createRoom(*m_carol, u"carol's corner"_s);
    if (QTest::currentTestFailed())
        return;
    CONFAB_VERIFY_OK(m_carol->send(carolsRoom, u"Anyone here?"_s));
    QVERIFY(m_carol->waitForPush(push::Event, TestClient::eventAt(carolsRoom, 1)));
    for (const auto &event : m_carol->takePushes(push::Event))
        QVERIFY2(
            event.value("room"_L1).toInteger() != room,
            ("carol received an event of a room she is not in: " + compact(event)).constData());
    for (const auto name : { push::MemberJoined, push::Typing, push::Read })
        QVERIFY2(m_carol->takePushes(name).isEmpty(), name.data());

    CONFAB_VERIFY_ERROR(m_carol->request(op::History, { { "room"_L1, room } }), "not_member");
    CONFAB_VERIFY_ERROR(m_carol->send(room, u"Let me in"_s), "not_member");
    CONFAB_VERIFY_ERROR(m_carol->request(op::Members, { { "room"_L1, room } }), "not_member");

    const Reply history = m_alice->request(op::History, { { "room"_L1, room } });
    CONFAB_VERIFY_OK(history);
    QCOMPARE(history.result().value("messages"_L1).toArray().size(), 1);
}

void tst_Chat::everyConnectionOfAMemberReceivesEvents()
{
    TestClient aliceElsewhere(*m_server);
    QVERIFY2(aliceElsewhere.connectToServer(), qPrintable(aliceElsewhere.errorString()));
    CONFAB_VERIFY_OK(aliceElsewhere.login(u"alice"_s, kPassword));
    QCOMPARE(aliceElsewhere.userId(), m_alice->userId());

    const qint64 room = createRoom(*m_bob, u"two devices"_s);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(join(*m_alice, room));

    const QString text = u"Which device gets this?"_s;
    CONFAB_VERIFY_OK(m_bob->send(room, text));
    for (auto *client : { m_alice.get(), &aliceElsewhere, m_bob.get() }) {
        const auto event = client->waitForPush(push::Event, TestClient::eventAt(room, 1));
        QVERIFY2(event, "a connection of a member did not receive the message");
        CONFAB_VERIFY_MESSAGE(*event, room, 1, m_bob->user(), text);
    }
}

void tst_Chat::privateRoomNeedsInvitation()
{
    const qint64 room = createRoom(*m_alice, u"secret plans"_s, "private"_L1);
    if (QTest::currentTestFailed())
        return;
    const qint64 openRoom = createRoom(*m_alice, u"open plans"_s);
    if (QTest::currentTestFailed())
        return;

    // Carol does not find the private room among the public ones, only the public one.
    QJsonArray listed;
    QJsonObject args { { "limit"_L1, protocol::kHistoryPageMax } };
    for (;;) {
        const Reply page = m_carol->request(op::PublicRooms, args);
        CONFAB_VERIFY_OK(page);
        const QJsonArray rooms = page.result().value("rooms"_L1).toArray();
        for (const auto &entry : rooms)
            listed.append(entry);
        if (!page.result().value("has_more"_L1).toBool() || rooms.isEmpty())
            break;
        args.insert("after"_L1, rooms.last().toObject().value("id"_L1));
    }
    QVERIFY2(entryFor(listed, room).isEmpty(), compact(listed).constData());
    QCOMPARE(entryFor(listed, openRoom).value("name"_L1).toString(), u"open plans"_s);
    for (qsizetype i = 1; i < listed.size(); ++i)
        QVERIFY2(listed.at(i - 1).toObject().value("id"_L1).toInteger()
                     < listed.at(i).toObject().value("id"_L1).toInteger(),
                 ("public_rooms is not ordered by id: " + compact(listed)).constData());

    CONFAB_VERIFY_ERROR(m_carol->request(op::Join, { { "room"_L1, room } }), "forbidden");
    CONFAB_VERIFY_ERROR(m_carol->request(op::History, { { "room"_L1, room } }), "not_member");
    // Only members invite.
    CONFAB_VERIFY_ERROR(
        m_bob->request(op::Invite, { { "room"_L1, room }, { "user"_L1, u"carol"_s } }),
        "not_member");

    CONFAB_VERIFY_OK(
        m_alice->request(op::Invite, { { "room"_L1, room }, { "user"_L1, u"carol"_s } }));
    const auto invited = m_carol->waitForPush(push::Invited);
    QVERIFY2(invited, "carol was not told of her invitation");
    const QJsonObject invitedTo = invited->value("room"_L1).toObject();
    QCOMPARE(invitedTo.value("id"_L1).toInteger(), room);
    QCOMPARE(invitedTo.value("name"_L1).toString(), u"secret plans"_s);
    QCOMPARE(invitedTo.value("visibility"_L1).toString(), u"private"_s);
    QVERIFY2(sameUser(invited->value("by"_L1), m_alice->user()), compact(*invited).constData());

    const Reply joined = m_carol->request(op::Join, { { "room"_L1, room } });
    CONFAB_VERIFY_OK(joined);
    QCOMPARE(joined.roomId(), room);
    const auto joinedPush = m_alice->waitForPush(push::MemberJoined, inRoom(room));
    QVERIFY2(joinedPush, "alice was not told that carol joined");
    QVERIFY(sameUser(joinedPush->value("user"_L1), m_carol->user()));

    CONFAB_VERIFY_OK(m_carol->send(room, u"Thanks for having me."_s));
    QVERIFY2(m_alice->waitForPush(push::Event, TestClient::eventAt(room, 1)),
             "alice did not receive carol's message in the private room");

    CONFAB_VERIFY_ERROR(
        m_alice->request(op::Invite, { { "room"_L1, room }, { "user"_L1, u"carol"_s } }),
        "already_member");
    CONFAB_VERIFY_ERROR(
        m_alice->request(op::Invite,
                         { { "room"_L1, room }, { "user"_L1, u"nobody-by-that-name"_s } }),
        "user_not_found");
}

void tst_Chat::myRoomsShowsUnreadCountAndLastMessage()
{
    const qint64 quiet = createRoom(*m_alice, u"quiet"_s);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(join(*m_bob, quiet));
    const qint64 room = createRoom(*m_alice, u"news"_s);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(join(*m_bob, room));

    const QStringList texts { u"first"_s, u"second"_s, u"third"_s };
    for (const auto &text : texts)
        CONFAB_VERIFY_OK(m_alice->send(room, text));
    QVERIFY(m_bob->waitForPush(push::Event, TestClient::eventAt(room, 3)));

    const Reply reply = m_bob->request(op::MyRooms);
    CONFAB_VERIFY_OK(reply);
    const QJsonArray rooms = reply.result().value("rooms"_L1).toArray();
    QVERIFY2(!rooms.isEmpty(), reply.describe().constData());
    QCOMPARE(rooms.first().toObject().value("id"_L1).toInteger(), room); // most recent activity

    const QJsonObject news = entryFor(rooms, room);
    QCOMPARE(news.value("name"_L1).toString(), u"news"_s);
    QCOMPARE(news.value("last_seq"_L1).toInteger(), 3);
    QCOMPARE(news.value("member_count"_L1).toInteger(), 2);
    QCOMPARE(news.value("unread"_L1).toInteger(), 3);
    QCOMPARE(news.value("last_read_seq"_L1).toInteger(), 0);
    CONFAB_VERIFY_MESSAGE(news.value("last_message"_L1).toObject(), room, 3, m_alice->user(),
                          u"third"_s);

    const QJsonObject quietEntry = entryFor(rooms, quiet);
    QVERIFY2(!quietEntry.isEmpty(), reply.describe().constData());
    QCOMPARE(quietEntry.value("unread"_L1).toInteger(), 0);
    QVERIFY2(quietEntry.contains("last_message"_L1) && quietEntry.value("last_message"_L1).isNull(),
             compact(quietEntry).constData());
}

void tst_Chat::readMarkerClearsUnreadAndTellsOthers()
{
    const qint64 room = createRoom(*m_alice, u"reading club"_s);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(join(*m_bob, room));
    for (const auto &text : { u"one"_s, u"two"_s, u"three"_s })
        CONFAB_VERIFY_OK(m_alice->send(room, text));
    QVERIFY(m_bob->waitForPush(push::Event, TestClient::eventAt(room, 3)));

    const Reply read = m_bob->request(op::Read, { { "room"_L1, room }, { "seq"_L1, 3 } });
    CONFAB_VERIFY_OK(read);
    QCOMPARE(read.result().value("room"_L1).toInteger(), room);
    QCOMPARE(read.result().value("seq"_L1).toInteger(), 3);

    const auto readPush = m_alice->waitForPush(push::Read, inRoom(room));
    QVERIFY2(readPush, "alice was not told that bob read the room");
    QVERIFY(sameUser(readPush->value("user"_L1), m_bob->user()));
    QCOMPARE(readPush->value("seq"_L1).toInteger(), 3);

    auto bobsEntry = [&] {
        const Reply reply = m_bob->request(op::MyRooms);
        return entryFor(reply.result().value("rooms"_L1).toArray(), room);
    };
    QJsonObject entry = bobsEntry();
    QCOMPARE(entry.value("unread"_L1).toInteger(), 0);
    QCOMPARE(entry.value("last_read_seq"_L1).toInteger(), 3);

    // The marker only moves forward.
    CONFAB_VERIFY_OK(m_bob->request(op::Read, { { "room"_L1, room }, { "seq"_L1, 1 } }));
    entry = bobsEntry();
    QCOMPARE(entry.value("unread"_L1).toInteger(), 0);
    QCOMPARE(entry.value("last_read_seq"_L1).toInteger(), 3);

    // A new message is unread again; and the reader was never told of his own reading,
    // or his read push would be queued before this message.
    CONFAB_VERIFY_OK(m_alice->send(room, u"four"_s));
    QVERIFY(m_bob->waitForPush(push::Event, TestClient::eventAt(room, 4)));
    QVERIFY2(m_bob->takePushes(push::Read).isEmpty(), "bob was sent his own read push");
    entry = bobsEntry();
    QCOMPARE(entry.value("unread"_L1).toInteger(), 1);
    QCOMPARE(entry.value("last_read_seq"_L1).toInteger(), 3);
}

void tst_Chat::authorEditsAndDeletesOwnMessage()
{
    const qint64 room = createRoom(*m_alice, u"drafts"_s);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(join(*m_bob, room));
    CONFAB_VERIFY_OK(m_alice->send(room, u"teh typo"_s));
    QVERIFY(m_bob->waitForPush(push::Event, TestClient::eventAt(room, 1)));
    // Read before the edit as well: the server keeps the JSON of events it sent, and what it
    // kept of the message as first written must not come back after the edit or the delete.
    Reply history = m_bob->request(op::History, { { "room"_L1, room } });
    CONFAB_VERIFY_OK(history);
    QCOMPARE(history.result().value("messages"_L1).toArray().first()["text"_L1].toString(),
             u"teh typo"_s);

    const Reply edited = m_alice->request(
        op::Edit, { { "room"_L1, room }, { "seq"_L1, 1 }, { "text"_L1, u"the typo"_s } });
    CONFAB_VERIFY_OK(edited);
    QCOMPARE(edited.result().value("room"_L1).toInteger(), room);
    QCOMPARE(edited.result().value("seq"_L1).toInteger(), 2);
    QVERIFY2(edited.result().value("ts"_L1).toInteger() > 0, edited.describe().constData());
    for (auto *client : { m_alice.get(), m_bob.get() }) {
        const auto event = client->waitForPush(push::Event, TestClient::eventAt(room, 2));
        QVERIFY2(event, "a member did not receive the edit");
        QCOMPARE(event->value("kind"_L1).toString(), u"edit"_s);
        QCOMPARE(event->value("target_seq"_L1).toInteger(), 1);
        QCOMPARE(event->value("text"_L1).toString(), u"the typo"_s);
        QVERIFY(sameUser(event->value("sender"_L1), m_alice->user()));
    }

    history = m_bob->request(op::History, { { "room"_L1, room } });
    CONFAB_VERIFY_OK(history);
    QJsonArray messages = history.result().value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 1); // edits and deletions are not messages of their own
    QJsonObject message = messages.first().toObject();
    QCOMPARE(message.value("seq"_L1).toInteger(), 1);
    QCOMPARE(message.value("text"_L1).toString(), u"the typo"_s);
    QVERIFY2(message.value("edited_ts"_L1).toInteger() > 0, compact(message).constData());
    QCOMPARE(message.value("deleted"_L1), QJsonValue(false));

    const Reply deleted = m_alice->request(op::Delete, { { "room"_L1, room }, { "seq"_L1, 1 } });
    CONFAB_VERIFY_OK(deleted);
    QCOMPARE(deleted.result().value("seq"_L1).toInteger(), 3);
    for (auto *client : { m_alice.get(), m_bob.get() }) {
        const auto event = client->waitForPush(push::Event, TestClient::eventAt(room, 3));
        QVERIFY2(event, "a member did not receive the deletion");
        QCOMPARE(event->value("kind"_L1).toString(), u"delete"_s);
        QCOMPARE(event->value("target_seq"_L1).toInteger(), 1);
        QVERIFY(sameUser(event->value("sender"_L1), m_alice->user()));
    }

    history = m_bob->request(op::History, { { "room"_L1, room } });
    CONFAB_VERIFY_OK(history);
    messages = history.result().value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 1);
    message = messages.first().toObject();
    QCOMPARE(message.value("seq"_L1).toInteger(), 1);
    QCOMPARE(message.value("deleted"_L1), QJsonValue(true));
    QCOMPARE(message.value("text"_L1), QJsonValue(u""_s));

    CONFAB_VERIFY_ERROR(
        m_alice->request(op::Edit,
                         { { "room"_L1, room }, { "seq"_L1, 1 }, { "text"_L1, u"again"_s } }),
        "message_not_found");
    CONFAB_VERIFY_ERROR(m_alice->request(op::Delete, { { "room"_L1, room }, { "seq"_L1, 1 } }),
                        "message_not_found");
    // seq 2 is the edit event, not a message.
    CONFAB_VERIFY_ERROR(
        m_alice->request(op::Edit,
                         { { "room"_L1, room }, { "seq"_L1, 2 }, { "text"_L1, u"no"_s } }),
        "message_not_found");
    CONFAB_VERIFY_ERROR(
        m_alice->request(op::Edit,
                         { { "room"_L1, room }, { "seq"_L1, 999 }, { "text"_L1, u"no"_s } }),
        "message_not_found");
}

void tst_Chat::othersCannotEditOrDeleteAMessage()
{
    const qint64 room = createRoom(*m_alice, u"my words"_s);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(join(*m_bob, room));
    const QString text = u"Only I may change this."_s;
    CONFAB_VERIFY_OK(m_alice->send(room, text));

    CONFAB_VERIFY_ERROR(
        m_bob->request(op::Edit,
                       { { "room"_L1, room }, { "seq"_L1, 1 }, { "text"_L1, u"Bob was here"_s } }),
        "forbidden");
    CONFAB_VERIFY_ERROR(m_bob->request(op::Delete, { { "room"_L1, room }, { "seq"_L1, 1 } }),
                        "forbidden");

    const Reply history = m_alice->request(op::History, { { "room"_L1, room } });
    CONFAB_VERIFY_OK(history);
    const QJsonArray messages = history.result().value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 1);
    CONFAB_VERIFY_MESSAGE(messages.first().toObject(), room, 1, m_alice->user(), text);
    const Reply rooms = m_alice->request(op::MyRooms);
    CONFAB_VERIFY_OK(rooms);
    const QJsonObject entry = entryFor(rooms.result().value("rooms"_L1).toArray(), room);
    QCOMPARE(entry.value("last_seq"_L1).toInteger(), 1); // nothing was added to the timeline
}

void tst_Chat::typingReachesOnlyTheOthers()
{
    const qint64 room = createRoom(*m_alice, u"typists"_s);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(join(*m_bob, room));

    CONFAB_VERIFY_OK(m_alice->request(op::Typing, { { "room"_L1, room }, { "active"_L1, true } }));
    auto typing = m_bob->waitForPush(push::Typing, inRoom(room));
    QVERIFY2(typing, "bob did not see alice typing");
    QVERIFY(sameUser(typing->value("user"_L1), m_alice->user()));
    QCOMPARE(typing->value("active"_L1), QJsonValue(true));

    // Alice's own message arrives after any typing push she would have been sent.
    CONFAB_VERIFY_OK(m_alice->send(room, u"Done typing."_s));
    QVERIFY(m_alice->waitForPush(push::Event, TestClient::eventAt(room, 1)));
    QVERIFY2(m_alice->takePushes(push::Typing).isEmpty(), "alice was sent her own typing push");

    CONFAB_VERIFY_OK(m_alice->request(op::Typing, { { "room"_L1, room }, { "active"_L1, false } }));
    typing = m_bob->waitForPush(push::Typing, inRoom(room));
    QVERIFY2(typing, "bob did not see alice stop typing");
    QCOMPARE(typing->value("active"_L1), QJsonValue(false));

    CONFAB_VERIFY_ERROR(
        m_carol->request(op::Typing, { { "room"_L1, room }, { "active"_L1, true } }), "not_member");
}

void tst_Chat::membersShowPresence()
{
    QString error;
    auto dave = TestClient::registered(*m_server, u"dave"_s, kPassword, &error);
    QVERIFY2(dave, qPrintable(error));
    const qint64 room = createRoom(*m_alice, u"whos here"_s);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(join(*dave, room));

    auto presenceOf = [&](const TestClient &member) {
        const Reply reply = m_alice->request(op::Members, { { "room"_L1, room } });
        for (const auto &entry : reply.result().value("members"_L1).toArray()) {
            if (sameUser(entry, member.user()))
                return entry.toObject().value("presence"_L1).toString();
        }
        return u"(not listed: %1)"_s.arg(QString::fromUtf8(reply.describe()));
    };
    const Reply members = m_alice->request(op::Members, { { "room"_L1, room } });
    CONFAB_VERIFY_OK(members);
    QCOMPARE(members.result().value("members"_L1).toArray().size(), 2);
    QCOMPARE(presenceOf(*m_alice), u"online"_s);
    QCOMPARE(presenceOf(*dave), u"online"_s);

    const QJsonObject daveUser = dave->user();
    auto presenceOfDave = [daveUser](QLatin1StringView status) {
        return [daveUser, status](const QJsonObject &data) {
            return sameUser(data.value("user"_L1), daveUser)
                && data.value("status"_L1).toString() == status;
        };
    };
    CONFAB_VERIFY_OK(dave->request(op::Presence, { { "status"_L1, u"away"_s } }));
    QVERIFY2(m_alice->waitForPush(push::Presence, presenceOfDave("away"_L1)),
             "alice was not told that dave is away");
    QCOMPARE(presenceOf(*dave), u"away"_s);

    dave->close();
    QVERIFY(dave->waitForDisconnected());
    QVERIFY2(m_alice->waitForPush(push::Presence, presenceOfDave("offline"_L1)),
             "alice was not told that dave went offline");
    QCOMPARE(presenceOf(*dave), u"offline"_s);

    CONFAB_VERIFY_ERROR(m_carol->request(op::Members, { { "room"_L1, room } }), "not_member");
}

void tst_Chat::leavingEndsMembership()
{
    const qint64 room = createRoom(*m_alice, u"short stay"_s);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(join(*m_bob, room));
    CONFAB_VERIFY_OK(m_bob->request(op::Leave, { { "room"_L1, room } }));

    for (auto *client : { m_alice.get(), m_bob.get() }) {
        const auto left = client->waitForPush(push::MemberLeft, inRoom(room));
        QVERIFY2(left, "a member_left push is missing");
        QVERIFY(sameUser(left->value("user"_L1), m_bob->user()));
    }
    CONFAB_VERIFY_ERROR(m_bob->send(room, u"Still here?"_s), "not_member");
    CONFAB_VERIFY_ERROR(m_bob->request(op::History, { { "room"_L1, room } }), "not_member");
    const Reply rooms = m_bob->request(op::MyRooms);
    CONFAB_VERIFY_OK(rooms);
    QVERIFY2(entryFor(rooms.result().value("rooms"_L1).toArray(), room).isEmpty(),
             rooms.describe().constData());
}

} // namespace confab::test

QTEST_GUILESS_MAIN(confab::test::tst_Chat)
#include "tst_chat.moc"
