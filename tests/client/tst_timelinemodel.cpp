// The timeline of a room as the user sees it: the newest page at once, older pages appended
// without disturbing what is shown, live messages at the bottom, edits and deletions in place,
// each message once and in order, and a bounded number of rows however far the user scrolls.

#include "Messages.h"
#include "models/TimelineModel.h"
#include "text/TimeText.h"

#include <QAbstractItemModelTester>
#include <QSet>
#include <QSignalSpy>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace confab;
using client::TimelineModel;

namespace {

constexpr qint64 kRoom = 7;
const protocol::User kSelf { 1, u"me"_s };
const protocol::User kAnn { 2, u"ann"_s };

QList<qint64> seqs(const TimelineModel &model)
{
    QList<qint64> result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.index(row).data(TimelineModel::SeqRole).toLongLong());
    return result;
}

bool strictlyFalling(const QList<qint64> &values)
{
    for (qsizetype i = 1; i < values.size(); ++i) {
        if (values.at(i) >= values.at(i - 1))
            return false;
    }
    return true;
}

QVariant roleAt(const TimelineModel &model, int row, int role)
{
    return model.index(row).data(role);
}

} // namespace

class tst_TimelineModel : public QObject
{
    Q_OBJECT

private slots:
    void opensWithTheNewestPageAndPagesBack();
    void liveMessagesArriveAtRowZero();
    void eachMessageAppearsOnceWhateverTheOrder();
    void editsAndDeletionsChangeTheMessageInPlace();
    void ownMessagesArePendingUntilDelivered();
    void failedMessagesSayWhy();
    void messagesAreGroupedBySenderAndDay();
    void theFirstUnreadMessageCarriesTheMarker();
    void theWindowStaysBoundedAndComesBack();
    void scrollingThroughAHundredThousandMessages();
    void upEditsTheNewestOwnMessage();
};

void tst_TimelineModel::opensWithTheNewestPageAndPagesBack()
{
    TimelineModel model(kRoom, kSelf);
    QSignalSpy requests(&model, &TimelineModel::olderPageRequested);
    // The tester fetches more itself whenever the model says it can, as a view does.
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

    model.fetchMore({});
    QCOMPARE(requests.count(), 1);
    QCOMPARE(requests.at(0).at(0).toLongLong(), 0); // the newest page
    QVERIFY(model.isLoadingOlder());
    QVERIFY2(!model.canFetchMore({}), "a second request while one is on its way");

    model.appendOlder(test::newestFirst(kRoom, 51, 100, kAnn), true);
    QCOMPARE(model.rowCount(), 50);
    QCOMPARE(roleAt(model, 0, TimelineModel::TextRole).toString(), u"message 100"_s);
    QVERIFY(model.hasOlder());

    // Rows already there keep their row numbers while an older page arrives above them.
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.fetchMore({});
    QCOMPARE(requests.count(), 2);
    QCOMPARE(requests.last().at(0).toLongLong(), 51);
    model.appendOlder(test::newestFirst(kRoom, 1, 50, kAnn), false);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 50);
    QCOMPARE(inserted.at(0).at(2).toInt(), 99);
    QCOMPARE(model.rowCount(), 100);
    QVERIFY(strictlyFalling(seqs(model)));
    QVERIFY(!model.canFetchMore({}));
    QVERIFY(!model.hasOlder());
    QCOMPARE(requests.count(), 2);
    QVERIFY2(roleAt(model, 99, TimelineModel::ShowDayRole).toBool(),
             "the first message of the room has its day above it");
}

void tst_TimelineModel::liveMessagesArriveAtRowZero()
{
    TimelineModel model(kRoom, kSelf);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.fetchMore({});
    model.appendOlder(test::newestFirst(kRoom, 1, 10, kAnn), false);

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.addMessage(test::message(kRoom, 11, kAnn, u"hello"_s));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(roleAt(model, 0, TimelineModel::TextRole).toString(), u"hello"_s);
    QCOMPARE(roleAt(model, 0, TimelineModel::OwnRole).toBool(), false);

    // Another room's message does not belong here.
    model.addMessage(test::message(kRoom + 1, 12, kAnn, u"elsewhere"_s));
    QCOMPARE(model.rowCount(), 11);
}

