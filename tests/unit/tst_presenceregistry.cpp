// The one registry of who is online, for both protocols and across nodes: a native user is a
// member of their rooms' presence-room.{id} channels, next to web pages subscribed to them;
// room events reach both kinds in their own framing; what other nodes announce joins in.
// Pushes go through a sink that records what each connection would have been sent.
#include "presence/PresenceRegistry.h"
#include "protocol/Operations.h"
#include "pusher/ChannelName.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace confab::server;
using confab::protocol::Event;
using confab::protocol::User;
using namespace Qt::StringLiterals;

namespace {

// What one connection was sent: each frame's JSON text, unframed.
class RecordingSink : public PushSink
{
public:
    void deliver(const QList<quint64> &connectionIds, const PushFrame &frame) override
    {
        const QByteArray &bytes = frame.bytes();
        const int length = static_cast<quint8>(bytes.at(1)) & 0x7f;
        const int header = length < 126 ? 2 : length == 126 ? 4 : 10;
        const QJsonObject json = QJsonDocument::fromJson(bytes.mid(header)).object();
        for (quint64 id : connectionIds)
            received[id].append(json);
    }

    // Frames of a native push kind, or Pusher events of a name.
    QList<QJsonObject> named(quint64 id, const QString &name) const
    {
        QList<QJsonObject> matching;
        for (const QJsonObject &frame : received.value(id)) {
            if (frame.value(u"push").toString() == name || frame.value(u"event").toString() == name)
                matching.append(frame);
        }
        return matching;
    }

    QHash<quint64, QList<QJsonObject>> received;
};

class PusherSocket : public QObject
{
    Q_OBJECT

public slots:
    void terminate() { ++terminated; }

public:
    int terminated = 0;
};

PusherApp app()
{
    PusherApp app;
    app.id = u"1"_s;
    app.key = u"key"_s;
    app.secret = u"secret"_s;
    app.limits.maxConnections = 2;
    app.limits.maxPresenceMembers = 1;
    return app;
}

const User alice { 1, u"alice"_s };
const User bob { 2, u"bob"_s };
const QString room7 = ChannelName::ofRoom(7);

QJsonObject dataOf(const QJsonObject &pusherFrame)
{
    return QJsonDocument::fromJson(pusherFrame.value(u"data").toString().toUtf8()).object();
}

} // namespace

class TestPresenceRegistry : public QObject
{
    Q_OBJECT

private slots:
    void aNativeUserIsAMemberOfTheRoomChannel();
    void oneMemberWhicheverProtocol();
    void roomEventsReachBothKindsInTheirFraming();
    void leavingTellsPeersAndPages();
    void joiningARoomSubscribesEveryConnection();
    void otherNodesJoinThePresence();
    void aLostNodeTakesItsShareAlong();
    void pusherLimitsCountPusherOnly();
};

void TestPresenceRegistry::aNativeUserIsAMemberOfTheRoomChannel()
{
    PresenceRegistry registry({ app() });
    RecordingSink sink;
    QSignalSpy members(&registry, &PresenceRegistry::localMemberChanged);
    QSignalSpy statuses(&registry, &PresenceRegistry::localStatusChanged);

    QVERIFY(registry.attachUser(alice, { &sink, 1 }, { 7, 8 }));
    QCOMPARE(registry.users(u"1"_s, room7), QStringList { u"1"_s });
    QCOMPARE(registry.channel(u"1"_s, ChannelName::ofRoom(8)).userCount, 1);
    QCOMPARE(registry.presence(alice.id), PresenceStatus::Online);
    // Both rooms in one announcement, before the status, for the other nodes.
    QCOMPARE(members.size(), 1);
    QCOMPARE(members.at(0).at(1).toStringList().size(), 2);
    QCOMPARE(statuses.size(), 1);
    // A second connection is the same presence.
    QVERIFY(!registry.attachUser(alice, { &sink, 2 }, { 7, 8 }));
    QCOMPARE(statuses.size(), 1);
    QCOMPARE(registry.channel(u"1"_s, room7).subscriptionCount, 2);
    // Native connections are not Pusher connections.
    QCOMPARE(registry.connectionCount(u"1"_s), 0);
}

