#include "ClientSession.h"
#include "Operations.h"
#include "hub/Hub.h"
#include "protocol/ArgumentReader.h"
#include "protocol/Frames.h"
#include "protocol/Limits.h"
#include "protocol/Operations.h"
#include "protocol/Validation.h"
#include "store/Store.h"

#include <QDateTime>
#include <QJsonArray>

namespace confab::server::roomOps {

using namespace Qt::StringLiterals;
using protocol::ErrorCode;
using protocol::makeError;
using protocol::Outcome;
using protocol::Request;

namespace {

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QJsonObject memberPush(qint64 roomId, const protocol::User &user)
{
    return { { "room"_L1, roomId }, { "user"_L1, user.toJson() } };
}

} // namespace

void createRoom(ClientSession &session, const Request &request)
{
    protocol::ArgumentReader args(request.body);
    const QString name = args.requiredString("name"_L1);
    const QString topic = args.optionalString("topic"_L1).value_or(QString());
    const QString visibilityName = args.optionalString("visibility"_L1).value_or(u"public"_s);
    if (args.failed())
        return session.replyError(request.id, *args.error());
    const auto visibility = protocol::visibilityFromName(visibilityName);
    if (!visibility)
        return session.replyError(
            request.id,
            makeError(ErrorCode::BadRequest,
                      u"\"visibility\" must be \"public\" or \"private\"."_s));
    if (auto invalid = protocol::validation::roomName(name))
        return session.replyError(request.id, *invalid);
    if (auto invalid = protocol::validation::topic(topic))
        return session.replyError(request.id, *invalid);

    const qint64 userId = session.user()->id;
    const QJsonValue requestId = request.id;
    session.services().store.call<Outcome<protocol::Room>>(
        session.replyTarget(),
        [=](StoreContext &store) {
            return store.rooms.create(userId, name, topic, *visibility, now());
        },
        [&session, requestId, userId](Outcome<protocol::Room> room) {
            if (!room)
                return session.replyError(requestId, room.error());
            session.services().hub.addMember(room->id, userId);
            session.reply(requestId, { { "room"_L1, room->toJson() } });
        });
}

void publicRooms(ClientSession &session, const Request &request)
{
    protocol::ArgumentReader args(request.body);
    const qint64 after = args.intOr("after"_L1, 0, 0, protocol::kMaxId);
    const int limit
        = int(args.intOr("limit"_L1, protocol::kRoomPageDefault, 1, protocol::kRoomPageMax));
    if (args.failed())
        return session.replyError(request.id, *args.error());
    const QJsonValue requestId = request.id;
    session.services().store.call<Outcome<RoomPage>>(
        session.replyTarget(),
        [=](StoreContext &store) { return store.rooms.publicRooms(after, limit); },
        [&session, requestId](Outcome<RoomPage> page) {
            if (!page)
                return session.replyError(requestId, page.error());
            QJsonArray rooms;
            for (const auto &room : page->rooms)
                rooms.append(room.toJson());
            session.reply(requestId, { { "rooms"_L1, rooms }, { "has_more"_L1, page->hasMore } });
        });
}

void join(ClientSession &session, const Request &request)
{
    protocol::ArgumentReader args(request.body);
    const qint64 roomId = args.requiredId("room"_L1);
    if (args.failed())
        return session.replyError(request.id, *args.error());
    const auto user = *session.user();
    const QJsonValue requestId = request.id;
    session.services().store.call<Outcome<Membership>>(
        session.replyTarget(),
        [=](StoreContext &store) { return store.rooms.join(user.id, roomId, now()); },
        [&session, requestId, user](Outcome<Membership> membership) {
            if (!membership)
                return session.replyError(requestId, membership.error());
            auto &hub = session.services().hub;
            if (membership->changed) {
                hub.addMember(membership->room.id, user.id);
                hub.publishToRoom(membership->room.id,
                                  protocol::encodePush(protocol::push::MemberJoined,
                                                       memberPush(membership->room.id, user)));
            }
            session.reply(requestId, { { "room"_L1, membership->room.toJson() } });
        });
}

void leave(ClientSession &session, const Request &request)
{
    protocol::ArgumentReader args(request.body);
    const qint64 roomId = args.requiredId("room"_L1);
    if (args.failed())
        return session.replyError(request.id, *args.error());
    const auto user = *session.user();
    const QJsonValue requestId = request.id;
    session.services().store.call<Outcome<protocol::Room>>(
        session.replyTarget(),
        [=](StoreContext &store) { return store.rooms.leave(user.id, roomId); },
        [&session, requestId, user, roomId](Outcome<protocol::Room> room) {
            if (!room)
                return session.replyError(requestId, room.error());
            auto &hub = session.services().hub;
            // Published before the hub forgets the membership, so the leaver hears it too.
            hub.publishToRoom(
                roomId, protocol::encodePush(protocol::push::MemberLeft, memberPush(roomId, user)));
            hub.removeMember(roomId, user.id);
            session.reply(requestId, {});
        });
}

void invite(ClientSession &session, const Request &request)
{
    protocol::ArgumentReader args(request.body);
    const qint64 roomId = args.requiredId("room"_L1);
    const QString inviteeName = args.requiredString("user"_L1);
    if (args.failed())
        return session.replyError(request.id, *args.error());
    const auto inviter = *session.user();
    const QJsonValue requestId = request.id;
    session.services().store.call<Outcome<Invitation>>(
        session.replyTarget(),
        [=](StoreContext &store) -> Outcome<Invitation> {
            auto invitee
                = store.accounts.userByName(inviteeName.left(protocol::kUsernameMaxChars + 1));
            if (!invitee)
                return invitee.error();
            return store.rooms.invite(inviter.id, roomId, *invitee, now());
        },
        [&session, requestId, inviter](Outcome<Invitation> invitation) {
            if (!invitation)
                return session.replyError(requestId, invitation.error());
            session.services().hub.publishToUser(
                invitation->invitee.id,
                protocol::encodePush(
                    protocol::push::Invited,
                    { { "room"_L1, invitation->room.toJson() }, { "by"_L1, inviter.toJson() } }));
            session.reply(requestId, {});
        });
}

void myRooms(ClientSession &session, const Request &request)
{
    const qint64 userId = session.user()->id;
    const QJsonValue requestId = request.id;
    session.services().store.call<Outcome<QList<RoomSummary>>>(
        session.replyTarget(), [=](StoreContext &store) { return store.rooms.roomsOf(userId); },
        [&session, requestId](Outcome<QList<RoomSummary>> summaries) {
            if (!summaries)
                return session.replyError(requestId, summaries.error());
            QJsonArray rooms;
            for (const auto &summary : *summaries) {
                auto room = summary.room.toJson();
                room.insert("unread"_L1, summary.unread);
                room.insert("last_read_seq"_L1, summary.lastReadSeq);
                room.insert("last_message"_L1,
                            summary.lastMessage ? QJsonValue(summary.lastMessage->toJson())
                                                : QJsonValue());
                rooms.append(room);
            }
            session.reply(requestId, { { "rooms"_L1, rooms } });
        });
}

void members(ClientSession &session, const Request &request)
{
    protocol::ArgumentReader args(request.body);
    const qint64 roomId = args.requiredId("room"_L1);
    if (args.failed())
        return session.replyError(request.id, *args.error());
    const qint64 userId = session.user()->id;
    const QJsonValue requestId = request.id;
    session.services().store.call<Outcome<QList<protocol::User>>>(
        session.replyTarget(),
        [=](StoreContext &store) { return store.rooms.members(userId, roomId); },
        [&session, requestId](Outcome<QList<protocol::User>> users) {
            if (!users)
                return session.replyError(requestId, users.error());
            const auto &hub = session.services().hub;
            QJsonArray members;
            for (const auto &user : *users) {
                auto member = user.toJson();
                member.insert("presence"_L1, presenceName(hub.presence(user.id)));
                members.append(member);
            }
            session.reply(requestId, { { "members"_L1, members } });
        });
}

void typing(ClientSession &session, const Request &request)
{
    protocol::ArgumentReader args(request.body);
    const qint64 roomId = args.requiredId("room"_L1);
    const bool active = args.requiredBool("active"_L1);
    if (args.failed())
        return session.replyError(request.id, *args.error());
    const auto user = *session.user();
    const QJsonValue requestId = request.id;
    session.services().store.call<Outcome<protocol::Room>>(
        session.replyTarget(),
        [=](StoreContext &store) { return store.rooms.requireMember(user.id, roomId); },
        [&session, requestId, user, roomId, active](Outcome<protocol::Room> room) {
            if (!room)
                return session.replyError(requestId, room.error());
            session.services().hub.publishToRoom(
                roomId,
                protocol::encodePush(protocol::push::Typing,
                                     { { "room"_L1, roomId },
                                       { "user"_L1, user.toJson() },
                                       { "active"_L1, active } }),
                user.id);
            session.reply(requestId, {});
        });
}

void read(ClientSession &session, const Request &request)
{
    protocol::ArgumentReader args(request.body);
    const qint64 roomId = args.requiredId("room"_L1);
    const qint64 seq = args.requiredInt("seq"_L1, 0, protocol::kMaxSeq);
    if (args.failed())
        return session.replyError(request.id, *args.error());
    const auto user = *session.user();
    const QJsonValue requestId = request.id;
    session.services().store.call<Outcome<ReadMarker>>(
        session.replyTarget(),
        [=](StoreContext &store) { return store.rooms.markRead(user.id, roomId, seq); },
        [&session, requestId, user](Outcome<ReadMarker> marker) {
            if (!marker)
                return session.replyError(requestId, marker.error());
            if (marker->moved) {
                session.services().hub.publishToRoom(
                    marker->room,
                    protocol::encodePush(protocol::push::Read,
                                         { { "room"_L1, marker->room },
                                           { "user"_L1, user.toJson() },
                                           { "seq"_L1, marker->seq } }),
                    user.id);
            }
            session.reply(requestId, { { "room"_L1, marker->room }, { "seq"_L1, marker->seq } });
        });
}

} // namespace confab::server::roomOps
