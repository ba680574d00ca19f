#include "protocol/ErrorCode.h"

#include <array>
#include <utility>

namespace confab::protocol {

namespace {
using namespace Qt::StringLiterals;

constexpr std::array kNames {
    std::pair { ErrorCode::BadFrame, "bad_frame"_L1 },
    std::pair { ErrorCode::UnsupportedVersion, "unsupported_version"_L1 },
    std::pair { ErrorCode::BadRequest, "bad_request"_L1 },
    std::pair { ErrorCode::UnknownOp, "unknown_op"_L1 },
    std::pair { ErrorCode::TooLarge, "too_large"_L1 },
    std::pair { ErrorCode::RateLimited, "rate_limited"_L1 },
    std::pair { ErrorCode::Unauthenticated, "unauthenticated"_L1 },
    std::pair { ErrorCode::AlreadyAuthenticated, "already_authenticated"_L1 },
    std::pair { ErrorCode::InvalidCredentials, "invalid_credentials"_L1 },
    std::pair { ErrorCode::InvalidToken, "invalid_token"_L1 },
    std::pair { ErrorCode::LoginThrottled, "login_throttled"_L1 },
    std::pair { ErrorCode::ServerBusy, "server_busy"_L1 },
    std::pair { ErrorCode::UsernameTaken, "username_taken"_L1 },
    std::pair { ErrorCode::InvalidUsername, "invalid_username"_L1 },
    std::pair { ErrorCode::WeakPassword, "weak_password"_L1 },
    std::pair { ErrorCode::InvalidName, "invalid_name"_L1 },
    std::pair { ErrorCode::RoomNotFound, "room_not_found"_L1 },
    std::pair { ErrorCode::NotMember, "not_member"_L1 },
    std::pair { ErrorCode::Forbidden, "forbidden"_L1 },
    std::pair { ErrorCode::MessageNotFound, "message_not_found"_L1 },
    std::pair { ErrorCode::UserNotFound, "user_not_found"_L1 },
    std::pair { ErrorCode::AlreadyMember, "already_member"_L1 },
    std::pair { ErrorCode::InternalError, "internal_error"_L1 },
};
} // namespace

QLatin1StringView errorCodeName(ErrorCode code)
{
    for (const auto &[value, name] : kNames) {
        if (value == code)
            return name;
    }
    Q_UNREACHABLE();
    return "internal_error"_L1;
}

std::optional<ErrorCode> errorCodeFromName(QStringView name)
{
    for (const auto &[value, text] : kNames) {
        if (name == text)
            return value;
    }
    return std::nullopt;
}

} // namespace confab::protocol
