#include "ClientSession.h"
#include "EventJsonCache.h"
#include "Operations.h"
#include "config/ServerConfig.h"
#include "protocol/ArgumentReader.h"
#include "protocol/Limits.h"
#include "protocol/Validation.h"
#include "store/Store.h"

#include <QJsonArray>

namespace confab::server::messageOps {

using namespace Qt::StringLiterals;
using protocol::ErrorCode;
using protocol::EventKind;
using protocol::makeError;
using protocol::Outcome;
using protocol::Request;

namespace {

QJsonArray toJson(EventJsonCache &cache, const QList<protocol::Event> &events)
{
    QJsonArray array;
    for (const auto &event : events)
        array.append(cache.toJson(event));
    return array;
}

// Send, edit and delete all enter the timeline through the store's group commit, and are
// acknowledged only once committed.
void appendToTimeline(ClientSession &session, const QJsonValue &requestId, PendingEvent event)
{
    session.services().store.append(std::move(event), session.replyTarget(),
                                    [&session, requestId](Outcome<CommittedEvent> committed) {
                                        if (!committed)
                                            return session.replyError(requestId, committed.error());
                                        const auto &event = committed->event;
                                        QJsonObject result { { "room"_L1, event.room },
                                                             { "seq"_L1, event.seq },
                                                             { "ts"_L1, event.timestamp } };
                                        if (event.kind == EventKind::Message)
                                            result.insert("duplicate"_L1, committed->duplicate);
                                        session.reply(requestId, result);
                                    });
}

} // namespace

void send(ClientSession &session, const Request &request)
{
    protocol::ArgumentReader args(request.body);
    PendingEvent event;
    event.kind = EventKind::Message;
    event.room = args.requiredId("room"_L1);
    event.clientId = args.requiredString("client_id"_L1);
    event.text = args.requiredString("text"_L1);
    if (args.failed())
        return session.replyError(request.id, *args.error());
    if (auto invalid = protocol::validation::clientId(event.clientId))
        return session.replyError(request.id, *invalid);
    if (auto invalid
        = protocol::validation::messageText(event.text, session.services().config.maxTextBytes))
        return session.replyError(request.id, *invalid);
    event.sender = *session.user();
    appendToTimeline(session, request.id, std::move(event));
}

void edit(ClientSession &session, const Request &request)
{
    protocol::ArgumentReader args(request.body);
    PendingEvent event;
    event.kind = EventKind::Edit;
    event.room = args.requiredId("room"_L1);
    event.targetSeq = args.requiredId("seq"_L1);
    event.text = args.requiredString("text"_L1);
    if (args.failed())
        return session.replyError(request.id, *args.error());
    if (auto invalid
        = protocol::validation::messageText(event.text, session.services().config.maxTextBytes))
        return session.replyError(request.id, *invalid);
    event.sender = *session.user();
    appendToTimeline(session, request.id, std::move(event));
}

void remove(ClientSession &session, const Request &request)
{
    protocol::ArgumentReader args(request.body);
    PendingEvent event;
    event.kind = EventKind::Delete;
    event.room = args.requiredId("room"_L1);
    event.targetSeq = args.requiredId("seq"_L1);
    if (args.failed())
        return session.replyError(request.id, *args.error());
    event.sender = *session.user();
    appendToTimeline(session, request.id, std::move(event));
}

void history(ClientSession &session, const Request &request)
{
    protocol::ArgumentReader args(request.body);
    const qint64 roomId = args.requiredId("room"_L1);
    const auto before = args.optionalInt("before"_L1, 1, protocol::kMaxSeq);
    const int limit
        = int(args.intOr("limit"_L1, protocol::kHistoryPageDefault, 1, protocol::kHistoryPageMax));
    if (args.failed())
        return session.replyError(request.id, *args.error());
    const qint64 userId = session.user()->id;
    const QJsonValue requestId = request.id;
    session.services().store.call<Outcome<HistoryPage>>(
        session.replyTarget(),
        [=](StoreContext &store) { return store.timeline.history(userId, roomId, before, limit); },
        [&session, requestId](Outcome<HistoryPage> page) {
            if (!page)
                return session.replyError(requestId, page.error());
            session.reply(requestId,
                          { { "messages"_L1, toJson(session.services().eventJson, page->messages) },
                            { "has_more"_L1, page->hasMore } });
        });
}

void sync(ClientSession &session, const Request &request)
{
    protocol::ArgumentReader args(request.body);
    const QJsonObject since = args.requiredObject("since"_L1);
    const int limit
        = int(args.intOr("limit"_L1, protocol::kSyncPageDefault, 1, protocol::kSyncPageMax));
    if (args.failed())
        return session.replyError(request.id, *args.error());
    if (since.size() > 1000)
        return session.replyError(
            request.id, makeError(ErrorCode::BadRequest, u"\"since\" names at most 1000 rooms."_s));

    QList<std::pair<qint64, qint64>> positions;
    for (auto it = since.constBegin(); it != since.constEnd(); ++it) {
        bool isNumber = false;
        const qint64 roomId = it.key().toLongLong(&isNumber);
        const QJsonObject entry { { "seq"_L1, it.value() } };
        protocol::ArgumentReader seqReader(entry);
        const qint64 seq = seqReader.requiredInt("seq"_L1, 0, protocol::kMaxSeq);
        if (!isNumber || roomId <= 0 || seqReader.failed())
            return session.replyError(
                request.id,
                makeError(ErrorCode::BadRequest,
                          u"\"since\" maps room ids to the last seq seen (an integer >= 0)."_s));
        positions.append({ roomId, seq });
    }

    const qint64 userId = session.user()->id;
    const QJsonValue requestId = request.id;
    session.services().store.call<Outcome<QList<RoomBackfill>>>(
        session.replyTarget(),
        [=](StoreContext &store) { return store.timeline.sync(userId, positions, limit); },
        [&session, requestId](Outcome<QList<RoomBackfill>> backfills) {
            if (!backfills)
                return session.replyError(requestId, backfills.error());
            EventJsonCache &eventJson = session.services().eventJson;
            QJsonArray rooms;
            for (const auto &backfill : *backfills) {
                rooms.append(QJsonObject { { "room"_L1, backfill.room },
                                           { "events"_L1, toJson(eventJson, backfill.events) },
                                           { "has_more"_L1, backfill.hasMore },
                                           { "last_seq"_L1, backfill.lastSeq } });
            }
            session.reply(requestId, { { "rooms"_L1, rooms } });
        });
}

} // namespace confab::server::messageOps