void tst_TimelineModel::eachMessageAppearsOnceWhateverTheOrder()
{
    TimelineModel model(kRoom, kSelf);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.fetchMore({});
    model.appendOlder(test::newestFirst(kRoom, 41, 50, kAnn), true);

    // A push and a sync bring the same messages, in any order and more than once.
    for (const qint64 seq : { 53, 51, 52, 51, 53, 50, 45 })
        model.addMessage(test::message(kRoom, seq, kAnn, u"message %1"_s.arg(seq)));
    // An older page that overlaps what is there.
    model.fetchMore({});
    model.appendOlder(test::newestFirst(kRoom, 31, 45, kAnn), true);

    const auto shown = seqs(model);
    QVERIFY2(strictlyFalling(shown), "messages are in seq order, each once");
    QCOMPARE(shown.first(), 53);
    QCOMPARE(shown.last(), 31);
    QCOMPARE(shown.size(), 53 - 31 + 1);
}

void tst_TimelineModel::editsAndDeletionsChangeTheMessageInPlace()
{
    TimelineModel model(kRoom, kSelf);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.fetchMore({});
    model.appendOlder(test::newestFirst(kRoom, 1, 5, kAnn), false);
    const int row = model.rowOfSeq(3);
    QCOMPARE(row, 2);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.applyEdit(3, u"corrected, see https://example.org/a"_s, test::baseTime() + 1'000'000);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(roleAt(model, row, TimelineModel::TextRole).toString(),
             u"corrected, see https://example.org/a"_s);
    QVERIFY(roleAt(model, row, TimelineModel::EditedRole).toBool());
    QVERIFY(roleAt(model, row, TimelineModel::LinkedTextRole)
                .toString()
                .contains(u"<a href=\"https://example.org/a\">"_s));

    model.applyDelete(3);
    QVERIFY(roleAt(model, row, TimelineModel::DeletedRole).toBool());
    QVERIFY(roleAt(model, row, TimelineModel::TextRole).toString().isEmpty());
    QVERIFY2(!roleAt(model, row, TimelineModel::EditedRole).toBool(),
             "a deleted message is shown as deleted, not as edited");
    QCOMPARE(model.rowCount(), 5);

    // A deleted message cannot be edited any more.
    model.applyEdit(3, u"too late"_s, test::baseTime());
    QVERIFY(roleAt(model, row, TimelineModel::TextRole).toString().isEmpty());

    // A later copy of a message (from a sync) carries its current state.
    auto edited = test::message(kRoom, 4, kAnn, u"the current text"_s);
    edited.editedAt = test::baseTime() + 2'000'000;
    model.addMessage(edited);
    QCOMPARE(roleAt(model, model.rowOfSeq(4), TimelineModel::TextRole).toString(),
             u"the current text"_s);
}

void tst_TimelineModel::ownMessagesArePendingUntilDelivered()
{
    TimelineModel model(kRoom, kSelf);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.fetchMore({});
    model.appendOlder(test::newestFirst(kRoom, 1, 5, kAnn), false);

    model.addPending(u"c-1"_s, u"on its way"_s, test::baseTime() + 10'000'000);
    QCOMPARE(model.rowCount(), 6);
    QVERIFY(roleAt(model, 0, TimelineModel::PendingRole).toBool());
    QVERIFY(roleAt(model, 0, TimelineModel::OwnRole).toBool());
    QCOMPARE(roleAt(model, 0, TimelineModel::TextRole).toString(), u"on its way"_s);

    // Someone else's message arrives before the acknowledgement: it is older than the
    // pending one only until the acknowledgement gives the pending one its seq.
    model.addMessage(test::message(kRoom, 6, kAnn, u"meanwhile"_s));
    QCOMPARE(roleAt(model, 0, TimelineModel::TextRole).toString(), u"on its way"_s);
    QCOMPARE(roleAt(model, 1, TimelineModel::TextRole).toString(), u"meanwhile"_s);

    model.confirmPending(u"c-1"_s, 7, test::baseTime() + 10'000'001);
    QCOMPARE(model.rowCount(), 7);
    QCOMPARE(roleAt(model, 0, TimelineModel::SeqRole).toLongLong(), 7);
    QVERIFY(!roleAt(model, 0, TimelineModel::PendingRole).toBool());

    // The push of the same message changes nothing.
    auto echo = test::message(kRoom, 7, kSelf, u"on its way"_s);
    echo.clientId = u"c-1"_s;
    model.addMessage(echo);
    QCOMPARE(model.rowCount(), 7);

    // And when the push comes before the acknowledgement, the pending row makes way for it.
    model.addPending(u"c-2"_s, u"second"_s, test::baseTime() + 11'000'000);
    auto pushed = test::message(kRoom, 8, kSelf, u"second"_s);
    pushed.clientId = u"c-2"_s;
    model.addMessage(pushed);
    model.confirmPending(u"c-2"_s, 8, pushed.timestamp);
    QCOMPARE(model.rowCount(), 8);
    QCOMPARE(seqs(model).first(), 8);
    QVERIFY(strictlyFalling(seqs(model)));
}