void TestPresenceRegistry::oneMemberWhicheverProtocol()
{
    PresenceRegistry registry({ app() });
    RecordingSink sink;
    PusherSocket page;
    const QString socket = *registry.attach(app(), { &sink, 10 }, &page);
    const auto subscribed
        = registry.subscribe(u"1"_s, socket, room7, PresenceRegistry::roomMember(bob));
    QCOMPARE(subscribed.status, SubscribeResult::Status::Subscribed);

    registry.attachUser(alice, { &sink, 1 }, { 7 });
    QTRY_COMPARE(sink.named(10, u"pusher_internal:member_added"_s).size(), 1);
    const QJsonObject added = dataOf(sink.named(10, u"pusher_internal:member_added"_s).at(0));
    QCOMPARE(added.value(u"user_id").toString(), u"1"_s);
    QCOMPARE(added.value(u"user_info").toObject().value(u"name").toString(), u"alice"_s);
    QCOMPARE(registry.users(u"1"_s, room7), (QStringList { u"1"_s, u"2"_s }));

    // Alice opens the page too: still one member, and nobody hears of her again.
    PusherSocket second;
    const QString alicePage = *registry.attach(app(), { &sink, 11 }, &second);
    registry.subscribe(u"1"_s, alicePage, room7, PresenceRegistry::roomMember(alice));
    QCOMPARE(registry.channel(u"1"_s, room7).userCount, 2);
    registry.detachUser(alice.id, { &sink, 1 });
    QCOMPARE(registry.users(u"1"_s, room7), (QStringList { u"1"_s, u"2"_s }));
    QCoreApplication::processEvents();
    QVERIFY(sink.named(10, u"pusher_internal:member_removed"_s).isEmpty());
    QCOMPARE(sink.named(10, u"pusher_internal:member_added"_s).size(), 1);
}

void TestPresenceRegistry::roomEventsReachBothKindsInTheirFraming()
{
    PresenceRegistry registry({ app() });
    RecordingSink sink;
    PusherSocket page;
    registry.attachUser(alice, { &sink, 1 }, { 7 });
    registry.attachUser(bob, { &sink, 2 }, { 8 });
    const QString socket = *registry.attach(app(), { &sink, 10 }, &page);
    registry.subscribe(u"1"_s, socket, room7, std::nullopt);

    Event event;
    event.room = 7;
    event.seq = 3;
    event.sender = alice;
    event.clientId = u"c1"_s;
    event.text = u"<b>hi</b>"_s;
    registry.onEventsCommitted({ event });

    QTRY_COMPARE(sink.named(1, u"event"_s).size(), 1);
    QCOMPARE(sink.named(1, u"event"_s).at(0).value(u"data").toObject().value(u"text"),
             u"<b>hi</b>"_s);
    QTRY_COMPARE(sink.named(10, u"message.created"_s).size(), 1);
    const QJsonObject created = sink.named(10, u"message.created"_s).at(0);
    QCOMPARE(created.value(u"channel").toString(), room7);
    QCOMPARE(dataOf(created).value(u"seq").toInteger(), 3);
    // Each kind in its own framing only, and nothing to the room's outsiders.
    QVERIFY(sink.named(1, u"message.created"_s).isEmpty());
    QVERIFY(sink.named(10, u"event"_s).isEmpty());
    QVERIFY(sink.received.value(2).isEmpty());
}

void TestPresenceRegistry::leavingTellsPeersAndPages()
{
    PresenceRegistry registry({ app() });
    RecordingSink sink;
    PusherSocket page;
    registry.attachUser(alice, { &sink, 1 }, { 7 });
    registry.attachUser(bob, { &sink, 2 }, { 7 });
    const QString socket = *registry.attach(app(), { &sink, 10 }, &page);
    registry.subscribe(u"1"_s, socket, room7, PresenceRegistry::roomMember(User { 3, u"carol"_s }));
    QCOMPARE(registry.peersOf(bob.id), (QSet<qint64> { 1, 3 }));

    QVERIFY(registry.detachUser(bob.id, { &sink, 2 }));
    QCOMPARE(registry.presence(bob.id), PresenceStatus::Offline);
    QTRY_COMPARE(sink.named(10, u"pusher_internal:member_removed"_s).size(), 1);
    QCOMPARE(dataOf(sink.named(10, u"pusher_internal:member_removed"_s).at(0))
                 .value(u"user_id")
                 .toString(),
             u"2"_s);
    QCOMPARE(registry.users(u"1"_s, room7), (QStringList { u"1"_s, u"3"_s }));
    // Detaching what is gone already changes nothing.
    QVERIFY(!registry.detachUser(bob.id, { &sink, 2 }));
}

void TestPresenceRegistry::joiningARoomSubscribesEveryConnection()
{
    PresenceRegistry registry({ app() });
    RecordingSink sink;
    QSignalSpy memberships(&registry, &PresenceRegistry::membershipChanged);
    registry.attachUser(alice, { &sink, 1 }, {});
    registry.attachUser(alice, { &sink, 2 }, {});
    registry.addMember(9, alice.id);
    QCOMPARE(memberships.size(), 1);
    QCOMPARE(registry.channel(u"1"_s, ChannelName::ofRoom(9)).subscriptionCount, 2);

    registry.publishToRoom(9, QByteArrayLiteral(R"({"push":"typing"})"));
    QTRY_COMPARE(sink.named(2, u"typing"_s).size(), 1);
    QCOMPARE(sink.named(1, u"typing"_s).size(), 1);

    registry.removeMember(9, alice.id);
    QCOMPARE(registry.channel(u"1"_s, ChannelName::ofRoom(9)).occupied, false);
    // A user on another node joining a room changes nothing here.
    registry.applyMembership(9, bob.id, true);
    QVERIFY(registry.users(u"1"_s, ChannelName::ofRoom(9)).isEmpty());
}

