// The gateway on its own, over plain TCP on loopback, with routes and a protocol of the
// test's: the route table, HTTP keep-alive (request limit, pipelining, bodies, 413, the idle
// deadline), and one Connection's life (opened, the request budget, the backlog cap,
// keep-alive pings, refusal over the address limit, closed).
#include "WebSocketWire.h"
#include "gateway/ConnectionLimiter.h"
#include "gateway/Gateway.h"
#include "gateway/HttpRouter.h"
#include "net/Listener.h"

#include <QTcpSocket>
#include <QTest>
#include <QtEndian>

#include <map>
#include <memory>

using namespace confab::server;
using namespace Qt::StringLiterals;
namespace wire = confab::test::websocket;

namespace {

constexpr int kTimeoutMs = 20'000;
constexpr int kDeadlineMs = 1'500;
constexpr int kMaxRequests = 3;
constexpr qint64 kMaxBodyBytes = 1024;
constexpr qint64 kMaxBacklogBytes = 64 * 1024;
constexpr int kRequestBurst = 3;
constexpr qint64 kQuietMs = 300;

// What the test's protocol heard, for the test to look at.
struct ProtocolLog
{
    int opened = 0;
    int closed = 0;
    QList<QByteArray> texts;
};

// Echoes what it is sent, with the request budget applied; "flood" writes 8 MiB at once.
class EchoProtocol final : public ProtocolHandler
{
public:
    EchoProtocol(Connection &connection, ProtocolLog &log)
        : ProtocolHandler(connection)
        , m_log(log)
    { }

    void opened() override
    {
        ++m_log.opened;
        connection().sendText("hello");
    }
    void textReceived(const QByteArray &text) override
    {
        m_log.texts.append(text);
        if (connection().takeRequest()) {
            connection().sendText("rate_limited");
        } else if (text == "flood") {
            const QByteArray block(256 * 1024, 'x');
            for (int i = 0; i < 32; ++i)
                connection().sendText(block);
        } else {
            connection().sendText(text);
        }
    }
    void binaryReceived() override { }
    void closed() override { ++m_log.closed; }
    KeepAlive keepAlive() const override { return { kQuietMs, kQuietMs }; }
    QByteArray pingFrame() const override { return confab::websocket::serverFrame(wire::Ping, {}); }
    std::optional<CloseFrame> closeFrame(CloseReason reason) const override
    {
        return CloseFrame { quint16(4000 + int(reason)), u"test"_s };
    }

private:
    ProtocolLog &m_log;
};

// Reads the HTTP answers a raw client received: status and whether the server keeps the
// connection, one per answer.
struct Answer
{
    int status = 0;
    bool keepAlive = false;
    QByteArray body;
};

QList<Answer> parseAnswers(QByteArray received)
{
    QList<Answer> answers;
    while (true) {
        const qsizetype end = received.indexOf("\r\n\r\n");
        if (end < 0)
            return answers;
        const QByteArray head = received.first(end);
        Answer answer;
        answer.status = head.mid(9, 3).toInt();
        qsizetype length = 0;
        for (const QByteArray &line : head.split('\n')) {
            const QByteArray lower = line.trimmed().toLower();
            if (lower.startsWith("content-length:"))
                length = lower.mid(15).trimmed().toLongLong();
            if (lower == "connection: keep-alive")
                answer.keepAlive = true;
        }
        if (answer.status != 100 && received.size() < end + 4 + length)
            return answers;
        if (answer.status != 100)
            answer.body = received.mid(end + 4, length);
        received.remove(0, end + 4 + (answer.status == 100 ? 0 : length));
        answers.append(answer);
    }
}

QByteArray get(QByteArrayView path, QByteArrayView extra = {})
{
    return "GET " + path.toByteArray() + " HTTP/1.1\r\nHost: test\r\n" + extra.toByteArray()
        + "\r\n";
}

} // namespace

class TestGateway : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void routesMatchExactThenLongestPrefix();
    void requestsShareOneConnection();
    void connectionCloseAndHttp10End();
    void requestLimitEndsTheConnection();
    void pipelinedRequestsAreAnsweredOnceThenClosed();
    void bodiesArriveWholeAndOversizedOnesAreRefused();
    void expectContinueIsAnswered();
    void idleConnectionIsClosedAtTheDeadline();
    void unknownPathIsNotFound();

    void connectionOpensEchoesAndCloses();
    void requestBudgetIsApplied();
    void slowConsumerIsClosedAtTheBacklogCap();
    void quietPeerIsPingedAndSilentOneClosed();
    void connectionOverTheAddressLimitIsRefused();

