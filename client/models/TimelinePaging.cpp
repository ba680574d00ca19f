// TimelineModel's window over the room's history: pages asked for and taken in at either end,
// and rows let go at the other end when the window grows past its limit.

#include "TimelineModel.h"

#include <algorithm>
#include <limits>

namespace confab::client {

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

} // namespace confab::client
