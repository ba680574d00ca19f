// TLS connections on shared contexts. The server's side against Qt's own TLS client: the
// handshake, plaintext both ways (large and small), orderly closes from either side, and a
// client that does not speak TLS at all. The client's side against the server's: the pinned
// certificate accepted and any other refused, a connection nobody takes, and a session resumed
// from an earlier connection (and not one the server cannot read).
#include "net/TlsContext.h"
#include "net/TlsIdentity.h"
#include "net/TlsSocket.h"

#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace confab::server;
using namespace Qt::StringLiterals;

namespace {

constexpr int kTimeoutMs = 20'000;

// Hands every accepted connection to a TlsSocket on one shared context.
class TlsServer : public QTcpServer
{
public:
    explicit TlsServer(std::shared_ptr<const TlsContext> context)
        : m_context(std::move(context))
    { }

    QList<TlsSocket *> accepted;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new TlsSocket(m_context, this);
        QVERIFY(socket->setSocketDescriptor(descriptor));
        accepted.append(socket);
    }

private:
    std::shared_ptr<const TlsContext> m_context;
    // The same identity on a context of its own, as after a restart: other ticket keys.
    std::shared_ptr<const TlsContext> m_restartedContext;
};

// Everything the client receives until the server's close reaches it.
QByteArray readUntilClosed(QSslSocket &client)
{
    QByteArray received;
    const bool closed = QTest::qWaitFor(
        [&] {
            received += client.readAll();
            return client.state() == QAbstractSocket::UnconnectedState;
        },
        kTimeoutMs);
    if (!closed)
        qWarning() << "the client never saw the close";
    return received + client.readAll();
}

// What arrives on device until it adds up to at least size bytes (less after the timeout).
QByteArray readAtLeast(QIODevice &device, qsizetype size)
{
    QByteArray received;
    const bool enough = QTest::qWaitFor(
        [&] {
            received += device.readAll();
            return received.size() >= size;
        },
        kTimeoutMs);
    if (!enough)
        qWarning() << "only" << received.size() << "of" << size << "bytes arrived";
    return received;
}

QByteArray pattern(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char('a' + (i * 7 + i / 251) % 26);
    return bytes;
}

} // namespace

class TestTlsSocket : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void plaintextCrossesBothWays_data();
    void plaintextCrossesBothWays();
    void serverCloseSendsWhatWasWrittenFirst();
    void slowReaderGetsEverythingBeforeTheClose();
    void clientCloseIsSeenAfterItsLastBytes();
    void clientWithoutTlsIsTurnedAway();
    void sessionsResumeOnAnotherConnection();
    void clientSideCrossesBothWays();
    void clientSideRefusesAnotherCertificate();
    void clientSideReportsARefusedConnection();
    void clientSideResumesItsSession();

private:
    // A client that trusts the server's certificate and offers the session ticket, if any,
    // connecting.
    std::unique_ptr<QSslSocket> startClient(const QByteArray &sessionTicket = {}) const;
    // A client connected and encrypted to the server, and the server's side of it.
    bool connectClient();

    QTemporaryDir m_dir;
    std::shared_ptr<const TlsContext> m_context;
    // The same identity on a context of its own, as after a restart: other ticket keys.
    std::shared_ptr<const TlsContext> m_restartedContext;
    QSslCertificate m_certificate;
    std::unique_ptr<TlsServer> m_server;
    std::unique_ptr<QSslSocket> m_client;
    TlsSocket *m_serverSide = nullptr;
};

void TestTlsSocket::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    const auto identity = TlsIdentity::loadOrGenerate(m_dir.filePath(u"cert.pem"_s),
                                                      m_dir.filePath(u"key.pem"_s), &error);
    QVERIFY2(identity, qPrintable(error));
    m_certificate = identity->certificate;
    m_context = TlsContext::forServer(*identity, &error);
    QVERIFY2(m_context, qPrintable(error));
    m_restartedContext = TlsContext::forServer(*identity, &error);
    QVERIFY2(m_restartedContext, qPrintable(error));
}

void TestTlsSocket::init()
{
    m_server = std::make_unique<TlsServer>(m_context);
    QVERIFY(m_server->listen(QHostAddress::LocalHost));
}

void TestTlsSocket::cleanup()
{
    m_client.reset();
    m_serverSide = nullptr;
    m_server.reset();
}

