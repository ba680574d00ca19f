// The store's queries against a real database: SQLite, or the PostgreSQL of the test run,
// as CONFAB_TEST_BACKEND says.
#include "TestDatabase.h"
#include "store/AccountStore.h"
#include "store/Database.h"
#include "store/Migrations.h"
#include "store/RoomStore.h"
#include "store/TimelineStore.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;
using namespace confab::server;
using confab::protocol::ErrorCode;
using confab::protocol::EventKind;
using confab::protocol::User;
using confab::protocol::Visibility;

class StoreTest : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void migrationsAreIdempotent();
    void eventsAreGuardedByMembershipsNotForeignKeys();
    void userNamesAreUniqueWithoutRegardToCase();
    void sessionsExpireAndRevoke();
    void privateRoomsNeedAnInvitation();
    void onlyMembersReadAndWrite();
    void batchAssignsContiguousSequenceNumbers();
    void resendIsStoredOnce();
    void resendAmongNewMessagesLeavesNoGap();
    void refusalInBatchDoesNotHoldBackOthers();
    void largeMixedBatchKeepsOrder();
    void editAndDeleteOnlyOwnMessages();
    void historyPagesAreCompleteAndOrdered();
    void syncReturnsExactlyTheGap();
    void unreadCountsOthersMessagesAfterTheMarker();
    void historyAndSyncAreIndexRangeScans();

private:
    User makeUser(const QString &name);
    qint64 makeRoom(const User &owner, Visibility visibility = Visibility::Public);
    qint64 post(const User &sender, qint64 roomId, const QString &text);
    QStringList queryPlan(const QString &select, std::initializer_list<QVariant> values);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<confab::test::TestDatabase> m_testDatabase;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<AccountStore> m_accounts;
    std::unique_ptr<RoomStore> m_rooms;
    std::unique_ptr<TimelineStore> m_timeline;
    int m_clientIds = 0;
};

void StoreTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QString error;
    m_testDatabase = confab::test::TestDatabase::create(m_dir->path(), &error);
    QVERIFY2(m_testDatabase, qPrintable(error));
    const auto url = DatabaseUrl::parse(m_testDatabase->url(), &error);
    QVERIFY2(url, qPrintable(error));
    m_db = std::make_unique<Database>(*url, u"tst_store"_s);
    QVERIFY2(m_db->open(&error), qPrintable(error));
    QVERIFY2(Migrations::apply(*m_db, &error), qPrintable(error));
    m_accounts = std::make_unique<AccountStore>(*m_db);
    m_rooms = std::make_unique<RoomStore>(*m_db);
    m_timeline = std::make_unique<TimelineStore>(*m_db, *m_rooms);
}

void StoreTest::cleanup()
{
    m_timeline.reset();
    m_rooms.reset();
    m_accounts.reset();
    m_db.reset();
    m_testDatabase.reset();
    m_dir.reset();
}

User StoreTest::makeUser(const QString &name)
{
    const auto user = m_accounts->createUser(name, u"scrypt$test"_s, 1000);
    if (!user)
        qFatal("cannot create user %s", qPrintable(user.error().message));
    return *user;
}

qint64 StoreTest::makeRoom(const User &owner, Visibility visibility)
{
    const auto room = m_rooms->create(owner.id, u"room"_s, QString(), visibility, 1000);
    if (!room)
        qFatal("cannot create room %s", qPrintable(room.error().message));
    return room->id;
}

qint64 StoreTest::post(const User &sender, qint64 roomId, const QString &text)
{
    PendingEvent event { EventKind::Message, roomId, sender, u"c%1"_s.arg(++m_clientIds), text, 0 };
    const auto outcomes = m_timeline->commit({ event }, 2000 + m_clientIds);
    if (!outcomes.first())
        qFatal("cannot post: %s", qPrintable(outcomes.first().error().message));
    return outcomes.first()->event.seq;
}

void StoreTest::migrationsAreIdempotent()
{
    QString error;
    QVERIFY2(Migrations::apply(*m_db, &error), qPrintable(error));
    auto &query = m_db->exec(u"SELECT MAX(version) FROM schema_version"_s);
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), Migrations::latestVersion());
    query.finish();
}

