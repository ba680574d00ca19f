#include "TimelineModel.h"

#include "text/TimeText.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {

const QList<int> kNeighbourRoles { TimelineModel::ShowDayRole, TimelineModel::GroupStartRole,
                                   TimelineModel::GroupEndRole, TimelineModel::FirstUnreadRole };

QDateTime localTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toLocalTime();
}

} // namespace

TimelineModel::TimelineModel(qint64 roomId, protocol::User self, QObject *parent)
    : QAbstractListModel(parent)
    , m_roomId(roomId)
    , m_self(std::move(self))
{
    connect(this, &QAbstractItemModel::rowsInserted, this, &TimelineModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &TimelineModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &TimelineModel::countChanged);
}

int TimelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : pendingRows() + int(m_delivered.size());
}

const TimelineItem &TimelineModel::itemAt(int row) const
{
    const int pending = pendingRows();
    return row < pending ? m_pending.at(row) : m_delivered.at(row - pending);
}

QHash<int, QByteArray> TimelineModel::roleNames() const
{
    return {
        { SeqRole, "seq" },
        { ClientIdRole, "clientId" },
        { SenderIdRole, "senderId" },
        { SenderNameRole, "senderName" },
        { TextRole, "text" },
        { LinkedTextRole, "linkedText" },
        { TimestampRole, "timestamp" },
        { TimeRole, "time" },
        { FullTimeRole, "fullTime" },
        { DayRole, "day" },
        { ShowDayRole, "showDay" },
        { GroupStartRole, "groupStart" },
        { GroupEndRole, "groupEnd" },
        { OwnRole, "own" },
        { EditedRole, "edited" },
        { DeletedRole, "deleted" },
        { PendingRole, "pending" },
        { FailedRole, "failed" },
        { FailureRole, "failure" },
        { FirstUnreadRole, "firstUnread" },
    };
}

QVariant TimelineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const TimelineItem &item = itemAt(row);
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return item.text;
    case SeqRole:
        return item.seq;
    case ClientIdRole:
        return item.clientId;
    case SenderIdRole:
        return item.sender.id;
    case SenderNameRole:
        return item.sender.name;
    case LinkedTextRole:
        return item.linkedText;
    case TimestampRole:
        return item.timestamp;
    case TimeRole:
        return timeText::time(localTime(item.timestamp));
    case FullTimeRole:
        return QLocale().toString(localTime(item.timestamp), QLocale::LongFormat);
    case DayRole:
        return dayLabel(localTime(item.timestamp).date());
    case ShowDayRole:
        return showsDay(row);
    case GroupStartRole:
        return startsGroup(row);
    case GroupEndRole:
        return row == 0 || startsGroup(row - 1);
    case OwnRole:
        return isOwn(item);
    case EditedRole:
        return item.editedAt.has_value() && !item.deleted;
    case DeletedRole:
        return item.deleted;
    case PendingRole:
        return item.delivery == TimelineItem::Delivery::Pending;
    case FailedRole:
        return item.delivery == TimelineItem::Delivery::Failed;
    case FailureRole:
        return item.failure;
    case FirstUnreadRole:
        return isFirstUnread(row);
    default:
        return {};
    }
}

bool TimelineModel::isOwn(const TimelineItem &item) const
{
    return item.delivery != TimelineItem::Delivery::Delivered || item.sender.id == m_self.id;
}

bool TimelineModel::showsDay(int row) const
{
    if (row + 1 >= rowCount())
        return !m_hasOlder;
    return localTime(itemAt(row).timestamp).date() != localTime(itemAt(row + 1).timestamp).date();
}

bool TimelineModel::startsGroup(int row) const
{
    if (row + 1 >= rowCount() || showsDay(row))
        return true;
    const TimelineItem &item = itemAt(row);
    const TimelineItem &older = itemAt(row + 1);
    return isOwn(item) != isOwn(older) || item.sender.id != older.sender.id
        || item.timestamp - older.timestamp > kGroupGapMs || isFirstUnread(row);
}

bool TimelineModel::isFirstUnread(int row) const
{
    const TimelineItem &item = itemAt(row);
    if (item.delivery != TimelineItem::Delivery::Delivered || item.seq <= m_readMarker)
        return false;
    if (row + 1 >= rowCount())
        return !m_hasOlder;
    return itemAt(row + 1).seq <= m_readMarker;
}

