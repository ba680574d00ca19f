// The server's side of a WebSocket against Qt's own client and a hand-written one: messages of
// every length both ways, fragments made whole, pings, the close handshake from either side,
// and the close codes for what the protocol refuses. The upgrade is answered as confabd
// answers it.
#include "SampleText.h"
#include "WebSocketWire.h"
#include "http/HttpRequestHead.h"
#include "presence/PushFrame.h"
#include "websocket/WebSocketConnection.h"
#include "websocket/WebSocketHandshake.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QtEndian>

#include <memory>

using namespace confab;
using namespace confab::server;
using namespace Qt::StringLiterals;
namespace wire = confab::test::websocket;

namespace {

constexpr int kTimeoutMs = 20'000;
constexpr qsizetype kMaxMessageBytes = 512 * 1024;

} // namespace

class TestWebSocketConnection : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void messagesCrossEveryLength();
    void fragmentsMakeOneMessage();
    void binaryMessagesAreReported();
    void pingsAreAnsweredBothWays();
    void clientCloseIsAnswered();
    void serverCloseReachesTheClient();
    void oversizedMessageCloses_data();
    void oversizedMessageCloses();
    void framesSentWithTheUpgradeWaitForStart();
    void refusedFramesCloseWithTheirCode_data();
    void refusedFramesCloseWithTheirCode();
    void upgradeRequestsAreChecked_data();
    void upgradeRequestsAreChecked();

private:
    // Accepts one connection and answers its upgrade as confabd does.
    bool acceptServerSide(bool startReading = true);
    // Qt's client, connected; frameSize > 0 splits its messages into frames of that size.
    bool connectQtClient(int frameSize = 0);
    // A hand-written client: the upgrade request, then `after` in the same write; the key.
    QByteArray startRaw(const QByteArray &after = {});
    // Reads the answer to startRaw()'s request: whether it accepted the upgrade.
    bool upgradeAccepted(const QByteArray &key);
    bool connectRaw()
    {
        const QByteArray key = startRaw();
        return acceptServerSide() && upgradeAccepted(key);
    }
    // Frames the raw client received, until a close frame or the end.
    QList<wire::Frame> rawFramesUntilClosed();

    QTcpServer m_listener;
    std::unique_ptr<WebSocketConnection> m_server;
    std::unique_ptr<QWebSocket> m_client;
    std::unique_ptr<QTcpSocket> m_raw;
};

void TestWebSocketConnection::init()
{
    QVERIFY(m_listener.listen(QHostAddress::LocalHost));
}

void TestWebSocketConnection::cleanup()
{
    m_client.reset();
    m_raw.reset();
    m_server.reset();
    m_listener.close();
}

bool TestWebSocketConnection::acceptServerSide(bool startReading)
{
    if (!QTest::qWaitFor([&] { return m_listener.hasPendingConnections(); }, kTimeoutMs))
        return false;
    QTcpSocket *socket = m_listener.nextPendingConnection();
    HttpRequestHead head;
    const bool complete = QTest::qWaitFor(
        [&] {
            auto [status, parsed] = HttpRequestHead::parse(socket->peek(socket->bytesAvailable()));
            head = parsed;
            return status == HttpRequestHead::Status::Complete;
        },
        kTimeoutMs);
    if (!complete)
        return false;
    socket->read(head.size);
    const auto [answer, accepted] = WebSocketHandshake::answer(head);
    socket->write(answer);
    if (!accepted)
        return false;
    socket->setParent(nullptr);
    m_server
        = std::make_unique<WebSocketConnection>(socket, head.path, head.query, kMaxMessageBytes);
    if (startReading)
        m_server->start();
    return true;
}

bool TestWebSocketConnection::connectQtClient(int frameSize)
{
    m_client = std::make_unique<QWebSocket>();
    if (frameSize > 0)
        m_client->setOutgoingFrameSize(quint64(frameSize));
    m_client->open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_listener.serverPort())));
    return acceptServerSide()
        && QTest::qWaitFor([&] { return m_client->state() == QAbstractSocket::ConnectedState; },
                           kTimeoutMs);
}

