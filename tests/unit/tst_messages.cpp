// The typed messages of every operation and push: each one reads back what it writes, and a
// request or reply without a required field, or with one of the wrong type, is a bad_request
// with the message the server has always given.
#include "protocol/Messages.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab::protocol;

namespace {

const User kAda { 7, u"ada"_s };

Room sampleRoom()
{
    return Room { 5, u"general"_s, u"Anything goes"_s, Visibility::Private, 1764280000000, 44, 3 };
}

Event sampleMessage()
{
    Event event;
    event.room = 5;
    event.seq = 42;
    event.kind = EventKind::Message;
    event.sender = kAda;
    event.clientId = u"c-1"_s;
    event.text = u"hello"_s;
    event.timestamp = 1764280000000;
    event.editedAt = 1764280001000;
    return event;
}

Event sampleEdit()
{
    Event event;
    event.room = 5;
    event.seq = 43;
    event.kind = EventKind::Edit;
    event.sender = kAda;
    event.text = u"hello again"_s;
    event.timestamp = 1764280001000;
    event.targetSeq = 42;
    return event;
}

Event sampleDelete()
{
    Event event;
    event.room = 5;
    event.seq = 44;
    event.kind = EventKind::Delete;
    event.sender = kAda;
    event.timestamp = 1764280002000;
    event.targetSeq = 42;
    return event;
}

QString compact(const QJsonObject &json)
{
    return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

// A value of another JSON type than `value`.
QJsonValue wrongTypeFor(const QJsonValue &value)
{
    return value.isArray() ? QJsonValue(u"not an array"_s) : QJsonValue(QJsonArray { 1 });
}

template<typename M> bool refused(const QJsonObject &json)
{
    const auto decoded = fromJson<M>(json);
    return !decoded && decoded.error().code == ErrorCode::BadRequest;
}

// toJson then fromJson gives the value back; then every top-level field of its JSON is taken
// away, set to null and given another type. A required field is refused each time; one in
// `optional` may be missing or null, but not of another type; one in `lenient` is read as the
// entity it belongs to reads it.
template<typename M>
void checkMessage(const M &sample, const QStringList &optional = {},
                  const QStringList &lenient = {})
{
    const QJsonObject json = toJson(sample);
    const auto decoded = fromJson<M>(json);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message));
    QVERIFY2(decoded.value() == sample, qPrintable(compact(json)));
    QCOMPARE(toJson(decoded.value()), json);

    for (auto it = json.constBegin(); it != json.constEnd(); ++it) {
        const QString key = it.key();
        if (lenient.contains(key))
            continue;
        QJsonObject missing = json;
        missing.remove(key);
        QJsonObject null = json;
        null.insert(key, QJsonValue::Null);
        QJsonObject wrongType = json;
        wrongType.insert(key, wrongTypeFor(it.value()));

        const bool isOptional = optional.contains(key);
        QVERIFY2(refused<M>(missing) != isOptional, qPrintable(u"missing "_s + key));
        QVERIFY2(refused<M>(null) != isOptional, qPrintable(u"null "_s + key));
        QVERIFY2(refused<M>(wrongType), qPrintable(u"wrong type "_s + key));
    }
}

template<typename M> QString problemOf(const QJsonObject &json)
{
    const auto decoded = fromJson<M>(json);
    if (decoded)
        return {};
    [&] { QCOMPARE(decoded.error().code, ErrorCode::BadRequest); }();
    return decoded.error().message;
}

} // namespace

class MessagesTest : public QObject
{
    Q_OBJECT

private slots:
    void accountMessages();
    void roomMessages();
    void timelineMessages();
    void pushes();
    void optionalFieldsAreLeftOutOrDefaulted();
    void refusesWithTheServersMessages();
    void reportsTheFirstProblemInReadingOrder();
    void writesEventsThroughTheGivenEncoder();
    void encodesPushFrames();
    void decodesServerFrames();
};

void MessagesTest::accountMessages()
{
    checkMessage(RegisterRequest { u"ada"_s, u"correct horse"_s });
    checkMessage(LoginRequest { u"ada"_s, u"correct horse"_s });
    checkMessage(ResumeRequest { u"token"_s });
    checkMessage(LogoutRequest {});
    checkMessage(PresenceRequest { PresenceStatus::Away });
    checkMessage(SignInReply { kAda, u"token"_s, 1766872000000 }, { u"token"_s });
    checkMessage(SignInReply { kAda, std::nullopt, 1766872000000 });
    checkMessage(EmptyReply {});
}

