#pragma once

#include "protocol/Limits.h"
#include "protocol/MessageFields.h"
#include "protocol/Operations.h"

// Rooms and their members, and the pushes about them (see protocol/Messages.h).
namespace confab::protocol {

struct RoomReply // create_room and join
{
    Room room;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &RoomReply::room, Object {}) };
    }
    friend bool operator==(const RoomReply &, const RoomReply &) = default;
};

struct CreateRoomRequest
{
    static constexpr auto kOp = op::CreateRoom;
    using Reply = RoomReply;

    QString name;
    std::optional<QString> topic;
    Visibility visibility = Visibility::Public;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("name"_L1, &CreateRoomRequest::name, Text {}),
                            field("topic"_L1, &CreateRoomRequest::topic, OptionalText {}),
                            field("visibility"_L1, &CreateRoomRequest::visibility,
                                  oneOf(visibilityName, { Visibility::Public, Visibility::Private },
                                        Visibility::Public)) };
    }
    friend bool operator==(const CreateRoomRequest &, const CreateRoomRequest &) = default;
};

struct PublicRoomsReply
{
    QList<Room> rooms; // ordered by id
    bool hasMore = false;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("rooms"_L1, &PublicRoomsReply::rooms, ArrayOf {}),
                            field("has_more"_L1, &PublicRoomsReply::hasMore, Flag {}) };
    }
    friend bool operator==(const PublicRoomsReply &, const PublicRoomsReply &) = default;
};

struct PublicRoomsRequest
{
    static constexpr auto kOp = op::PublicRooms;
    using Reply = PublicRoomsReply;

    std::optional<qint64> after; // a room id; from the first room when there is none
    int limit = kRoomPageDefault;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("after"_L1, &PublicRoomsRequest::after,
                                  OptionalInteger { 0, kMaxId }),
                            field("limit"_L1, &PublicRoomsRequest::limit,
                                  IntegerOr { kRoomPageDefault, 1, kRoomPageMax }) };
    }
    friend bool operator==(const PublicRoomsRequest &, const PublicRoomsRequest &) = default;
};

struct JoinRequest
{
    static constexpr auto kOp = op::Join;
    using Reply = RoomReply;

    qint64 room = 0;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &JoinRequest::room, Id {}) };
    }
    friend bool operator==(const JoinRequest &, const JoinRequest &) = default;
};

struct LeaveRequest
{
    static constexpr auto kOp = op::Leave;
    using Reply = EmptyReply;

    qint64 room = 0;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &LeaveRequest::room, Id {}) };
    }
    friend bool operator==(const LeaveRequest &, const LeaveRequest &) = default;
};

struct InviteRequest
{
    static constexpr auto kOp = op::Invite;
    using Reply = EmptyReply;

    qint64 room = 0;
    QString user; // the invitee's name

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &InviteRequest::room, Id {}),
                            field("user"_L1, &InviteRequest::user, Text {}) };
    }
    friend bool operator==(const InviteRequest &, const InviteRequest &) = default;
};

// A room of the user's, as my_rooms lists it: the room's own fields and these beside them.
struct JoinedRoom
{
    Room room;
    qint64 unread = 0; // other members' messages after the read marker, capped
    qint64 lastReadSeq = 0;
    std::optional<Event> lastMessage;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &JoinedRoom::room, Inlined {}),
                            field("unread"_L1, &JoinedRoom::unread, Integer { 0, kMaxId }),
                            field("last_read_seq"_L1, &JoinedRoom::lastReadSeq,
                                  Integer { 0, kMaxSeq }),
                            field("last_message"_L1, &JoinedRoom::lastMessage, NullableObject {}) };
    }
    friend bool operator==(const JoinedRoom &, const JoinedRoom &) = default;
};

struct MyRoomsReply
{
    QList<JoinedRoom> rooms; // most recent activity first

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("rooms"_L1, &MyRoomsReply::rooms, ArrayOf {}) };
    }
    friend bool operator==(const MyRoomsReply &, const MyRoomsReply &) = default;
};

struct MyRoomsRequest
{
    static constexpr auto kOp = op::MyRooms;
    using Reply = MyRoomsReply;