std::unique_ptr<QSslSocket> TestTlsSocket::startClient(const QByteArray &sessionTicket) const
{
    auto client = std::make_unique<QSslSocket>();
    QSslConfiguration configuration = client->sslConfiguration();
    configuration.setCaCertificates({ m_certificate });
    configuration.setSslOption(QSsl::SslOptionDisableSessionPersistence, false);
    if (!sessionTicket.isEmpty())
        configuration.setSessionTicket(sessionTicket);
    client->setSslConfiguration(configuration);
    client->setPeerVerifyName(u"localhost"_s);
    client->connectToHostEncrypted(u"127.0.0.1"_s, m_server->serverPort());
    return client;
}

bool TestTlsSocket::connectClient()
{
    const int before = int(m_server->accepted.size());
    m_client = startClient();
    // Server and client share this thread: waited for with the event loop running.
    if (!QTest::qWaitFor([&] { return m_client->isEncrypted(); }, kTimeoutMs)) {
        qWarning() << "no TLS session:" << m_client->errorString();
        return false;
    }
    if (!QTest::qWaitFor([&] { return m_server->accepted.size() > before; }, kTimeoutMs))
        return false;
    m_serverSide = m_server->accepted.last();
    return QTest::qWaitFor([&] { return m_serverSide->isEncrypted(); }, kTimeoutMs);
}

void TestTlsSocket::plaintextCrossesBothWays_data()
{
    QTest::addColumn<qsizetype>("size");
    QTest::newRow("a few bytes") << qsizetype(5);
    QTest::newRow("one record exactly") << qsizetype(16 * 1024);
    QTest::newRow("a megabyte") << qsizetype(1024 * 1024);
}

void TestTlsSocket::plaintextCrossesBothWays()
{
    QFETCH(qsizetype, size);
    QVERIFY(connectClient());
    QCOMPARE(m_client->sessionProtocol(), QSsl::TlsV1_3);

    const QByteArray sent = pattern(size);
    m_client->write(sent);
    const QByteArray received = readAtLeast(*m_serverSide, size);
    QCOMPARE(received, sent);

    // Written in pieces within one turn of the event loop, it still arrives whole and in order.
    const QByteArray reply = pattern(size + 3);
    for (qsizetype at = 0; at < reply.size(); at += 4096)
        m_serverSide->write(reply.mid(at, 4096));
    const QByteArray echoed = readAtLeast(*m_client, reply.size());
    QCOMPARE(echoed, reply);
}

void TestTlsSocket::serverCloseSendsWhatWasWrittenFirst()
{
    QVERIFY(connectClient());
    QSignalSpy serverDisconnected(m_serverSide, &QAbstractSocket::disconnected);
    const QByteArray last = pattern(200 * 1024);
    m_serverSide->write(last);
    m_serverSide->close();
    QCOMPARE(serverDisconnected.size(), 1);
    QCOMPARE(m_serverSide->state(), QAbstractSocket::UnconnectedState);

    const QByteArray received = readUntilClosed(*m_client);
    QCOMPARE(received.size(), last.size());
    QCOMPARE(received, last);
}

void TestTlsSocket::slowReaderGetsEverythingBeforeTheClose()
{
    // More than the kernel buffers while the client reads nothing: the rest waits in the
    // server's stream, and still arrives, in order, after the server has closed.
    QVERIFY(connectClient());
    m_client->setReadBufferSize(64 * 1024);
    const QByteArray all = pattern(16 * 1024 * 1024);
    m_serverSide->write(all);
    // Encrypted and partly sent: the kernel took some, the rest waits.
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     const qint64 waiting = m_serverSide->bytesToWrite();
                     return waiting > 0 && waiting < all.size();
                 },
                 kTimeoutMs),
             "nothing waited for the slow reader");
    m_serverSide->close();
    QCOMPARE(m_serverSide->state(), QAbstractSocket::UnconnectedState);

    const QByteArray received = readUntilClosed(*m_client);
    QCOMPARE(received.size(), all.size());
    QVERIFY(received == all);
}

