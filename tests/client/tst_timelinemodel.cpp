// The timeline of a room as the user sees it: the newest page at once, older pages appended
// without disturbing what is shown, live messages at the bottom, edits and deletions in place,
// each message once and in order, and a bounded number of rows however far the user scrolls.
// What the user may do with each message is the model's to say, the same way for every view.

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

// The seq of the newest row the model says can be edited, 0 when none can.
qint64 newestEditableSeq(const TimelineModel &model)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (roleAt(model, row, TimelineModel::CanEditRole).toBool())
            return roleAt(model, row, TimelineModel::SeqRole).toLongLong();
    }
    return 0;
}

// Where the edit of the last message (the Up key) and the roles disagree about which message
// that is; empty when they agree.
QString lastEditableDisagreement(const TimelineModel &model)
{
    const client::MessageActions last = model.lastEditableOwnMessage();
    const qint64 expected = newestEditableSeq(model);
    if (last.seq != expected || last.canEdit != (expected != 0))
        return u"Up edits %1 (canEdit %2), the roles say %3"_s.arg(last.seq)
            .arg(last.canEdit)
            .arg(expected);
    const int row = model.rowOfSeq(expected);
    if (last.canEdit && last.text != roleAt(model, row, TimelineModel::TextRole).toString())
        return u"Up edits the text \"%1\" of %2"_s.arg(last.text).arg(expected);
    return {};
}

// The newest row of whatTheUserMayDoFollowsTheRow.
enum class Kind { Others, Own, OwnEdited, OwnDeleted, OthersDeleted, Pending, Failed, Retried };

} // namespace

Q_DECLARE_METATYPE(Kind)

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
    void whatTheUserMayDoFollowsTheRow_data();
    void whatTheUserMayDoFollowsTheRow();
    void theRulesAreAnnouncedWhenTheyTurn();
    void upEditsTheNewestOwnMessage();
    void upEditsNothingWhileTheNewestRowsAreAway();
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

void tst_TimelineModel::whatTheUserMayDoFollowsTheRow_data()
{
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<bool>("own");
    QTest::addColumn<bool>("canEdit");
    QTest::addColumn<bool>("canDelete");
    QTest::addColumn<bool>("canRetry");
    QTest::addColumn<bool>("canCopy");

    QTest::newRow("someone else's") << Kind::Others << false << false << false << false << true;
    QTest::newRow("own") << Kind::Own << true << true << true << false << true;
    QTest::newRow("own, edited") << Kind::OwnEdited << true << true << true << false << true;
    QTest::newRow("own, deleted") << Kind::OwnDeleted << true << false << false << false << false;
    QTest::newRow("someone else's, deleted")
        << Kind::OthersDeleted << false << false << false << false << false;
    QTest::newRow("own, pending") << Kind::Pending << true << false << false << false << true;
    QTest::newRow("own, failed") << Kind::Failed << true << false << false << true << true;
    QTest::newRow("own, failed and retried")
        << Kind::Retried << true << false << false << false << true;
}

