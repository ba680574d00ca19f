// The parts of the client's connection that need no server: what users type as a server
// address, and the delays between reconnection attempts.

#include "net/Backoff.h"
#include "net/ServerAddress.h"

#include <QtTest>

using namespace Qt::StringLiterals;
using namespace confab::client;
using namespace std::chrono_literals;

class tst_ClientNet : public QObject
{
    Q_OBJECT

private slots:
    void serverAddresses_data();
    void serverAddresses();
    void backoffDoublesUpToTheCap();
    void backoffIsJittered();
};

void tst_ClientNet::serverAddresses_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("shown");
    QTest::newRow("host") << u"chat.example.org"_s << u"wss://chat.example.org:8443/ws"_s
                          << u"chat.example.org"_s;
    QTest::newRow("host and port")
        << u" 10.0.0.5:9000 "_s << u"wss://10.0.0.5:9000/ws"_s << u"10.0.0.5:9000"_s;
    QTest::newRow("https") << u"https://chat.example.org"_s << u"wss://chat.example.org:8443/ws"_s
                           << u"chat.example.org"_s;
    QTest::newRow("full url") << u"wss://chat.example.org:443/confab"_s
                              << u"wss://chat.example.org:443/confab"_s
                              << u"chat.example.org:443/confab"_s;
    QTest::newRow("plain, when asked for")
        << u"ws://127.0.0.1:8080"_s << u"ws://127.0.0.1:8080/ws"_s << u"ws://127.0.0.1:8080"_s;
    QTest::newRow("ipv6") << u"[::1]:8443"_s << u"wss://[::1]:8443/ws"_s << u"[::1]"_s;
    QTest::newRow("empty") << u""_s << QString() << QString();
    QTest::newRow("spaces") << u"chat example"_s << QString() << QString();
    QTest::newRow("other scheme") << u"ftp://example.org"_s << QString() << QString();
    QTest::newRow("credentials") << u"wss://user:pw@example.org"_s << QString() << QString();
}

void tst_ClientNet::serverAddresses()
{
    QFETCH(QString, typed);
    QFETCH(QString, url);
    QFETCH(QString, shown);
    const QUrl parsed = serverAddress::fromUserInput(typed);
    QCOMPARE(parsed.isValid() ? parsed.toString() : QString(), url);
    QCOMPARE(serverAddress::display(parsed), shown);
}

void tst_ClientNet::backoffDoublesUpToTheCap()
{
    Backoff backoff(500ms, 8s, 42);
    QList<qint64> delays;
    for (int i = 0; i < 8; ++i)
        delays.append(backoff.next().count());
    // Each delay lies in the upper half of its doubling range, capped at 8 s.
    const QList<qint64> ceilings { 500, 1000, 2000, 4000, 8000, 8000, 8000, 8000 };
    for (int i = 0; i < delays.size(); ++i) {
        QVERIFY2(delays.at(i) >= ceilings.at(i) / 2 && delays.at(i) <= ceilings.at(i),
                 qPrintable(u"attempt %1 waits %2 ms"_s.arg(i).arg(delays.at(i))));
    }
    QCOMPARE(backoff.attempts(), 8);
    backoff.reset();
    QVERIFY(backoff.next() <= 500ms);
}

void tst_ClientNet::backoffIsJittered()
{
    // A server that drops many clients at once does not see them all come back together.
    QSet<qint64> firstRetries;
    for (quint32 seed = 1; seed <= 50; ++seed) {
        Backoff backoff(1s, 30s, seed);
        backoff.next();
        firstRetries.insert(backoff.next().count());
    }
    QVERIFY2(firstRetries.size() > 25,
             qPrintable(u"%1 distinct delays"_s.arg(firstRetries.size())));
}

QTEST_APPLESS_MAIN(tst_ClientNet)
#include "tst_clientnet.moc"
