// What the server holds for one connection is bounded: replies of many events come in pages
// that fit the connection's backlog cap (and the client gets everything by asking again),
// and a client that stops reading is closed once what waits for it passes the cap.

#include "RawWebSocket.h"
#include "Reply.h"
#include "ServerProcess.h"
#include "TestClient.h"
#include "Wait.h"
#include "WebSocketWire.h"
#include "protocol/Operations.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QScopeGuard>
#include <QtTest>

#include <memory>

namespace confab::test {

using namespace Qt::StringLiterals;
namespace op = protocol::op;

namespace {

// A small cap, so that a few large messages pass it: replies may take half of it.
constexpr qint64 kMaxUnsentBytes = 256 * 1024;
constexpr int kMaxTextBytes = 16 * 1024;
constexpr int kLargeMessages = 40;
const QString kPassword = u"correct horse battery staple"_s;

// Almost 16 KiB of UTF-8 (two bytes a character): eight of them fill a reply's budget.
QString largeText(int index)
{
    return QString(kMaxTextBytes / 2 - 16, QChar(u'é')) + u" message %1"_s.arg(index);
}

} // namespace

class tst_Backlog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void syncOfALargeGapComesInPages();
    void historyOfLargeMessagesComesInPages();
    void clientThatStopsReadingIsClosedAtTheCap();

private:
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<TestClient> m_writer;
    qint64 m_room = 0;
    QStringList m_texts; // what was sent, in seq order
};

void tst_Backlog::initTestCase()
{
    m_server = std::make_unique<ServerProcess>(
        u"[limits]\nmax_unsent_bytes=%1\nmax_text_bytes=%2\nrequests_per_second=100000\n"
        u"request_burst=100000\n"_s.arg(kMaxUnsentBytes)
            .arg(kMaxTextBytes));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    QString error;
    m_writer = TestClient::registered(*m_server, u"writer"_s, kPassword, &error);
    QVERIFY2(m_writer, qPrintable(error));
    const Reply created = m_writer->request(op::CreateRoom, { { "name"_L1, u"large"_s } });
    CONFAB_VERIFY_OK(created);
    m_room = created.result().value("room"_L1).toObject().value("id"_L1).toInteger();
    for (int i = 1; i <= kLargeMessages; ++i) {
        const Reply sent = m_writer->send(m_room, largeText(i));
        CONFAB_VERIFY_OK(sent);
        QCOMPARE(sent.result().value("seq"_L1).toInteger(), i);
        m_texts.append(largeText(i));
    }
}

void tst_Backlog::cleanupTestCase()
{
    m_writer.reset();
    if (m_server)
        QVERIFY2(m_server->stop(), qPrintable(m_server->errorString()));
}

void tst_Backlog::syncOfALargeGapComesInPages()
{
    // All forty at once would be a reply of about 650 KB, over twice the cap.
    QString error;
    auto reader = TestClient::registered(*m_server, u"syncer"_s, kPassword, &error);
    QVERIFY2(reader, qPrintable(error));
    CONFAB_VERIFY_OK(reader->request(op::Join, { { "room"_L1, m_room } }));
    QStringList received;
    qint64 since = 0;
    int replies = 0;
    bool more = true;
    while (more && replies < 2 * kLargeMessages) {
        const Reply reply = reader->request(
            op::Sync, { { "since"_L1, QJsonObject { { QString::number(m_room), since } } } });
        CONFAB_VERIFY_OK(reply);
        ++replies;
        const QJsonObject backfill = reply.result().value("rooms"_L1).toArray().at(0).toObject();
        const QJsonArray events = backfill.value("events"_L1).toArray();
        QVERIFY2(!events.isEmpty(), "a sync with more to come carried no event");
        for (const auto &value : events) {
            const QJsonObject event = value.toObject();
            QCOMPARE(event.value("seq"_L1).toInteger(), since + 1);
            since = event.value("seq"_L1).toInteger();
            received.append(event.value("text"_L1).toString());
        }
        more = backfill.value("has_more"_L1).toBool();
    }
    QVERIFY2(reader->isConnected(), "the reader was closed instead of sent pages");
    QCOMPARE(received, m_texts);
    QVERIFY2(replies > 1, "the whole gap came in one reply, over the cap");
}