void MessagesTest::roomMessages()
{
    checkMessage(CreateRoomRequest { u"general"_s, u"Anything goes"_s, Visibility::Private },
                 { u"topic"_s, u"visibility"_s });
    checkMessage(RoomReply { sampleRoom() });
    checkMessage(PublicRoomsRequest { 12, 20 }, { u"after"_s, u"limit"_s });
    checkMessage(PublicRoomsReply { { sampleRoom(), sampleRoom() }, true });
    checkMessage(JoinRequest { 5 });
    checkMessage(LeaveRequest { 5 });
    checkMessage(InviteRequest { 5, u"grace"_s });
    checkMessage(MyRoomsRequest {});
    // A Room reads its topic, times and counts leniently, as it always did.
    const QStringList roomLenient { u"topic"_s, u"created_at"_s, u"last_seq"_s, u"member_count"_s };
    checkMessage(JoinedRoom { sampleRoom(), 3, 41, sampleMessage() }, { u"last_message"_s },
                 roomLenient);
    checkMessage(JoinedRoom { sampleRoom(), 0, 0, std::nullopt }, { u"last_message"_s },
                 roomLenient);
    checkMessage(MyRoomsReply { { JoinedRoom { sampleRoom(), 3, 41, sampleMessage() } } });
    checkMessage(MembersRequest { 5 });
    checkMessage(Member { kAda, PresenceStatus::Away });
    checkMessage(MembersReply { { Member { kAda, PresenceStatus::Online },
                                  Member { { 8, u"grace"_s }, PresenceStatus::Offline } } });
    checkMessage(TypingRequest { 5, true });
    checkMessage(ReadRequest { 5, 42 });
    checkMessage(ReadReply { 5, 42 });
}

void MessagesTest::timelineMessages()
{
    checkMessage(SendRequest { 5, u"c-1"_s, u"hello"_s });
    checkMessage(EditRequest { 5, 42, u"hello again"_s });
    checkMessage(DeleteRequest { 5, 42 });
    checkMessage(AppendReply { 5, 42, 1764280000000, false }, { u"duplicate"_s });
    checkMessage(AppendReply { 5, 43, 1764280001000, std::nullopt });
    checkMessage(HistoryRequest { 5, 40, 20 }, { u"before"_s, u"limit"_s });
    checkMessage(HistoryReply { { sampleMessage() }, true });
    checkMessage(SyncRequest { { { 5, 40 }, { 6, 0 } }, 100 }, { u"limit"_s });
    checkMessage(SyncedRoom { 5, { sampleMessage(), sampleEdit(), sampleDelete() }, false, 44 });
    checkMessage(SyncReply {
        { SyncedRoom { 5, { sampleEdit() }, true, 44 }, SyncedRoom { 6, {}, false, 0 } } });
}

void MessagesTest::pushes()
{
    checkMessage(HelloPush { u"confabd 0.1.0"_s, 1, ServerLimits {} });
    checkMessage(ServerLimits { 1024, 4096, 100, 1000 });
    checkMessage(PresencePush { kAda, PresenceStatus::Offline });
    checkMessage(TypingPush { 5, kAda, true });
    checkMessage(MemberJoinedPush { 5, kAda });
    checkMessage(MemberLeftPush { 5, kAda });
    checkMessage(ReadPush { 5, kAda, 42 });
    checkMessage(InvitedPush { sampleRoom(), kAda });
}

void MessagesTest::optionalFieldsAreLeftOutOrDefaulted()
{
    QCOMPARE(toJson(HistoryRequest { 5, std::nullopt, 50 }),
             (QJsonObject { { "room"_L1, 5 }, { "limit"_L1, 50 } }));
    QCOMPARE(toJson(CreateRoomRequest { u"general"_s, std::nullopt, Visibility::Public }),
             (QJsonObject { { "name"_L1, u"general"_s }, { "visibility"_L1, u"public"_s } }));
    QCOMPARE(toJson(PublicRoomsRequest { std::nullopt, 100 }),
             (QJsonObject { { "limit"_L1, 100 } }));
    QCOMPARE(toJson(SignInReply { kAda, std::nullopt, 9 }),
             (QJsonObject { { "user"_L1, kAda.toJson() }, { "expires_at"_L1, 9 } }));
    QCOMPARE(toJson(JoinedRoom { sampleRoom(), 0, 0, std::nullopt }).value("last_message"_L1),
             QJsonValue(QJsonValue::Null));

    const auto history = fromJson<HistoryRequest>({ { "room"_L1, 5 } });
    QVERIFY(history.ok());
    QVERIFY(!history->before);
    QCOMPARE(history->limit, kHistoryPageDefault);
    const auto room = fromJson<CreateRoomRequest>({ { "name"_L1, u"general"_s } });
    QVERIFY(room.ok());
    QCOMPARE(room->visibility, Visibility::Public);
    QVERIFY(!room->topic);
    QCOMPARE(fromJson<SyncRequest>({ { "since"_L1, QJsonObject() } })->limit, kSyncPageDefault);
    QCOMPARE(fromJson<PublicRoomsRequest>({})->limit, kRoomPageDefault);
}

