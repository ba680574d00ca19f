// Catching up as the user experiences it: after signing in the rooms are there, live messages
// come in as they are sent, and after a lost connection or a restarted server every message
// that was missed arrives - once, and in order.

#include "Pinning.h"
#include "Reply.h"
#include "ServerProcess.h"
#include "TestClient.h"
#include "Wait.h"
#include "cache/Cache.h"
#include "models/RoomListModel.h"
#include "net/CertificatePins.h"
#include "net/Session.h"
#include "protocol/Operations.h"
#include "sync/SyncEngine.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using client::Session;
using client::SyncEngine;
namespace op = protocol::op;

namespace {

const QString kPassword = u"correct horse battery staple"_s;

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace

class tst_Sync : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void signingInBringsTheRooms();
    void liveMessagesAreStoredAndCountAsUnread();
    void aReconnectCatchesUpOnceAndInOrder();
    void aRestartedServerIsFoundAgain();

private:
    QList<qint64> cachedSeqs() const;
    bool sendFromBen(int count, const QString &prefix);

    quint16 m_port = 0;
    std::unique_ptr<test::ServerProcess> m_server;
    QTemporaryDir m_dir;
    std::unique_ptr<client::CertificatePins> m_pins;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<client::Cache> m_cache;
    std::unique_ptr<client::RoomListModel> m_rooms;
    std::unique_ptr<SyncEngine> m_sync;
    std::unique_ptr<test::TestClient> m_ben;
    qint64 m_room = 0;
    QList<qint64> m_stored; // seqs of messageStored, in order
};

