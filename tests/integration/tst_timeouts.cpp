// Connections that stall are dropped; connections that are merely quiet are kept.

#include "RawWebSocket.h"
#include "Reply.h"
#include "ServerProcess.h"
#include "TestClient.h"
#include "Wait.h"
#include "protocol/Operations.h"

#include <QTcpSocket>
#include <QtTest>

#include <memory>

namespace confab::test {

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
namespace op = protocol::op;

namespace {

// Wide enough that a TLS handshake and a pong make it in time on a loaded machine running
// the sanitizer build; the silent and deaf clients are still dropped within seconds.
constexpr int kHandshakeTimeoutMs = 4000;
constexpr int kPingIntervalMs = 2000;
// How long a test waits for a drop that is due after a few seconds. Generous, for the
// sanitizer builds; a server that never drops still fails.
constexpr auto kDropDeadline = 20s;

} // namespace

class tst_Timeouts : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void silentTcpConnectionIsDropped();
    void connectionWithoutUpgradeIsDropped();
    void clientIgnoringPingsIsDropped();
    void clientsAnsweringPingsStayConnected();

private:
    std::unique_ptr<ServerProcess> m_server;
    // Connected before each stalling client, and expected to outlive it.
    std::unique_ptr<TestClient> m_bystander;
};

void tst_Timeouts::initTestCase()
{
    m_server = std::make_unique<ServerProcess>(
        u"[limits]\nhandshake_timeout_ms=%1\nping_interval_ms=%2\n"_s.arg(kHandshakeTimeoutMs)
            .arg(kPingIntervalMs));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    m_bystander = std::make_unique<TestClient>(*m_server);
    QVERIFY2(m_bystander->connectToServer(), qPrintable(m_bystander->errorString()));
}

void tst_Timeouts::cleanup()
{
    if (m_bystander)
        QVERIFY2(m_bystander->protocolViolations().isEmpty(),
                 qPrintable(m_bystander->protocolViolations().join(u'\n')));
    if (QTest::currentTestFailed())
        m_server->printDiagnostics();
}

void tst_Timeouts::cleanupTestCase()
{
    m_bystander.reset();
    if (m_server)
        QVERIFY2(m_server->stop(), qPrintable(m_server->errorString()));
}

void tst_Timeouts::silentTcpConnectionIsDropped()
{
    QTcpSocket socket;
    bool disconnected = false;
    connect(&socket, &QTcpSocket::disconnected, this, [&] { disconnected = true; });
    socket.connectToHost(m_server->url().host(), m_server->port());
    QVERIFY2(waitUntil(
                 [&] {
                     return socket.state() == QAbstractSocket::ConnectedState
                         || socket.state() == QAbstractSocket::UnconnectedState;
                 },
                 TestClient::kTimeout),
             "no TCP connection within the timeout");
    QVERIFY2(socket.state() == QAbstractSocket::ConnectedState, qPrintable(socket.errorString()));

    // Not even a TLS ClientHello.
    QVERIFY2(waitUntil([&] { return disconnected; }, kDropDeadline),
             "a connection that sent nothing was not dropped after the handshake timeout");
    QVERIFY2(m_bystander->isConnected(), "a connected client was dropped too");
}

void tst_Timeouts::connectionWithoutUpgradeIsDropped()
{
    RawWebSocket raw(*m_server);
    QVERIFY2(raw.connectEncrypted(), qPrintable(raw.errorString()));
    // TLS done, but no HTTP upgrade request follows.
    QVERIFY2(raw.waitForDropped(kDropDeadline),
             "a connection that stopped after TLS was not dropped after the handshake timeout");
    QVERIFY2(m_bystander->isConnected(), "a connected client was dropped too");
}

void tst_Timeouts::clientIgnoringPingsIsDropped()
{
    RawWebSocket raw(*m_server);
    QVERIFY2(raw.connectEncrypted(), qPrintable(raw.errorString()));
    QVERIFY2(raw.upgrade(), qPrintable(raw.errorString()));
    raw.setAnswerPings(false);
    QVERIFY2(raw.waitForDropped(kDropDeadline),
             qPrintable(u"a client that never answered %1 pings "
                        "was not dropped"_s.arg(raw.pingsReceived())));
    // It was dropped for not answering pings, so it was pinged first.
    QVERIFY2(raw.pingsReceived() >= 1, "the client was dropped without ever being pinged");
    QVERIFY2(m_bystander->isConnected(), "a client that answers pings was dropped too");
}

void tst_Timeouts::clientsAnsweringPingsStayConnected()
{
    TestClient client(*m_server);
    QVERIFY2(client.connectToServer(), qPrintable(client.errorString()));
    RawWebSocket raw(*m_server);
    QVERIFY2(raw.connectEncrypted(), qPrintable(raw.errorString()));
    QVERIFY2(raw.upgrade(), qPrintable(raw.errorString()));
    raw.setAnswerPings(true);

    // Four pings take two intervals past the two after which a silent client is dropped, and
    // past the handshake timeout; counting them is the clock.
    constexpr int kPings = 4;
    QVERIFY2(
        raw.waitForPings(kPings, kDropDeadline),
        qPrintable(u"a client answering pings got %1 of %2 pings, and %3"_s.arg(raw.pingsReceived())
                       .arg(kPings)
                       .arg(raw.isDropped() ? u"was dropped"_s : u"is still connected"_s)));
    QVERIFY2(!raw.isDropped(), "a client answering pings was dropped");
    QVERIFY2(client.isConnected(), "an idle QWebSocket client was dropped");
    QVERIFY2(m_bystander->isConnected(), "a client connected since the start was dropped");
    // And they are served, not just left open.
    CONFAB_VERIFY_ERROR(client.request(op::MyRooms), "unauthenticated");
    CONFAB_VERIFY_ERROR(m_bystander->request(op::MyRooms), "unauthenticated");
}

} // namespace confab::test

QTEST_GUILESS_MAIN(confab::test::tst_Timeouts)
#include "tst_timeouts.moc"
