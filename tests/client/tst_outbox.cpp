// Messages written while the server cannot be reached: kept in the cache database across a
// restart of the client, sent in order once online, stored once even when sent twice, and
// marked failed - with retry and discard - when the server refuses them.

#include "Pinning.h"
#include "Reply.h"
#include "ServerProcess.h"
#include "TestClient.h"
#include "Wait.h"
#include "cache/Cache.h"
#include "cache/Outbox.h"
#include "net/CertificatePins.h"
#include "net/Session.h"
#include "protocol/Operations.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using client::Cache;
using client::Outbox;
using client::Session;
namespace op = protocol::op;

namespace {

const QString kPassword = u"correct horse battery staple"_s;
const QString kFastConfig = u"[limits]\nrequests_per_second=100000\nrequest_burst=100000\n"_s;

} // namespace

class tst_Outbox : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void aQueuedMessageSurvivesARestart();
    void queuedMessagesGoOutInOrderWhenOnline();
    void aMessageSentTwiceIsStoredOnce();
    void aRefusedMessageFailsAndCanBeRetriedOrDiscarded();

private:
    bool goOnline(Session &session);

    std::unique_ptr<test::ServerProcess> m_server;
    QTemporaryDir m_dir;
    std::unique_ptr<client::CertificatePins> m_pins;
    std::unique_ptr<Session> m_session; // "ann", whose outbox is tested
    std::unique_ptr<test::TestClient> m_ben; // another member of the room
    qint64 m_room = 0;
};

void tst_Outbox::initTestCase()
{
    m_server = std::make_unique<test::ServerProcess>(kFastConfig);
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    m_pins = std::make_unique<client::CertificatePins>(m_dir.filePath(u"pins.json"_s));
    QList<QSslError::SslError> errors;
    for (const auto &error : test::expectedSslErrors(m_server->certificate(), u"127.0.0.1"_s))
        errors.append(error.error());
    m_pins->pin(u"127.0.0.1"_s, m_server->port(), m_server->certificate(), errors);

    m_session = std::make_unique<Session>(m_pins.get());
    m_session->registerAccount(m_server->url(), u"ann"_s, kPassword);
    QVERIFY2(test::waitUntil([&] { return m_session->isOnline(); }, std::chrono::seconds(30)),
             qPrintable(m_session->connectionError()));

    QString error;
    m_ben = test::TestClient::registered(*m_server, u"ben"_s, kPassword, &error);
    QVERIFY2(m_ben, qPrintable(error));
    const test::Reply created = m_ben->request(op::CreateRoom, { { "name"_L1, u"outbox"_s } });
    CONFAB_VERIFY_OK(created);
    m_room = created.result().value("room"_L1).toObject().value("id"_L1).toInteger();
    bool joined = false;
    m_session->request(op::Join, { { "room"_L1, m_room } }, this,
                       [&](const client::Reply &reply) { joined = reply.ok(); });
    QTRY_VERIFY_WITH_TIMEOUT(joined, 30'000);
}

void tst_Outbox::cleanupTestCase()
{
    m_session.reset();
    m_ben.reset();
    if (m_server)
        QVERIFY2(m_server->stop(), qPrintable(m_server->errorString()));
}

bool tst_Outbox::goOnline(Session &session)
{
    session.resume(m_server->url(), session.token(), session.user());
    return test::waitUntil([&] { return session.isOnline(); }, std::chrono::seconds(30));
}

void tst_Outbox::aQueuedMessageSurvivesARestart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"cache.sqlite"_s);
    Outbox::Item queued;
    {
        Cache cache(path);
        QVERIFY2(cache.isOpen(), qPrintable(cache.errorString()));
        Outbox outbox(&cache, nullptr);
        QSignalSpy added(&outbox, &Outbox::itemAdded);
        queued = outbox.enqueue(5, u"written on the train"_s);
        QCOMPARE(added.count(), 1);
        QVERIFY(!queued.clientId.isEmpty());
    }
    Cache cache(path);
    Outbox restarted(&cache, nullptr);
    const auto items = restarted.items();
    QCOMPARE(items.size(), 1);
    QCOMPARE(items.first().clientId, queued.clientId);
    QCOMPARE(items.first().roomId, 5);
    QCOMPARE(items.first().text, u"written on the train"_s);
    QVERIFY(!items.first().failed);
}

