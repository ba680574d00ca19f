#include "ClientSession.h"
#include "OperationReply.h"
#include "Operations.h"
#include "presence/PresenceRegistry.h"
#include "protocol/Limits.h"
#include "protocol/RoomMessages.h"
#include "protocol/Validation.h"

#include <QDateTime>

namespace confab::server::roomOps {

using protocol::Request;
using namespace operation;

namespace {

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

void createRoom(ClientSession &session, const Request &request)
{
    const auto args = readArguments<protocol::CreateRoomRequest>(session, request);
    if (!args)
        return;
    const QString name = args->name;
    const QString topic = args->topic.value_or(QString());
    const protocol::Visibility visibility = args->visibility;
    if (auto invalid = protocol::validation::roomName(name))
        return session.replyError(request.id, *invalid);
    if (auto invalid = protocol::validation::topic(topic))
        return session.replyError(request.id, *invalid);

    const qint64 userId = session.user()->id;
    askStore(
        session, request.id,
        [=](StoreContext &store) {
            return store.rooms.create(userId, name, topic, visibility, now());
        },
        [&session, userId](const protocol::Room &room) {
            session.services().presence.addMember(room.id, userId);
            return protocol::RoomReply { room };
        });
}

void publicRooms(ClientSession &session, const Request &request)
{
    const auto args = readArguments<protocol::PublicRoomsRequest>(session, request);
    if (!args)
        return;
    const qint64 after = args->after.value_or(0);
    const int limit = args->limit;
    askStore(
        session, request.id,
        [=](StoreContext &store) { return store.rooms.publicRooms(after, limit); },
        [](const RoomPage &page) {
            return protocol::PublicRoomsReply { page.rooms, page.hasMore };
        });
}

void join(ClientSession &session, const Request &request)
{
    const auto args = readArguments<protocol::JoinRequest>(session, request);
    if (!args)
        return;
    const auto user = *session.user();
    const qint64 roomId = args->room;
    askStore(
        session, request.id,
        [=](StoreContext &store) { return store.rooms.join(user.id, roomId, now()); },
        [&session, user](const Membership &membership) {
            auto &presence = session.services().presence;
            if (membership.changed) {
                presence.addMember(membership.room.id, user.id);
                presence.publishToRoom(
                    membership.room.id,
                    protocol::encodePush(protocol::MemberJoinedPush { membership.room.id, user }));
            }
            return protocol::RoomReply { membership.room };
        });
}

void leave(ClientSession &session, const Request &request)
{
    const auto args = readArguments<protocol::LeaveRequest>(session, request);
    if (!args)
        return;
    const auto user = *session.user();
    const qint64 roomId = args->room;
    askStore(
        session, request.id,
        [=](StoreContext &store) { return store.rooms.leave(user.id, roomId); },
        [&session, user, roomId](const protocol::Room &) {
            auto &presence = session.services().presence;
            // Published before the registry forgets the membership, so the leaver hears it too.
            presence.publishToRoom(roomId,
                                   protocol::encodePush(protocol::MemberLeftPush { roomId, user }));
            presence.removeMember(roomId, user.id);
            return protocol::EmptyReply {};
        });
}

void invite(ClientSession &session, const Request &request)
{
    const auto args = readArguments<protocol::InviteRequest>(session, request);
    if (!args)
        return;
    const auto inviter = *session.user();
    const qint64 roomId = args->room;
    const QString inviteeName = args->user;
    askStore(
        session, request.id,
        [=](StoreContext &store) -> protocol::Outcome<Invitation> {
            auto invitee
                = store.accounts.userByName(inviteeName.left(protocol::kUsernameMaxChars + 1));
            if (!invitee)
                return invitee.error();
            return store.rooms.invite(inviter.id, roomId, *invitee, now());
        },
        [&session, inviter](const Invitation &invitation) {
            session.services().presence.publishToUser(
                invitation.invitee.id,
                protocol::encodePush(protocol::InvitedPush { invitation.room, inviter }));
            return protocol::EmptyReply {};
        });
}

void myRooms(ClientSession &session, const Request &request)
{
    const qint64 userId = session.user()->id;
    askStore(
        session, request.id, [=](StoreContext &store) { return store.rooms.roomsOf(userId); },
        [](const QList<RoomSummary> &summaries) {
            protocol::MyRoomsReply reply;
            reply.rooms.reserve(summaries.size());
            for (const auto &summary : summaries) {
                reply.rooms.append(
                    { summary.room, summary.unread, summary.lastReadSeq, summary.lastMessage });
            }
            return reply;
        });
}

void members(ClientSession &session, const Request &request)
{
    const auto args = readArguments<protocol::MembersRequest>(session, request);
    if (!args)
        return;
    const qint64 userId = session.user()->id;
    const qint64 roomId = args->room;
    askStore(
        session, request.id,
        [=](StoreContext &store) { return store.rooms.members(userId, roomId); },
        [&session](const QList<protocol::User> &users) {
            const auto &presence = session.services().presence;
            protocol::MembersReply reply;
            reply.members.reserve(users.size());
            for (const auto &user : users)
                reply.members.append({ user, presence.presence(user.id) });
            return reply;
        });
}

void typing(ClientSession &session, const Request &request)
{
    const auto args = readArguments<protocol::TypingRequest>(session, request);
    if (!args)
        return;
    const auto user = *session.user();
    const qint64 roomId = args->room;
    const bool active = args->active;
    askStore(
        session, request.id,
        [=](StoreContext &store) { return store.rooms.requireMember(user.id, roomId); },
        [&session, user, roomId, active](const protocol::Room &) {
            session.services().presence.publishToRoom(
                roomId, protocol::encodePush(protocol::TypingPush { roomId, user, active }),
                user.id);
            return protocol::EmptyReply {};
        });
}

void read(ClientSession &session, const Request &request)
{
    const auto args = readArguments<protocol::ReadRequest>(session, request);
    if (!args)
        return;
    const auto user = *session.user();
    const qint64 roomId = args->room;
    const qint64 seq = args->seq;
    askStore(
        session, request.id,
        [=](StoreContext &store) { return store.rooms.markRead(user.id, roomId, seq); },
        [&session, user](const ReadMarker &marker) {
            if (marker.moved) {
                session.services().presence.publishToRoom(
                    marker.room,
                    protocol::encodePush(protocol::ReadPush { marker.room, user, marker.seq }),
                    user.id);
            }
            return protocol::ReadReply { marker.room, marker.seq };
        });
}

} // namespace confab::server::roomOps
