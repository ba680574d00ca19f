#pragma once

#include "models/MessageActions.h"
#include "models/TimelineItem.h"
#include "protocol/Entities.h"

#include <QAbstractListModel>
#include <QDate>
#include <QList>
#include <QtQml/qqmlregistration.h>

#include <limits>

namespace confab::client {

// The messages of one room as a list whose row 0 is the newest: the user's own messages
// waiting in the outbox first, then the delivered ones by falling seq. Older pages are
// appended at the end (canFetchMore/fetchMore), so that a ListView laid out BottomToTop keeps
// its place while history loads above what it shows.
//
// Only a window of rows is kept. When paging back makes it larger than windowLimit(), the
// newest rows are dropped (hasNewer becomes true) and come back through fetchNewer() when the
// user scrolls down again; paging forward drops the oldest rows in turn. Messages arrive
// de-duplicated by seq, whatever the order or repetition in which replies and pushes bring them.
class TimelineModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Timelines are opened through the ChatClient.")
    Q_PROPERTY(qint64 roomId READ roomId CONSTANT)
    Q_PROPERTY(int count READ rowCountProperty NOTIFY countChanged)
    Q_PROPERTY(bool loadingOlder READ isLoadingOlder NOTIFY loadingChanged)
    Q_PROPERTY(bool loadingNewer READ isLoadingNewer NOTIFY loadingChanged)
    Q_PROPERTY(bool hasOlder READ hasOlder NOTIFY hasOlderChanged)
    Q_PROPERTY(bool hasNewer READ hasNewer NOTIFY hasNewerChanged)
    Q_PROPERTY(int unseenNewer READ unseenNewer NOTIFY unseenNewerChanged)
    Q_PROPERTY(bool hasUnreadMarker READ hasUnreadMarker NOTIFY readMarkerChanged)

public:
    enum Role {
        SeqRole = Qt::UserRole + 1,
        ClientIdRole,
        SenderIdRole,
        SenderNameRole,
        TextRole,
        LinkedTextRole,
        TimestampRole,
        TimeRole,
        FullTimeRole,
        DayRole,
        ShowDayRole,
        GroupStartRole,
        GroupEndRole,
        OwnRole,
        EditedRole,
        DeletedRole,
        PendingRole,
        FailedRole,
        FailureRole,
        FirstUnreadRole,
        // What the user may do with the message (see messageRules).
        CanEditRole,
        CanDeleteRole,
        CanRetryRole,
        CanCopyRole,
    };
    Q_ENUM(Role)

    static constexpr int kPageSize = 50;
    static constexpr int kDefaultWindowLimit = 400;
    // Messages of one sender further apart than this start a new group.
    static constexpr qint64 kGroupGapMs = 5 * 60 * 1000;

    TimelineModel(qint64 roomId, protocol::User self, QObject *parent = nullptr);

    qint64 roomId() const { return m_roomId; }
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // Pages, as the loader delivers them.
    void appendOlder(const QList<protocol::Event> &newestFirst, bool hasMore);
    void prependNewer(const QList<protocol::Event> &oldestFirst, bool reachedNewest);
    void resetToNewest(const QList<protocol::Event> &newestFirst, bool hasMore);
    // The loader could not get the page (offline); it may be asked again.
    void olderPageFailed();
    void newerPageFailed();

    // Live events and their effects.
    void addMessage(const protocol::Event &message);
    void applyEdit(qint64 targetSeq, const QString &text, qint64 editedAt);
    void applyDelete(qint64 targetSeq);

    // The user's own messages on their way.
    void addPending(const QString &clientId, const QString &text, qint64 createdAt,
                    bool failed = false, const QString &failure = {});
    void setPendingFailed(const QString &clientId, bool failed, const QString &failure = {});
    void confirmPending(const QString &clientId, qint64 seq, qint64 timestamp);
    void removePending(const QString &clientId);

    // Messages after lastReadSeq count as unread: the first of them carries the marker.
    // A negative lastReadSeq removes the marker (nothing was unread when the room opened).
    void setReadMarker(qint64 lastReadSeq);
    bool hasUnreadMarker() const { return m_readMarker != kNoMarker; }

    // What fetchMore() does, for a view that nears the oldest row it has: a ListView asks by
    // itself only when it creates the last delegate, which may have happened while a page was
    // still on its way.
    Q_INVOKABLE void fetchOlder() { fetchMore({}); }
    Q_INVOKABLE void fetchNewer();
    Q_INVOKABLE void jumpToNewest();
    Q_INVOKABLE int rowOfSeq(qint64 seq) const;
    // The message of that row for its context menu.
    Q_INVOKABLE confab::client::MessageActions actionsAt(int row) const;
    // The newest message of the user that can still be edited; none (canEdit false) while the
    // newest rows are let go, since it may be among them.
    Q_INVOKABLE confab::client::MessageActions lastEditableOwnMessage() const;

    bool isLoadingOlder() const { return m_loadingOlder; }
    bool isLoadingNewer() const { return m_loadingNewer; }
    bool hasOlder() const { return m_hasOlder; }
    bool hasNewer() const { return m_hasNewer; }
    int unseenNewer() const { return m_unseenNewer; }
    qint64 newestSeq() const { return m_delivered.isEmpty() ? 0 : m_delivered.first().seq; }
    qint64 oldestSeq() const { return m_delivered.isEmpty() ? 0 : m_delivered.last().seq; }
    int windowLimit() const { return m_windowLimit; }
    void setWindowLimit(int rows);
    const TimelineItem &itemAt(int row) const;

    // What "today" is for the day separators; a test sets it.
    void setToday(const QDate &today);

signals:
    void countChanged();
    void loadingChanged();
    void hasOlderChanged();
    void hasNewerChanged();
    void unseenNewerChanged();
    void readMarkerChanged();
    // The loader's work: the page of messages before beforeSeq (0: the newest page), the page
    // after afterSeq, or the newest page again to replace the window.
    void olderPageRequested(qint64 beforeSeq);
    void newerPageRequested(qint64 afterSeq);
    void newestPageRequested();

private:
    static constexpr qint64 kNoMarker = std::numeric_limits<qint64>::max();

    int pendingRows() const { return m_hasNewer ? 0 : int(m_pending.size()); }
    int rowCountProperty() const { return rowCount(); }
    // Row of the delivered message with seq, or where it would be inserted (negative - 1).
    qsizetype findDelivered(qint64 seq) const;
    void insertDelivered(const TimelineItem &item);
    void removeRows(int first, int last);
    void neighboursChanged(int first, int last);
    void trimNewest();
    void trimOldest();
    void setHasOlder(bool hasOlder);
    void setLoading(bool older, bool loading);
    bool startsGroup(int row) const;
    bool showsDay(int row) const;
    bool isFirstUnread(int row) const;
    QString dayLabel(const QDate &date) const;

    qint64 m_roomId;
    protocol::User m_self;
    QList<TimelineItem> m_pending; // newest first
    QList<TimelineItem> m_delivered; // falling seq
    bool m_hasOlder = true;
    bool m_hasNewer = false;
    bool m_loadingOlder = false;
    bool m_loadingNewer = false;
    int m_unseenNewer = 0;
    int m_windowLimit = kDefaultWindowLimit;
    qint64 m_readMarker = kNoMarker;
    QDate m_today;
};

} // namespace confab::client