private:
    // A raw client on the gateway's port.
    std::unique_ptr<QTcpSocket> connectRaw();
    // Reads until `done` holds for what arrived, or the connection ends.
    QByteArray readUntil(QTcpSocket &socket, const std::function<bool(const QByteArray &)> &done);
    bool waitForEnd(QTcpSocket &socket);
    // A raw WebSocket client on /echo, upgraded.
    std::unique_ptr<QTcpSocket> connectWebSocket(int receiveBuffer = 0);
    // Frames the client has received so far, waiting until `done` holds for them, a close
    // frame comes or the connection ends; what was returned before is not returned again.
    QList<wire::Frame> framesUntil(QTcpSocket &socket,
                                   const std::function<bool(const QList<wire::Frame> &)> &done);
    QList<QByteArray> textsUntil(QTcpSocket &socket, qsizetype count);

    HttpRouter m_router;
    ProtocolLog m_log;
    std::unique_ptr<ConnectionLimiter> m_limiter;
    std::unique_ptr<Gateway> m_gateway;
    std::unique_ptr<Listener> m_listener;
    QByteArray m_lastBody;
    std::map<QTcpSocket *, wire::FrameReader> m_readers;
};

void TestGateway::initTestCase()
{
    const auto ok = [](const QByteArray &body) {
        return [body](const HttpRequest &, const ReplyTarget &, HttpRespond respond) {
            respond({ 200, body, {} });
        };
    };
    m_router.addHttp("/a", HttpRouter::Match::Exact, ok("exact-a"));
    m_router.addHttp("/a/", HttpRouter::Match::Prefix, ok("prefix-a"));
    m_router.addHttp("/a/b/", HttpRouter::Match::Prefix, ok("prefix-a-b"));
    m_router.addHttp("/echo-body", HttpRouter::Match::Exact,
                     [this](const HttpRequest &request, const ReplyTarget &, HttpRespond respond) {
                         m_lastBody = request.body;
                         respond({ 200, request.body, {} });
                     });
    m_router.addWebSocket("/echo", HttpRouter::Match::Exact,
                          [this](Connection &connection, PushSink &) {
                              return std::make_unique<EchoProtocol>(connection, m_log);
                          });
}

void TestGateway::init()
{
    m_log = {};
    const bool oneEach
        = qstrcmp(QTest::currentTestFunction(), "connectionOverTheAddressLimitIsRefused") == 0;
    m_limiter = std::make_unique<ConnectionLimiter>(oneEach ? 1 : 100);
    Gateway::Settings settings;
    settings.http = { kDeadlineMs, kMaxBodyBytes, kMaxRequests };
    settings.connection = { kMaxBacklogBytes, 1, kRequestBurst };
    settings.keepAliveCheckMs = 100;
    m_gateway = std::make_unique<Gateway>(m_router, settings, nullptr, *m_limiter);
    Gateway *gateway = m_gateway.get();
    m_listener = std::make_unique<Listener>(
        QList<Listener::Acceptor> { [gateway](qintptr descriptor) { gateway->adopt(descriptor); } },
        16);
    QVERIFY(m_listener->listen(QHostAddress::LocalHost));
}

void TestGateway::cleanup()
{
    m_readers.clear();
    m_listener.reset();
    m_gateway.reset();
    m_limiter.reset();
}

std::unique_ptr<QTcpSocket> TestGateway::connectRaw()
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(QHostAddress::LocalHost, m_listener->serverPort());
    if (!socket->waitForConnected(kTimeoutMs))
        return nullptr;
    return socket;
}

QByteArray TestGateway::readUntil(QTcpSocket &socket,
                                  const std::function<bool(const QByteArray &)> &done)
{
    QByteArray received;
    static_cast<void>(QTest::qWaitFor(
        [&] {
            received += socket.readAll();
            return done(received) || socket.state() != QAbstractSocket::ConnectedState;
        },
        kTimeoutMs));
    return received + socket.readAll();
}