void TestTlsSocket::clientCloseIsSeenAfterItsLastBytes()
{
    QVERIFY(connectClient());
    QSignalSpy disconnected(m_serverSide, &QAbstractSocket::disconnected);
    m_client->write("goodbye");
    m_client->disconnectFromHost();
    QVERIFY(disconnected.wait(kTimeoutMs));
    QCOMPARE(m_serverSide->state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(m_serverSide->readAll(), "goodbye");
    // Writing to a closed connection is refused, not queued.
    QCOMPARE(m_serverSide->write("late"), -1);
}

void TestTlsSocket::clientWithoutTlsIsTurnedAway()
{
    QTcpSocket plain;
    plain.connectToHost(u"127.0.0.1"_s, m_server->serverPort());
    QVERIFY(plain.waitForConnected(kTimeoutMs));
    QVERIFY(QTest::qWaitFor([&] { return !m_server->accepted.isEmpty(); }, kTimeoutMs));
    TlsSocket *serverSide = m_server->accepted.last();
    QSignalSpy errors(serverSide, &QAbstractSocket::errorOccurred);
    QSignalSpy disconnected(serverSide, &QAbstractSocket::disconnected);

    plain.write("GET /ws HTTP/1.1\r\nHost: localhost\r\n\r\n");
    QVERIFY(disconnected.wait(kTimeoutMs));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().first().value<QAbstractSocket::SocketError>(),
             QAbstractSocket::SslHandshakeFailedError);
    QVERIFY(!serverSide->isEncrypted());
    QCOMPARE(serverSide->bytesAvailable(), 0);
    QVERIFY(QTest::qWaitFor([&] { return plain.state() == QAbstractSocket::UnconnectedState; },
                            kTimeoutMs));
}

void TestTlsSocket::sessionsResumeOnAnotherConnection()
{
    // The ticket of a first connection, offered on a second: with one context for all
    // connections the server can read it, and the second handshake is a resumption.
    QVERIFY(connectClient());
    m_client->write("hello");
    QVERIFY(QTest::qWaitFor([&] { return m_serverSide->bytesAvailable() == 5; }, kTimeoutMs));
    m_serverSide->write("ticket please");
    QVERIFY(QTest::qWaitFor([&] { return m_client->bytesAvailable() > 0; }, kTimeoutMs));
    const QByteArray ticket = m_client->sslConfiguration().sessionTicket();
    QVERIFY(!ticket.isEmpty());
    m_client->disconnectFromHost();

    const auto second = startClient(ticket);
    QVERIFY2(QTest::qWaitFor([&] { return second->isEncrypted(); }, kTimeoutMs),
             qPrintable(second->errorString()));
    second->write("again");
    QVERIFY(QTest::qWaitFor([&] { return m_server->accepted.last()->bytesAvailable() == 5; },
                            kTimeoutMs));
    QCOMPARE(m_server->accepted.last()->readAll(), "again");
    QVERIFY(!m_serverSide->isSessionResumed());
    QVERIFY(m_server->accepted.last()->isSessionResumed());
}

void TestTlsSocket::clientSideCrossesBothWays()
{
    QString error;
    const auto clientContext = TlsContext::forClient(m_certificate, &error);
    QVERIFY2(clientContext, qPrintable(error));
    TlsSocket client(clientContext);
    QSignalSpy encrypted(&client, &TlsSocket::encrypted);
    client.connectToHost(u"127.0.0.1"_s, m_server->serverPort());
    // Written before the handshake is done: it leaves once it is.
    const QByteArray sent = pattern(100 * 1024);
    QCOMPARE(client.write(sent), sent.size());
    QVERIFY(encrypted.wait(kTimeoutMs));
    QVERIFY(client.isEncrypted());

    QVERIFY(QTest::qWaitFor([&] { return !m_server->accepted.isEmpty(); }, kTimeoutMs));
    TlsSocket *serverSide = m_server->accepted.last();
    const QByteArray received = readAtLeast(*serverSide, sent.size());
    QCOMPARE(received, sent);

    const QByteArray reply = pattern(70 * 1024 + 1);
    serverSide->write(reply);
    const QByteArray echoed = readAtLeast(client, reply.size());
    QCOMPARE(echoed, reply);

    QSignalSpy serverDisconnected(serverSide, &QAbstractSocket::disconnected);
    client.disconnectFromHost();
    QVERIFY(serverDisconnected.wait(kTimeoutMs));
}

