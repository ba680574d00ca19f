// The sidebar's room list: most recent activity first, a room moving to the top when a
// message arrives, unread counts that add up, and the quick switcher's filter over it.

#include "Messages.h"
#include "models/MemberListModel.h"
#include "models/RoomFilterModel.h"
#include "models/RoomListModel.h"
#include "text/TimeText.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace confab;
using client::RoomListModel;
using client::RoomSummary;

namespace {

const protocol::User kSelf { 1, u"me"_s };
const protocol::User kAnn { 2, u"ann"_s };

RoomSummary room(qint64 id, const QString &name, qint64 lastSeq, qint64 unread = 0)
{
    RoomSummary summary;
    summary.room.id = id;
    summary.room.name = name;
    summary.room.createdAt = test::baseTime();
    summary.room.lastSeq = lastSeq;
    summary.unread = unread;
    if (lastSeq > 0)
        summary.lastMessage = test::message(id, lastSeq, kAnn, u"last of %1"_s.arg(name),
                                            test::baseTime() + lastSeq * 60'000);
    return summary;
}

QStringList names(const QAbstractItemModel &model)
{
    QStringList result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.index(row, 0).data(RoomListModel::NameRole).toString());
    return result;
}

} // namespace

class tst_RoomListModel : public QObject
{
    Q_OBJECT

private slots:
    void roomsAreOrderedByActivity();
    void aNewMessageMovesItsRoomToTheTop();
    void unreadCountsAddUpAndClearWhenRead();
    void previewsSayWhatHappened();
    void roomsComeAndGo();
    void theSwitcherFindsRoomsByName();
    void membersAreOrderedByPresence();
};

void tst_RoomListModel::roomsAreOrderedByActivity()
{
    RoomListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRooms({ room(1, u"quiet"_s, 2), room(2, u"busy"_s, 90), room(3, u"empty"_s, 0),
                     room(4, u"middling"_s, 40) });
    QCOMPARE(names(model), (QStringList { u"busy"_s, u"middling"_s, u"quiet"_s, u"empty"_s }));
    QCOMPARE(model.rowOf(4), 1);
    QCOMPARE(model.roomIdAt(0), 2);
}

