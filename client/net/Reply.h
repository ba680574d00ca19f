#pragma once

#include "protocol/ErrorCode.h"
#include "protocol/ProtocolError.h"

#include <QJsonObject>

namespace confab::client {

// The server's answer to one request, or the news that none will come because the connection
// went away first (the request may or may not have been carried out).
struct Reply
{
    enum class Status { Ok, Error, ConnectionLost };

    Status status = Status::ConnectionLost;
    QJsonObject result;
    protocol::ProtocolError error;

    bool ok() const { return status == Status::Ok; }
    bool connectionLost() const { return status == Status::ConnectionLost; }
    bool isError(protocol::ErrorCode code) const
    {
        return status == Status::Error && error.code == code;
    }

    static Reply lost() { return {}; }
};

} // namespace confab::client