void TimelineModel::setToday(const QDate &today)
{
    m_today = today;
    if (rowCount() > 0)
        emit dataChanged(index(0), index(rowCount() - 1), { DayRole });
}

QString TimelineModel::dayLabel(const QDate &date) const
{
    return timeText::day(date, m_today.isValid() ? m_today : QDate::currentDate());
}

qsizetype TimelineModel::findDelivered(qint64 seq) const
{
    // m_delivered falls by seq: find the first element not greater than seq.
    const auto at
        = std::lower_bound(m_delivered.cbegin(), m_delivered.cend(), seq,
                           [](const TimelineItem &item, qint64 value) { return item.seq > value; });
    const qsizetype position = at - m_delivered.cbegin();
    if (at != m_delivered.cend() && at->seq == seq)
        return position;
    return -position - 1;
}

int TimelineModel::rowOfSeq(qint64 seq) const
{
    const qsizetype position = findDelivered(seq);
    return position < 0 ? -1 : pendingRows() + int(position);
}

void TimelineModel::neighboursChanged(int first, int last)
{
    first = std::max(first, 0);
    last = std::min(last, rowCount() - 1);
    if (first <= last)
        emit dataChanged(index(first), index(last), kNeighbourRoles);
}

void TimelineModel::setHasOlder(bool hasOlder)
{
    if (m_hasOlder == hasOlder)
        return;
    m_hasOlder = hasOlder;
    emit hasOlderChanged();
    // The oldest row's day separator and group depend on whether anything is above it.
    neighboursChanged(rowCount() - 1, rowCount() - 1);
}

void TimelineModel::setLoading(bool older, bool loading)
{
    bool &flag = older ? m_loadingOlder : m_loadingNewer;
    if (flag == loading)
        return;
    flag = loading;
    emit loadingChanged();
}

bool TimelineModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_hasOlder && !m_loadingOlder;
}

void TimelineModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    setLoading(true, true);
    emit olderPageRequested(oldestSeq());
}

void TimelineModel::fetchNewer()
{
    if (!m_hasNewer || m_loadingNewer)
        return;
    setLoading(false, true);
    emit newerPageRequested(newestSeq());
}

void TimelineModel::jumpToNewest()
{
    if (!m_hasNewer)
        return;
    setLoading(false, true);
    emit newestPageRequested();
}

void TimelineModel::olderPageFailed()
{
    setLoading(true, false);
}

void TimelineModel::newerPageFailed()
{
    setLoading(false, false);
}

void TimelineModel::setWindowLimit(int rows)
{
    m_windowLimit = std::max(rows, 2 * kPageSize);
}

void TimelineModel::appendOlder(const QList<protocol::Event> &newestFirst, bool hasMore)
{
    // Still "loading" while the rows go in, so that a view asking for more in the middle of
    // the insertion does not ask for the same page again.
    QList<TimelineItem> items;
    QList<protocol::Event> overlapping;
    const qint64 oldest = m_delivered.isEmpty() ? std::numeric_limits<qint64>::max() : oldestSeq();
    for (const auto &message : newestFirst) {
        if (message.kind != protocol::EventKind::Message || message.room != m_roomId)
            continue;
        if (message.seq < oldest && (items.isEmpty() || message.seq < items.last().seq))
            items.append(TimelineItem::fromMessage(message));
        else
            overlapping.append(message);
    }
    // A page that reaches into what the window has (a live message arrived while the newest
    // page was on its way) is merged one message at a time.
    for (const auto &message : std::as_const(overlapping))
        addMessage(message);

    if (!items.isEmpty()) {
        const int first = rowCount();
        beginInsertRows({}, first, first + int(items.size()) - 1);
        m_delivered.append(items);
        endInsertRows();
        neighboursChanged(first - 1, first - 1);
    }
    setHasOlder(hasMore);
    if (rowCount() > m_windowLimit)
        trimNewest();
    setLoading(true, false);
}

