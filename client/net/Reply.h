#pragma once

#include "protocol/ErrorCode.h"
#include "protocol/MessageFields.h"
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

// A reply with its result read as the operation's typed reply (protocol/Messages.h). A result
// of another shape counts as an error (bad_request), so a handler sees either the whole value
// or a refusal.
template<typename Result> struct TypedReply : Reply
{
    Result value; // when ok()

    static TypedReply from(const Reply &reply)
    {
        TypedReply typed { reply, {} };
        if (!reply.ok())
            return typed;
        auto decoded = protocol::fromJson<Result>(reply.result);
        if (decoded) {
            typed.value = std::move(decoded).value();
        } else {
            typed.status = Status::Error;
            typed.error = decoded.error();
        }
        return typed;
    }
};

} // namespace confab::client
