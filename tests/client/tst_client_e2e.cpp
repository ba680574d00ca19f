// The client as a user meets it, C++ and QML together on the offscreen platform, against a
// real confabd: signing up on a server with a self-signed certificate, chatting with another
// user (a TestClient), reading a long room from its first message, writing while the server
// is down and across a restart of the client, and the dark theme. Screenshots of each view
// go to CONFAB_SCREENSHOT_DIR.

#include "ClientHarness.h"
#include "Reply.h"
#include "ServerProcess.h"
#include "TestClient.h"
#include "Wait.h"
#include "app/Appearance.h"
#include "app/Notifier.h"
#include "cache/Cache.h"
#include "models/MemberListModel.h"
#include "models/RoomListModel.h"
#include "models/TimelineModel.h"
#include "net/CertificatePins.h"
#include "net/Session.h"
#include "protocol/Operations.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using client::TimelineModel;
namespace op = protocol::op;
using test::textOf;
namespace push = protocol::push;

namespace {

const QString kPassword = u"correct horse battery staple"_s;
constexpr int kServerMaxTextBytes = 240;
constexpr int kLongRoomMessages = 1000;
constexpr auto kTimeout = std::chrono::seconds(30);

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace

#define SCREENSHOT(name)                                                                           \
    do {                                                                                           \
        QString screenshotError_;                                                                  \
        const QString path_ = m_harness->screenshot(QStringLiteral(name), &screenshotError_);      \
        QVERIFY2(!path_.isEmpty(), qPrintable(screenshotError_));                                  \
    } while (false)

class tst_ClientEndToEnd : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void signingUpTrustsTheCertificateOnce();
    void chattingWithSomeoneElse();
    void otherRoomsCountUnreadAndNotify();
    void readingALongRoomFromItsFirstMessage();
    void writingWhileTheServerIsDown();
    void theDarkTheme();
    void signingOutForgetsTheAccount();

private:
    client::ChatClient *client() const { return m_harness->client(); }
    TimelineModel *timeline() const;
    bool waitForRoom(qint64 roomId);
    bool openRoom(qint64 roomId);
    bool sendFromComposer(const QString &text);
    bool timelineShows(const QString &text, bool pending) const;
    int rowWithText(const QString &text) const;
    QString rowText(int row) const;
    int historyCount(qint64 room, const QString &text);

    quint16 m_port = 0;
    std::unique_ptr<test::ServerProcess> m_server;
    std::unique_ptr<test::TestClient> m_bob;
    QTemporaryDir m_dataDir;
    std::unique_ptr<test::ClientHarness> m_harness;
    qint64 m_general = 0;
    qint64 m_random = 0;
};

void tst_ClientEndToEnd::initTestCase()
{
    m_port = freePort();
    m_server = std::make_unique<test::ServerProcess>(
        u"[limits]\nrequests_per_second=100000\nrequest_burst=100000\nmax_text_bytes=%1\n"_s.arg(
            kServerMaxTextBytes),
        QStringList { u"--listen"_s, u"127.0.0.1:%1"_s.arg(m_port) });
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));

    QString error;
    m_bob = test::TestClient::registered(*m_server, u"bob"_s, kPassword, &error);
    QVERIFY2(m_bob, qPrintable(error));
    const test::Reply general = m_bob->request(
        op::CreateRoom, { { "name"_L1, u"general"_s }, { "topic"_L1, u"Company-wide chat"_s } });
    CONFAB_VERIFY_OK(general);
    m_general = general.roomId();
    for (const auto &text :
         { u"Good morning, everyone!"_s, u"The release notes are in the shared folder."_s,
           u"Lunch at 12:30?"_s })
        CONFAB_VERIFY_OK(m_bob->send(m_general, text));
    const test::Reply random = m_bob->request(op::CreateRoom, { { "name"_L1, u"random"_s } });
    CONFAB_VERIFY_OK(random);
    m_random = random.roomId();
    CONFAB_VERIFY_OK(m_bob->send(m_random, u"Anyone seen my keys?"_s));

    m_harness = std::make_unique<test::ClientHarness>(m_dataDir.path());
    QVERIFY2(m_harness->start(&error), qPrintable(error));
}

