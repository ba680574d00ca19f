#include "pusher/Signatures.h"

#include <QTest>

using namespace confab::server;
using namespace Qt::StringLiterals;

namespace {

// The credentials and request of the documentation's examples.
const QString kKey = u"278d425bdf160c739803"_s;
const QString kSecret = u"7ad3773142a6692b25b8"_s;
const QByteArray kBody
    = "{\"name\":\"foo\",\"channels\":[\"project-3\"],\"data\":\"{\\\"some\\\":\\\"data\\\"}\"}";
const QString kDocumentedSignature
    = u"da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"_s;
constexpr qint64 kDocumentedTime = 1353088179;

PusherSignature::QueryItems documentedQuery(const QString &signature = {})
{
    PusherSignature::QueryItems query { { u"auth_key"_s, kKey },
                                        { u"auth_timestamp"_s, u"1353088179"_s },
                                        { u"auth_version"_s, u"1.0"_s },
                                        { u"body_md5"_s, u"ec365a775a4cd0599faeb73354201b6f"_s } };
    if (!signature.isEmpty())
        query.append({ u"auth_signature"_s, signature });
    return query;
}

} // namespace

// The rules every Pusher signature follows, checked against the worked examples of Pusher's
// own documentation so that confabd agrees with every SDK that follows them.
class TestPusherSignatures : public QObject
{
    Q_OBJECT

private slots:
    void privateChannelAuthMatchesTheDocumentation()
    {
        const QByteArray message
            = PusherSignature::channelString(u"1234.1234", u"private-foobar", QString());
        QCOMPARE(message, "1234.1234:private-foobar");
        const QString auth = PusherSignature::makeAuth(kKey, kSecret, message);
        QCOMPARE(auth,
                 kKey + u":58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"_s);
        QVERIFY(PusherSignature::verifyAuth(auth, kKey, kSecret, message));
    }

    void presenceChannelAuthSignsTheChannelData()
    {
        // The documented digest was made when the example user was still called "Mr. Pusher".
        const QString channelData = uR"({"user_id":10,"user_info":{"name":"Mr. Pusher"}})"_s;
        const QByteArray message
            = PusherSignature::channelString(u"1234.1234", u"presence-foobar", channelData);
        QCOMPARE(PusherSignature::hmacHex(kSecret.toUtf8(), message),
                 "afaed3695da2ffd16931f457e338e6c9f2921fa133ce7dac49f529792be6304c");
        // Changing one character of the data breaks the signature.
        const QString auth = PusherSignature::makeAuth(kKey, kSecret, message);
        QString forged = channelData;
        forged.replace(u"10"_s, u"11"_s);
        QVERIFY(!PusherSignature::verifyAuth(
            auth, kKey, kSecret,
            PusherSignature::channelString(u"1234.1234", u"presence-foobar", forged)));
    }

    void authStringsAreRefusedForAnotherKeySocketOrForm()
    {
        const QByteArray message = PusherSignature::channelString(u"1.2", u"private-x", QString());
        const QString auth = PusherSignature::makeAuth(kKey, kSecret, message);
        QVERIFY(!PusherSignature::verifyAuth(auth, u"other-key"_s, kSecret, message));
        QVERIFY(!PusherSignature::verifyAuth(
            auth, kKey, kSecret, PusherSignature::channelString(u"1.3", u"private-x", QString())));
        QVERIFY(
            !PusherSignature::verifyAuth(auth.mid(auth.indexOf(u':') + 1), kKey, kSecret, message));
        QVERIFY(!PusherSignature::verifyAuth(QString(), kKey, kSecret, message));
        // Hex digits in upper case are the same signature.
        const qsizetype colon = auth.indexOf(u':');
        QVERIFY(PusherSignature::verifyAuth(auth.left(colon + 1) + auth.mid(colon + 1).toUpper(),
                                            kKey, kSecret, message));
    }

    void userSignInSignsSocketAndUserData()
    {
        QCOMPARE(PusherSignature::userString(u"1.2", uR"({"id":"7"})"), R"(1.2::user::{"id":"7"})");
    }

    void requestStringSortsLowerCasedKeysWithoutEscaping()
    {
        const auto query = PusherSignature::parseQuery(
            "Name=Something%20else&auth_key=foo&auth_signature=ignored&b=x+y");
        QCOMPARE(PusherSignature::requestString("get", "/apps/3/channels", query),
                 "GET\n/apps/3/channels\nauth_key=foo&b=x y&name=Something else");
    }

    void theDocumentedRequestIsValid()
    {
        QCOMPARE(PusherSignature::md5Hex(kBody), "ec365a775a4cd0599faeb73354201b6f");
        QCOMPARE(PusherSignature::requestString("POST", "/apps/3/events", documentedQuery()),
                 "POST\n/apps/3/events\nauth_key=278d425bdf160c739803&auth_timestamp=1353088179&"
                 "auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f");
        QCOMPARE(PusherSignature::checkRequest("POST", "/apps/3/events",
                                               documentedQuery(kDocumentedSignature), kBody, kKey,
                                               kSecret, kDocumentedTime + 599),
                 PusherSignature::RequestCheck::Valid);
    }

    void requestsAreRefusedForEachDefect_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("expected");
        using C = PusherSignature::RequestCheck;
        QTest::newRow("stale timestamp, 601 s later")
            << "POST"_ba << kBody << kDocumentedTime + 601 << kKey << int(C::StaleTimestamp);
        QTest::newRow("timestamp from the future")
            << "POST"_ba << kBody << kDocumentedTime - 601 << kKey << int(C::StaleTimestamp);
        QTest::newRow("body swapped under the signature")
            << "POST"_ba << QByteArray(kBody).replace("foo", "bar") << kDocumentedTime << kKey
            << int(C::BodyMismatch);
        QTest::newRow("another app's key")
            << "POST"_ba << kBody << kDocumentedTime << u"another-key"_s << int(C::UnknownKey);
        QTest::newRow("method changed")
            << "PUT"_ba << kBody << kDocumentedTime << kKey << int(C::BadSignature);
    }

    void requestsAreRefusedForEachDefect()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, body);
        QFETCH(qint64, now);
        QFETCH(QString, key);
        QFETCH(int, expected);
        QCOMPARE(int(PusherSignature::checkRequest(method, "/apps/3/events",
                                                   documentedQuery(kDocumentedSignature), body, key,
                                                   kSecret, now)),
                 expected);
    }

    void requestsNeedEveryAuthParameter()
    {
        auto query = documentedQuery();
        QCOMPARE(PusherSignature::checkRequest("POST", "/apps/3/events", query, kBody, kKey,
                                               kSecret, kDocumentedTime),
                 PusherSignature::RequestCheck::MissingParameter);
        query = documentedQuery(kDocumentedSignature);
        query[2].second = u"2.0"_s;
        QCOMPARE(PusherSignature::checkRequest("POST", "/apps/3/events", query, kBody, kKey,
                                               kSecret, kDocumentedTime),
                 PusherSignature::RequestCheck::UnsupportedVersion);
    }

    void socketIdsAreTwoNumbers()
    {
        QVERIFY(PusherSignature::isSocketId(u"123.456"));
        QVERIFY(PusherSignature::isSocketId(u"1.2"));
        for (const QString &bad : { u""_s, u"123"_s, u"123."_s, u".456"_s, u"12a.456"_s, u"1.2.3"_s,
                                    u"1.2:private-x"_s })
            QVERIFY2(!PusherSignature::isSocketId(bad), qPrintable(bad));
    }
};

QTEST_GUILESS_MAIN(TestPusherSignatures)
#include "tst_pusher_signatures.moc"