void StoreTest::eventsAreGuardedByMembershipsNotForeignKeys()
{
    if (m_db->dialect() == Dialect::Postgres) {
        auto &keys = m_db->exec(u"SELECT COUNT(*) FROM pg_constraint "
                                "WHERE conrelid = 'events'::regclass AND contype = 'f'"_s);
        QVERIFY(keys.next());
        QCOMPARE(keys.value(0).toInt(), 0);
        keys.finish();
    }
    // What the keys used to refuse, the membership look-up refuses, and nothing is written.
    const User alice = makeUser(u"alice"_s);
    const qint64 roomId = makeRoom(alice);
    const User ghost { 424242, u"ghost"_s };
    const auto outcomes = m_timeline->commit(
        { PendingEvent { EventKind::Message, 434343, alice, u"k1"_s, u"nowhere"_s, 0 },
          PendingEvent { EventKind::Message, roomId, ghost, u"k2"_s, u"nobody"_s, 0 } },
        3000);
    QCOMPARE(outcomes.size(), 2);
    QCOMPARE(outcomes[0].error().code, ErrorCode::RoomNotFound);
    QCOMPARE(outcomes[1].error().code, ErrorCode::NotMember);
    auto &events = m_db->exec(u"SELECT COUNT(*) FROM events"_s);
    QVERIFY(events.next());
    QCOMPARE(events.value(0).toInt(), 0);
    events.finish();
}

void StoreTest::userNamesAreUniqueWithoutRegardToCase()
{
    const User alice = makeUser(u"Alice"_s);
    const auto again = m_accounts->createUser(u"aLICE"_s, u"x"_s, 1000);
    QVERIFY(!again);
    QCOMPARE(again.error().code, ErrorCode::UsernameTaken);
    const auto found = m_accounts->credentials(u"alice"_s);
    QVERIFY(found);
    QCOMPARE(found->user, alice);
    QCOMPARE(found->user.name, u"Alice"_s);
    QCOMPARE(m_accounts->userByName(u"nobody"_s).error().code, ErrorCode::UserNotFound);
}

void StoreTest::sessionsExpireAndRevoke()
{
    const User alice = makeUser(u"alice"_s);
    QVERIFY(m_accounts->createSession(alice, u"hash-a"_s, 1000, 5000));
    QVERIFY(m_accounts->createSession(alice, u"hash-b"_s, 1000, 5000));

    const auto resumed = m_accounts->resumeSession(u"hash-a"_s, 4999);
    QVERIFY(resumed);
    QCOMPARE(resumed->signedIn.user, alice);
    QCOMPARE(resumed->signedIn.expiresAt, 5000);
    QVERIFY(resumed->roomIds.isEmpty());

    // A resume brings back the rooms the connection joins, and each of them once.
    const qint64 first = makeRoom(alice);
    const qint64 second = makeRoom(alice);
    const auto withRooms = m_accounts->resumeSession(u"hash-a"_s, 4999);
    QVERIFY(withRooms);
    QCOMPARE(withRooms->signedIn.user, alice);
    QList<qint64> roomIds = withRooms->roomIds;
    std::sort(roomIds.begin(), roomIds.end());
    QCOMPARE(roomIds, (QList<qint64> { first, second }));

    QCOMPARE(m_accounts->resumeSession(u"hash-a"_s, 5000).error().code, ErrorCode::InvalidToken);
    QCOMPARE(m_accounts->resumeSession(u"unknown"_s, 1000).error().code, ErrorCode::InvalidToken);

    QVERIFY(m_accounts->revokeSession(u"hash-b"_s, 2000));
    QCOMPARE(m_accounts->resumeSession(u"hash-b"_s, 2001).error().code, ErrorCode::InvalidToken);
    QVERIFY(m_accounts->resumeSession(u"hash-a"_s, 2001));
}

