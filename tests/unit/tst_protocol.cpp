// The wire protocol shared by confabd and its clients: decoding, encoding, typed arguments,
// validation rules and the entities.
#include "protocol/ArgumentReader.h"
#include "protocol/Entities.h"
#include "protocol/Frames.h"
#include "protocol/Limits.h"
#include "protocol/Validation.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab::protocol;

Q_DECLARE_METATYPE(confab::protocol::ErrorCode)

namespace {

QJsonObject parse(const QByteArray &utf8)
{
    return QJsonDocument::fromJson(utf8).object();
}

QJsonObject parse(const QString &text)
{
    return parse(text.toUtf8());
}

std::optional<ErrorCode> decodeError(QByteArrayView frame)
{
    const auto decoded = RequestDecoder::decode(frame);
    if (const auto *failure = std::get_if<DecodeFailure>(&decoded))
        return failure->error.code;
    return std::nullopt;
}

} // namespace

class ProtocolTest : public QObject
{
    Q_OBJECT

private slots:
    void decodesARequest();
    void refusesMalformedFrames_data();
    void refusesMalformedFrames();
    void keepsTheRequestIdOfAFailedDecode();
    void encodesRepliesErrorsAndPushes();
    void everyErrorCodeHasAUniqueName();
    void readsTypedArguments();
    void refusesWrongArgumentTypes_data();
    void refusesWrongArgumentTypes();
    void validatesNamesAndTexts();
    void countsTextInUtf8Bytes();
    void entitiesRoundTrip();
};

void ProtocolTest::decodesARequest()
{
    const auto decoded
        = RequestDecoder::decode(R"({"v":1,"id":"r1","op":"send","room":5,"text":"hi"})");
    const auto *request = std::get_if<Request>(&decoded);
    QVERIFY(request);
    QCOMPARE(request->id, QJsonValue(u"r1"_s));
    QCOMPARE(request->op, u"send"_s);
    QCOMPARE(request->body.value("room"_L1).toInteger(), 5);

    const auto numeric = RequestDecoder::decode(R"({"v":1,"id":42,"op":"my_rooms"})");
    QCOMPARE(std::get<Request>(numeric).id, QJsonValue(42));
    const auto anonymous = RequestDecoder::decode(R"({"v":1,"op":"my_rooms"})");
    QVERIFY(std::get<Request>(anonymous).id.isNull());
}

void ProtocolTest::refusesMalformedFrames_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("not json") << QByteArray("hello") << ErrorCode::BadFrame;
    QTest::newRow("truncated") << QByteArray(R"({"v":1,"op":)") << ErrorCode::BadFrame;
    QTest::newRow("array") << QByteArray(R"([1,2])") << ErrorCode::BadFrame;
    QTest::newRow("string") << QByteArray(R"("x")") << ErrorCode::BadFrame;
    QTest::newRow("no version") << QByteArray(R"({"op":"login"})") << ErrorCode::UnsupportedVersion;
    QTest::newRow("version 2") << QByteArray(R"({"v":2,"op":"login"})")
                               << ErrorCode::UnsupportedVersion;
    QTest::newRow("version as text")
        << QByteArray(R"({"v":"1","op":"login"})") << ErrorCode::UnsupportedVersion;
    QTest::newRow("no op") << QByteArray(R"({"v":1})") << ErrorCode::BadRequest;
    QTest::newRow("op not text") << QByteArray(R"({"v":1,"op":7})") << ErrorCode::BadRequest;
    QTest::newRow("id object") << QByteArray(R"({"v":1,"id":{},"op":"x"})")
                               << ErrorCode::BadRequest;
    QTest::newRow("id fraction") << QByteArray(R"({"v":1,"id":1.5,"op":"x"})")
                                 << ErrorCode::BadRequest;
    QTest::newRow("id too long") << (R"({"v":1,"op":"x","id":")" + QByteArray(65, 'a') + R"("})")
                                 << ErrorCode::BadRequest;
}

void ProtocolTest::refusesMalformedFrames()
{
    QFETCH(QByteArray, frame);
    QFETCH(ErrorCode, code);
    QCOMPARE(decodeError(frame), std::optional(code));
}

void ProtocolTest::keepsTheRequestIdOfAFailedDecode()
{
    const auto decoded = RequestDecoder::decode(R"({"v":9,"id":"abc","op":"login"})");
    const auto &failure = std::get<DecodeFailure>(decoded);
    QCOMPARE(failure.id, QJsonValue(u"abc"_s));
    const auto reply = parse(encodeError(failure.id, failure.error));
    QCOMPARE(reply.value("id"_L1).toString(), u"abc"_s);
}