void tst_TimelineModel::failedMessagesSayWhy()
{
    TimelineModel model(kRoom, kSelf);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addPending(u"c-1"_s, u"refused"_s, test::baseTime());
    model.setPendingFailed(u"c-1"_s, true, u"The message is too long."_s);
    QVERIFY(roleAt(model, 0, TimelineModel::FailedRole).toBool());
    QVERIFY(!roleAt(model, 0, TimelineModel::PendingRole).toBool());
    QCOMPARE(roleAt(model, 0, TimelineModel::FailureRole).toString(),
             u"The message is too long."_s);

    model.setPendingFailed(u"c-1"_s, false); // retried
    QVERIFY(roleAt(model, 0, TimelineModel::PendingRole).toBool());
    model.removePending(u"c-1"_s); // discarded
    QCOMPARE(model.rowCount(), 0);
}

void tst_TimelineModel::messagesAreGroupedBySenderAndDay()
{
    TimelineModel model(kRoom, kSelf);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const qint64 day = 24 * 3600 * 1000;
    const qint64 t = test::baseTime();
    QList<protocol::Event> page {
        // newest first
        test::message(kRoom, 6, kAnn, u"next day"_s, t + day),
        test::message(kRoom, 5, kSelf, u"mine"_s, t + 4 * 60'000),
        test::message(kRoom, 4, kAnn, u"after a pause"_s,
                      t + 3 * 60'000 + TimelineModel::kGroupGapMs),
        test::message(kRoom, 3, kAnn, u"third"_s, t + 2 * 60'000),
        test::message(kRoom, 2, kAnn, u"second"_s, t + 60'000),
        test::message(kRoom, 1, kAnn, u"first"_s, t),
    };
    model.fetchMore({});
    model.appendOlder(page, false);
    model.setToday(QDateTime::fromMSecsSinceEpoch(t + day).date());

    const auto groupStart = [&](qint64 seq) {
        return roleAt(model, model.rowOfSeq(seq), TimelineModel::GroupStartRole).toBool();
    };
    const auto showDay = [&](qint64 seq) {
        return roleAt(model, model.rowOfSeq(seq), TimelineModel::ShowDayRole).toBool();
    };
    QVERIFY(groupStart(1));
    QVERIFY(!groupStart(2));
    QVERIFY(!groupStart(3));
    QVERIFY2(groupStart(4), "a long pause starts a new group");
    QVERIFY2(groupStart(5), "another sender starts a new group");
    QVERIFY2(groupStart(6), "a new day starts a new group");
    QVERIFY(showDay(1));
    QVERIFY(!showDay(5));
    QVERIFY(showDay(6));
    QCOMPARE(roleAt(model, model.rowOfSeq(6), TimelineModel::DayRole).toString(), u"Today"_s);
    QCOMPARE(roleAt(model, model.rowOfSeq(1), TimelineModel::DayRole).toString(), u"Yesterday"_s);
    QCOMPARE(roleAt(model, model.rowOfSeq(2), TimelineModel::TimeRole).toString(),
             client::timeText::time(QDateTime::fromMSecsSinceEpoch(t + 60'000)));
    QVERIFY2(
        !roleAt(model, model.rowOfSeq(2), TimelineModel::TimeRole).toString().contains(u":00:"_s),
        "times are shown without seconds");
    QVERIFY(roleAt(model, model.rowOfSeq(5), TimelineModel::OwnRole).toBool());
    QVERIFY(roleAt(model, model.rowOfSeq(5), TimelineModel::GroupEndRole).toBool());
    QVERIFY(!roleAt(model, model.rowOfSeq(2), TimelineModel::GroupEndRole).toBool());
}

void tst_TimelineModel::theFirstUnreadMessageCarriesTheMarker()
{
    TimelineModel model(kRoom, kSelf);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setReadMarker(37);
    model.fetchMore({});
    model.appendOlder(test::newestFirst(kRoom, 21, 40, kAnn), true);
    QList<qint64> marked;
    for (int row = 0; row < model.rowCount(); ++row) {
        if (roleAt(model, row, TimelineModel::FirstUnreadRole).toBool())
            marked.append(roleAt(model, row, TimelineModel::SeqRole).toLongLong());
    }
    QCOMPARE(marked, QList<qint64> { 38 });
    QVERIFY(roleAt(model, model.rowOfSeq(38), TimelineModel::GroupStartRole).toBool());

    model.setReadMarker(-1);
    QVERIFY(!model.hasUnreadMarker());
    QVERIFY(!roleAt(model, model.rowOfSeq(38), TimelineModel::FirstUnreadRole).toBool());
}

void tst_TimelineModel::theWindowStaysBoundedAndComesBack()
{
    TimelineModel model(kRoom, kSelf);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setWindowLimit(200);
    model.addPending(u"c-1"_s, u"waiting"_s, test::baseTime() + 100'000'000);
    model.fetchMore({});
    model.appendOlder(test::newestFirst(kRoom, 951, 1000, kAnn), true);
    for (qint64 top = 950; top > 700; top -= 50) {
        model.fetchMore({});
        model.appendOlder(test::newestFirst(kRoom, top - 49, top, kAnn), true);
        QVERIFY2(model.rowCount() <= model.windowLimit(),
                 qPrintable(u"%1 rows"_s.arg(model.rowCount())));
    }
    QVERIFY(model.hasNewer());
    QCOMPARE(model.oldestSeq(), 701);
    QVERIFY2(model.newestSeq() < 1000, "the newest rows were let go");
    QVERIFY2(!roleAt(model, 0, TimelineModel::PendingRole).toBool(),
             "the pending message went with the newest end");

    // Live messages do not land in the middle of history while the newest end is away.
    const int before = model.rowCount();
    model.addMessage(test::message(kRoom, 1001, kAnn, u"new"_s));
    QCOMPARE(model.rowCount(), before);
    QCOMPARE(model.unseenNewer(), 1);

    // Scrolling back down fetches the newest messages again, page by page.
    QSignalSpy newer(&model, &TimelineModel::newerPageRequested);
    while (model.hasNewer()) {
        const qint64 after = model.newestSeq();
        model.fetchNewer();
        QCOMPARE(newer.last().at(0).toLongLong(), after);
        const qint64 last = std::min<qint64>(after + 50, 1001);
        model.prependNewer(test::oldestFirst(kRoom, after + 1, last, kAnn), last == 1001);
        QVERIFY(model.rowCount() <= model.windowLimit() + 1);
        QVERIFY(strictlyFalling(seqs(model).mid(model.hasNewer() ? 0 : 1)));
    }
    QCOMPARE(model.newestSeq(), 1001);
    QVERIFY(model.hasOlder());
    QVERIFY2(roleAt(model, 0, TimelineModel::PendingRole).toBool(),
             "the pending message is back at the bottom");
    QCOMPARE(model.unseenNewer(), 0);
}

void tst_TimelineModel::scrollingThroughAHundredThousandMessages()
{
    TimelineModel model(kRoom, kSelf);
    QSet<qint64> seen;
    qint64 previous = std::numeric_limits<qint64>::max();
    bool ordered = true;
    connect(&model, &QAbstractItemModel::rowsInserted, &model,
            [&](const QModelIndex &, int first, int last) {
                for (int row = first; row <= last; ++row) {
                    const qint64 seq = model.index(row).data(TimelineModel::SeqRole).toLongLong();
                    ordered = ordered && seq < previous;
                    previous = seq;
                    seen.insert(seq);
                }
            });
    connect(&model, &TimelineModel::olderPageRequested, &model, [&](qint64 before) {
        const qint64 top = before == 0 ? 100'000 : before - 1;
        const qint64 bottom = std::max<qint64>(1, top - TimelineModel::kPageSize + 1);
        model.appendOlder(test::newestFirst(kRoom, bottom, top, kAnn), bottom > 1);
    });
    int largest = 0;
    while (model.canFetchMore({})) {
        model.fetchMore({});
        largest = std::max(largest, model.rowCount());
    }
    QCOMPARE(seen.size(), 100'000);
    QVERIFY2(ordered, "pages arrive in falling seq order");
    QVERIFY2(largest <= model.windowLimit(), qPrintable(u"%1 rows at most"_s.arg(largest)));
    QCOMPARE(model.oldestSeq(), 1);
}

void tst_TimelineModel::upEditsTheNewestOwnMessage()
{
    TimelineModel model(kRoom, kSelf);
    model.fetchMore({});
    QList<protocol::Event> page { test::message(kRoom, 4, kAnn, u"theirs"_s),
                                  test::message(kRoom, 3, kSelf, u"my newest"_s),
                                  test::message(kRoom, 2, kSelf, u"my older"_s) };
    model.appendOlder(page, false);
    const QVariantMap last = model.lastEditableOwnMessage();
    QCOMPARE(last.value(u"seq"_s).toLongLong(), 3);
    QCOMPARE(last.value(u"text"_s).toString(), u"my newest"_s);
    model.applyDelete(3);
    QCOMPARE(model.lastEditableOwnMessage().value(u"seq"_s).toLongLong(), 2);
}

QTEST_MAIN(tst_TimelineModel)
#include "tst_timelinemodel.moc"
