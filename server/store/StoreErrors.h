#pragma once

#include "protocol/ProtocolError.h"

namespace confab::server {

// What a client is told when the database failed: no detail of the failure leaves the
// server (it is logged there), and nothing was changed because the transaction rolled back.
inline protocol::ProtocolError storeFailure()
{
    using namespace Qt::StringLiterals;
    return protocol::makeError(
        protocol::ErrorCode::InternalError,
        u"The server could not complete this request; nothing was changed."_s);
}

inline protocol::ProtocolError roomNotFound(qint64 roomId)
{
    using namespace Qt::StringLiterals;
    return protocol::makeError(protocol::ErrorCode::RoomNotFound,
                               u"No room has the id %1."_s.arg(roomId));
}

inline protocol::ProtocolError notMember(qint64 roomId)
{
    using namespace Qt::StringLiterals;
    return protocol::makeError(protocol::ErrorCode::NotMember,
                               u"You are not a member of room %1."_s.arg(roomId));
}

} // namespace confab::server
