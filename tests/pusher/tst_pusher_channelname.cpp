#include "pusher/ChannelName.h"

#include <QTest>

using namespace confab::server;
using namespace Qt::StringLiterals;
using Kind = ChannelName::Kind;

Q_DECLARE_METATYPE(Kind)

// Pusher's channel-name rules: the prefix decides what a subscription needs and what a
// channel allows.
class TestPusherChannelName : public QObject
{
    Q_OBJECT

private slots:
    void kindFollowsThePrefix_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<Kind>("kind");
        QTest::addColumn<bool>("cache");
        QTest::newRow("public") << u"news"_s << Kind::Public << false;
        QTest::newRow("public cache") << u"cache-scores"_s << Kind::Public << true;
        QTest::newRow("private") << u"private-orders"_s << Kind::Private << false;
        QTest::newRow("private cache") << u"private-cache-x"_s << Kind::Private << true;
        QTest::newRow("encrypted") << u"private-encrypted-vault"_s << Kind::Encrypted << false;
        QTest::newRow("encrypted cache")
            << u"private-encrypted-cache-x"_s << Kind::Encrypted << true;
        QTest::newRow("presence") << u"presence-room.5"_s << Kind::Presence << false;
        QTest::newRow("presence cache") << u"presence-cache-x"_s << Kind::Presence << true;
        QTest::newRow("server to user") << u"#server-to-user-42"_s << Kind::ServerToUser << false;
        QTest::newRow("prefix inside the name") << u"my-private-x"_s << Kind::Public << false;
    }

    void kindFollowsThePrefix()
    {
        QFETCH(QString, name);
        QFETCH(Kind, kind);
        QFETCH(bool, cache);
        QCOMPARE(ChannelName::kindOf(name), kind);
        QCOMPARE(ChannelName::isCache(name), cache);
        QVERIFY(ChannelName::isValid(name));
    }

    void onlyAuthorizedChannelsTakeSignaturesAndClientEvents()
    {
        QVERIFY(!ChannelName::needsSignature(Kind::Public));
        QVERIFY(!ChannelName::needsSignature(Kind::ServerToUser));
        for (Kind kind : { Kind::Private, Kind::Encrypted, Kind::Presence }) {
            QVERIFY(ChannelName::needsSignature(kind));
            QVERIFY(ChannelName::allowsClientEvents(kind));
        }
        QVERIFY(!ChannelName::allowsClientEvents(Kind::Public));
        QVERIFY(!ChannelName::allowsClientEvents(Kind::ServerToUser));
    }

    void namesKeepToTheAllowedCharactersAndLength()
    {
        QVERIFY(ChannelName::isValid(u"foo-bar_1234@=,.;"));
        QVERIFY(ChannelName::isValid(QString(164, u'a')));
        QVERIFY(!ChannelName::isValid(QString(165, u'a')));
        for (const QString &bad :
             { u""_s, u"with space"_s, u"slash/no"_s, u"colon:no"_s, u"hash#no"_s,
               u"#server-to-user-"_s, u"ümlaut"_s, u"#server-to-user-a b"_s })
            QVERIFY2(!ChannelName::isValid(bad), qPrintable(bad));
    }

    void serverToUserChannelsNameTheirUser()
    {
        QCOMPARE(ChannelName::serverToUserId(u"#server-to-user-carol"), u"carol"_s);
        QCOMPARE(ChannelName::serverToUserId(u"private-x"), QString());
    }
};

QTEST_GUILESS_MAIN(TestPusherChannelName)
#include "tst_pusher_channelname.moc"