void tst_Backlog::historyOfLargeMessagesComesInPages()
{
    QString error;
    auto reader = TestClient::registered(*m_server, u"historian"_s, kPassword, &error);
    QVERIFY2(reader, qPrintable(error));
    CONFAB_VERIFY_OK(reader->request(op::Join, { { "room"_L1, m_room } }));
    const Reply first
        = reader->request(op::History, { { "room"_L1, m_room }, { "limit"_L1, 100 } });
    CONFAB_VERIFY_OK(first);
    const qsizetype onFirstPage = first.result().value("messages"_L1).toArray().size();
    QVERIFY2(onFirstPage > 0 && onFirstPage < kLargeMessages,
             qPrintable(
                 u"the first page held %1 of %2 messages"_s.arg(onFirstPage).arg(kLargeMessages)));
    QVERIFY(first.result().value("has_more"_L1).toBool());
    const QList<QJsonObject> history = reader->wholeHistory(m_room, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(history.size(), kLargeMessages);
    QVERIFY2(reader->isConnected(), "the reader was closed instead of sent pages");
}

void tst_Backlog::clientThatStopsReadingIsClosedAtTheCap()
{
    QString error;
    auto member = TestClient::registered(*m_server, u"sleeper"_s, kPassword, &error);
    QVERIFY2(member, qPrintable(error));
    CONFAB_VERIFY_OK(member->request(op::Join, { { "room"_L1, m_room } }));
    const QString token = member->token();
    member.reset();

    // A client that truly stops reading: OpenSSL's own client, whose output goes into a pipe
    // that nothing reads, so that it stops reading the connection once the pipe is full.
    QProcess stalled;
    QProcess sink;
    stalled.setStandardOutputProcess(&sink);
    sink.start(u"sleep"_s, { u"300"_s });
    stalled.start(u"openssl"_s,
                  { u"s_client"_s, u"-quiet"_s, u"-connect"_s,
                    u"127.0.0.1:%1"_s.arg(m_server->url().port()) });
    QVERIFY2(stalled.waitForStarted() && sink.waitForStarted(), "openssl s_client did not start");
    const auto stop = qScopeGuard([&] {
        stalled.kill();
        sink.kill();
        stalled.waitForFinished();
        sink.waitForFinished();
    });
    stalled.write(websocket::upgradeRequest(m_server->url(), websocket::newKey())
                  + websocket::clientFrame(
                      websocket::Text,
                      QJsonDocument(QJsonObject { { "v"_L1, 1 },
                                                  { "op"_L1, QLatin1StringView(op::Resume) },
                                                  { "token"_L1, token } })
                          .toJson(QJsonDocument::Compact)));
    // Its peers hear it come online once it is signed in.
    QVERIFY2(m_writer->waitForPush(protocol::push::Presence,
                                   [](const QJsonObject &data) {
                                       return data.value("user"_L1).toObject().value("name"_L1)
                                           == "sleeper"_L1;
                                   }),
             "the stalled client did not sign in");

    // Far more than the kernel's buffers on both sides hold, so that most of it would wait in
    // the server. In windows, so that the writer reads its own pushes as it goes.
    constexpr int kPushes = 1200;
    constexpr int kWindow = 4; // pushes of one commit to the writer stay far under its cap
    const QString text(kMaxTextBytes - 64, u'p');
    for (int sent = 0; sent < kPushes; sent += kWindow) {
        QList<QJsonValue> ids;
        for (int i = 0; i < kWindow; ++i)
            ids.append(m_writer->post(op::Send,
                                      { { "room"_L1, m_room },
                                        { "client_id"_L1, TestClient::newClientId() },
                                        { "text"_L1, text } }));
        for (const QJsonValue &id : std::as_const(ids))
            CONFAB_VERIFY_OK(m_writer->waitForReply(id));
    }
    QVERIFY2(
        waitUntil(
            [&] { return m_server->standardError().contains("bytes unread, over the cap of"); },
            RawWebSocket::kTimeout),
        "the server never closed the client that read nothing");
    // The peers hear it go offline: the server let go of it.
    QVERIFY2(m_writer->waitForPush(protocol::push::Presence,
                                   [](const QJsonObject &data) {
                                       return data.value("user"_L1).toObject().value("name"_L1)
                                           == "sleeper"_L1
                                           && data.value("status"_L1) == "offline"_L1;
                                   }),
             "the stalled client was not let go of");
    QVERIFY2(m_writer->isConnected(), "the writer was closed too");
}

} // namespace confab::test

QTEST_GUILESS_MAIN(confab::test::tst_Backlog)
#include "tst_backlog.moc"
