#include "ClientSession.h"
#include "EventJsonCache.h"
#include "OperationReply.h"
#include "Operations.h"
#include "config/ServerConfig.h"
#include "connection/Connection.h"
#include "protocol/TimelineMessages.h"
#include "protocol/Validation.h"

namespace confab::server::messageOps {

using protocol::EventKind;
using protocol::Request;
using namespace operation;

namespace {

// Many members ask for the same events at once (a history page of a busy room, the gap after
// a restart): their JSON comes from the shared cache.
protocol::EventEncoder cachedEvents(ClientSession &session)
{
    EventJsonCache &cache = session.services().eventJson;
    return [&cache](const protocol::Event &event) { return cache.toJson(event); };
}

// How many of `events` fit in what is left of a reply's byte budget; at least one when the
// reply has nothing yet, so that every reply makes progress.
qsizetype eventsWithin(const QList<protocol::Event> &events, qint64 &budgetLeft, bool replyEmpty)
{
    qsizetype count = 0;
    for (const auto &event : events) {
        const qint64 bytes = event.jsonSizeBound();
        if (bytes > budgetLeft && !(replyEmpty && count == 0))
            break;
        budgetLeft -= bytes;
        ++count;
    }
    return count;
}

protocol::AppendReply acknowledgement(const CommittedEvent &committed)
{
    const auto &event = committed.event;
    return { event.room, event.seq, event.timestamp,
             event.kind == EventKind::Message ? std::optional(committed.duplicate) : std::nullopt };
}

} // namespace

void send(ClientSession &session, const Request &request)
{
    const auto args = readArguments<protocol::SendRequest>(session, request);
    if (!args)
        return;
    PendingEvent event;
    event.kind = EventKind::Message;
    event.room = args->room;
    event.clientId = args->clientId;
    event.text = args->text;
    if (auto invalid = protocol::validation::clientId(event.clientId))
        return session.replyError(request.id, *invalid);
    if (auto invalid
        = protocol::validation::messageText(event.text, session.services().config.maxTextBytes))
        return session.replyError(request.id, *invalid);
    event.sender = *session.user();
    appendToTimeline(session, request.id, std::move(event), acknowledgement);
}

void edit(ClientSession &session, const Request &request)
{
    const auto args = readArguments<protocol::EditRequest>(session, request);
    if (!args)
        return;
    PendingEvent event;
    event.kind = EventKind::Edit;
    event.room = args->room;
    event.targetSeq = args->seq;
    event.text = args->text;
    if (auto invalid
        = protocol::validation::messageText(event.text, session.services().config.maxTextBytes))
        return session.replyError(request.id, *invalid);
    event.sender = *session.user();
    appendToTimeline(session, request.id, std::move(event), acknowledgement);
}

void remove(ClientSession &session, const Request &request)
{
    const auto args = readArguments<protocol::DeleteRequest>(session, request);
    if (!args)
        return;
    PendingEvent event;
    event.kind = EventKind::Delete;
    event.room = args->room;
    event.targetSeq = args->seq;
    event.sender = *session.user();
    appendToTimeline(session, request.id, std::move(event), acknowledgement);
}

void history(ClientSession &session, const Request &request)
{
    const auto args = readArguments<protocol::HistoryRequest>(session, request);
    if (!args)
        return;
    const qint64 userId = session.user()->id;
    const qint64 roomId = args->room;
    const auto before = args->before;
    const int limit = args->limit;
    askStore(
        session, request.id,
        [=](StoreContext &store) { return store.timeline.history(userId, roomId, before, limit); },
        [&session](const HistoryPage &page) {
            // Newest first: a page cut short ends at an older message, and the client asks
            // for what lies before it.
            qint64 budget = session.connection().replyBudgetBytes();
            const qsizetype fit = eventsWithin(page.messages, budget, true);
            const bool cut = fit < page.messages.size();
            return protocol::HistoryReply { page.messages.first(fit), page.hasMore || cut };
        },
        cachedEvents(session));
}

void sync(ClientSession &session, const Request &request)
{
    const auto args = readArguments<protocol::SyncRequest>(session, request);
    if (!args)
        return;
    const qint64 userId = session.user()->id;
    const auto positions = args->since;
    const int limit = args->limit;
    askStore(
        session, request.id,
        [=](StoreContext &store) { return store.timeline.sync(userId, positions, limit); },
        [&session](const QList<RoomBackfill> &backfills) {
            // A large gap is sent in pages that fit the connection's budget: the rooms past
            // it come with fewer events or none, marked has_more, and the client asks again.
            qint64 budget = session.connection().replyBudgetBytes();
            bool replyEmpty = true;
            protocol::SyncReply reply;
            reply.rooms.reserve(backfills.size());
            for (const auto &backfill : backfills) {
                const qsizetype fit = eventsWithin(backfill.events, budget, replyEmpty);
                replyEmpty = replyEmpty && fit == 0;
                reply.rooms.append({ backfill.room, backfill.events.first(fit),
                                     backfill.hasMore || fit < backfill.events.size(),
                                     backfill.lastSeq });
            }
            return reply;
        },
        cachedEvents(session));
}

} // namespace confab::server::messageOps