void tst_ClientEndToEnd::cleanup()
{
    if (QTest::currentTestFailed()) {
        QString ignored;
        m_harness->screenshot(u"failed-%1"_s.arg(QString::fromLatin1(QTest::currentTestFunction())),
                              &ignored);
        m_server->printDiagnostics();
    }
    if (m_bob)
        QVERIFY2(m_bob->protocolViolations().isEmpty(),
                 qPrintable(m_bob->protocolViolations().join(u'\n')));
    // Views that show what they should say nothing on the way.
    const QStringList warnings = m_harness->warnings();
    m_harness->clearWarnings();
    QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(u'\n')));
}

void tst_ClientEndToEnd::cleanupTestCase()
{
    m_harness.reset();
    m_bob.reset();
    if (m_server && m_server->isRunning())
        QVERIFY2(m_server->stop(), qPrintable(m_server->errorString()));
}

TimelineModel *tst_ClientEndToEnd::timeline() const
{
    return client()->currentRoom() ? client()->currentRoom()->timeline() : nullptr;
}

QString tst_ClientEndToEnd::rowText(int row) const
{
    return timeline()->index(row).data(TimelineModel::TextRole).toString();
}

int tst_ClientEndToEnd::rowWithText(const QString &text) const
{
    for (int row = 0; timeline() && row < timeline()->rowCount(); ++row) {
        if (rowText(row) == text)
            return row;
    }
    return -1;
}

bool tst_ClientEndToEnd::timelineShows(const QString &text, bool pending) const
{
    const int row = rowWithText(text);
    return row >= 0 && timeline()->index(row).data(TimelineModel::PendingRole).toBool() == pending;
}

bool tst_ClientEndToEnd::waitForRoom(qint64 roomId)
{
    return test::waitUntil(
        [&] {
            return client()->currentRoom() && client()->currentRoom()->roomId() == roomId
                && timeline()->rowCount() > 0;
        },
        kTimeout);
}

bool tst_ClientEndToEnd::openRoom(qint64 roomId)
{
    client()->openRoom(roomId);
    return waitForRoom(roomId);
}

bool tst_ClientEndToEnd::sendFromComposer(const QString &text)
{
    QQuickItem *input = m_harness->waitForVisibleItem(u"composerInput"_s);
    if (!m_harness->typeInto(input, text))
        return false;
    m_harness->pressKey(Qt::Key_Return);
    return test::waitUntil([&] { return textOf(input).isEmpty(); }, kTimeout);
}

int tst_ClientEndToEnd::historyCount(qint64 room, const QString &text)
{
    QString error;
    const auto history = m_bob->wholeHistory(room, &error);
    if (!error.isEmpty())
        return -1;
    return int(std::count_if(history.cbegin(), history.cend(), [&](const QJsonObject &message) {
        return message.value("text"_L1).toString() == text;
    }));
}

void tst_ClientEndToEnd::signingUpTrustsTheCertificateOnce()
{
    QVERIFY(m_harness->waitForVisibleItem(u"signInPage"_s));
    SCREENSHOT("client-01-sign-in");

    auto fieldOf = [&](const QString &name) {
        return m_harness->item(name)->property("field").value<QQuickItem *>();
    };
    QVERIFY(m_harness->click(m_harness->visibleItem(u"switchModeButton"_s)));
    QVERIFY(m_harness->typeInto(fieldOf(u"serverField"_s), u"127.0.0.1:%1"_s.arg(m_port)));
    QVERIFY(m_harness->typeInto(fieldOf(u"userField"_s), u"alice"_s));
    QVERIFY(m_harness->typeInto(fieldOf(u"passwordField"_s), kPassword));
    QVERIFY(m_harness->click(m_harness->visibleItem(u"signInButton"_s)));

    // A self-signed certificate: the fingerprint confabd printed is shown for comparison.
    QVERIFY(m_harness->waitForVisibleItem(u"acceptCertificateButton"_s));
    const QString shown = textOf(m_harness->visibleItem(u"certificateFingerprint"_s));
    QCOMPARE(shown.simplified().remove(u' '), m_server->printedFingerprint());
    QVERIFY(m_harness->waitForPopup(u"certificateDialog"_s));
    SCREENSHOT("client-02-certificate");
    QVERIFY(m_harness->click(m_harness->visibleItem(u"acceptCertificateButton"_s)));

    QVERIFY2(m_harness->waitForVisibleItem(u"chatPage"_s), qPrintable(client()->signInError()));
    QCOMPARE(client()->userName(), u"alice"_s);
    QVERIFY(test::waitUntil([&] { return client()->session()->isOnline(); }, kTimeout));
    const auto pin = client()->pins()->find(u"127.0.0.1"_s, m_port);
    QVERIFY(pin);
    QCOMPARE(pin->fingerprint(), m_server->printedFingerprint());
    SCREENSHOT("client-03-no-rooms-yet");
}

