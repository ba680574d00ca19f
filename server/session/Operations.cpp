#include "Operations.h"

#include "protocol/Operations.h"

#include <array>

namespace confab::server {

namespace {

namespace op = protocol::op;

constexpr std::array kOperations {
    Operation { op::Register, false, accountOps::registerUser },
    Operation { op::Login, false, accountOps::login },
    Operation { op::Resume, false, accountOps::resume },
    Operation { op::Logout, true, accountOps::logout },
    Operation { op::Presence, true, accountOps::presence },
    Operation { op::CreateRoom, true, roomOps::createRoom },
    Operation { op::PublicRooms, true, roomOps::publicRooms },
    Operation { op::Join, true, roomOps::join },
    Operation { op::Leave, true, roomOps::leave },
    Operation { op::Invite, true, roomOps::invite },
    Operation { op::MyRooms, true, roomOps::myRooms },
    Operation { op::Members, true, roomOps::members },
    Operation { op::Typing, true, roomOps::typing },
    Operation { op::Read, true, roomOps::read },
    Operation { op::Send, true, messageOps::send },
    Operation { op::Edit, true, messageOps::edit },
    Operation { op::Delete, true, messageOps::remove },
    Operation { op::History, true, messageOps::history },
    Operation { op::Sync, true, messageOps::sync },
};

} // namespace

const Operation *findOperation(QStringView name)
{
    for (const auto &operation : kOperations) {
        if (name == operation.name)
            return &operation;
    }
    return nullptr;
}

} // namespace confab::server