void tst_TimelineModel::whatTheUserMayDoFollowsTheRow()
{
    QFETCH(Kind, kind);
    QFETCH(bool, own);
    QFETCH(bool, canEdit);
    QFETCH(bool, canDelete);
    QFETCH(bool, canRetry);
    QFETCH(bool, canCopy);

    TimelineModel model(kRoom, kSelf);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.fetchMore({});
    model.appendOlder(test::newestFirst(kRoom, 1, 3, kAnn), false);
    // The row under test is the newest, row 0.
    switch (kind) {
    case Kind::Others:
        model.addMessage(test::message(kRoom, 4, kAnn, u"theirs"_s));
        break;
    case Kind::Own:
        model.addMessage(test::message(kRoom, 4, kSelf, u"mine"_s));
        break;
    case Kind::OwnEdited:
        model.addMessage(test::message(kRoom, 4, kSelf, u"mine"_s));
        model.applyEdit(4, u"mine, corrected"_s, test::baseTime() + 1'000'000);
        break;
    case Kind::OwnDeleted:
        model.addMessage(test::message(kRoom, 4, kSelf, u"mine"_s));
        model.applyDelete(4);
        break;
    case Kind::OthersDeleted: {
        auto deleted = test::message(kRoom, 4, kAnn, QString());
        deleted.deleted = true;
        model.addMessage(deleted);
        break;
    }
    case Kind::Pending:
        model.addPending(u"c-1"_s, u"on its way"_s, test::baseTime() + 10'000'000);
        break;
    case Kind::Failed:
        model.addPending(u"c-1"_s, u"refused"_s, test::baseTime() + 10'000'000);
        model.setPendingFailed(u"c-1"_s, true, u"The message is too long."_s);
        break;
    case Kind::Retried:
        model.addPending(u"c-1"_s, u"refused"_s, test::baseTime() + 10'000'000, true);
        model.setPendingFailed(u"c-1"_s, false);
        break;
    }
    QCOMPARE(model.rowCount(), 4);

    QCOMPARE(roleAt(model, 0, TimelineModel::OwnRole).toBool(), own);
    QCOMPARE(roleAt(model, 0, TimelineModel::CanEditRole).toBool(), canEdit);
    QCOMPARE(roleAt(model, 0, TimelineModel::CanDeleteRole).toBool(), canDelete);
    QCOMPARE(roleAt(model, 0, TimelineModel::CanRetryRole).toBool(), canRetry);
    QCOMPARE(roleAt(model, 0, TimelineModel::CanCopyRole).toBool(), canCopy);

    // The context menu's copy of the row says the same, and names the same message.
    const client::MessageActions actions = model.actionsAt(0);
    QCOMPARE(actions.canEdit, canEdit);
    QCOMPARE(actions.canDelete, canDelete);
    QCOMPARE(actions.canRetry, canRetry);
    QCOMPARE(actions.canCopy, canCopy);
    QCOMPARE(actions.seq, roleAt(model, 0, TimelineModel::SeqRole).toLongLong());
    QCOMPARE(actions.clientId, roleAt(model, 0, TimelineModel::ClientIdRole).toString());
    QCOMPARE(actions.text, roleAt(model, 0, TimelineModel::TextRole).toString());

    // The views know the rules by these names.
    const auto names = model.roleNames();
    QCOMPARE(names.value(TimelineModel::CanEditRole), "canEdit"_ba);
    QCOMPARE(names.value(TimelineModel::CanDeleteRole), "canDelete"_ba);
    QCOMPARE(names.value(TimelineModel::CanRetryRole), "canRetry"_ba);
    QCOMPARE(names.value(TimelineModel::CanCopyRole), "canCopy"_ba);

    // The rows below are someone else's: Up edits row 0 or nothing.
    QVERIFY2(lastEditableDisagreement(model).isEmpty(),
             qPrintable(lastEditableDisagreement(model)));
    QCOMPARE(model.lastEditableOwnMessage().seq, canEdit ? 4 : 0);
}

void tst_TimelineModel::theRulesAreAnnouncedWhenTheyTurn()
{
    TimelineModel model(kRoom, kSelf);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.fetchMore({});
    model.appendOlder(
        { test::message(kRoom, 2, kSelf, u"mine"_s), test::message(kRoom, 1, kAnn, u"theirs"_s) },
        false);
    model.addPending(u"c-1"_s, u"refused"_s, test::baseTime() + 10'000'000);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    const auto announced = [&](int row, int role) {
        for (const auto &arguments : std::as_const(changed)) {
            const int first = arguments.at(0).toModelIndex().row();
            const int last = arguments.at(1).toModelIndex().row();
            const auto roles = arguments.at(2).value<QList<int>>();
            if (first <= row && row <= last && (roles.isEmpty() || roles.contains(role)))
                return true;
        }
        return false;
    };

    model.setPendingFailed(u"c-1"_s, true, u"The message is too long."_s);
    QVERIFY(roleAt(model, 0, TimelineModel::CanRetryRole).toBool());
    QVERIFY2(announced(0, TimelineModel::CanRetryRole), "failing makes the message retriable");
    changed.clear();
    model.setPendingFailed(u"c-1"_s, false);
    QVERIFY(!roleAt(model, 0, TimelineModel::CanRetryRole).toBool());
    QVERIFY2(announced(0, TimelineModel::CanRetryRole), "a retried message is on its way again");

    const int mine = model.rowOfSeq(2);
    QVERIFY(roleAt(model, mine, TimelineModel::CanEditRole).toBool());
    changed.clear();
    model.applyDelete(2);
    QVERIFY(!roleAt(model, mine, TimelineModel::CanEditRole).toBool());
    QVERIFY(!roleAt(model, mine, TimelineModel::CanDeleteRole).toBool());
    QVERIFY(!roleAt(model, mine, TimelineModel::CanCopyRole).toBool());
    QVERIFY2(announced(mine, TimelineModel::CanEditRole), "a deleted message cannot be edited");
    QVERIFY2(announced(mine, TimelineModel::CanDeleteRole), "nor deleted again");
    QVERIFY2(announced(mine, TimelineModel::CanCopyRole), "nor copied");
}