void tst_ClientEndToEnd::chattingWithSomeoneElse()
{
    // Alice finds "general" in the directory and joins it.
    QVERIFY(m_harness->click(m_harness->visibleItem(u"browseRoomsButton"_s)));
    QQuickItem *join = m_harness->waitForVisibleItem(u"joinRoomButton"_s);
    QVERIFY(join);
    QVERIFY(m_harness->click(join));
    QVERIFY(waitForRoom(m_general));
    QVERIFY(test::waitUntil([&] { return rowWithText(u"Lunch at 12:30?"_s) >= 0; }, kTimeout));
    QCOMPARE(textOf(m_harness->visibleItem(u"roomTitle"_s)), u"general"_s);
    QVERIFY(test::waitUntil([&] { return client()->currentRoom()->members()->count() == 2; },
                            kTimeout));

    // Alice writes; Bob receives it.
    QVERIFY(sendFromComposer(u"Hello from alice"_s));
    QVERIFY(test::waitUntil([&] { return timelineShows(u"Hello from alice"_s, false); }, kTimeout));
    const auto pushed = m_bob->waitForPush(push::Event, [](const QJsonObject &event) {
        return event.value("text"_L1).toString() == u"Hello from alice"_s;
    });
    QVERIFY2(pushed, m_bob->describeQueuedPushes().constData());
    QVERIFY(timeline()
                ->index(rowWithText(u"Hello from alice"_s))
                .data(TimelineModel::OwnRole)
                .toBool());

    // Bob answers and is seen typing first; markup he types stays text.
    m_bob->post(op::Typing, { { "room"_L1, m_general }, { "active"_L1, true } });
    QVERIFY(test::waitUntil(
        [&] { return textOf(m_harness->visibleItem(u"typingIndicator"_s)) == u"bob is typing…"_s; },
        kTimeout));
    const QString answer
        = u"Hi alice! <b>Welcome</b> - the handbook is at https://example.org/handbook"_s;
    CONFAB_VERIFY_OK(m_bob->send(m_general, answer));
    QVERIFY(test::waitUntil([&] { return rowText(0) == answer; }, kTimeout));
    QVERIFY(
        test::waitUntil([&] { return client()->currentRoom()->typingText().isEmpty(); }, kTimeout));
    QVERIFY(!timeline()->index(0).data(TimelineModel::OwnRole).toBool());
    QVERIFY(timeline()
                ->index(0)
                .data(TimelineModel::LinkedTextRole)
                .toString()
                .contains(u"&lt;b&gt;Welcome&lt;/b&gt;"_s));

    // Up edits the last own message.
    QQuickItem *input = m_harness->visibleItem(u"composerInput"_s);
    input->forceActiveFocus();
    m_harness->pressKey(Qt::Key_Up);
    QVERIFY(test::waitUntil([&] { return textOf(input) == u"Hello from alice"_s; }, kTimeout));
    QVERIFY(client()->currentRoom()->editingSeq() > 0);
    QVERIFY(m_harness->typeInto(input, u" (edited)"_s));
    m_harness->pressKey(Qt::Key_Return);
    QVERIFY(test::waitUntil([&] { return rowWithText(u"Hello from alice (edited)"_s) >= 0; },
                            kTimeout));
    QVERIFY(timeline()
                ->index(rowWithText(u"Hello from alice (edited)"_s))
                .data(TimelineModel::EditedRole)
                .toBool());
    const auto edit = m_bob->waitForPush(push::Event, [](const QJsonObject &event) {
        return event.value("kind"_L1).toString() == u"edit"_s;
    });
    QVERIFY(edit);

    CONFAB_VERIFY_OK(m_bob->send(m_general, u"Nice. See you at lunch!"_s));
    QVERIFY(test::waitUntil([&] { return rowText(0) == u"Nice. See you at lunch!"_s; }, kTimeout));
    // Alice reads along; the server hears of it.
    const qint64 lastSeq = timeline()->index(0).data(TimelineModel::SeqRole).toLongLong();
    const auto read = m_bob->waitForPush(push::Read, [&](const QJsonObject &data) {
        return data.value("room"_L1).toInteger() == m_general
            && data.value("seq"_L1).toInteger() >= lastSeq;
    });
    QVERIFY2(read, m_bob->describeQueuedPushes().constData());
    m_bob->post(op::Typing, { { "room"_L1, m_general }, { "active"_L1, true } });
    QVERIFY(test::waitUntil([&] { return !client()->currentRoom()->typingText().isEmpty(); },
                            kTimeout));
    SCREENSHOT("client-04-room-and-timeline");
    m_bob->post(op::Typing, { { "room"_L1, m_general }, { "active"_L1, false } });
}