void TestPresenceRegistry::otherNodesJoinThePresence()
{
    PresenceRegistry registry({ app() });
    RecordingSink sink;
    registry.attachUser(alice, { &sink, 1 }, { 7 });

    // Node B: bob's rooms come as his membership of their channels, then his status.
    registry.setRemoteOccupied(u"b"_s, u"1"_s, { room7 }, true);
    registry.setRemoteMember(u"b"_s, u"1"_s, { room7 }, PresenceRegistry::roomMember(bob), true);
    registry.setRemoteStatus(u"b"_s, { bob, PresenceStatus::Away });
    QCOMPARE(registry.presence(bob.id), PresenceStatus::Away);
    QCOMPARE(registry.peersOf(bob.id), QSet<qint64> { alice.id });
    QTRY_COMPARE(sink.named(1, u"presence"_s).size(), 1);
    const QJsonObject pushed = sink.named(1, u"presence"_s).at(0).value(u"data").toObject();
    QCOMPARE(pushed.value(u"status").toString(), u"away"_s);
    QCOMPARE(registry.users(u"1"_s, room7), (QStringList { u"1"_s, u"2"_s }));

    // Offline there before the rooms go: alice still hears of it.
    registry.setRemoteStatus(u"b"_s, { bob, PresenceStatus::Offline });
    registry.setRemoteMember(u"b"_s, u"1"_s, { room7 }, { u"2"_s, {} }, false);
    QTRY_COMPARE(sink.named(1, u"presence"_s).size(), 2);
    QCOMPARE(registry.presence(bob.id), PresenceStatus::Offline);
    QCOMPARE(registry.users(u"1"_s, room7), QStringList { u"1"_s });
}

void TestPresenceRegistry::aLostNodeTakesItsShareAlong()
{
    PresenceRegistry registry({ app() });
    RecordingSink sink;
    PusherSocket page;
    registry.attachUser(alice, { &sink, 1 }, { 7 });
    const QString socket = *registry.attach(app(), { &sink, 10 }, &page);
    registry.subscribe(u"1"_s, socket, room7, std::nullopt);

    const QList<ChannelShare> shares { { u"1"_s, room7, { PresenceRegistry::roomMember(bob) } },
                                       { u"1"_s, u"news"_s, {} } };
    registry.replaceRemote(u"b"_s, shares, { { bob, PresenceStatus::Online } }, false);
    QCOMPARE(registry.presence(bob.id), PresenceStatus::Online);
    QVERIFY(registry.channel(u"1"_s, u"news"_s).occupied);
    QTRY_COMPARE(sink.named(10, u"pusher_internal:member_added"_s).size(), 1);

    registry.replaceRemote(u"b"_s, {}, {}, true);
    QCOMPARE(registry.presence(bob.id), PresenceStatus::Offline);
    QVERIFY(!registry.channel(u"1"_s, u"news"_s).occupied);
    QTRY_COMPARE(sink.named(10, u"pusher_internal:member_removed"_s).size(), 1);
    QTRY_COMPARE(sink.named(1, u"presence"_s).size(), 2); // online, then offline
    QCOMPARE(sink.named(1, u"presence"_s).at(1).value(u"data").toObject().value(u"status"),
             u"offline"_s);
}

void TestPresenceRegistry::pusherLimitsCountPusherOnly()
{
    PresenceRegistry registry({ app() });
    RecordingSink sink;
    PusherSocket first, second, third;
    registry.attachUser(alice, { &sink, 1 }, { 7 });
    registry.attachUser(bob, { &sink, 2 }, { 7 });
    const QString a = *registry.attach(app(), { &sink, 10 }, &first);
    const QString b = *registry.attach(app(), { &sink, 11 }, &second);
    QVERIFY(!registry.attach(app(), { &sink, 12 }, &third));

    // A room's channel takes every member the room has; other presence channels the limit.
    const User carol { 3, u"carol"_s };
    QCOMPARE(registry.subscribe(u"1"_s, a, room7, PresenceRegistry::roomMember(carol)).status,
             SubscribeResult::Status::Subscribed);
    QCOMPARE(
        registry.subscribe(u"1"_s, a, u"presence-team"_s, PresenceMember { u"x"_s, {} }).status,
        SubscribeResult::Status::Subscribed);
    QCOMPARE(
        registry.subscribe(u"1"_s, b, u"presence-team"_s, PresenceMember { u"y"_s, {} }).status,
        SubscribeResult::Status::PresenceFull);

    // terminate_connections closes Pusher connections only.
    registry.signIn(u"1"_s, b, u"1"_s);
    QCOMPARE(registry.terminateUser(u"1"_s, u"1"_s), 1);
    QTRY_COMPARE(second.terminated, 1);
}

QTEST_GUILESS_MAIN(TestPresenceRegistry)
#include "tst_presenceregistry.moc"