void ProtocolTest::encodesRepliesErrorsAndPushes()
{
    const auto reply = parse(encodeReply(7, { { "seq"_L1, 3 } }));
    QCOMPARE(reply.value("v"_L1).toInt(), kProtocolVersion);
    QCOMPARE(reply.value("id"_L1).toInt(), 7);
    QCOMPARE(reply.value("ok"_L1).toBool(), true);
    QCOMPARE(reply.value("result"_L1).toObject().value("seq"_L1).toInt(), 3);

    auto error = makeError(ErrorCode::RateLimited, u"slow down"_s);
    error.retryAfterMs = 250;
    const auto refusal = parse(encodeError(u"x"_s, error));
    QCOMPARE(refusal.value("ok"_L1).toBool(true), false);
    const auto details = refusal.value("error"_L1).toObject();
    QCOMPARE(details.value("code"_L1).toString(), u"rate_limited"_s);
    QCOMPARE(details.value("message"_L1).toString(), u"slow down"_s);
    QCOMPARE(details.value("retry_after_ms"_L1).toInt(), 250);

    const auto anonymous = parse(encodeError({}, makeError(ErrorCode::BadFrame, u"x"_s)));
    QVERIFY(!anonymous.contains("id"_L1));

    const auto push = parse(encodePush("typing"_L1, { { "room"_L1, 1 } }));
    QCOMPARE(push.value("push"_L1).toString(), u"typing"_s);
    QCOMPARE(push.value("data"_L1).toObject().value("room"_L1).toInt(), 1);

    const auto request = parse(encodeRequest(3, "login"_L1, { { "username"_L1, u"a"_s } }));
    QCOMPARE(request.value("op"_L1).toString(), u"login"_s);
    QCOMPARE(request.value("v"_L1).toInt(), kProtocolVersion);
}

void ProtocolTest::everyErrorCodeHasAUniqueName()
{
    QSet<QString> names;
    for (int value = int(ErrorCode::BadFrame); value <= int(ErrorCode::InternalError); ++value) {
        const auto code = ErrorCode(value);
        const QString name = errorCodeName(code);
        QVERIFY(!name.isEmpty());
        QVERIFY2(!names.contains(name), qPrintable(name));
        names.insert(name);
        QCOMPARE(errorCodeFromName(name), std::optional(code));
    }
    QCOMPARE(errorCodeFromName(u"no_such_code"_s), std::nullopt);
}

void ProtocolTest::readsTypedArguments()
{
    const QJsonObject body { { "room"_L1, 12 },
                             { "text"_L1, u"hi"_s },
                             { "active"_L1, true },
                             { "since"_L1, QJsonObject {} } };
    ArgumentReader args(body);
    QCOMPARE(args.requiredId("room"_L1), 12);
    QCOMPARE(args.requiredString("text"_L1), u"hi"_s);
    QCOMPARE(args.requiredBool("active"_L1), true);
    QCOMPARE(args.requiredObject("since"_L1), QJsonObject {});
    QCOMPARE(args.optionalInt("limit"_L1, 1, 100), std::nullopt);
    QCOMPARE(args.intOr("limit"_L1, 50, 1, 100), 50);
    QCOMPARE(args.optionalString("topic"_L1), std::nullopt);
    QVERIFY(!args.failed());
}

void ProtocolTest::refusesWrongArgumentTypes_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::newRow("room as text") << QJsonObject { { "room"_L1, u"5"_s } };
    QTest::newRow("room zero") << QJsonObject { { "room"_L1, 0 } };
    QTest::newRow("room negative") << QJsonObject { { "room"_L1, -3 } };
    QTest::newRow("room fraction") << QJsonObject { { "room"_L1, 1.5 } };
    QTest::newRow("room beyond 2^53") << QJsonObject { { "room"_L1, 1e300 } };
    QTest::newRow("room missing") << QJsonObject {};
}

void ProtocolTest::refusesWrongArgumentTypes()
{
    QFETCH(QJsonObject, body);
    ArgumentReader args(body);
    args.requiredId("room"_L1);
    QVERIFY(args.failed());
    QCOMPARE(args.error()->code, ErrorCode::BadRequest);
    QVERIFY2(args.error()->message.contains(u"room"_s), qPrintable(args.error()->message));

    ArgumentReader limits(QJsonObject { { "limit"_L1, 101 } });
    limits.intOr("limit"_L1, 50, 1, 100);
    QVERIFY(limits.failed());
    ArgumentReader text(QJsonObject { { "text"_L1, 5 } });
    text.requiredString("text"_L1);
    QVERIFY(text.failed());
}

