#pragma once

#include <QLatin1StringView>

#include <optional>

namespace confab::protocol {

// Every refusal the server can answer with; docs/protocol.md describes each one.
enum class ErrorCode {
    BadFrame,
    UnsupportedVersion,
    BadRequest,
    UnknownOp,
    TooLarge,
    RateLimited,
    Unauthenticated,
    AlreadyAuthenticated,
    InvalidCredentials,
    InvalidToken,
    LoginThrottled,
    ServerBusy,
    UsernameTaken,
    InvalidUsername,
    WeakPassword,
    InvalidName,
    RoomNotFound,
    NotMember,
    Forbidden,
    MessageNotFound,
    UserNotFound,
    AlreadyMember,
    InternalError,
};

QLatin1StringView errorCodeName(ErrorCode code);
std::optional<ErrorCode> errorCodeFromName(QStringView name);

} // namespace confab::protocol
