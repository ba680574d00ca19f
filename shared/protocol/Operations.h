#pragma once

#include <QLatin1StringView>

// The names of every operation and push, as they appear on the wire.
namespace confab::protocol::op {
using namespace Qt::StringLiterals;

inline constexpr auto Register = "register"_L1;
inline constexpr auto Login = "login"_L1;
inline constexpr auto Resume = "resume"_L1;
inline constexpr auto Logout = "logout"_L1;
inline constexpr auto CreateRoom = "create_room"_L1;
inline constexpr auto PublicRooms = "public_rooms"_L1;
inline constexpr auto Join = "join"_L1;
inline constexpr auto Leave = "leave"_L1;
inline constexpr auto Invite = "invite"_L1;
inline constexpr auto MyRooms = "my_rooms"_L1;
inline constexpr auto Members = "members"_L1;
inline constexpr auto Send = "send"_L1;
inline constexpr auto Edit = "edit"_L1;
inline constexpr auto Delete = "delete"_L1;
inline constexpr auto History = "history"_L1;
inline constexpr auto Sync = "sync"_L1;
inline constexpr auto Read = "read"_L1;
inline constexpr auto Typing = "typing"_L1;
inline constexpr auto Presence = "presence"_L1;

} // namespace confab::protocol::op

namespace confab::protocol::push {
using namespace Qt::StringLiterals;

inline constexpr auto Hello = "hello"_L1;
inline constexpr auto Event = "event"_L1;
inline constexpr auto Typing = "typing"_L1;
inline constexpr auto Presence = "presence"_L1;
inline constexpr auto MemberJoined = "member_joined"_L1;
inline constexpr auto MemberLeft = "member_left"_L1;
inline constexpr auto Read = "read"_L1;
inline constexpr auto Invited = "invited"_L1;

} // namespace confab::protocol::push