void TimelineModel::prependNewer(const QList<protocol::Event> &oldestFirst, bool reachedNewest)
{
    QList<TimelineItem> items; // newest first
    const qint64 newest = newestSeq();
    for (const auto &message : oldestFirst) {
        if (message.kind != protocol::EventKind::Message || message.room != m_roomId)
            continue;
        if (message.seq > newest && (items.isEmpty() || message.seq > items.first().seq))
            items.prepend(TimelineItem::fromMessage(message));
    }
    if (!items.isEmpty()) {
        const int first = pendingRows();
        beginInsertRows({}, first, first + int(items.size()) - 1);
        m_delivered = items + m_delivered;
        endInsertRows();
        neighboursChanged(first + int(items.size()), first + int(items.size()));
    }
    if (reachedNewest && m_hasNewer) {
        // The user's messages on their way sit below the newest delivered one again.
        if (!m_pending.isEmpty()) {
            beginInsertRows({}, 0, int(m_pending.size()) - 1);
            m_hasNewer = false;
            endInsertRows();
            neighboursChanged(int(m_pending.size()), int(m_pending.size()));
        }
        m_hasNewer = false;
        emit hasNewerChanged();
        if (m_unseenNewer != 0) {
            m_unseenNewer = 0;
            emit unseenNewerChanged();
        }
    }
    if (rowCount() > m_windowLimit)
        trimOldest();
    setLoading(false, false);
}

void TimelineModel::resetToNewest(const QList<protocol::Event> &newestFirst, bool hasMore)
{
    beginResetModel();
    m_delivered.clear();
    for (const auto &message : newestFirst) {
        if (message.kind == protocol::EventKind::Message && message.room == m_roomId
            && (m_delivered.isEmpty() || message.seq < m_delivered.last().seq))
            m_delivered.append(TimelineItem::fromMessage(message));
    }
    m_hasNewer = false;
    m_hasOlder = hasMore;
    m_loadingOlder = true; // no requests from views until the reset is through
    endResetModel();
    emit hasNewerChanged();
    emit hasOlderChanged();
    setLoading(false, false);
    m_loadingOlder = false;
    emit loadingChanged();
    if (m_unseenNewer != 0) {
        m_unseenNewer = 0;
        emit unseenNewerChanged();
    }
}

void TimelineModel::trimNewest()
{
    // Drop whole pages from the newest end until the window fits again.
    const int excess = rowCount() - m_windowLimit;
    const int pending = pendingRows();
    int drop = std::max(excess, kPageSize);
    drop = std::min(drop, int(m_delivered.size()) - kPageSize);
    if (drop <= 0)
        return;
    beginRemoveRows({}, 0, pending + drop - 1);
    m_hasNewer = true;
    m_delivered.remove(0, drop);
    endRemoveRows();
    neighboursChanged(0, 0);
    emit hasNewerChanged();
}

void TimelineModel::trimOldest()
{
    const int excess = rowCount() - m_windowLimit;
    int drop = std::max(excess, kPageSize);
    drop = std::min(drop, int(m_delivered.size()) - kPageSize);
    if (drop <= 0)
        return;
    const int last = rowCount() - 1;
    beginRemoveRows({}, last - drop + 1, last);
    m_delivered.remove(m_delivered.size() - drop, drop);
    endRemoveRows();
    setHasOlder(true);
    neighboursChanged(rowCount() - 1, rowCount() - 1);
}

void TimelineModel::removeRows(int first, int last)
{
    beginRemoveRows({}, first, last);
    const int pending = pendingRows();
    for (int row = last; row >= first; --row) {
        if (row < pending)
            m_pending.removeAt(row);
        else
            m_delivered.removeAt(row - pending);
    }
    endRemoveRows();
    neighboursChanged(first - 1, first);
}

void TimelineModel::insertDelivered(const TimelineItem &item)
{
    const qsizetype found = findDelivered(item.seq);
    if (found >= 0)
        return;
    const qsizetype position = -found - 1;
    // Outside the window: newer than its newest end while that end is dropped, or older than
    // its oldest row while older pages are still to come. The message arrives with those pages.
    if ((m_hasNewer && position == 0)
        || (m_hasOlder && position == m_delivered.size() && !m_delivered.isEmpty()))
        return;
    const int row = pendingRows() + int(position);
    beginInsertRows({}, row, row);
    m_delivered.insert(position, item);
    endInsertRows();
    neighboursChanged(row - 1, row + 1);
}

void TimelineModel::addMessage(const protocol::Event &message)
{
    if (message.kind != protocol::EventKind::Message || message.room != m_roomId)
        return;
    if (message.sender.id == m_self.id && !message.clientId.isEmpty())
        removePending(message.clientId);

    const qsizetype found = findDelivered(message.seq);
    if (found >= 0) {
        // Seen before; the copy that comes later may carry an edit or a deletion.
        TimelineItem &item = m_delivered[found];
        if (item.deleted == message.deleted && item.text == message.text
            && item.editedAt == message.editedAt)
            return;
        item.deleted = message.deleted;
        item.editedAt = message.editedAt;
        item.setText(message.deleted ? QString() : message.text);
        const QModelIndex changed = index(pendingRows() + int(found));
        emit dataChanged(changed, changed);
        return;
    }
    if (m_hasNewer && (m_delivered.isEmpty() || message.seq > newestSeq())) {
        ++m_unseenNewer;
        emit unseenNewerChanged();
        return;
    }
    insertDelivered(TimelineItem::fromMessage(message));
    if (rowCount() > m_windowLimit + kPageSize)
        trimOldest();
}

