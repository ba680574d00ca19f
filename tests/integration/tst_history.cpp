// A long room history read back the way a client scrolls up: page by page, newest first.

#include "EventChecks.h"
#include "Reply.h"
#include "ServerProcess.h"
#include "TestClient.h"
#include "protocol/Limits.h"
#include "protocol/Operations.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>
#include <QtTest>

#include <memory>

namespace confab::test {

using namespace Qt::StringLiterals;
namespace op = protocol::op;

namespace {

constexpr int kMessageCount = 1000;
constexpr int kPageSize = 50;
// Sends kept in flight at once while filling the room.
constexpr int kSendWindow = 50;

const QString kPassword = u"correct horse battery staple"_s;

// Each message says which one it is, with something that is not ASCII, so that a swapped or
// mangled text shows.
QString messageText(int index)
{
    return u"Message %1 of %2 — «ünïcödé» 🚀"_s.arg(index).arg(kMessageCount);
}

} // namespace

class tst_History : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void thousandMessagesArePagedBackCompletely();
    void defaultPageIsFiftyAndLimitIsBounded();
    void pageBeforeTheFirstMessageIsEmpty();
    void syncReturnsTheSameEventsOldestFirst();

private:
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<TestClient> m_client;
    qint64 m_room = 0;
    // What the server acknowledged: seq -> text.
    QHash<qint64, QString> m_acknowledged;
};

void tst_History::initTestCase()
{
    m_server = std::make_unique<ServerProcess>(
        u"[limits]\nrequests_per_second=100000\nrequest_burst=100000\n"_s);
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));

    QString error;
    m_client = TestClient::registered(*m_server, u"archivist"_s, kPassword, &error);
    QVERIFY2(m_client, qPrintable(error));
    const Reply created = m_client->request(op::CreateRoom, { { "name"_L1, u"archive"_s } });
    CONFAB_VERIFY_OK(created);
    m_room = created.result().value("room"_L1).toObject().value("id"_L1).toInteger();

    // Sends are pipelined, so the server may number them in any order it commits them; what
    // the client knows is what each acknowledgement says.
    QList<QPair<QJsonValue, int>> inFlight;
    int nextIndex = 1;
    while (nextIndex <= kMessageCount || !inFlight.isEmpty()) {
        while (nextIndex <= kMessageCount && inFlight.size() < kSendWindow) {
            const QJsonValue id = m_client->post(op::Send,
                                                 { { "room"_L1, m_room },
                                                   { "client_id"_L1, TestClient::newClientId() },
                                                   { "text"_L1, messageText(nextIndex) } });
            inFlight.append({ id, nextIndex++ });
        }
        const auto [id, index] = inFlight.takeFirst();
        const Reply reply = m_client->waitForReply(id);
        CONFAB_VERIFY_OK(reply);
        const qint64 seq = reply.result().value("seq"_L1).toInteger();
        QVERIFY2(!m_acknowledged.contains(seq),
                 qPrintable(u"seq %1 was acknowledged twice"_s.arg(seq)));
        m_acknowledged.insert(seq, messageText(index));
    }

    // Sequence numbers are 1, 2, 3, … with no gaps.
    for (qint64 seq = 1; seq <= kMessageCount; ++seq)
        QVERIFY2(m_acknowledged.contains(seq),
                 qPrintable(u"no send was acknowledged with seq %1"_s.arg(seq)));
}

void tst_History::cleanup()
{
    if (m_client)
        QVERIFY2(m_client->protocolViolations().isEmpty(),
                 qPrintable(m_client->protocolViolations().join(u'\n')));
    if (QTest::currentTestFailed())
        m_server->printDiagnostics();
}

void tst_History::cleanupTestCase()
{
    m_client.reset();
    if (m_server)
        QVERIFY2(m_server->stop(), qPrintable(m_server->errorString()));
}

void tst_History::thousandMessagesArePagedBackCompletely()
{
    QSet<qint64> seen;
    qint64 expectedSeq = kMessageCount;
    QJsonObject args { { "room"_L1, m_room }, { "limit"_L1, kPageSize } };
    for (int page = 1; page <= kMessageCount / kPageSize; ++page) {
        const Reply reply = m_client->request(op::History, args);
        CONFAB_VERIFY_OK(reply);
        const QJsonArray messages = reply.result().value("messages"_L1).toArray();
        QVERIFY2(messages.size() == kPageSize,
                 qPrintable(u"page %1 has %2 messages instead of %3"_s.arg(page)
                                .arg(messages.size())
                                .arg(kPageSize)));

        for (const auto &value : messages) {
            const QJsonObject message = value.toObject();
            const qint64 seq = message.value("seq"_L1).toInteger();
            QVERIFY2(
                seq == expectedSeq,
                qPrintable(u"page %1: seq %2 where %3 was due (newest first, no gaps)"_s.arg(page)
                               .arg(seq)
                               .arg(expectedSeq)));
            QVERIFY2(!seen.contains(seq), qPrintable(u"seq %1 appears twice"_s.arg(seq)));
            seen.insert(seq);
            CONFAB_VERIFY_MESSAGE(message, m_room, seq, m_client->user(),
                                  m_acknowledged.value(seq));
            --expectedSeq;
        }

        const bool hasMore = reply.result().value("has_more"_L1).toBool();
        const bool lastPage = page == kMessageCount / kPageSize;
        QVERIFY2(reply.result().value("has_more"_L1).isBool(), reply.describe().constData());
        QVERIFY2(hasMore != lastPage,
                 qPrintable(u"page %1 of %2 says has_more %3"_s.arg(page)
                                .arg(kMessageCount / kPageSize)
                                .arg(hasMore ? u"true"_s : u"false"_s)));
        args.insert("before"_L1, messages.last().toObject().value("seq"_L1));
    }
    QCOMPARE(seen.size(), kMessageCount);
}