void tst_Sync::initTestCase()
{
    m_port = freePort();
    m_server = std::make_unique<test::ServerProcess>(
        u"[limits]\nrequests_per_second=100000\nrequest_burst=100000\n"_s,
        QStringList { u"--listen"_s, u"127.0.0.1:%1"_s.arg(m_port) });
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    QCOMPARE(m_server->port(), m_port);

    QString error;
    m_ben = test::TestClient::registered(*m_server, u"ben"_s, kPassword, &error);
    QVERIFY2(m_ben, qPrintable(error));
    const test::Reply created = m_ben->request(op::CreateRoom, { { "name"_L1, u"lobby"_s } });
    CONFAB_VERIFY_OK(created);
    m_room = created.result().value("room"_L1).toObject().value("id"_L1).toInteger();
    QVERIFY(sendFromBen(3, u"before ann"_s));

    m_pins = std::make_unique<client::CertificatePins>(m_dir.filePath(u"pins.json"_s));
    QList<QSslError::SslError> errors;
    for (const auto &sslError : test::expectedSslErrors(m_server->certificate(), u"127.0.0.1"_s))
        errors.append(sslError.error());
    m_pins->pin(u"127.0.0.1"_s, m_port, m_server->certificate(), errors);
    m_session = std::make_unique<Session>(m_pins.get());
    m_cache = std::make_unique<client::Cache>(m_dir.filePath(u"cache.sqlite"_s));
    m_rooms = std::make_unique<client::RoomListModel>();
    m_sync = std::make_unique<SyncEngine>(m_session.get(), m_cache.get(), m_rooms.get());
    connect(m_sync.get(), &SyncEngine::messageStored, this,
            [this](const protocol::Event &message) { m_stored.append(message.seq); });

    m_session->registerAccount(m_server->url(), u"ann"_s, kPassword);
    QVERIFY(test::waitUntil([&] { return m_session->isOnline(); }, std::chrono::seconds(30)));
    bool joined = false;
    m_session->request(op::Join, { { "room"_L1, m_room } }, this, [&](const client::Reply &reply) {
        joined = reply.ok();
        if (const auto room = protocol::Room::fromJson(reply.result.value("room"_L1).toObject()))
            m_sync->addRoom(*room);
    });
    QTRY_VERIFY_WITH_TIMEOUT(joined, 30'000);
}

void tst_Sync::cleanupTestCase()
{
    m_sync.reset();
    m_session.reset();
    m_ben.reset();
    if (m_server)
        QVERIFY2(m_server->stop(), qPrintable(m_server->errorString()));
}

bool tst_Sync::sendFromBen(int count, const QString &prefix)
{
    for (int i = 1; i <= count; ++i) {
        if (!m_ben->send(m_room, u"%1 %2"_s.arg(prefix).arg(i)).isOk())
            return false;
    }
    return true;
}

QList<qint64> tst_Sync::cachedSeqs() const
{
    QList<qint64> seqs;
    for (const auto &message : m_cache->messagesAfter(m_room, 0, 100'000))
        seqs.append(message.seq);
    return seqs;
}

void tst_Sync::signingInBringsTheRooms()
{
    QVERIFY(m_rooms->contains(m_room));
    QCOMPARE(m_rooms->nameOf(m_room), u"lobby"_s);
    // The room joined a moment ago shows its newest messages as soon as they are fetched.
    QTRY_COMPARE_WITH_TIMEOUT(m_cache->messageCount(m_room), 3, 30'000);
    QCOMPARE(m_rooms->summary(m_room)->lastMessage->text, u"before ann 3"_s);
    QCOMPARE(m_cache->rooms().size(), 1);
}

void tst_Sync::liveMessagesAreStoredAndCountAsUnread()
{
    m_stored.clear();
    QVERIFY(sendFromBen(5, u"live"_s));
    QTRY_COMPARE_WITH_TIMEOUT(m_stored.size(), 5, 30'000);
    QCOMPARE(m_rooms->summary(m_room)->unread, 5);
    QCOMPARE(m_rooms->unreadTotal(), 5);
    QCOMPARE(m_cache->newestMessages(m_room, 1).first().text, u"live 5"_s);
    QCOMPARE(m_sync->position(m_room), m_cache->newestSeq(m_room));
}

void tst_Sync::aReconnectCatchesUpOnceAndInOrder()
{
    m_session->disconnectFromServer();
    m_stored.clear();
    QVERIFY(sendFromBen(40, u"missed"_s));
    // Edits and deletions happen while ann is away too.
    const auto history = m_cache->newestMessages(m_room, 1);
    QVERIFY(!history.isEmpty());

    QSignalSpy caughtUp(m_sync.get(), &SyncEngine::caughtUp);
    m_session->resume(m_server->url(), m_session->token(), m_session->user());
    QVERIFY(caughtUp.wait(30'000));
    QTRY_COMPARE_WITH_TIMEOUT(m_stored.size(), 40, 10'000);
    QVERIFY2(std::is_sorted(m_stored.cbegin(), m_stored.cend()), "in order");
    QCOMPARE(QSet<qint64>(m_stored.cbegin(), m_stored.cend()).size(), 40);
    const auto seqs = cachedSeqs();
    QCOMPARE(QSet<qint64>(seqs.cbegin(), seqs.cend()).size(), seqs.size());
    QCOMPARE(m_cache->newestMessages(m_room, 1).first().text, u"missed 40"_s);
    QCOMPARE(m_sync->position(m_room), m_rooms->summary(m_room)->room.lastSeq);
}

void tst_Sync::aRestartedServerIsFoundAgain()
{
    QSignalSpy lost(m_session.get(), &Session::connectionLost);
    QVERIFY2(m_server->stop(), qPrintable(m_server->errorString()));
    QVERIFY(lost.count() == 1 || lost.wait(30'000));
    QVERIFY(
        test::waitUntil([&] { return m_session->state() == Session::State::WaitingToReconnect; },
                        std::chrono::seconds(30)));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));

    // The session comes back by itself (backoff), resumes with its token and catches up.
    QSignalSpy ready(m_session.get(), &Session::ready);
    QVERIFY(ready.wait(60'000));
    QString error;
    m_ben = test::TestClient::resumed(*m_server, m_ben->token(), &error);
    QVERIFY2(m_ben, qPrintable(error));
    m_stored.clear();
    QVERIFY(sendFromBen(2, u"after the restart"_s));
    QTRY_COMPARE_WITH_TIMEOUT(m_stored.size(), 2, 30'000);
    QCOMPARE(m_cache->newestMessages(m_room, 1).first().text, u"after the restart 2"_s);
}

QTEST_GUILESS_MAIN(tst_Sync)
#include "tst_sync.moc"
