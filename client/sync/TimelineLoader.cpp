#include "TimelineLoader.h"

#include "cache/Cache.h"
#include "cache/Outbox.h"
#include "models/TimelineModel.h"
#include "net/Session.h"
#include "protocol/TimelineMessages.h"
#include "sync/SyncEngine.h"

#include <QTimer>

namespace confab::client {

using protocol::EventKind;

namespace {

constexpr int kPage = TimelineModel::kPageSize;

} // namespace

TimelineLoader::TimelineLoader(TimelineModel *model, Session *session, Cache *cache,
                               SyncEngine *sync, Outbox *outbox, QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_session(session)
    , m_cache(cache)
    , m_roomId(model->roomId())
{
    connect(model, &TimelineModel::olderPageRequested, this, &TimelineLoader::loadOlder);
    connect(model, &TimelineModel::newerPageRequested, this, &TimelineLoader::loadNewer);
    connect(model, &TimelineModel::newestPageRequested, this, &TimelineLoader::loadNewest);
    connect(session, &Session::ready, this, &TimelineLoader::onReady);

    connect(sync, &SyncEngine::messageStored, model,
            [model](const protocol::Event &message) { model->addMessage(message); });
    connect(sync, &SyncEngine::messageEdited, model, [model](const protocol::Event &edit) {
        if (edit.room == model->roomId())
            model->applyEdit(edit.targetSeq, edit.text, edit.timestamp);
    });
    connect(sync, &SyncEngine::messageDeleted, model, [model](const protocol::Event &deletion) {
        if (deletion.room == model->roomId())
            model->applyDelete(deletion.targetSeq);
    });
    connect(sync, &SyncEngine::roomReset, this, [this](qint64 roomId) {
        if (roomId != m_roomId)
            return;
        ++m_generation;
        m_model->resetToNewest({}, true);
        m_model->fetchMore({});
    });

    for (const auto &item : outbox->items(m_roomId))
        model->addPending(item.clientId, item.text, item.createdAt, item.failed, item.error);
    connect(outbox, &Outbox::itemAdded, model, [model](const Outbox::Item &item) {
        if (item.roomId == model->roomId())
            model->addPending(item.clientId, item.text, item.createdAt);
    });
    connect(outbox, &Outbox::itemFailed, model, [model](const Outbox::Item &item) {
        if (item.roomId == model->roomId())
            model->setPendingFailed(item.clientId, true, item.error);
    });
    connect(outbox, &Outbox::itemRetried, model, [model](const Outbox::Item &item) {
        if (item.roomId == model->roomId())
            model->setPendingFailed(item.clientId, false);
    });
    connect(outbox, &Outbox::itemDelivered, model,
            [model](const Outbox::Item &item, qint64 seq, qint64 timestamp) {
                if (item.roomId == model->roomId())
                    model->confirmPending(item.clientId, seq, timestamp);
            });
    connect(outbox, &Outbox::itemDiscarded, model, [model](const Outbox::Item &item) {
        if (item.roomId == model->roomId())
            model->removePending(item.clientId);
    });
}

void TimelineLoader::onReady()
{
    // Pages that could not be fetched while offline are asked for again.
    if (m_olderFailed) {
        m_olderFailed = false;
        m_model->fetchMore({});
    }
    if (m_newerFailed) {
        m_newerFailed = false;
        m_model->fetchNewer();
    }
}

void TimelineLoader::later(void (TimelineLoader::*load)(qint64), qint64 position)
{
    const quint64 generation = m_generation;
    QTimer::singleShot(0, this, [this, load, position, generation] {
        if (generation == m_generation)
            (this->*load)(position);
    });
}

void TimelineLoader::loadOlder(qint64 beforeSeq)
{
    // The newest page comes at once, so that an opened room shows its messages in the first
    // frame; no view has laid out a row yet.
    if (beforeSeq == 0)
        loadOlderNow(beforeSeq);
    else
        later(&TimelineLoader::loadOlderNow, beforeSeq);
}

void TimelineLoader::loadOlderNow(qint64 beforeSeq)
{
    const bool complete = m_cache->historyComplete(m_roomId);
    const auto cached = beforeSeq == 0 ? m_cache->newestMessages(m_roomId, kPage)
                                       : m_cache->messagesBefore(m_roomId, beforeSeq, kPage);
    if (!cached.isEmpty()) {
        m_model->appendOlder(cached, cached.size() == kPage || !complete);
        return;
    }
    const qint64 cacheOldest = m_cache->oldestSeq(m_roomId);
    if (complete && (beforeSeq == 0 || beforeSeq <= cacheOldest)) {
        m_model->appendOlder({}, false);
        return;
    }
    fetchHistory(beforeSeq);
}

void TimelineLoader::fetchHistory(qint64 beforeSeq)
{
    const protocol::HistoryRequest request {
        m_roomId, beforeSeq > 0 ? std::optional(beforeSeq) : std::nullopt, kPage
    };
    const quint64 generation = m_generation;
    m_session->request(
        request, this,
        [this, beforeSeq, generation](const TypedReply<protocol::HistoryReply> &reply) {
            if (generation != m_generation)
                return;
            if (!reply.ok()) {
                m_olderFailed = reply.connectionLost();
                m_model->olderPageFailed();
                return;
            }
            const auto &messages = reply.value.messages;
            const bool hasMore = reply.value.hasMore;
            // Into the cache only when the page continues its run of messages downwards.
            const int cachedCount = m_cache->messageCount(m_roomId);
            const bool continuesCache
                = cachedCount == 0 ? beforeSeq == 0 : beforeSeq == m_cache->oldestSeq(m_roomId);
            if (continuesCache && cachedCount < Cache::kMessagesPerRoom) {
                m_cache->saveMessages(messages);
                m_cache->setHistoryComplete(m_roomId, !hasMore);
            }
            m_model->appendOlder(messages, hasMore);
        });
}

void TimelineLoader::loadNewer(qint64 afterSeq)
{
    later(&TimelineLoader::loadNewerNow, afterSeq);
}

void TimelineLoader::loadNewerNow(qint64 afterSeq)
{
    const qint64 cacheOldest = m_cache->oldestSeq(m_roomId);
    if (cacheOldest > 0 && afterSeq >= cacheOldest) {
        const auto cached = m_cache->messagesAfter(m_roomId, afterSeq, kPage);
        m_model->prependNewer(cached, cached.size() < kPage);
        return;
    }
    fetchForward(afterSeq);
}

void TimelineLoader::fetchForward(qint64 afterSeq)
{
    // The cache does not reach back this far; sync from afterSeq is the way forward through
    // the server's history.
    const protocol::SyncRequest request { { { m_roomId, afterSeq } }, kPage * 2 };
    const quint64 generation = m_generation;
    m_session->request(request, this,
                       [this, generation](const TypedReply<protocol::SyncReply> &reply) {
                           if (generation != m_generation)
                               return;
                           if (!reply.ok()) {
                               m_newerFailed = reply.connectionLost();
                               m_model->newerPageFailed();
                               return;
                           }
                           const auto &rooms = reply.value.rooms;
                           const protocol::SyncedRoom backfill
                               = rooms.isEmpty() ? protocol::SyncedRoom {} : rooms.first();
                           QList<protocol::Event> messages;
                           const auto &events = backfill.events;
                           for (const auto &event : events) {
                               if (event.kind == EventKind::Message)
                                   messages.append(event);
                               else if (event.kind == EventKind::Edit)
                                   m_model->applyEdit(event.targetSeq, event.text, event.timestamp);
                               else
                                   m_model->applyDelete(event.targetSeq);
                           }
                           const bool hasMore = backfill.hasMore;
                           if (messages.isEmpty() && hasMore && !events.isEmpty()) {
                               // A page of nothing but edits and deletions: read on past it.
                               fetchForward(events.last().seq);
                               return;
                           }
                           m_model->prependNewer(messages, !hasMore);
                       });
}

void TimelineLoader::loadNewest()
{
    ++m_generation;
    const auto cached = m_cache->newestMessages(m_roomId, kPage);
    m_model->resetToNewest(cached, cached.size() == kPage || !m_cache->historyComplete(m_roomId));
    if (cached.isEmpty())
        m_model->fetchMore({});
}

} // namespace confab::client