void StoreTest::privateRoomsNeedAnInvitation()
{
    const User owner = makeUser(u"owner"_s);
    const User guest = makeUser(u"guest"_s);
    const qint64 roomId = makeRoom(owner, Visibility::Private);

    QCOMPARE(m_rooms->join(guest.id, roomId, 1000).error().code, ErrorCode::Forbidden);
    QCOMPARE(m_rooms->invite(guest.id, roomId, owner, 1000).error().code, ErrorCode::NotMember);
    QVERIFY(m_rooms->invite(owner.id, roomId, guest, 1000));
    const auto joined = m_rooms->join(guest.id, roomId, 1000);
    QVERIFY(joined);
    QVERIFY(joined->changed);
    QCOMPARE(joined->room.memberCount, 2);
    QCOMPARE(m_rooms->invite(owner.id, roomId, guest, 1000).error().code, ErrorCode::AlreadyMember);

    const auto again = m_rooms->join(guest.id, roomId, 1000);
    QVERIFY(again);
    QVERIFY(!again->changed);

    QVERIFY(m_rooms->leave(guest.id, roomId));
    // The invitation was used up by the join.
    QCOMPARE(m_rooms->join(guest.id, roomId, 1000).error().code, ErrorCode::Forbidden);
    QCOMPARE(m_rooms->join(guest.id, 999'999, 1000).error().code, ErrorCode::RoomNotFound);
}

void StoreTest::onlyMembersReadAndWrite()
{
    const User owner = makeUser(u"owner"_s);
    const User outsider = makeUser(u"outsider"_s);
    const qint64 roomId = makeRoom(owner);
    post(owner, roomId, u"secret"_s);

    QCOMPARE(m_timeline->history(outsider.id, roomId, std::nullopt, 50).error().code,
             ErrorCode::NotMember);
    QCOMPARE(m_timeline->sync(outsider.id, { { roomId, 0 } }, 50).error().code,
             ErrorCode::NotMember);
    QCOMPARE(m_rooms->members(outsider.id, roomId).error().code, ErrorCode::NotMember);
    PendingEvent intrusion { EventKind::Message, roomId, outsider, u"x1"_s, u"hi"_s, 0 };
    QCOMPARE(m_timeline->commit({ intrusion }, 3000).first().error().code, ErrorCode::NotMember);
    QCOMPARE(m_timeline->history(owner.id, 424242, std::nullopt, 50).error().code,
             ErrorCode::RoomNotFound);
}

void StoreTest::batchAssignsContiguousSequenceNumbers()
{
    const User alice = makeUser(u"alice"_s);
    const qint64 first = makeRoom(alice);
    const qint64 second = makeRoom(alice);
    QList<PendingEvent> batch;
    for (int i = 0; i < 10; ++i)
        batch.append({ EventKind::Message, i % 2 ? second : first, alice, u"b%1"_s.arg(i),
                       u"m%1"_s.arg(i), 0 });
    const auto outcomes = m_timeline->commit(batch, 5000);
    QCOMPARE(outcomes.size(), 10);
    for (int i = 0; i < 10; ++i) {
        QVERIFY(outcomes[i]);
        QCOMPARE(outcomes[i]->event.room, i % 2 ? second : first);
        QCOMPARE(outcomes[i]->event.seq, i / 2 + 1);
        QCOMPARE(outcomes[i]->event.text, u"m%1"_s.arg(i));
    }
}

void StoreTest::resendIsStoredOnce()
{
    const User alice = makeUser(u"alice"_s);
    const qint64 roomId = makeRoom(alice);
    PendingEvent event { EventKind::Message, roomId, alice, u"same-id"_s, u"once"_s, 0 };
    const auto outcomes = m_timeline->commit({ event, event }, 5000);
    QVERIFY(outcomes[0] && !outcomes[0]->duplicate);
    QVERIFY(outcomes[1] && outcomes[1]->duplicate);
    QCOMPARE(outcomes[1]->event.seq, outcomes[0]->event.seq);

    const auto later = m_timeline->commit({ event }, 6000);
    QVERIFY(later.first() && later.first()->duplicate);
    QCOMPARE(later.first()->event.seq, outcomes[0]->event.seq);
    QCOMPARE(later.first()->event.timestamp, 5000);
    QCOMPARE(m_timeline->history(alice.id, roomId, std::nullopt, 50)->messages.size(), 1);
}

// A batch is first written without looking for resends; one that holds a resend of a message
// stored earlier must not use up sequence numbers for it.
void StoreTest::resendAmongNewMessagesLeavesNoGap()
{
    const User alice = makeUser(u"alice"_s);
    const qint64 roomId = makeRoom(alice);
    const PendingEvent original { EventKind::Message, roomId, alice, u"early"_s, u"first"_s, 0 };
    QVERIFY(m_timeline->commit({ original }, 5000).first());

    const auto outcomes = m_timeline->commit(
        { { EventKind::Message, roomId, alice, u"n1"_s, u"second"_s, 0 },
          { EventKind::Message, roomId, alice, u"early"_s, u"first, sent again"_s, 0 },
          { EventKind::Message, roomId, alice, u"n2"_s, u"third"_s, 0 } },
        6000);
    QCOMPARE(outcomes.size(), 3);
    QVERIFY(outcomes[0] && !outcomes[0]->duplicate);
    QCOMPARE(outcomes[0]->event.seq, 2);
    QVERIFY(outcomes[1] && outcomes[1]->duplicate);
    QCOMPARE(outcomes[1]->event.seq, 1);
    QCOMPARE(outcomes[1]->event.text, u"first"_s);
    QVERIFY(outcomes[2] && !outcomes[2]->duplicate);
    QCOMPARE(outcomes[2]->event.seq, 3);

    const auto page = m_timeline->history(alice.id, roomId, std::nullopt, 50);
    QVERIFY(page);
    QStringList texts;
    for (const auto &message : page->messages)
        texts.prepend(u"%1:%2"_s.arg(message.seq).arg(message.text));
    QCOMPARE(texts, QStringList({ u"1:first"_s, u"2:second"_s, u"3:third"_s }));
}

void StoreTest::refusalInBatchDoesNotHoldBackOthers()
{
    const User alice = makeUser(u"alice"_s);
    const User bob = makeUser(u"bob"_s);
    const qint64 roomId = makeRoom(alice);
    const auto outcomes
        = m_timeline->commit({ { EventKind::Message, roomId, alice, u"a1"_s, u"one"_s, 0 },
                               { EventKind::Message, roomId, bob, u"b1"_s, u"intruder"_s, 0 },
                               { EventKind::Edit, roomId, alice, {}, u"nope"_s, 77 },
                               { EventKind::Message, roomId, alice, u"a2"_s, u"two"_s, 0 } },
                             5000);
    QVERIFY(outcomes[0]);
    QCOMPARE(outcomes[1].error().code, ErrorCode::NotMember);
    QCOMPARE(outcomes[2].error().code, ErrorCode::MessageNotFound);
    QVERIFY(outcomes[3]);
    QCOMPARE(outcomes[3]->event.seq, 2);
}

// More messages than one multi-row insert takes, in three rooms, with an edit, a resend and
// refusals among them: every room's sequence numbers follow the order of the batch.
void StoreTest::largeMixedBatchKeepsOrder()
{
    const User alice = makeUser(u"alice"_s);
    const QList<qint64> rooms { makeRoom(alice), makeRoom(alice), makeRoom(alice) };
    constexpr int kEvents = 301;
    QList<PendingEvent> batch;
    for (int i = 0; i < kEvents; ++i) {
        if (i == 150)
            batch.append({ EventKind::Edit, rooms[0], alice, {}, u"m0 (edited)"_s, 1 });
        else if (i == 77)
            batch.append({ EventKind::Message, 999'999, alice, u"x%1"_s.arg(i), u"lost"_s, 0 });
        else if (i == 200)
            batch.append(batch.at(3)); // a resend of an earlier message in the same batch
        else
            batch.append(
                { EventKind::Message, rooms[i % 3], alice, u"c%1"_s.arg(i), u"m%1"_s.arg(i), 0 });
    }
    const auto outcomes = m_timeline->commit(batch, 5000);
    QCOMPARE(outcomes.size(), kEvents);

    QHash<qint64, qint64> lastSeq;
    for (int i = 0; i < kEvents; ++i) {
        const auto &outcome = outcomes.at(i);
        if (i == 77) {
            QCOMPARE(outcome.error().code, ErrorCode::RoomNotFound);
            continue;
        }
        QVERIFY2(outcome, qPrintable(u"event %1"_s.arg(i)));
        if (i == 200) {
            QVERIFY(outcome->duplicate);
            QCOMPARE(outcome->event.seq, outcomes.at(3)->event.seq);
            continue;
        }
        QVERIFY(!outcome->duplicate);
        QCOMPARE(outcome->event.seq, lastSeq.value(outcome->event.room) + 1);
        lastSeq[outcome->event.room] = outcome->event.seq;
    }

    int messages = 0;
    for (const qint64 roomId : rooms) {
        const auto page = m_timeline->history(alice.id, roomId, std::nullopt, 100);
        QVERIFY(page);
        qint64 before = std::numeric_limits<qint64>::max();
        auto all = page->messages;
        bool more = page->hasMore;
        while (more) {
            before = all.constLast().seq;
            const auto next = m_timeline->history(alice.id, roomId, before, 100);
            all += next->messages;
            more = next->hasMore;
        }
        messages += all.size();
        if (roomId == rooms[0])
            QCOMPARE(all.constLast().text, u"m0 (edited)"_s);
    }
    QCOMPARE(messages, kEvents - 3); // not the edit, the refusal or the resend
}

void StoreTest::editAndDeleteOnlyOwnMessages()
{
    const User alice = makeUser(u"alice"_s);
    const User bob = makeUser(u"bob"_s);
    const qint64 roomId = makeRoom(alice);
    QVERIFY(m_rooms->join(bob.id, roomId, 1000));
    const qint64 seq = post(alice, roomId, u"first draft"_s);

    const auto byBob
        = m_timeline->commit({ { EventKind::Edit, roomId, bob, {}, u"hacked"_s, seq } }, 6000);
    QCOMPARE(byBob.first().error().code, ErrorCode::Forbidden);

    const auto edit
        = m_timeline->commit({ { EventKind::Edit, roomId, alice, {}, u"final"_s, seq } }, 6000);
    QVERIFY(edit.first());
    QCOMPARE(edit.first()->event.kind, EventKind::Edit);
    QCOMPARE(edit.first()->event.targetSeq, seq);
    auto page = m_timeline->history(bob.id, roomId, std::nullopt, 50);
    QCOMPARE(page->messages.size(), 1);
    QCOMPARE(page->messages.first().text, u"final"_s);
    QCOMPARE(page->messages.first().editedAt, 6000);

    const auto removal
        = m_timeline->commit({ { EventKind::Delete, roomId, alice, {}, {}, seq } }, 7000);
    QVERIFY(removal.first());
    page = m_timeline->history(bob.id, roomId, std::nullopt, 50);
    QVERIFY(page->messages.first().deleted);
    QVERIFY(page->messages.first().text.isEmpty());
    const auto again
        = m_timeline->commit({ { EventKind::Edit, roomId, alice, {}, u"undead"_s, seq } }, 8000);
    QCOMPARE(again.first().error().code, ErrorCode::MessageNotFound);

    // The edit's own copy of the text is gone with the message.
    const auto events = m_timeline->sync(bob.id, { { roomId, 0 } }, 50);
    QCOMPARE(events->first().events.size(), 3);
    QCOMPARE(events->first().events.at(1).kind, EventKind::Edit);
    QVERIFY(events->first().events.at(1).text.isEmpty());
}

void StoreTest::historyPagesAreCompleteAndOrdered()
{
    const User alice = makeUser(u"alice"_s);
    const qint64 roomId = makeRoom(alice);
    const qint64 otherRoom = makeRoom(alice);
    QList<PendingEvent> batch;
    for (int i = 1; i <= 250; ++i) {
        batch.append(
            { EventKind::Message, roomId, alice, u"h%1"_s.arg(i), u"message %1"_s.arg(i), 0 });
        if (i % 10 == 0)
            batch.append(
                { EventKind::Message, otherRoom, alice, u"o%1"_s.arg(i), u"elsewhere"_s, 0 });
    }
    for (const auto &outcome : m_timeline->commit(batch, 5000))
        QVERIFY(outcome);
    // An edit in between must not show up as a history entry.
    QVERIFY(m_timeline
                ->commit({ { EventKind::Edit, roomId, alice, {}, u"message 100 (edited)"_s, 100 } },
                         6000)
                .first());

    QList<qint64> seen;
    std::optional<qint64> before;
    bool hasMore = true;
    while (hasMore) {
        const auto page = m_timeline->history(alice.id, roomId, before, 50);
        QVERIFY(page);
        QVERIFY(page->messages.size() <= 50);
        for (const auto &message : page->messages) {
            QCOMPARE(message.room, roomId);
            QCOMPARE(message.kind, EventKind::Message);
            seen.append(message.seq);
        }
        hasMore = page->hasMore;
        before = page->messages.constLast().seq;
    }
    QCOMPARE(seen.size(), 250);
    for (int i = 0; i < 250; ++i)
        QCOMPARE(seen.at(i), 250 - i);
    QCOMPARE(m_timeline->history(alice.id, roomId, 101, 1)->messages.first().text,
             u"message 100 (edited)"_s);
}

void StoreTest::syncReturnsExactlyTheGap()
{
    const User alice = makeUser(u"alice"_s);
    const qint64 roomId = makeRoom(alice);
    for (int i = 1; i <= 30; ++i)
        post(alice, roomId, u"m%1"_s.arg(i));

    const auto gap = m_timeline->sync(alice.id, { { roomId, 20 } }, 500);
    QVERIFY(gap);
    QCOMPARE(gap->size(), 1);
    const auto &backfill = gap->first();
    QCOMPARE(backfill.lastSeq, 30);
    QVERIFY(!backfill.hasMore);
    QCOMPARE(backfill.events.size(), 10);
    for (int i = 0; i < 10; ++i)
        QCOMPARE(backfill.events.at(i).seq, 21 + i);

    const auto limited = m_timeline->sync(alice.id, { { roomId, 0 } }, 7);
    QCOMPARE(limited->first().events.size(), 7);
    QVERIFY(limited->first().hasMore);
    QVERIFY(m_timeline->sync(alice.id, { { roomId, 30 } }, 500)->first().events.isEmpty());
}

void StoreTest::unreadCountsOthersMessagesAfterTheMarker()
{
    const User alice = makeUser(u"alice"_s);
    const User bob = makeUser(u"bob"_s);
    const qint64 roomId = makeRoom(alice);
    QVERIFY(m_rooms->join(bob.id, roomId, 1000));
    for (int i = 0; i < 5; ++i)
        post(alice, roomId, u"from alice"_s);
    post(bob, roomId, u"from bob"_s);

    auto rooms = m_rooms->roomsOf(bob.id);
    QCOMPARE(rooms->size(), 1);
    QCOMPARE(rooms->first().unread, 5);
    QCOMPARE(rooms->first().lastMessage->text, u"from bob"_s);

    const auto marker = m_rooms->markRead(bob.id, roomId, 3);
    QVERIFY(marker && marker->moved);
    QCOMPARE(m_rooms->roomsOf(bob.id)->first().unread, 2);
    // A marker never moves back, and never past the end.
    QVERIFY(!m_rooms->markRead(bob.id, roomId, 1)->moved);
    QCOMPARE(m_rooms->markRead(bob.id, roomId, 1000)->seq, 6);
    QCOMPARE(m_rooms->roomsOf(bob.id)->first().unread, 0);
}

QStringList StoreTest::queryPlan(const QString &select, std::initializer_list<QVariant> values)
{
    QString error;
    QStringList plan;
    if (m_db->dialect() == Dialect::Sqlite) {
        auto &query = m_db->exec(u"EXPLAIN QUERY PLAN "_s + select, values);
        while (query.next())
            plan.append(query.value(3).toString());
        query.finish();
        return plan;
    }
    // PostgreSQL cannot EXPLAIN a statement with unbound parameters; the test's own integers
    // are spelled into it instead. Sequential scans are priced out so that the tiny test
    // table does not hide a missing index.
    QString statement = select;
    for (const auto &value : values)
        statement.replace(statement.indexOf(u'?'), 1, QString::number(value.toLongLong()));
    if (!m_db->execDirect(u"SET enable_seqscan = off"_s, &error))
        qWarning() << error;
    QSqlQuery query(QSqlDatabase::database(u"tst_store"_s));
    if (!query.exec(u"EXPLAIN "_s + statement))
        qWarning() << query.lastError().text();
    while (query.next())
        plan.append(query.value(0).toString());
    return plan;
}

void StoreTest::historyAndSyncAreIndexRangeScans()
{
    const User alice = makeUser(u"alice"_s);
    const qint64 roomId = makeRoom(alice);
    post(alice, roomId, u"one"_s);
    const QString history
        = u"SELECT e.seq FROM events e WHERE e.room_id = ? AND e.kind = 0 AND e.seq < ? "
          "ORDER BY e.seq DESC LIMIT ?"_s;
    const QString sync
        = u"SELECT e.seq FROM events e WHERE e.room_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?"_s;
    for (const auto &select : { history, sync }) {
        const QStringList plan = queryPlan(select, { roomId, 100, 50 });
        const QString text = plan.join(u'\n');
        QVERIFY2(!plan.isEmpty(), qPrintable(select));
        if (m_db->dialect() == Dialect::Sqlite) {
            QVERIFY2(text.contains(u"SEARCH"_s) && !text.contains(u"TEMP B-TREE"_s),
                     qPrintable(text));
        } else {
            QVERIFY2(text.contains(u"Index"_s) && !text.contains(u"Seq Scan"_s)
                         && !text.contains(u"Sort"_s),
                     qPrintable(text));
        }
    }
}

QTEST_GUILESS_MAIN(StoreTest)
#include "tst_store.moc"