bool TestGateway::waitForEnd(QTcpSocket &socket)
{
    return QTest::qWaitFor(
        [&] {
            socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        kTimeoutMs);
}

void TestGateway::routesMatchExactThenLongestPrefix()
{
    QCOMPARE(m_router.find("/a")->path, "/a");
    QCOMPARE(m_router.find("/a/x")->path, "/a/");
    QCOMPARE(m_router.find("/a/b/c")->path, "/a/b/");
    QCOMPARE(m_router.find("/a/b")->path, "/a/");
    QVERIFY(m_router.find("/echo")->webSocket);
    QVERIFY(!m_router.find("/b"));
    QVERIFY(!m_router.find("/echo/more"));
}

void TestGateway::requestsShareOneConnection()
{
    auto socket = connectRaw();
    QVERIFY(socket);
    for (QByteArrayView path : { "/a", "/a/x", "/a/b/y" }) {
        socket->write(get(path));
        const auto answers = parseAnswers(
            readUntil(*socket, [](const QByteArray &in) { return !parseAnswers(in).isEmpty(); }));
        QCOMPARE(answers.size(), 1);
        QCOMPARE(answers.first().status, 200);
        if (path != "/a/b/y")
            QVERIFY2(answers.first().keepAlive, "the server closes a connection it could keep");
    }
    QVERIFY2(waitForEnd(*socket), "the third request, the limit, did not end the connection");
}

void TestGateway::connectionCloseAndHttp10End()
{
    for (const QByteArray &request :
         { get("/a", "Connection: close\r\n"), QByteArray("GET /a HTTP/1.0\r\n\r\n") }) {
        auto socket = connectRaw();
        QVERIFY(socket);
        socket->write(request);
        QVERIFY(waitForEnd(*socket));
    }
    auto socket = connectRaw();
    socket->write("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    const auto answers = parseAnswers(
        readUntil(*socket, [](const QByteArray &in) { return !parseAnswers(in).isEmpty(); }));
    QCOMPARE(answers.size(), 1);
    QVERIFY(answers.first().keepAlive);
}

void TestGateway::requestLimitEndsTheConnection()
{
    auto socket = connectRaw();
    QVERIFY(socket);
    QList<Answer> answers;
    for (int i = 0; i < kMaxRequests; ++i) {
        socket->write(get("/a"));
        answers += parseAnswers(
            readUntil(*socket, [](const QByteArray &in) { return !parseAnswers(in).isEmpty(); }));
    }
    QCOMPARE(answers.size(), kMaxRequests);
    QVERIFY(!answers.last().keepAlive);
    QVERIFY(waitForEnd(*socket));
}

void TestGateway::pipelinedRequestsAreAnsweredOnceThenClosed()
{
    auto socket = connectRaw();
    QVERIFY(socket);
    socket->write(get("/a") + get("/a/x"));
    QByteArray received;
    QVERIFY(QTest::qWaitFor(
        [&] {
            received += socket->readAll();
            return socket->state() == QAbstractSocket::UnconnectedState;
        },
        kTimeoutMs));
    const auto answers = parseAnswers(received);
    QCOMPARE(answers.size(), 1);
    QCOMPARE(answers.first().body, "exact-a");
    QVERIFY(!answers.first().keepAlive);
}

void TestGateway::bodiesArriveWholeAndOversizedOnesAreRefused()
{
    auto socket = connectRaw();
    QVERIFY(socket);
    const QByteArray body = "{\"name\":\"x\"}";
    socket->write("POST /echo-body HTTP/1.1\r\nContent-Length: " + QByteArray::number(body.size())
                  + "\r\n\r\n" + body.first(5));
    QTest::qWait(50); // the rest comes in a second segment, as a slow client sends it
    socket->write(body.mid(5));
    auto answers = parseAnswers(
        readUntil(*socket, [](const QByteArray &in) { return !parseAnswers(in).isEmpty(); }));
    QCOMPARE(answers.size(), 1);
    QCOMPARE(answers.first().body, body);
    QCOMPARE(m_lastBody, body);

    // Over the limit: 413, read to its end so that the client sees the answer, then closed.
    const QByteArray big(kMaxBodyBytes + 1, 'b');
    socket->write("POST /echo-body HTTP/1.1\r\nContent-Length: " + QByteArray::number(big.size())
                  + "\r\n\r\n" + big);
    QByteArray received;
    QVERIFY(QTest::qWaitFor(
        [&] {
            received += socket->readAll();
            return socket->state() == QAbstractSocket::UnconnectedState;
        },
        kTimeoutMs));
    answers = parseAnswers(received);
    QCOMPARE(answers.size(), 1);
    QCOMPARE(answers.first().status, 413);
    QVERIFY(answers.first().body.contains("too_large"));

    socket = connectRaw();
    socket->write("POST /echo-body HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    received = readUntil(*socket, [](const QByteArray &in) { return !parseAnswers(in).isEmpty(); });
    QCOMPARE(parseAnswers(received).value(0).status, 411);
}

void TestGateway::expectContinueIsAnswered()
{
    auto socket = connectRaw();
    QVERIFY(socket);
    socket->write("POST /echo-body HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    auto answers = parseAnswers(
        readUntil(*socket, [](const QByteArray &in) { return !parseAnswers(in).isEmpty(); }));
    QCOMPARE(answers.size(), 1);
    QCOMPARE(answers.first().status, 100);
    socket->write("ok");
    answers = parseAnswers(
        readUntil(*socket, [](const QByteArray &in) { return !parseAnswers(in).isEmpty(); }));
    QCOMPARE(answers.size(), 1);
    QCOMPARE(answers.first().status, 200);
    QCOMPARE(answers.first().body, "ok");
}

void TestGateway::idleConnectionIsClosedAtTheDeadline()
{
    auto socket = connectRaw();
    QVERIFY(socket);
    socket->write(get("/a"));
    QCOMPARE(
        parseAnswers(
            readUntil(*socket, [](const QByteArray &in) { return !parseAnswers(in).isEmpty(); }))
            .size(),
        1);
    QVERIFY2(waitForEnd(*socket), "an idle kept-alive connection outlived its deadline");
}

void TestGateway::unknownPathIsNotFound()
{
    auto socket = connectRaw();
    QVERIFY(socket);
    socket->write(get("/nothing"));
    auto answers = parseAnswers(
        readUntil(*socket, [](const QByteArray &in) { return !parseAnswers(in).isEmpty(); }));
    QCOMPARE(answers.value(0).status, 404);
    QVERIFY(answers.value(0).keepAlive);
    socket->write(get("/echo"));
    answers = parseAnswers(
        readUntil(*socket, [](const QByteArray &in) { return !parseAnswers(in).isEmpty(); }));
    QCOMPARE(answers.value(0).status, 426);
}

std::unique_ptr<QTcpSocket> TestGateway::connectWebSocket(int receiveBuffer)
{
    auto socket = std::make_unique<QTcpSocket>();
    if (receiveBuffer > 0)
        socket->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, receiveBuffer);
    socket->connectToHost(QHostAddress::LocalHost, m_listener->serverPort());
    if (!socket->waitForConnected(kTimeoutMs))
        return nullptr;
    const QByteArray key = wire::newKey();
    socket->write(
        wire::upgradeRequest(QUrl(u"ws://127.0.0.1:%1/echo"_s.arg(m_listener->serverPort())), key));
    // Byte by byte, so that no frame after the answer is taken with it.
    QByteArray received;
    if (!QTest::qWaitFor(
            [&] {
                while (socket->bytesAvailable() > 0 && wire::upgradeAnswerEnd(received) < 0)
                    received += socket->read(1);
                return wire::upgradeAnswerEnd(received) >= 0;
            },
            kTimeoutMs)
        || !wire::upgradeRefusal(received, key).isEmpty())
        return nullptr;
    return socket;
}

QList<wire::Frame>
TestGateway::framesUntil(QTcpSocket &socket,
                         const std::function<bool(const QList<wire::Frame> &)> &done)
{
    auto &reader = m_readers.try_emplace(&socket, wire::FrameReader::Sender::Server).first->second;
    QList<wire::Frame> frames;
    static_cast<void>(QTest::qWaitFor(
        [&] {
            reader.append(socket.readAll());
            while (auto frame = reader.next())
                frames.append(*frame);
            return done(frames) || (!frames.isEmpty() && frames.last().opcode == wire::Close)
                || socket.state() != QAbstractSocket::ConnectedState;
        },
        kTimeoutMs));
    return frames;
}

QList<QByteArray> TestGateway::textsUntil(QTcpSocket &socket, qsizetype count)
{
    QList<QByteArray> texts;
    framesUntil(socket, [&](const QList<wire::Frame> &frames) {
        texts.clear();
        for (const auto &frame : frames) {
            if (frame.opcode == wire::Text)
                texts.append(frame.payload);
        }
        return texts.size() >= count;
    });
    return texts;
}

void TestGateway::connectionOpensEchoesAndCloses()
{
    auto socket = connectWebSocket();
    QVERIFY(socket);
    socket->write(wire::clientFrame(wire::Text, "one"));
    QCOMPARE(textsUntil(*socket, 2), (QList<QByteArray> { "hello", "one" }));
    QCOMPARE(m_log.opened, 1);
    QCOMPARE(m_log.closed, 0);
    socket->write(wire::clientFrame(wire::Close, wire::closePayload(1000)));
    QVERIFY(waitForEnd(*socket));
    QVERIFY(QTest::qWaitFor([&] { return m_log.closed == 1; }, kTimeoutMs));
}

void TestGateway::requestBudgetIsApplied()
{
    auto socket = connectWebSocket();
    QVERIFY(socket);
    for (int i = 0; i <= kRequestBurst; ++i)
        socket->write(wire::clientFrame(wire::Text, QByteArray::number(i)));
    QCOMPARE(textsUntil(*socket, kRequestBurst + 2),
             (QList<QByteArray> { "hello", "0", "1", "2", "rate_limited" }));
}

void TestGateway::slowConsumerIsClosedAtTheBacklogCap()
{
    // A small receive buffer, and nothing read until the server has given up on the client.
    auto socket = connectWebSocket(16 * 1024);
    QVERIFY(socket);
    socket->write(wire::clientFrame(wire::Text, "flood"));
    QVERIFY2(QTest::qWaitFor([&] { return m_log.closed == 1; }, kTimeoutMs),
             "a client that reads nothing was never closed");
    // What it finally reads ends with the close frame for a slow consumer.
    const auto frames = framesUntil(*socket, [](const auto &) { return false; });
    QVERIFY(!frames.isEmpty());
    QCOMPARE(frames.last().opcode, wire::Close);
    QCOMPARE(int(qFromBigEndian<quint16>(frames.last().payload.constData())),
             4000 + int(CloseReason::SlowConsumer));
}

void TestGateway::quietPeerIsPingedAndSilentOneClosed()
{
    // A hand-written client answers no ping by itself.
    auto answering = connectWebSocket();
    auto silent = connectWebSocket();
    QVERIFY(answering && silent);
    int pings = 0;
    QList<wire::Frame> silentFrames;
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     for (const auto &frame :
                          framesUntil(*answering, [](const auto &) { return true; })) {
                         if (frame.opcode == wire::Ping) {
                             ++pings;
                             answering->write(wire::clientFrame(wire::Pong, frame.payload));
                         }
                     }
                     silentFrames += framesUntil(*silent, [](const auto &) { return true; });
                     return pings >= 3 && !silentFrames.isEmpty()
                         && silentFrames.last().opcode == wire::Close;
                 },
                 kTimeoutMs),
             qPrintable(u"%1 pings answered; the silent client got %2 frames"_s.arg(pings).arg(
                 silentFrames.size())));
    QCOMPARE(int(qFromBigEndian<quint16>(silentFrames.last().payload.constData())),
             4000 + int(CloseReason::Unresponsive));
    QCOMPARE(answering->state(), QAbstractSocket::ConnectedState);
}

void TestGateway::connectionOverTheAddressLimitIsRefused()
{
    auto first = connectWebSocket();
    QVERIFY(first);
    auto second = connectWebSocket();
    QVERIFY(second);
    const auto frames = framesUntil(*second, [](const auto &) { return false; });
    QVERIFY(!frames.isEmpty());
    QCOMPARE(frames.last().opcode, wire::Close);
    QCOMPARE(int(qFromBigEndian<quint16>(frames.last().payload.constData())),
             4000 + int(CloseReason::TooManyConnections));
    QCOMPARE(m_log.opened, 1);
}

QTEST_GUILESS_MAIN(TestGateway)
#include "tst_gateway.moc"
