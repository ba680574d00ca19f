#include "TimelineModel.h"

#include "text/TimeText.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>

namespace confab::client {

namespace {

const QList<int> kNeighbourRoles { TimelineModel::ShowDayRole, TimelineModel::GroupStartRole,
                                   TimelineModel::GroupEndRole, TimelineModel::FirstUnreadRole };
// The roles that a change of a row's text, of its deletion or of its delivery can turn. The
// rules depend on those too, and a view bound to a rule only hears of it through these lists.
const QList<int> kTextRoles { TimelineModel::TextRole, TimelineModel::LinkedTextRole,
                              TimelineModel::EditedRole, TimelineModel::CanCopyRole };
const QList<int> kDeletionRoles { TimelineModel::TextRole,    TimelineModel::LinkedTextRole,
                                  TimelineModel::EditedRole,  TimelineModel::DeletedRole,
                                  TimelineModel::CanEditRole, TimelineModel::CanDeleteRole,
                                  TimelineModel::CanCopyRole };
const QList<int> kDeliveryRoles { TimelineModel::PendingRole,   TimelineModel::FailedRole,
                                  TimelineModel::FailureRole,   TimelineModel::CanEditRole,
                                  TimelineModel::CanDeleteRole, TimelineModel::CanRetryRole };

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
        { CanEditRole, "canEdit" },
        { CanDeleteRole, "canDelete" },
        { CanRetryRole, "canRetry" },
        { CanCopyRole, "canCopy" },
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
        return messageRules::isOwn(item, m_self.id);
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
    case CanEditRole:
        return messageRules::canEdit(item, m_self.id);
    case CanDeleteRole:
        return messageRules::canDelete(item, m_self.id);
    case CanRetryRole:
        return messageRules::canRetry(item);
    case CanCopyRole:
        return messageRules::canCopy(item);
    default:
        return {};
    }
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
    return messageRules::isOwn(item, m_self.id) != messageRules::isOwn(older, m_self.id)
        || item.sender.id != older.sender.id || item.timestamp - older.timestamp > kGroupGapMs
        || isFirstUnread(row);
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
    emit dataChanged(changed, changed, kTextRoles);
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
    emit dataChanged(changed, changed, kDeletionRoles);
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
            emit dataChanged(index(int(i)), index(int(i)), kDeliveryRoles);
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

MessageActions TimelineModel::actionsAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return {};
    return MessageActions::of(itemAt(row), m_self.id);
}

MessageActions TimelineModel::lastEditableOwnMessage() const
{
    if (m_hasNewer)
        return {};
    for (const auto &item : m_delivered) {
        if (messageRules::canEdit(item, m_self.id))
            return MessageActions::of(item, m_self.id);
    }
    return {};
}

} // namespace confab::client