void TestTlsSocket::clientSideRefusesAnotherCertificate()
{
    // A certificate of another server, pinned: the handshake fails on the client's side and
    // nothing written reaches this server.
    QTemporaryDir otherDir;
    QString error;
    const auto other = TlsIdentity::loadOrGenerate(otherDir.filePath(u"cert.pem"_s),
                                                   otherDir.filePath(u"key.pem"_s), &error);
    QVERIFY2(other, qPrintable(error));
    const auto clientContext = TlsContext::forClient(other->certificate, &error);
    QVERIFY2(clientContext, qPrintable(error));
    TlsSocket client(clientContext);
    QSignalSpy errors(&client, &QAbstractSocket::errorOccurred);
    QSignalSpy disconnected(&client, &QAbstractSocket::disconnected);
    client.connectToHost(u"127.0.0.1"_s, m_server->serverPort());
    client.write("secret");
    QVERIFY(QTest::qWaitFor([&] { return disconnected.size() == 1; }, kTimeoutMs));
    QVERIFY(!client.isEncrypted());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().first().value<QAbstractSocket::SocketError>(),
             QAbstractSocket::SslHandshakeFailedError);
    QVERIFY2(client.errorString().contains(u"certificate verify failed"_s),
             qPrintable(client.errorString()));
    QVERIFY(QTest::qWaitFor([&] { return !m_server->accepted.isEmpty(); }, kTimeoutMs));
    QCOMPARE(m_server->accepted.last()->bytesAvailable(), 0);
}

void TestTlsSocket::clientSideReportsARefusedConnection()
{
    const quint16 port = m_server->serverPort();
    m_server.reset();
    QString error;
    const auto clientContext = TlsContext::forClient(m_certificate, &error);
    QVERIFY2(clientContext, qPrintable(error));
    TlsSocket client(clientContext);
    QSignalSpy errors(&client, &QAbstractSocket::errorOccurred);
    QSignalSpy disconnected(&client, &QAbstractSocket::disconnected);
    client.connectToHost(u"127.0.0.1"_s, port);
    // Reported from the event loop, as any later failure would be.
    QCOMPARE(disconnected.size(), 0);
    QVERIFY(QTest::qWaitFor([&] { return disconnected.size() == 1; }, kTimeoutMs));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().first().value<QAbstractSocket::SocketError>(),
             QAbstractSocket::ConnectionRefusedError);
}

void TestTlsSocket::clientSideResumesItsSession()
{
    // The session of a first connection, taken once its ticket has arrived and offered by the
    // next after the first was lost: that handshake is a resumption on both sides. A session
    // the server cannot use (one from before its restart) costs a full handshake, nothing else.
    QString error;
    const auto clientContext = TlsContext::forClient(m_certificate, &error);
    QVERIFY2(clientContext, qPrintable(error));
    TlsServer restarted(m_restartedContext);
    QVERIFY(restarted.listen(QHostAddress::LocalHost));
    const auto exchange = [&](TlsServer &server,
                              std::shared_ptr<SSL_SESSION> offered) -> std::unique_ptr<TlsSocket> {
        auto client = std::make_unique<TlsSocket>(clientContext);
        client->setSession(std::move(offered));
        const qsizetype acceptedBefore = server.accepted.size();
        client->connectToHost(u"127.0.0.1"_s, server.serverPort());
        client->write("ping");
        if (!QTest::qWaitFor([&] { return server.accepted.size() > acceptedBefore; }, kTimeoutMs))
            return nullptr;
        TlsSocket *serverSide = server.accepted.last();
        if (readAtLeast(*serverSide, 4) != "ping")
            return nullptr;
        // The ticket follows the handshake, so it is in once the answer is.
        serverSide->write("pong");
        if (readAtLeast(*client, 4) != "pong")
            return nullptr;
        return client;
    };

    auto first = exchange(*m_server, nullptr);
    QVERIFY(first);
    QVERIFY(!first->isSessionResumed());
    QVERIFY(!m_server->accepted.last()->isSessionResumed());
    const auto session = first->session();
    QVERIFY(session);
    // The server's side of a connection has no session to give.
    QVERIFY(!m_server->accepted.last()->session());
    // Gone without a close_notify, as when the network is lost: the session stays good.
    first.reset();

    const auto second = exchange(*m_server, session);
    QVERIFY(second);
    QVERIFY(second->isSessionResumed());
    QVERIFY(m_server->accepted.last()->isSessionResumed());
    // A resumed session brings a ticket of its own for the connection after.
    QVERIFY(second->session());

    const auto afterRestart = exchange(restarted, session);
    QVERIFY(afterRestart);
    QVERIFY(!afterRestart->isSessionResumed());
    QVERIFY(!restarted.accepted.last()->isSessionResumed());
    QVERIFY(afterRestart->session());
}

QTEST_MAIN(TestTlsSocket)
#include "tst_tlssocket.moc"