void TimelineModel::applyEdit(qint64 targetSeq, const QString &text, qint64 editedAt)
{
    const qsizetype found = findDelivered(targetSeq);
    if (found < 0 || m_delivered.at(found).deleted)
        return;
    TimelineItem &item = m_delivered[found];
    item.setText(text);
    item.editedAt = editedAt;
    const QModelIndex changed = index(pendingRows() + int(found));
    emit dataChanged(changed, changed, { TextRole, LinkedTextRole, EditedRole });
}

void TimelineModel::applyDelete(qint64 targetSeq)
{
    const qsizetype found = findDelivered(targetSeq);
    if (found < 0 || m_delivered.at(found).deleted)
        return;
    TimelineItem &item = m_delivered[found];
    item.deleted = true;
    item.setText({});
    const QModelIndex changed = index(pendingRows() + int(found));
    emit dataChanged(changed, changed, { TextRole, LinkedTextRole, EditedRole, DeletedRole });
}

void TimelineModel::addPending(const QString &clientId, const QString &text, qint64 createdAt,
                               bool failed, const QString &failure)
{
    for (const auto &item : std::as_const(m_pending)) {
        if (item.clientId == clientId)
            return;
    }
    TimelineItem item;
    item.clientId = clientId;
    item.sender = m_self;
    item.timestamp = createdAt;
    item.setText(text);
    item.delivery = failed ? TimelineItem::Delivery::Failed : TimelineItem::Delivery::Pending;
    item.failure = failure;
    if (m_hasNewer) {
        m_pending.prepend(item);
        return;
    }
    beginInsertRows({}, 0, 0);
    m_pending.prepend(item);
    endInsertRows();
    neighboursChanged(1, 1);
}

void TimelineModel::setPendingFailed(const QString &clientId, bool failed, const QString &failure)
{
    for (qsizetype i = 0; i < m_pending.size(); ++i) {
        if (m_pending.at(i).clientId != clientId)
            continue;
        m_pending[i].delivery
            = failed ? TimelineItem::Delivery::Failed : TimelineItem::Delivery::Pending;
        m_pending[i].failure = failure;
        if (!m_hasNewer)
            emit dataChanged(index(int(i)), index(int(i)),
                             { PendingRole, FailedRole, FailureRole });
        return;
    }
}

void TimelineModel::removePending(const QString &clientId)
{
    for (qsizetype i = 0; i < m_pending.size(); ++i) {
        if (m_pending.at(i).clientId != clientId)
            continue;
        if (m_hasNewer)
            m_pending.removeAt(i);
        else
            removeRows(int(i), int(i));
        return;
    }
}

void TimelineModel::confirmPending(const QString &clientId, qint64 seq, qint64 timestamp)
{
    for (qsizetype i = 0; i < m_pending.size(); ++i) {
        if (m_pending.at(i).clientId != clientId)
            continue;
        TimelineItem item = m_pending.at(i);
        removePending(clientId);
        item.seq = seq;
        item.timestamp = timestamp;
        item.delivery = TimelineItem::Delivery::Delivered;
        item.failure.clear();
        if (!m_hasNewer)
            insertDelivered(item);
        return;
    }
}

void TimelineModel::setReadMarker(qint64 lastReadSeq)
{
    const qint64 marker = lastReadSeq < 0 ? kNoMarker : lastReadSeq;
    if (m_readMarker == marker)
        return;
    m_readMarker = marker;
    emit readMarkerChanged();
    if (rowCount() > 0)
        emit dataChanged(index(0), index(rowCount() - 1), kNeighbourRoles);
}

QVariantMap TimelineModel::lastEditableOwnMessage() const
{
    if (m_hasNewer)
        return {};
    for (const auto &item : m_delivered) {
        if (item.sender.id == m_self.id && !item.deleted)
            return { { u"seq"_s, item.seq }, { u"text"_s, item.text } };
    }
    return {};
}

} // namespace confab::client