void tst_ClientEndToEnd::otherRoomsCountUnreadAndNotify()
{
    client()->joinRoom(m_random);
    QVERIFY(waitForRoom(m_random));
    QVERIFY(test::waitUntil([&] { return client()->rooms()->unreadTotal() == 0; }, kTimeout));
    QVERIFY(openRoom(m_general));

    QSignalSpy notified(client()->notifier(), &client::Notifier::notified);
    for (const auto &text :
         { u"Has anyone got a charger?"_s, u"USB-C, ideally"_s, u"Found one, never mind"_s })
        CONFAB_VERIFY_OK(m_bob->send(m_random, text));
    QVERIFY2(test::waitUntil(
                 [&] {
                     return client()->rooms()->summary(m_random)->unread == 3
                         && notified.count() == 3;
                 },
                 kTimeout),
             qPrintable(
                 u"%1 unread, %2 notifications"_s.arg(client()->rooms()->summary(m_random)->unread)
                     .arg(notified.count())));
    QCOMPARE(notified.last().at(1).toString(), u"bob in random"_s);
    QCOMPARE(notified.last().at(2).toString(), u"Found one, never mind"_s);
    QCOMPARE(client()->rooms()->unreadTotal(), 3);
    QVERIFY(m_harness->window()->title().startsWith(u"(3)"_s));
    QCOMPARE(client()->rooms()->roomIdAt(0), m_random);

    // Opening it shows the marker above the first unread message, and reads it.
    QVERIFY(openRoom(m_random));
    QVERIFY(test::waitUntil([&] { return rowWithText(u"Has anyone got a charger?"_s) >= 0; },
                            kTimeout));
    QVERIFY(timeline()
                ->index(rowWithText(u"Has anyone got a charger?"_s))
                .data(TimelineModel::FirstUnreadRole)
                .toBool());
    QVERIFY(m_harness->waitForVisibleItem(u"unreadMarker"_s));
    QVERIFY(test::waitUntil([&] { return client()->currentRoom()->members()->count() == 2; },
                            kTimeout));
    SCREENSHOT("client-05-unread-marker");
    QVERIFY(test::waitUntil([&] { return client()->rooms()->unreadTotal() == 0; }, kTimeout));
    const auto read = m_bob->waitForPush(push::Read, [&](const QJsonObject &data) {
        return data.value("room"_L1).toInteger() == m_random;
    });
    QVERIFY2(read, "the server learns that alice read the room");
}