QByteArray TestWebSocketConnection::startRaw(const QByteArray &after)
{
    m_raw = std::make_unique<QTcpSocket>();
    m_raw->connectToHost(QHostAddress::LocalHost, m_listener.serverPort());
    const QByteArray key = wire::newKey();
    m_raw->write(
        wire::upgradeRequest(QUrl(u"ws://127.0.0.1:%1/ws?x=1"_s.arg(m_listener.serverPort())), key)
        + after);
    return key;
}

bool TestWebSocketConnection::upgradeAccepted(const QByteArray &key)
{
    // Only the answer is read: frames may follow it.
    qsizetype end = -1;
    if (!QTest::qWaitFor(
            [&] {
                m_raw->waitForReadyRead(10);
                end = wire::upgradeAnswerEnd(m_raw->peek(m_raw->bytesAvailable()));
                return end > 0;
            },
            kTimeoutMs))
        return false;
    return wire::upgradeRefusal(m_raw->read(end), key).isEmpty();
}

QList<wire::Frame> TestWebSocketConnection::rawFramesUntilClosed()
{
    wire::FrameReader reader(wire::FrameReader::Sender::Server);
    QList<wire::Frame> frames;
    // The caller checks what arrived.
    static_cast<void>(QTest::qWaitFor(
        [&] {
            reader.append(m_raw->readAll());
            while (auto frame = reader.next())
                frames.append(*frame);
            return (!frames.isEmpty() && frames.last().opcode == wire::Close)
                || m_raw->state() != QAbstractSocket::ConnectedState;
        },
        kTimeoutMs));
    return frames;
}