void tst_TimelineModel::upEditsTheNewestOwnMessage()
{
    TimelineModel model(kRoom, kSelf);
    model.fetchMore({});
    QList<protocol::Event> page { test::message(kRoom, 4, kAnn, u"theirs"_s),
                                  test::message(kRoom, 3, kSelf, u"my newest"_s),
                                  test::message(kRoom, 2, kSelf, u"my older"_s) };
    model.appendOlder(page, false);
    client::MessageActions last = model.lastEditableOwnMessage();
    QVERIFY(last.canEdit);
    QCOMPARE(last.seq, 3);
    QCOMPARE(last.text, u"my newest"_s);
    QVERIFY2(lastEditableDisagreement(model).isEmpty(),
             qPrintable(lastEditableDisagreement(model)));

    // Messages still on their way, or refused, have nothing the server could edit yet.
    model.addPending(u"c-1"_s, u"on its way"_s, test::baseTime() + 10'000'000);
    model.addPending(u"c-2"_s, u"refused"_s, test::baseTime() + 10'000'001, true);
    QCOMPARE(model.lastEditableOwnMessage().seq, 3);
    QVERIFY2(lastEditableDisagreement(model).isEmpty(),
             qPrintable(lastEditableDisagreement(model)));

    model.applyDelete(3);
    QCOMPARE(model.lastEditableOwnMessage().seq, 2);
    QVERIFY2(lastEditableDisagreement(model).isEmpty(),
             qPrintable(lastEditableDisagreement(model)));

    // Once delivered, the message that was on its way is the newest that can be edited.
    model.confirmPending(u"c-1"_s, 5, test::baseTime() + 10'000'002);
    QCOMPARE(model.lastEditableOwnMessage().seq, 5);
    QVERIFY2(lastEditableDisagreement(model).isEmpty(),
             qPrintable(lastEditableDisagreement(model)));

    model.applyDelete(5);
    model.applyDelete(2);
    last = model.lastEditableOwnMessage();
    QVERIFY2(!last.canEdit, "no message of the user is left to edit");
    QCOMPARE(last.seq, 0);
    QVERIFY2(lastEditableDisagreement(model).isEmpty(),
             qPrintable(lastEditableDisagreement(model)));
}

void tst_TimelineModel::upEditsNothingWhileTheNewestRowsAreAway()
{
    TimelineModel model(kRoom, kSelf);
    model.setWindowLimit(100);
    model.fetchMore({});
    model.appendOlder(test::newestFirst(kRoom, 151, 200, kAnn), true);
    model.fetchMore({});
    model.appendOlder(test::newestFirst(kRoom, 101, 150, kSelf), true);
    model.fetchMore({});
    model.appendOlder(test::newestFirst(kRoom, 51, 100, kSelf), true);
    QVERIFY(model.hasNewer());
    QVERIFY2(newestEditableSeq(model) > 0, "rows of the user's that can be edited are shown");
    // The user's newest message may be among the rows let go: Up edits none rather than an
    // older one.
    QVERIFY(!model.lastEditableOwnMessage().canEdit);
}

QTEST_MAIN(tst_TimelineModel)
#include "tst_timelinemodel.moc"