    static auto fields() { return std::tuple {}; }
    friend bool operator==(const MyRoomsRequest &, const MyRoomsRequest &) = default;
};

// A member of a room: the user's fields and its presence beside them.
struct Member
{
    User user;
    PresenceStatus presence = PresenceStatus::Offline;

    static auto fields()
    {
        using namespace rule;
        return std::tuple {
            field("user"_L1, &Member::user, Inlined {}),
            field("presence"_L1, &Member::presence,
                  oneOf(presenceName,
                        { PresenceStatus::Online, PresenceStatus::Away, PresenceStatus::Offline }))
        };
    }
    friend bool operator==(const Member &, const Member &) = default;
};

struct MembersReply
{
    QList<Member> members;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("members"_L1, &MembersReply::members, ArrayOf {}) };
    }
    friend bool operator==(const MembersReply &, const MembersReply &) = default;
};

struct MembersRequest
{
    static constexpr auto kOp = op::Members;
    using Reply = MembersReply;

    qint64 room = 0;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &MembersRequest::room, Id {}) };
    }
    friend bool operator==(const MembersRequest &, const MembersRequest &) = default;
};

struct TypingRequest
{
    static constexpr auto kOp = op::Typing;
    using Reply = EmptyReply;

    qint64 room = 0;
    bool active = false;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &TypingRequest::room, Id {}),
                            field("active"_L1, &TypingRequest::active, Flag {}) };
    }
    friend bool operator==(const TypingRequest &, const TypingRequest &) = default;
};

struct ReadReply
{
    qint64 room = 0;
    qint64 seq = 0; // where the read marker is now, which may be past the one asked for

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &ReadReply::room, Id {}),
                            field("seq"_L1, &ReadReply::seq, Integer { 0, kMaxSeq }) };
    }
    friend bool operator==(const ReadReply &, const ReadReply &) = default;
};

struct ReadRequest
{
    static constexpr auto kOp = op::Read;
    using Reply = ReadReply;

    qint64 room = 0;
    qint64 seq = 0;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &ReadRequest::room, Id {}),
                            field("seq"_L1, &ReadRequest::seq, Integer { 0, kMaxSeq }) };
    }
    friend bool operator==(const ReadRequest &, const ReadRequest &) = default;
};

struct TypingPush
{
    static constexpr auto kPush = push::Typing;

    qint64 room = 0;
    User user;
    bool active = false;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &TypingPush::room, Id {}),
                            field("user"_L1, &TypingPush::user, Object {}),
                            field("active"_L1, &TypingPush::active, Flag {}) };
    }
    friend bool operator==(const TypingPush &, const TypingPush &) = default;
};

struct MemberJoinedPush
{
    static constexpr auto kPush = push::MemberJoined;

    qint64 room = 0;
    User user;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &MemberJoinedPush::room, Id {}),
                            field("user"_L1, &MemberJoinedPush::user, Object {}) };
    }
    friend bool operator==(const MemberJoinedPush &, const MemberJoinedPush &) = default;
};

struct MemberLeftPush
{
    static constexpr auto kPush = push::MemberLeft;

    qint64 room = 0;
    User user;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &MemberLeftPush::room, Id {}),
                            field("user"_L1, &MemberLeftPush::user, Object {}) };
    }
    friend bool operator==(const MemberLeftPush &, const MemberLeftPush &) = default;
};

struct ReadPush
{
    static constexpr auto kPush = push::Read;

    qint64 room = 0;
    User user;
    qint64 seq = 0;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &ReadPush::room, Id {}),
                            field("user"_L1, &ReadPush::user, Object {}),
                            field("seq"_L1, &ReadPush::seq, Integer { 0, kMaxSeq }) };
    }
    friend bool operator==(const ReadPush &, const ReadPush &) = default;
};

struct InvitedPush
{
    static constexpr auto kPush = push::Invited;

    Room room;
    User by;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &InvitedPush::room, Object {}),
                            field("by"_L1, &InvitedPush::by, Object {}) };
    }
    friend bool operator==(const InvitedPush &, const InvitedPush &) = default;
};

} // namespace confab::protocol
