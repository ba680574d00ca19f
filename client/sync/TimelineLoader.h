#pragma once

#include "protocol/Entities.h"

#include <QObject>
#include <QPointer>

namespace confab::client {

class Cache;
class Outbox;
class Session;
class SyncEngine;
class TimelineModel;

// Fills one room's TimelineModel: pages from the cache where it has them, from the server
// where it does not (and into the cache when they extend its run of messages), live messages
// and their edits and deletions as the SyncEngine applies them, and the user's messages
// waiting in the outbox.
class TimelineLoader : public QObject
{
    Q_OBJECT

public:
    TimelineLoader(TimelineModel *model, Session *session, Cache *cache, SyncEngine *sync,
                   Outbox *outbox, QObject *parent = nullptr);

    TimelineModel *model() const { return m_model; }

private:
    // Pages from the cache come from the event loop, like the server's replies do: a view asks
    // for them in the middle of laying itself out and should not get rows inserted under its
    // feet. The timeline's paging waits here and nowhere else; the view asks again as its
    // geometry changes, not on a timer of its own.
    void later(void (TimelineLoader::*load)(qint64), qint64 position);
    void loadOlder(qint64 beforeSeq);
    void loadOlderNow(qint64 beforeSeq);
    void loadNewer(qint64 afterSeq);
    void loadNewerNow(qint64 afterSeq);
    void loadNewest();
    void fetchHistory(qint64 beforeSeq);
    void fetchForward(qint64 afterSeq);
    void onReady();

    TimelineModel *m_model;
    Session *m_session;
    Cache *m_cache;
    qint64 m_roomId;
    bool m_olderFailed = false;
    bool m_newerFailed = false;
    quint64 m_generation = 0;
};

} // namespace confab::client