void MessagesTest::refusesWithTheServersMessages()
{
    QCOMPARE(problemOf<JoinRequest>({}), u"\"room\" must be a positive integer id."_s);
    QCOMPARE(problemOf<JoinRequest>({ { "room"_L1, 1.5 } }),
             u"\"room\" must be a positive integer id."_s);
    QCOMPARE(problemOf<SendRequest>({ { "room"_L1, 5 }, { "client_id"_L1, 3 } }),
             u"\"client_id\" must be a string."_s);
    QCOMPARE(problemOf<TypingRequest>({ { "room"_L1, 5 } }),
             u"\"active\" must be true or false."_s);
    QCOMPARE(problemOf<ReadRequest>({ { "room"_L1, 5 } }), u"\"seq\" is required."_s);
    // A null is no value, for a number as for a string or a flag.
    QCOMPARE(problemOf<ReadRequest>({ { "room"_L1, 5 }, { "seq"_L1, QJsonValue::Null } }),
             u"\"seq\" is required."_s);
    QCOMPARE(problemOf<HistoryRequest>({ { "room"_L1, 5 }, { "limit"_L1, 101 } }),
             u"\"limit\" must be an integer from 1 to 100."_s);
    QCOMPARE(problemOf<HistoryRequest>({ { "room"_L1, 5 }, { "before"_L1, 0 } }),
             u"\"before\" must be an integer from 1 to 9007199254740991."_s);
    QCOMPARE(problemOf<CreateRoomRequest>(
                 { { "name"_L1, u"general"_s }, { "visibility"_L1, u"secret"_s } }),
             u"\"visibility\" must be \"public\" or \"private\"."_s);
    QCOMPARE(problemOf<CreateRoomRequest>({ { "name"_L1, u"general"_s }, { "visibility"_L1, 1 } }),
             u"\"visibility\" must be a string."_s);
    QCOMPARE(problemOf<PresenceRequest>({ { "status"_L1, u"offline"_s } }),
             u"\"status\" must be \"online\" or \"away\"."_s);
    QCOMPARE(problemOf<PresenceRequest>({}), u"\"status\" must be a string."_s);
    QCOMPARE(problemOf<SyncRequest>({}), u"\"since\" must be an object."_s);
    QCOMPARE(problemOf<SyncRequest>({ { "since"_L1, QJsonObject { { "x"_L1, 1 } } } }),
             u"\"since\" maps room ids to the last seq seen (an integer >= 0)."_s);
    QCOMPARE(problemOf<SyncRequest>({ { "since"_L1, QJsonObject { { "5"_L1, -1 } } } }),
             u"\"since\" maps room ids to the last seq seen (an integer >= 0)."_s);
    QJsonObject many;
    for (int room = 1; room <= kSyncRoomsMax + 1; ++room)
        many.insert(QString::number(room), 0);
    QCOMPARE(problemOf<SyncRequest>({ { "since"_L1, many } }),
             u"\"since\" names at most 1000 rooms."_s);
    many.remove(u"1"_s);
    QCOMPARE(problemOf<SyncRequest>({ { "since"_L1, many } }), QString());

    QCOMPARE(
        problemOf<HistoryReply>({ { "messages"_L1, QJsonArray { 1 } }, { "has_more"_L1, false } }),
        u"\"messages\" is malformed."_s);
    QCOMPARE(
        problemOf<SyncReply>({ { "rooms"_L1, QJsonArray { QJsonObject { { "room"_L1, 5 } } } } }),
        u"\"rooms\": \"events\" must be an array."_s);
}

