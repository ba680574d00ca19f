// A push framed once and written under a server's QWebSocket, as Qt's own WebSocket client
// reads it: every length encoding, text beyond ASCII, in order with the socket's own messages,
// and nothing after the socket's close.
#include "hub/PushFrame.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <memory>

using namespace confab::server;
using namespace Qt::StringLiterals;

namespace {

constexpr int kTimeoutMs = 20'000;

// Text of exactly `bytes` UTF-8 bytes, with two- and three-byte characters in it.
QString textOfUtf8Size(qsizetype bytes)
{
    const QString pieces[] = { u"é"_s, u"€"_s, u"a"_s };
    QString text;
    qsizetype size = 0;
    for (qsizetype i = 0; size < bytes; ++i) {
        const QString &piece = pieces[i % 3];
        const qsizetype pieceBytes = piece.toUtf8().size();
        if (size + pieceBytes > bytes) {
            text += u'a';
            size += 1;
            continue;
        }
        text += piece;
        size += pieceBytes;
    }
    return text;
}

} // namespace

class TestPushFrame : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void headerCarriesTheLength_data();
    void headerCarriesTheLength();
    void clientReadsEveryLength();
    void nothingFollowsTheClose();

private:
    QTcpServer m_listener;
    QWebSocketServer m_upgrader { u"test"_s, QWebSocketServer::NonSecureMode };
    QTcpSocket *m_transport = nullptr;
    std::unique_ptr<QWebSocket> m_serverSide;
    std::unique_ptr<QWebSocket> m_client;
};

void TestPushFrame::init()
{
    QVERIFY(m_listener.listen(QHostAddress::LocalHost));
    m_client = std::make_unique<QWebSocket>();
    m_client->open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_listener.serverPort())));
    QVERIFY(QTest::qWaitFor([&] { return m_listener.hasPendingConnections(); }, kTimeoutMs));
    m_transport = m_listener.nextPendingConnection();
    m_upgrader.handleConnection(m_transport);
    QVERIFY(QTest::qWaitFor([&] { return m_upgrader.hasPendingConnections(); }, kTimeoutMs));
    m_serverSide.reset(m_upgrader.nextPendingConnection());
    QVERIFY(QTest::qWaitFor([&] { return m_client->state() == QAbstractSocket::ConnectedState; },
                            kTimeoutMs));
}

void TestPushFrame::cleanup()
{
    m_client.reset();
    m_serverSide.reset();
    m_transport = nullptr;
    m_listener.close();
}

void TestPushFrame::headerCarriesTheLength_data()
{
    QTest::addColumn<qsizetype>("payloadBytes");
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("empty") << qsizetype(0) << QByteArray::fromHex("8100");
    QTest::newRow("longest one-byte length") << qsizetype(125) << QByteArray::fromHex("817d");
    QTest::newRow("shortest two-byte length") << qsizetype(126) << QByteArray::fromHex("817e007e");
    QTest::newRow("longest two-byte length") << qsizetype(65535) << QByteArray::fromHex("817effff");
    QTest::newRow("shortest eight-byte length")
        << qsizetype(65536) << QByteArray::fromHex("817f0000000000010000");
}

void TestPushFrame::headerCarriesTheLength()
{
    QFETCH(qsizetype, payloadBytes);
    QFETCH(QByteArray, header);
    const QString text = textOfUtf8Size(payloadBytes);
    const PushFrame frame(text);
    QCOMPARE(frame.bytes().size(), header.size() + payloadBytes);
    QCOMPARE(frame.bytes().left(header.size()).toHex(), header.toHex());
    QCOMPARE(frame.bytes().mid(header.size()), text.toUtf8());
}

void TestPushFrame::clientReadsEveryLength()
{
    QSignalSpy received(m_client.get(), &QWebSocket::textMessageReceived);
    QStringList sent;
    for (qsizetype bytes : { 0, 1, 125, 126, 65535, 65536, 300'000 }) {
        const QString push = textOfUtf8Size(bytes);
        QVERIFY(PushFrame(push).writeTo(*m_serverSide, *m_transport));
        sent << push;
        // The socket's own messages between the pushes stay whole and in order.
        const QString own = u"own message after %1 bytes"_s.arg(bytes);
        m_serverSide->sendTextMessage(own);
        sent << own;
    }
    QVERIFY(QTest::qWaitFor([&] { return received.size() >= sent.size(); }, kTimeoutMs));
    QCOMPARE(received.size(), sent.size());
    for (qsizetype i = 0; i < sent.size(); ++i)
        QCOMPARE(received.at(i).first().toString(), sent.at(i));
}

void TestPushFrame::nothingFollowsTheClose()
{
    QSignalSpy received(m_client.get(), &QWebSocket::textMessageReceived);
    QSignalSpy disconnected(m_client.get(), &QWebSocket::disconnected);
    QVERIFY(PushFrame(u"before the close"_s).writeTo(*m_serverSide, *m_transport));
    m_serverSide->close(QWebSocketProtocol::CloseCodeGoingAway, u"bye"_s);
    QVERIFY(!PushFrame(u"after the close"_s).writeTo(*m_serverSide, *m_transport));
    QVERIFY(disconnected.wait(kTimeoutMs));
    QCOMPARE(received.size(), 1);
    QCOMPARE(received.first().first().toString(), u"before the close"_s);
    QCOMPARE(m_client->closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
}

QTEST_MAIN(TestPushFrame)
#include "tst_pushframe.moc"