void tst_Outbox::queuedMessagesGoOutInOrderWhenOnline()
{
    QTemporaryDir dir;
    Cache cache(dir.filePath(u"cache.sqlite"_s));
    Outbox outbox(&cache, m_session.get());
    m_session->disconnectFromServer();

    QStringList clientIds;
    for (int i = 1; i <= 20; ++i)
        clientIds.append(outbox.enqueue(m_room, u"queued %1"_s.arg(i)).clientId);
    QCOMPARE(outbox.items(m_room).size(), 20);

    QSignalSpy delivered(&outbox, &Outbox::itemDelivered);
    QVERIFY(goOnline(*m_session));
    QTRY_COMPARE_WITH_TIMEOUT(delivered.count(), 20, 30'000);
    QVERIFY(outbox.items().isEmpty());

    QString error;
    const auto history = m_ben->wholeHistory(m_room, &error); // newest first
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QStringList stored;
    for (auto it = history.crbegin(); it != history.crend(); ++it) {
        if (it->value("text"_L1).toString().startsWith("queued "_L1))
            stored.append(it->value("client_id"_L1).toString());
    }
    QCOMPARE(stored, clientIds);
}

void tst_Outbox::aMessageSentTwiceIsStoredOnce()
{
    QTemporaryDir dir;
    Cache cache(dir.filePath(u"cache.sqlite"_s));
    Outbox outbox(&cache, m_session.get());
    m_session->disconnectFromServer();
    const auto item = outbox.enqueue(m_room, u"exactly once"_s);

    // The first attempt reached the server, but its acknowledgement was lost: the same
    // client_id, sent by the same user on another connection.
    QString error;
    auto twin = test::TestClient::resumed(*m_server, m_session->token(), &error);
    QVERIFY2(twin, qPrintable(error));
    const test::Reply first = twin->send(m_room, item.text, item.clientId);
    CONFAB_VERIFY_OK(first);
    const qint64 seq = first.result().value("seq"_L1).toInteger();

    QSignalSpy delivered(&outbox, &Outbox::itemDelivered);
    QVERIFY(goOnline(*m_session));
    QVERIFY(delivered.wait(30'000) || delivered.count() == 1);
    QCOMPARE(delivered.at(0).at(1).toLongLong(), seq);

    const auto history = m_ben->wholeHistory(m_room, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const auto copies = std::count_if(history.cbegin(), history.cend(), [&](const QJsonObject &m) {
        return m.value("client_id"_L1).toString() == item.clientId;
    });
    QCOMPARE(copies, 1);
}

void tst_Outbox::aRefusedMessageFailsAndCanBeRetriedOrDiscarded()
{
    const test::Reply secret = m_ben->request(
        op::CreateRoom, { { "name"_L1, u"ben only"_s }, { "visibility"_L1, u"private"_s } });
    CONFAB_VERIFY_OK(secret);
    const qint64 room = secret.result().value("room"_L1).toObject().value("id"_L1).toInteger();

    QTemporaryDir dir;
    const QString path = dir.filePath(u"cache.sqlite"_s);
    Cache cache(path);
    Outbox outbox(&cache, m_session.get());
    QSignalSpy failed(&outbox, &Outbox::itemFailed);
    const auto item = outbox.enqueue(room, u"let me in"_s);
    QVERIFY(failed.wait(30'000));
    auto refused = outbox.item(item.clientId);
    QVERIFY(refused);
    QVERIFY(refused->failed);
    QVERIFY2(refused->error.contains(u"not a member"_s), qPrintable(refused->error));

    QSignalSpy retried(&outbox, &Outbox::itemRetried);
    outbox.retry(item.clientId);
    QCOMPARE(retried.count(), 1);
    QVERIFY(!outbox.item(item.clientId)->failed);
    QVERIFY(failed.wait(30'000));
    QVERIFY(outbox.item(item.clientId)->failed);

    QSignalSpy discarded(&outbox, &Outbox::itemDiscarded);
    outbox.discard(item.clientId);
    QCOMPARE(discarded.count(), 1);
    QVERIFY(outbox.items().isEmpty());
    Outbox reopened(&cache, nullptr);
    QVERIFY2(reopened.items().isEmpty(), "a discarded message is gone from the database too");
}

QTEST_GUILESS_MAIN(tst_Outbox)
#include "tst_outbox.moc"