void MessagesTest::reportsTheFirstProblemInReadingOrder()
{
    // Types first, in the order of the fields; then the rules on values.
    QCOMPARE(problemOf<SyncRequest>({ { "since"_L1, QJsonArray() }, { "limit"_L1, 0 } }),
             u"\"since\" must be an object."_s);
    QJsonObject many;
    for (int room = 1; room <= kSyncRoomsMax + 1; ++room)
        many.insert(QString::number(room), 0);
    QCOMPARE(problemOf<SyncRequest>({ { "since"_L1, many }, { "limit"_L1, 0 } }),
             u"\"limit\" must be an integer from 1 to 1000."_s);
    QCOMPARE(problemOf<CreateRoomRequest>({ { "visibility"_L1, u"secret"_s } }),
             u"\"name\" must be a string."_s);
    QCOMPARE(
        problemOf<CreateRoomRequest>(
            { { "name"_L1, u"general"_s }, { "topic"_L1, 1 }, { "visibility"_L1, u"secret"_s } }),
        u"\"topic\" must be a string."_s);
    QCOMPARE(problemOf<SendRequest>({}), u"\"room\" must be a positive integer id."_s);
}

void MessagesTest::writesEventsThroughTheGivenEncoder()
{
    int encoded = 0;
    const EventEncoder encoder = [&encoded](const Event &event) {
        ++encoded;
        return QJsonObject { { "seq"_L1, event.seq } };
    };
    const QJsonObject history = toJson(HistoryReply { { sampleMessage() }, false }, encoder);
    QCOMPARE(history.value("messages"_L1).toArray().first().toObject(),
             (QJsonObject { { "seq"_L1, 42 } }));
    const QJsonObject sync = toJson(
        SyncReply { { SyncedRoom { 5, { sampleEdit(), sampleDelete() }, false, 44 } } }, encoder);
    QCOMPARE(encoded, 3);
    QCOMPARE(
        sync.value("rooms"_L1).toArray().first().toObject().value("events"_L1).toArray().size(), 2);
    QCOMPARE(toJson(HistoryReply { { sampleMessage() }, false })
                 .value("messages"_L1)
                 .toArray()
                 .first()
                 .toObject(),
             sampleMessage().toJson());
}

void MessagesTest::encodesPushFrames()
{
    QCOMPARE(encodePush(TypingPush { 5, kAda, true }),
             encodePush(push::Typing,
                        { { "room"_L1, 5 }, { "user"_L1, kAda.toJson() }, { "active"_L1, true } }));
    QCOMPARE(
        encodePush(PresencePush { kAda, PresenceStatus::Away }),
        encodePush(push::Presence, { { "user"_L1, kAda.toJson() }, { "status"_L1, u"away"_s } }));
}

void MessagesTest::decodesServerFrames()
{
    const auto reply = decodeServerFrame(encodeReply(QJsonValue(3), toJson(ReadReply { 5, 9 })));
    QVERIFY(std::holds_alternative<ServerReply>(reply));
    QCOMPARE(std::get<ServerReply>(reply).id, QJsonValue(3));
    QVERIFY(std::get<ServerReply>(reply).ok);
    QCOMPARE(fromJson<ReadReply>(std::get<ServerReply>(reply).result).value(),
             (ReadReply { 5, 9 }));

    auto limited = makeError(ErrorCode::RateLimited, u"slow down"_s);
    limited.retryAfterMs = 250;
    const auto error = std::get<ServerReply>(decodeServerFrame(encodeError(u"r1"_s, limited)));
    QVERIFY(!error.ok);
    QCOMPARE(error.id, QJsonValue(u"r1"_s));
    QCOMPARE(error.error.code, ErrorCode::RateLimited);
    QCOMPARE(error.error.message, u"slow down"_s);
    QCOMPARE(error.error.retryAfterMs, std::optional<qint64>(250));

    const auto pushed = decodeServerFrame(encodePush(MemberJoinedPush { 5, kAda }));
    QVERIFY(std::holds_alternative<ServerPush>(pushed));
    QCOMPARE(std::get<ServerPush>(pushed).name, QString(push::MemberJoined));
    QCOMPARE(fromJson<MemberJoinedPush>(std::get<ServerPush>(pushed).data).value(),
             (MemberJoinedPush { 5, kAda }));

    QVERIFY(std::holds_alternative<std::monostate>(decodeServerFrame("{\"v\":1}")));
    QVERIFY(std::holds_alternative<std::monostate>(decodeServerFrame("not json")));
}

QTEST_GUILESS_MAIN(MessagesTest)
#include "tst_messages.moc"