void tst_History::defaultPageIsFiftyAndLimitIsBounded()
{
    const Reply defaultPage = m_client->request(op::History, { { "room"_L1, m_room } });
    CONFAB_VERIFY_OK(defaultPage);
    const QJsonArray messages = defaultPage.result().value("messages"_L1).toArray();
    QCOMPARE(messages.size(), protocol::kHistoryPageDefault);
    QCOMPARE(messages.first().toObject().value("seq"_L1).toInteger(), kMessageCount);

    const Reply largest = m_client->request(
        op::History, { { "room"_L1, m_room }, { "limit"_L1, protocol::kHistoryPageMax } });
    CONFAB_VERIFY_OK(largest);
    QCOMPARE(largest.result().value("messages"_L1).toArray().size(), protocol::kHistoryPageMax);

    CONFAB_VERIFY_ERROR(
        m_client->request(op::History,
                          { { "room"_L1, m_room }, { "limit"_L1, protocol::kHistoryPageMax + 1 } }),
        "bad_request");
    CONFAB_VERIFY_ERROR(
        m_client->request(op::History, { { "room"_L1, m_room }, { "limit"_L1, 0 } }),
        "bad_request");
    // The connection is still good after the refusals.
    CONFAB_VERIFY_OK(m_client->request(op::History, { { "room"_L1, m_room }, { "limit"_L1, 1 } }));
}

void tst_History::pageBeforeTheFirstMessageIsEmpty()
{
    const Reply reply
        = m_client->request(op::History, { { "room"_L1, m_room }, { "before"_L1, 1 } });
    CONFAB_VERIFY_OK(reply);
    QCOMPARE(reply.result().value("messages"_L1).toArray().size(), 0);
    QCOMPARE(reply.result().value("has_more"_L1), QJsonValue(false));

    const Reply oldest = m_client->request(
        op::History, { { "room"_L1, m_room }, { "before"_L1, 3 }, { "limit"_L1, 10 } });
    CONFAB_VERIFY_OK(oldest);
    const QJsonArray messages = oldest.result().value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(0).toObject().value("seq"_L1).toInteger(), 2);
    QCOMPARE(messages.at(1).toObject().value("seq"_L1).toInteger(), 1);
    QCOMPARE(oldest.result().value("has_more"_L1), QJsonValue(false));
}

void tst_History::syncReturnsTheSameEventsOldestFirst()
{
    const QString roomKey = QString::number(m_room);
    const Reply reply = m_client->request(
        op::Sync,
        { { "since"_L1, QJsonObject { { roomKey, 0 } } }, { "limit"_L1, protocol::kSyncPageMax } });
    CONFAB_VERIFY_OK(reply);
    const QJsonArray rooms = reply.result().value("rooms"_L1).toArray();
    QCOMPARE(rooms.size(), 1);
    const QJsonObject entry = rooms.first().toObject();
    QCOMPARE(entry.value("room"_L1).toInteger(), m_room);
    QCOMPARE(entry.value("last_seq"_L1).toInteger(), kMessageCount);
    QCOMPARE(entry.value("has_more"_L1), QJsonValue(false));
    const QJsonArray events = entry.value("events"_L1).toArray();
    QCOMPARE(events.size(), kMessageCount);
    for (qsizetype i = 0; i < events.size(); ++i) {
        const qint64 seq = i + 1;
        CONFAB_VERIFY_MESSAGE(events.at(i).toObject(), m_room, seq, m_client->user(),
                              m_acknowledged.value(seq));
    }

    // Past the last one there is nothing (the room may be left out of the answer altogether);
    // and the page size is bounded too.
    const Reply caughtUp = m_client->request(
        op::Sync, { { "since"_L1, QJsonObject { { roomKey, kMessageCount } } } });
    CONFAB_VERIFY_OK(caughtUp);
    for (const auto &value : caughtUp.result().value("rooms"_L1).toArray()) {
        const QJsonObject caughtUpRoom = value.toObject();
        QCOMPARE(caughtUpRoom.value("room"_L1).toInteger(), m_room);
        QCOMPARE(caughtUpRoom.value("events"_L1).toArray().size(), 0);
        QCOMPARE(caughtUpRoom.value("has_more"_L1), QJsonValue(false));
    }

    CONFAB_VERIFY_ERROR(m_client->request(op::Sync,
                                          { { "since"_L1, QJsonObject { { roomKey, 0 } } },
                                            { "limit"_L1, protocol::kSyncPageMax + 1 } }),
                        "bad_request");
}

} // namespace confab::test

QTEST_GUILESS_MAIN(confab::test::tst_History)
#include "tst_history.moc"