void TestWebSocketConnection::messagesCrossEveryLength()
{
    QVERIFY(connectQtClient());
    QCOMPARE(m_server->path(), "/ws");
    QSignalSpy serverReceived(m_server.get(), &WebSocketConnection::textMessageReceived);
    QSignalSpy clientReceived(m_client.get(), &QWebSocket::textMessageReceived);

    QStringList texts;
    for (qsizetype size : { 0, 1, 125, 126, 65'535, 65'536, 300'000 })
        texts << sampleText(size);
    for (const QString &text : std::as_const(texts)) {
        m_client->sendTextMessage(text);
        // A push framed once and a text of the connection's own, in the order written.
        m_server->sendFrame(PushFrame(text.toUtf8()).bytes());
        m_server->sendText(text.toUtf8());
    }
    QVERIFY(QTest::qWaitFor([&] { return serverReceived.size() == texts.size(); }, kTimeoutMs));
    QVERIFY(QTest::qWaitFor([&] { return clientReceived.size() == 2 * texts.size(); }, kTimeoutMs));
    for (qsizetype i = 0; i < texts.size(); ++i) {
        QCOMPARE(QString::fromUtf8(serverReceived.at(i).first().toByteArray()), texts.at(i));
        QCOMPARE(clientReceived.at(2 * i).first().toString(), texts.at(i));
        QCOMPARE(clientReceived.at(2 * i + 1).first().toString(), texts.at(i));
    }
}

void TestWebSocketConnection::fragmentsMakeOneMessage()
{
    QVERIFY(connectQtClient(1000));
    QSignalSpy received(m_server.get(), &WebSocketConnection::textMessageReceived);
    // Split inside the two-byte characters too.
    const QString text = sampleText(10'000);
    m_client->sendTextMessage(text);
    m_client->ping("in between");
    m_client->sendTextMessage(u"next"_s);
    QVERIFY(QTest::qWaitFor([&] { return received.size() == 2; }, kTimeoutMs));
    QCOMPARE(QString::fromUtf8(received.at(0).first().toByteArray()), text);
    QCOMPARE(received.at(1).first().toByteArray(), "next");
}

void TestWebSocketConnection::binaryMessagesAreReported()
{
    QVERIFY(connectQtClient());
    QSignalSpy binary(m_server.get(), &WebSocketConnection::binaryMessageReceived);
    QSignalSpy text(m_server.get(), &WebSocketConnection::textMessageReceived);
    m_client->sendBinaryMessage(QByteArray("\xff\xfe", 2));
    QVERIFY(binary.wait(kTimeoutMs));
    QCOMPARE(text.size(), 0);
    QCOMPARE(m_client->state(), QAbstractSocket::ConnectedState);
}

void TestWebSocketConnection::pingsAreAnsweredBothWays()
{
    QVERIFY(connectQtClient());
    QSignalSpy serverPong(m_server.get(), &WebSocketConnection::pongReceived);
    QSignalSpy clientPong(m_client.get(), &QWebSocket::pong);
    m_client->ping("are you there");
    QVERIFY(clientPong.wait(kTimeoutMs));
    QCOMPARE(clientPong.first().at(1).toByteArray(), "are you there");
    m_server->ping();
    QVERIFY(serverPong.wait(kTimeoutMs));
}

void TestWebSocketConnection::clientCloseIsAnswered()
{
    QVERIFY(connectQtClient());
    QSignalSpy serverEnded(m_server.get(), &WebSocketConnection::disconnected);
    QSignalSpy clientEnded(m_client.get(), &QWebSocket::disconnected);
    m_client->close(QWebSocketProtocol::CloseCodeNormal, u"bye"_s);
    QVERIFY(QTest::qWaitFor([&] { return serverEnded.size() == 1 && clientEnded.size() == 1; },
                            kTimeoutMs));
    QCOMPARE(m_client->closeCode(), QWebSocketProtocol::CloseCodeNormal);
    QVERIFY(!m_server->isOpen());
}

void TestWebSocketConnection::serverCloseReachesTheClient()
{
    QVERIFY(connectQtClient());
    QSignalSpy serverEnded(m_server.get(), &WebSocketConnection::disconnected);
    QSignalSpy received(m_client.get(), &QWebSocket::textMessageReceived);
    QSignalSpy clientEnded(m_client.get(), &QWebSocket::disconnected);
    m_server->sendText("before the close");
    m_server->close(websocket::GoingAway, u"server shutting down");
    QVERIFY(!m_server->isOpen());
    m_server->sendText("after the close");
    m_server->sendFrame(PushFrame("nor a push").bytes());
    QVERIFY(QTest::qWaitFor([&] { return serverEnded.size() == 1 && clientEnded.size() == 1; },
                            kTimeoutMs));
    QCOMPARE(received.size(), 1);
    QCOMPARE(received.first().first().toString(), u"before the close"_s);
    QCOMPARE(m_client->closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    QCOMPARE(m_client->closeReason(), u"server shutting down"_s);
}

void TestWebSocketConnection::oversizedMessageCloses_data()
{
    QTest::addColumn<int>("fragmentSize");
    QTest::newRow("one frame") << 0;
    QTest::newRow("fragments adding up") << 16 * 1024;
}

void TestWebSocketConnection::oversizedMessageCloses()
{
    QFETCH(int, fragmentSize);
    QVERIFY(connectQtClient(fragmentSize));
    QSignalSpy received(m_server.get(), &WebSocketConnection::textMessageReceived);
    QSignalSpy clientEnded(m_client.get(), &QWebSocket::disconnected);
    m_client->sendTextMessage(u"a"_s.repeated(kMaxMessageBytes));
    m_client->sendTextMessage(u"a"_s.repeated(kMaxMessageBytes + 1));
    QVERIFY(clientEnded.wait(kTimeoutMs));
    QCOMPARE(m_client->closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    // The message at the limit came through; the one over it did not.
    QCOMPARE(received.size(), 1);
}

void TestWebSocketConnection::framesSentWithTheUpgradeWaitForStart()
{
    const QByteArray key = startRaw(wire::clientFrame(wire::Text, "right away"));
    QVERIFY(acceptServerSide(false));
    QSignalSpy received(m_server.get(), &WebSocketConnection::textMessageReceived);
    QVERIFY(upgradeAccepted(key));
    QVERIFY(received.isEmpty());

    // An owner that finishes setting up on the next turn of the event loop, as a Pusher
    // connection does: the message that came with the upgrade waits for it.
    bool ownerReady = false;
    QList<bool> ownerReadyAtMessage;
    connect(m_server.get(), &WebSocketConnection::textMessageReceived, this,
            [&] { ownerReadyAtMessage << ownerReady; });
    QMetaObject::invokeMethod(
        this, [&] { ownerReady = true; }, Qt::QueuedConnection);
    m_server->start();
    QVERIFY(QTest::qWaitFor([&] { return received.size() == 1; }, kTimeoutMs));
    QCOMPARE(received.first().first().toByteArray(), "right away");
    QCOMPARE(ownerReadyAtMessage, QList<bool> { true });
    QCOMPARE(m_server->query(), "x=1");
}

void TestWebSocketConnection::refusedFramesCloseWithTheirCode_data()
{
    QTest::addColumn<QByteArray>("frames");
    QTest::addColumn<int>("code");
    const QByteArray masked = wire::clientFrame(wire::Text, "hello");
    QByteArray unmasked = websocket::serverFrame(wire::Text, "hello");
    QByteArray reserved = masked;
    reserved[0] = char(reserved[0] | 0x40);
    QByteArray unknownOpcode = masked;
    unknownOpcode[0] = char(0x80 | 0x3);
    QByteArray fragmentedPing = wire::clientFrame(wire::Ping, "x");
    fragmentedPing[0] = char(wire::Ping);
    QByteArray firstFragment = masked;
    firstFragment[0] = char(wire::Text);

    QTest::newRow("text that is not UTF-8")
        << wire::clientFrame(wire::Text, "caf\xc3") << int(websocket::InvalidPayload);
    QTest::newRow("unmasked frame") << unmasked << int(websocket::ProtocolError);
    QTest::newRow("reserved bit") << reserved << int(websocket::ProtocolError);
    QTest::newRow("unknown opcode") << unknownOpcode << int(websocket::ProtocolError);
    QTest::newRow("long ping") << wire::clientFrame(wire::Ping, QByteArray(126, 'x'))
                               << int(websocket::ProtocolError);
    QTest::newRow("fragmented ping") << fragmentedPing << int(websocket::ProtocolError);
    QTest::newRow("continuation out of nowhere")
        << wire::clientFrame(wire::Continuation, "x") << int(websocket::ProtocolError);
    QTest::newRow("new message inside a fragmented one")
        << firstFragment + masked << int(websocket::ProtocolError);
    QTest::newRow("close frame with a reserved code")
        << wire::clientFrame(wire::Close, websocket::closePayload(1005))
        << int(websocket::ProtocolError);
}

void TestWebSocketConnection::refusedFramesCloseWithTheirCode()
{
    QFETCH(QByteArray, frames);
    QFETCH(int, code);
    QVERIFY(connectRaw());
    QSignalSpy received(m_server.get(), &WebSocketConnection::textMessageReceived);
    QSignalSpy serverEnded(m_server.get(), &WebSocketConnection::disconnected);
    m_raw->write(frames);
    const QList<wire::Frame> answer = rawFramesUntilClosed();
    QVERIFY(!answer.isEmpty());
    QCOMPARE(answer.last().opcode, wire::Close);
    QCOMPARE(int(qFromBigEndian<quint16>(answer.last().payload.constData())), code);
    QVERIFY(QTest::qWaitFor([&] { return serverEnded.size() == 1; }, kTimeoutMs));
    QCOMPARE(received.size(), 0);
}

void TestWebSocketConnection::upgradeRequestsAreChecked_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("statusLine");
    const QByteArray start = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n";
    QTest::newRow("accepted") << start
            + "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              "Sec-WebSocket-Version: 13\r\n\r\n"
                              << QByteArray("HTTP/1.1 101 Switching Protocols");
    QTest::newRow("another version") << start
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              "Sec-WebSocket-Version: 8\r\n\r\n"
                                     << QByteArray("HTTP/1.1 426 Upgrade Required");
    QTest::newRow("no key") << start + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"
                            << QByteArray("HTTP/1.1 400 Bad Request");
    QTest::newRow("short key") << start
            + "Connection: Upgrade\r\nSec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: "
              "13\r\n\r\n" << QByteArray("HTTP/1.1 400 Bad Request");
    QTest::newRow("no Connection: Upgrade") << start
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                                            << QByteArray("HTTP/1.1 400 Bad Request");
}

void TestWebSocketConnection::upgradeRequestsAreChecked()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, statusLine);
    const auto [status, head] = HttpRequestHead::parse(request);
    QCOMPARE(status, HttpRequestHead::Status::Complete);
    const auto [answer, accepted] = WebSocketHandshake::answer(head);
    QCOMPARE(answer.left(answer.indexOf("\r\n")), statusLine);
    QCOMPARE(accepted, statusLine.contains("101"));
    if (accepted) // RFC 6455's own example
        QVERIFY(answer.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    if (statusLine.contains("426"))
        QVERIFY(answer.contains("\r\nSec-WebSocket-Version: 13\r\n"));
}

QTEST_MAIN(TestWebSocketConnection)
#include "tst_websocketconnection.moc"
