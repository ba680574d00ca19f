#include "auth/SessionToken.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace confab::server;
using namespace Qt::StringLiterals;

class TestSessionToken : public QObject
{
    Q_OBJECT

private slots:
    void tokenIs256BitsOfBase64Url();
    void tokensDoNotRepeat();
    void hashIsLowerCaseHexSha256();
    void hashIsDeterministicAndDistinguishesTokens();
    void constantTimeEquals_data();
    void constantTimeEquals();
};

void TestSessionToken::tokenIs256BitsOfBase64Url()
{
    static const QRegularExpression base64Url(u"^[A-Za-z0-9_-]{43}$"_s);
    for (int i = 0; i < 100; ++i) {
        const QString token = SessionToken::generate();
        QVERIFY2(base64Url.match(token).hasMatch(), qPrintable(token));
        const auto decoded = QByteArray::fromBase64Encoding(
            token.toLatin1(),
            QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        QVERIFY(decoded);
        QCOMPARE(decoded.decoded.size(), 32);
    }
}

void TestSessionToken::tokensDoNotRepeat()
{
    QSet<QString> seen;
    constexpr int kCount = 10'000;
    for (int i = 0; i < kCount; ++i)
        seen.insert(SessionToken::generate());
    QCOMPARE(seen.size(), kCount);
}

void TestSessionToken::hashIsLowerCaseHexSha256()
{
    // The SHA-256 test vector of FIPS 180-2.
    QCOMPARE(SessionToken::hashOf(u"abc"_s),
             u"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"_s);

    static const QRegularExpression lowerHex(u"^[0-9a-f]{64}$"_s);
    const QString hash = SessionToken::hashOf(SessionToken::generate());
    QVERIFY2(lowerHex.match(hash).hasMatch(), qPrintable(hash));
}

void TestSessionToken::hashIsDeterministicAndDistinguishesTokens()
{
    const QString token = SessionToken::generate();
    QCOMPARE(SessionToken::hashOf(token), SessionToken::hashOf(QString(token)));
    QVERIFY(SessionToken::hashOf(token) != SessionToken::hashOf(SessionToken::generate()));
    QVERIFY(SessionToken::hashOf(token) != token);
}

void TestSessionToken::constantTimeEquals_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");
    QTest::newRow("same") << QByteArray("secret-token") << QByteArray("secret-token") << true;
    QTest::newRow("both empty") << QByteArray() << QByteArray("") << true;
    QTest::newRow("last byte differs")
        << QByteArray("secret-token") << QByteArray("secret-tokem") << false;
    QTest::newRow("first byte differs")
        << QByteArray("secret-token") << QByteArray("Secret-token") << false;
    QTest::newRow("prefix") << QByteArray("secret") << QByteArray("secret-token") << false;
    QTest::newRow("one empty") << QByteArray() << QByteArray("x") << false;
    QTest::newRow("embedded zero") << QByteArray("a\0b", 3) << QByteArray("a\0c", 3) << false;
}

void TestSessionToken::constantTimeEquals()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    QCOMPARE(SessionToken::constantTimeEquals(a, b), equal);
    QCOMPARE(SessionToken::constantTimeEquals(b, a), equal);
}

QTEST_GUILESS_MAIN(TestSessionToken)
#include "tst_sessiontoken.moc"