void tst_RoomListModel::aNewMessageMovesItsRoomToTheTop()
{
    RoomListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSelfId(kSelf.id);
    model.setRooms({ room(1, u"a"_s, 30), room(2, u"b"_s, 20), room(3, u"c"_s, 10) });
    QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
    QSignalSpy changed(&model, &RoomListModel::roomChanged);

    model.noteMessage(test::message(3, 11, kAnn, u"wake up"_s, test::baseTime() + 3600'000), true);
    QCOMPARE(names(model), (QStringList { u"c"_s, u"a"_s, u"b"_s }));
    QCOMPARE(moved.count(), 1);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.index(0).data(RoomListModel::PreviewRole).toString(), u"wake up"_s);
    QCOMPARE(model.index(0).data(RoomListModel::UnreadRole).toInt(), 1);

    // An older message (from catching up) neither moves the room nor replaces the preview.
    model.noteMessage(test::message(1, 5, kAnn, u"old news"_s, test::baseTime()), false);
    QCOMPARE(names(model), (QStringList { u"c"_s, u"a"_s, u"b"_s }));
    QCOMPARE(model.index(1).data(RoomListModel::PreviewRole).toString(), u"last of a"_s);

    // The bottom room moving down further does not happen; moving to the middle does.
    model.noteMessage(test::message(2, 31, kAnn, u"between"_s, test::baseTime() + 31 * 60'000 + 1),
                      false);
    QCOMPARE(names(model), (QStringList { u"c"_s, u"b"_s, u"a"_s }));
}

void tst_RoomListModel::unreadCountsAddUpAndClearWhenRead()
{
    RoomListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy total(&model, &RoomListModel::unreadTotalChanged);
    model.setRooms({ room(1, u"a"_s, 30, 3), room(2, u"b"_s, 20, 4) });
    QCOMPARE(model.unreadTotal(), 7);
    model.noteMessage(test::message(2, 21, kAnn, u"more"_s, test::baseTime() + 99'000'000), true);
    QCOMPARE(model.unreadTotal(), 8);
    model.markRead(2, 21);
    QCOMPARE(model.unreadTotal(), 3);
    QCOMPARE(model.summary(2)->lastReadSeq, 21);
    model.noteDelete({ 1, 31, protocol::EventKind::Delete, kAnn, {}, {}, 0, {}, false, 30 }, true);
    QCOMPARE(model.unreadTotal(), 2);
    QVERIFY(total.count() >= 4);
}

void tst_RoomListModel::previewsSayWhatHappened()
{
    RoomListModel model;
    model.setSelfId(kSelf.id);
    model.setRooms({ room(1, u"a"_s, 3), room(2, u"b"_s, 0) });
    QCOMPARE(model.index(1).data(RoomListModel::PreviewRole).toString(), u"No messages yet"_s);

    model.noteMessage(
        test::message(1, 4, kSelf, u"line one\nline two"_s, test::baseTime() + 9'000'000), false);
    QCOMPARE(model.index(0).data(RoomListModel::PreviewSenderRole).toString(), u"You"_s);
    QCOMPARE(model.index(0).data(RoomListModel::PreviewRole).toString(), u"line one line two"_s);

    model.noteEdit({ 1, 5, protocol::EventKind::Edit, kSelf, {}, u"fixed"_s, 0, {}, false, 4 });
    QCOMPARE(model.index(0).data(RoomListModel::PreviewRole).toString(), u"fixed"_s);
    model.noteDelete({ 1, 6, protocol::EventKind::Delete, kSelf, {}, {}, 0, {}, false, 4 }, false);
    QCOMPARE(model.index(0).data(RoomListModel::PreviewRole).toString(), u"Message deleted"_s);

    model.setToday(QDateTime::fromMSecsSinceEpoch(test::baseTime() + 9'000'000).date());
    QCOMPARE(model.index(0).data(RoomListModel::LastActivityTextRole).toString(),
             client::timeText::time(QDateTime::fromMSecsSinceEpoch(test::baseTime() + 9'000'000)));
}

void tst_RoomListModel::roomsComeAndGo()
{
    RoomListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRooms({ room(1, u"a"_s, 30), room(2, u"b"_s, 20) });
    model.upsert(room(3, u"joined"_s, 25));
    QCOMPARE(names(model), (QStringList { u"a"_s, u"joined"_s, u"b"_s }));
    auto renamed = room(3, u"renamed"_s, 40);
    model.upsert(renamed);
    QCOMPARE(names(model), (QStringList { u"renamed"_s, u"a"_s, u"b"_s }));
    model.remove(1);
    QCOMPARE(names(model), (QStringList { u"renamed"_s, u"b"_s }));
    QVERIFY(!model.contains(1));
}

void tst_RoomListModel::theSwitcherFindsRoomsByName()
{
    RoomListModel rooms;
    rooms.setRooms({ room(1, u"general"_s, 30), room(2, u"design"_s, 20),
                     room(3, u"Release planning"_s, 10), room(4, u"random"_s, 5) });
    client::RoomFilterModel filter;
    QAbstractItemModelTester tester(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    filter.setSourceModel(&rooms);
    QCOMPARE(filter.count(), 4);
    filter.setFilterText(u"ra"_s);
    // "random" starts with it and comes first; "general" and "Release planning" contain it.
    QCOMPARE(names(filter), (QStringList { u"random"_s, u"general"_s }));
    filter.setFilterText(u"PLAN"_s);
    QCOMPARE(names(filter), QStringList { u"Release planning"_s });
    QCOMPARE(filter.roomIdAt(0), 3);
    filter.setFilterText(u"nothing like it"_s);
    QCOMPARE(filter.count(), 0);
    QCOMPARE(filter.roomIdAt(0), 0);
}

void tst_RoomListModel::membersAreOrderedByPresence()
{
    client::MemberListModel members(kSelf.id);
    QAbstractItemModelTester tester(&members,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    members.setMembers({ { { 3, u"cat"_s }, u"offline"_s },
                         { { 2, u"Ben"_s }, u"away"_s },
                         { kSelf, u"online"_s },
                         { { 4, u"ann"_s }, u"online"_s } });
    const auto order = [&] {
        QStringList result;
        for (int row = 0; row < members.rowCount(); ++row)
            result.append(members.index(row).data(client::MemberListModel::NameRole).toString());
        return result;
    };
    QCOMPARE(order(), (QStringList { u"ann"_s, u"me"_s, u"Ben"_s, u"cat"_s }));
    QCOMPARE(members.onlineCount(), 3);
    members.setPresence(3, u"online"_s);
    QCOMPARE(order(), (QStringList { u"ann"_s, u"cat"_s, u"me"_s, u"Ben"_s }));
    members.remove(4);
    members.add({ 5, u"dan"_s });
    QCOMPARE(order(), (QStringList { u"cat"_s, u"dan"_s, u"me"_s, u"Ben"_s }));
    QVERIFY(members.index(2).data(client::MemberListModel::SelfRole).toBool());
}

QTEST_MAIN(tst_RoomListModel)
#include "tst_roomlistmodel.moc"