void tst_ClientEndToEnd::readingALongRoomFromItsFirstMessage()
{
    const test::Reply created = m_bob->request(
        op::CreateRoom, { { "name"_L1, u"archive"_s }, { "topic"_L1, u"A thousand messages"_s } });
    CONFAB_VERIFY_OK(created);
    const qint64 room = created.roomId();
    QList<QJsonValue> ids;
    for (int i = 1; i <= kLongRoomMessages; ++i)
        ids.append(
            m_bob->post(op::Send,
                        { { "room"_L1, room },
                          { "client_id"_L1, u"archive-%1"_s.arg(i) },
                          { "text"_L1, u"archive message %1"_s.arg(i, 4, 10, QChar(u'0')) } }));
    for (const auto &id : std::as_const(ids))
        CONFAB_VERIFY_OK(m_bob->waitForReply(id));

    client()->joinRoom(room);
    QVERIFY(waitForRoom(room));
    // What was written before alice joined is not news to her: no unread count, on the server
    // either.
    const auto read = m_bob->waitForPush(push::Read, [&](const QJsonObject &data) {
        return data.value("room"_L1).toInteger() == room
            && data.value("seq"_L1).toInteger() == kLongRoomMessages;
    });
    QVERIFY2(read, m_bob->describeQueuedPushes().constData());
    QCOMPARE(client()->rooms()->summary(room)->unread, 0);
    QVERIFY(test::waitUntil([&] { return rowText(0) == u"archive message 1000"_s; }, kTimeout));
    SCREENSHOT("client-06-long-conversation");

    // Every message from here to the first one, each once and in order, as pages are added
    // above what the view shows.
    TimelineModel *model = timeline();
    QStringList seen;
    for (int row = 0; row < model->rowCount(); ++row)
        seen.append(rowText(row));
    connect(model, &QAbstractItemModel::rowsInserted, this,
            [&](const QModelIndex &, int first, int last) {
                for (int row = first; row <= last; ++row)
                    seen.append(model->index(row).data(TimelineModel::TextRole).toString());
            });

    int removedAtFront = 0;
    int appended = 0;
    connect(model, &QAbstractItemModel::rowsInserted, this,
            [&](const QModelIndex &, int first, int last) {
                if (first > 0)
                    appended += last - first + 1;
            });
    connect(model, &QAbstractItemModel::rowsRemoved, this,
            [&](const QModelIndex &, int first, int last) {
                if (first == 0)
                    removedAtFront += last - first + 1;
            });

    QQuickItem *view = m_harness->visibleItem(u"timelineView"_s);
    QVERIFY(view);
    const auto itemAt = [view](int row) {
        QQuickItem *item = nullptr;
        QMetaObject::invokeMethod(view, "itemAtIndex", Q_RETURN_ARG(QQuickItem *, item),
                                  Q_ARG(int, row));
        return item;
    };
    const auto settle = [&] {
        QSignalSpy frame(m_harness->window(), &QQuickWindow::frameSwapped);
        m_harness->window()->update();
        return frame.wait(5000);
    };
    const auto bottomOf
        = [&](QQuickItem *item) { return item->mapToItem(view, QPointF(0, item->height())).y(); };
    int largest = model->rowCount();
    int pages = 0;
    while (model->hasOlder()) {
        // The user scrolls up to the oldest message loaded; the view fetches the page before
        // it as it gets near.
        removedAtFront = 0;
        QMetaObject::invokeMethod(view, "positionViewAtEnd");
        const int reached = model->rowCount() - 1;
        // Settled: nothing on its way, and no more to ask for from where the view stands.
        const auto settled = [&] {
            const qreal fromTop
                = view->property("contentY").toReal() - view->property("originY").toReal();
            return !model->isLoadingOlder() && (!model->hasOlder() || fromTop >= view->height());
        };
        QVERIFY(test::waitUntil(settled, kTimeout));
        QVERIFY(settle());
        QVERIFY(test::waitUntil(settled, kTimeout));
        QQuickItem *seen = itemAt(reached - removedAtFront);
        QVERIFY2(seen, "the message scrolled to is on screen");
        if (!model->hasOlder())
            break;
        // While the user looks at it, one more page arrives above it.
        const int seenRow = reached - removedAtFront;
        const qreal seenBottom = bottomOf(seen);
        const int before = model->rowCount();
        removedAtFront = 0;
        appended = 0;
        model->fetchOlder();
        QVERIFY2(test::waitUntil([&] { return appended > 0 || !model->hasOlder(); }, kTimeout),
                 qPrintable(u"stuck at %1 rows"_s.arg(before)));
        QVERIFY(settle());
        ++pages;
        largest = std::max(largest, model->rowCount());
        // It has not moved. (A message sits at the bottom of its delegate; the sender's name
        // above it goes when older messages join its group, so its bottom edge is what stays.)
        QCOMPARE(itemAt(seenRow - removedAtFront), seen);
        const qreal moved = bottomOf(seen) - seenBottom;
        QVERIFY2(qAbs(moved) < 1.0, qPrintable(u"the view jumped by %1 px"_s.arg(moved)));
    }
    QVERIFY2(pages > 0, "at least one page arrived while the user looked at the oldest message");
    QStringList expected;
    for (int i = kLongRoomMessages; i >= 1; --i)
        expected.append(u"archive message %1"_s.arg(i, 4, 10, QChar(u'0')));
    QCOMPARE(seen, expected);
    QVERIFY2(largest <= model->windowLimit(), qPrintable(u"%1 rows held at once"_s.arg(largest)));
    QVERIFY(model->hasNewer());
    // All the way up, past the first message to what is above it. (The view learns the
    // heights of the rows it has not shown yet as it shows them, so the top moves a little.)
    const auto top
        = [&] { return view->property("originY").toReal() - view->property("topMargin").toReal(); };
    for (int attempt = 0; attempt < 10 && view->property("contentY").toReal() != top(); ++attempt) {
        view->setProperty("contentY", top());
        QVERIFY(settle());
    }
    QCOMPARE(view->property("contentY").toReal(), top());
    QQuickItem *roomStart = m_harness->waitForVisibleItem(u"roomStart"_s);
    QVERIFY(roomStart);
    QVERIFY(roomStart->mapToItem(view, QPointF(0, 0)).y() >= 0);
    SCREENSHOT("client-07-first-message-of-a-long-room");

    QVERIFY(m_harness->click(m_harness->visibleItem(u"jumpToNewestButton"_s)));
    QVERIFY(test::waitUntil(
        [&] { return !model->hasNewer() && rowText(0) == u"archive message 1000"_s; }, kTimeout));
}