void ProtocolTest::validatesNamesAndTexts()
{
    using namespace validation;
    QVERIFY(!username(u"alice_01.x-y"_s));
    QCOMPARE(username(u"al"_s)->code, ErrorCode::InvalidUsername);
    QCOMPARE(username(u"<script>"_s)->code, ErrorCode::InvalidUsername);
    QCOMPARE(username(u"a b c"_s)->code, ErrorCode::InvalidUsername);
    QCOMPARE(username(QString(33, u'a'))->code, ErrorCode::InvalidUsername);
    QCOMPARE(usernameKey(u"AliCe"_s), u"alice"_s);

    QVERIFY(!password(u"12345678"_s));
    QCOMPARE(password(u"1234567"_s)->code, ErrorCode::WeakPassword);
    QCOMPARE(password(QString(1025, u'x'))->code, ErrorCode::WeakPassword);

    QVERIFY(!roomName(u"<b>Général</b> '); DROP TABLE rooms;--"_s));
    QCOMPARE(roomName(u"   "_s)->code, ErrorCode::InvalidName);
    QCOMPARE(roomName(u"bell\a"_s)->code, ErrorCode::InvalidName);
    QCOMPARE(roomName(QString(65, u'r'))->code, ErrorCode::InvalidName);
    QVERIFY(!topic(QString()));
    QCOMPARE(topic(QString(257, u't'))->code, ErrorCode::InvalidName);

    QVERIFY(!clientId(u"7f1c-…"_s));
    QCOMPARE(clientId(QString())->code, ErrorCode::BadRequest);
    QCOMPARE(clientId(QString(65, u'c'))->code, ErrorCode::BadRequest);

    QCOMPARE(messageText(QString(), 100)->code, ErrorCode::BadRequest);
    QVERIFY(!messageText(u"multi\nline\ttext"_s, 100));
    QCOMPARE(messageText(u"before\0after"_s, 100)->code, ErrorCode::BadRequest);
}

void ProtocolTest::countsTextInUtf8Bytes()
{
    using validation::messageText;
    QVERIFY(!messageText(QString(kMaxTextBytes, u'a'), kMaxTextBytes));
    QCOMPARE(messageText(QString(kMaxTextBytes + 1, u'a'), kMaxTextBytes)->code,
             ErrorCode::TooLarge);
    // "é" is two bytes, "€" three, "😀" four (a surrogate pair in UTF-16).
    QVERIFY(!messageText(u"éé"_s, 4));
    QVERIFY(messageText(u"ééé"_s, 5));
    QVERIFY(!messageText(u"€€"_s, 6));
    QVERIFY(messageText(u"€€"_s, 5));
    QVERIFY(!messageText(u"😀"_s, 4));
    QVERIFY(messageText(u"😀😀"_s, 7));
}

void ProtocolTest::entitiesRoundTrip()
{
    const User user { 7, u"<b>bob</b>"_s };
    QCOMPARE(User::fromJson(user.toJson()), std::optional(user));

    Room room { 3, u"general"_s, u"talk"_s, Visibility::Private, 1000, 42, 5 };
    QCOMPARE(Room::fromJson(room.toJson()), std::optional(room));

    Event message;
    message.room = 3;
    message.seq = 42;
    message.sender = user;
    message.clientId = u"c1"_s;
    message.text = u"'); DROP TABLE events;-- <script>alert(1)</script>"_s;
    message.timestamp = 1234;
    message.editedAt = 1300;
    QCOMPARE(Event::fromJson(message.toJson()), std::optional(message));

    Event edit;
    edit.room = 3;
    edit.seq = 43;
    edit.kind = EventKind::Edit;
    edit.sender = user;
    edit.targetSeq = 42;
    edit.text = u"new"_s;
    edit.timestamp = 1300;
    QCOMPARE(Event::fromJson(edit.toJson()), std::optional(edit));

    Event deleted = message;
    deleted.deleted = true;
    QVERIFY(deleted.toJson().value("text"_L1).toString().isEmpty());
    QCOMPARE(Event::fromJson(QJsonObject { { "kind"_L1, u"message"_s } }), std::nullopt);
}

QTEST_GUILESS_MAIN(ProtocolTest)
#include "tst_protocol.moc"
