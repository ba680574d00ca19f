#pragma once

// The typed messages of the protocol: for every operation its request and the result of its
// reply, and the data of every push. docs/protocol.md is the reference; these structs are its
// one copy in code, used by confabd's handlers and by the client alike.
//
// A message is a plain struct whose members are the typed fields. Beside them it lists, once,
// what each is called on the wire and by which rule it is read and written
// (protocol/MessageFields.h):
//
//     struct JoinRequest
//     {
//         static constexpr auto kOp = op::Join; // the operation it asks for
//         using Reply = RoomReply;              // the result of a successful reply
//
//         qint64 room = 0;
//
//         static auto fields()
//         {
//             using namespace rule;
//             return std::tuple { field("room"_L1, &JoinRequest::room, Id {}) };
//         }
//     };
//
//     toJson(JoinRequest { 5 })        -> {"room": 5}
//     fromJson<JoinRequest>({})        -> bad_request: "room" must be a positive integer id.
//     fromJson<RoomReply>(result)      -> the Room that was joined
//
// A push names its kPush instead, and encodePush(push) makes its frame. A field added to an
// operation is a member and its line in fields(); nothing else spells its name.

#include "protocol/AccountMessages.h"
#include "protocol/RoomMessages.h"
#include "protocol/TimelineMessages.h"