void tst_ClientEndToEnd::writingWhileTheServerIsDown()
{
    QVERIFY(openRoom(m_general));
    QVERIFY2(m_server->stop(), qPrintable(m_server->errorString()));
    QVERIFY(m_harness->waitForVisibleItem(u"connectionBanner"_s));
    QVERIFY(sendFromComposer(u"Written while the server is down"_s));
    QVERIFY(test::waitUntil(
        [&] { return timelineShows(u"Written while the server is down"_s, true); }, kTimeout));
    SCREENSHOT("client-08-offline-pending");

    // The client is closed and started again, still without a server: the cache shows the
    // rooms and messages, and the outbox still has the message.
    m_harness->stop();
    QString error;
    QVERIFY2(m_harness->start(&error), qPrintable(error));
    QVERIFY(m_harness->waitForVisibleItem(u"chatPage"_s));
    QVERIFY(waitForRoom(m_general));
    QVERIFY(timelineShows(u"Written while the server is down"_s, true));
    QVERIFY(rowWithText(u"Nice. See you at lunch!"_s) >= 0);
    // The server allows 240 bytes; offline, the client cannot know that and queues it.
    const QString tooLong
        = u"Here are my notes from the meeting: the release moves to next Thursday, the "
          "installer needs a new signing key, the documentation gets a section on upgrades, "
          "and the web front end will be tested against the Pusher endpoint before then. "
          "Questions to me or to Bob, please."_s;
    QVERIFY(tooLong.toUtf8().size() > kServerMaxTextBytes);
    QVERIFY(client()->currentRoom()->send(tooLong));
    QVERIFY(test::waitUntil([&] { return timelineShows(tooLong.trimmed(), true); }, kTimeout));

    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    QString bobError;
    m_bob = test::TestClient::resumed(*m_server, m_bob->token(), &bobError);
    QVERIFY2(m_bob, qPrintable(bobError));
    // "Retry now" instead of waiting for the next attempt.
    if (QQuickItem *banner = m_harness->visibleItem(u"connectionBanner"_s)) {
        Q_UNUSED(banner);
        client()->session()->reconnectNow();
    }
    QVERIFY2(
        test::waitUntil([&] { return client()->session()->isOnline(); }, std::chrono::seconds(60)),
        qPrintable(client()->session()->connectionError()));

    QVERIFY(test::waitUntil(
        [&] { return timelineShows(u"Written while the server is down"_s, false); }, kTimeout));
    QCOMPARE(historyCount(m_general, u"Written while the server is down"_s), 1);
    const int failedRow = rowWithText(tooLong.trimmed());
    QVERIFY(test::waitUntil(
        [&] {
            return timeline()
                ->index(rowWithText(tooLong.trimmed()))
                .data(TimelineModel::FailedRole)
                .toBool();
        },
        kTimeout));
    QVERIFY(timeline()
                ->index(failedRow)
                .data(TimelineModel::FailureRole)
                .toString()
                .contains(u"too long"_s));
    QVERIFY(m_harness->waitForVisibleItem(u"retryButton"_s));
    QVERIFY(!m_harness->visibleItem(u"connectionBanner"_s));
    SCREENSHOT("client-09-failed-message");

    // Messages from before the restart, after it, each once and in order.
    QString historyError;
    const auto history = m_bob->wholeHistory(m_general, &historyError);
    QVERIFY2(historyError.isEmpty(), qPrintable(historyError));
    QList<qint64> delivered;
    for (int row = timeline()->rowCount() - 1; row >= 0; --row) {
        const qint64 seq = timeline()->index(row).data(TimelineModel::SeqRole).toLongLong();
        if (seq > 0)
            delivered.prepend(seq);
    }
    QList<qint64> stored;
    for (const auto &message : history)
        stored.append(message.value("seq"_L1).toInteger());
    QCOMPARE(delivered, stored);
}

void tst_ClientEndToEnd::theDarkTheme()
{
    client()->settings()->setThemeMode(u"dark"_s);
    QVERIFY(client()->appearance()->isDark());
    // Discarding the failed message removes it.
    QQuickItem *failed = m_harness->visibleItem(u"failedRow"_s);
    QVERIFY(failed);
    const int rows = timeline()->rowCount();
    client()->currentRoom()->discard(
        timeline()->index(0).data(TimelineModel::ClientIdRole).toString());
    QVERIFY(test::waitUntil([&] { return timeline()->rowCount() == rows - 1; }, kTimeout));
    SCREENSHOT("client-10-dark-theme");

    m_harness->pressKey(Qt::Key_K, Qt::ControlModifier);
    QQuickItem *search = m_harness->waitForVisibleItem(u"switcherSearch"_s);
    QVERIFY(search);
    QVERIFY(m_harness->waitForPopup(u"quickSwitcher"_s));
    QVERIFY(m_harness->typeInto(search, u"ar"_s));
    SCREENSHOT("client-11-quick-switcher");
    m_harness->pressKey(Qt::Key_Return);
    QVERIFY(m_harness->waitForPopup(u"quickSwitcher"_s, false));
    QVERIFY(test::waitUntil(
        [&] { return client()->currentRoom() && client()->currentRoom()->name() == u"archive"_s; },
        kTimeout));
    // The view shows that room's messages and nothing of the room before.
    QVERIFY(test::waitUntil([&] { return rowText(0) == u"archive message 1000"_s; }, kTimeout));
    QString error;
    QVERIFY(!m_harness->screenshot(u"client-11b-switched"_s, &error).isEmpty());
    QStringList shown;
    const std::function<void(QQuickItem *)> collect = [&](QQuickItem *item) {
        if (!item->isVisible())
            return;
        if (item->objectName() == u"messageText"_s)
            shown.append(textOf(item));
        const auto children = item->childItems();
        for (auto *child : children)
            collect(child);
    };
    collect(m_harness->visibleItem(u"timelineView"_s));
    QVERIFY2(shown.size() > 5, qPrintable(shown.join(u", "_s)));
    for (const auto &text : std::as_const(shown))
        QVERIFY2(text.startsWith(u"archive message"_s), qPrintable(text));
    client()->settings()->setThemeMode(u"light"_s);
}

void tst_ClientEndToEnd::signingOutForgetsTheAccount()
{
    const QString cacheFile = client()->account()->cache()->filePath();
    QVERIFY(QFile::exists(cacheFile));
    QVERIFY(m_harness->click(m_harness->visibleItem(u"settingsButton"_s)));
    QVERIFY(m_harness->waitForPopup(u"settingsDialog"_s));
    SCREENSHOT("client-12-settings");
    QVERIFY(m_harness->click(m_harness->waitForVisibleItem(u"signOutButton"_s)));
    QVERIFY(m_harness->waitForVisibleItem(u"signInPage"_s));
    QVERIFY(!QFile::exists(cacheFile));
    QFile tokens(QDir(m_dataDir.path()).filePath(u"tokens.json"_s));
    QVERIFY(!tokens.open(QIODevice::ReadOnly) || !tokens.readAll().contains("alice"));
}

QTEST_MAIN(tst_ClientEndToEnd)
#include "tst_client_e2e.moc"
