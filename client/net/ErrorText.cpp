#include "ErrorText.h"

#include <QCoreApplication>

#include <cmath>

namespace confab::client {

using protocol::ErrorCode;

QString errorText(const protocol::ProtocolError &error)
{
    const auto seconds
        = [&] { return int(std::ceil(double(error.retryAfterMs.value_or(1000)) / 1000.0)); };
    switch (error.code) {
    case ErrorCode::InvalidCredentials:
        return QCoreApplication::translate("ErrorText", "The user name or the password is wrong.");
    case ErrorCode::InvalidToken:
        return QCoreApplication::translate("ErrorText",
                                           "Your session has expired. Please sign in again.");
    case ErrorCode::LoginThrottled:
        return QCoreApplication::translate("ErrorText",
                                           "Too many failed sign-ins. Try again in %n second(s).",
                                           nullptr, seconds());
    case ErrorCode::ServerBusy:
        return QCoreApplication::translate("ErrorText",
                                           "The server is busy. Please try again in a moment.");
    case ErrorCode::RateLimited:
        return QCoreApplication::translate("ErrorText",
                                           "You are sending too fast. Please wait a moment.");
    case ErrorCode::UsernameTaken:
        return QCoreApplication::translate("ErrorText", "This user name is already taken.");
    case ErrorCode::InvalidUsername:
        return QCoreApplication::translate(
            "ErrorText", "A user name has 3 to 32 characters: letters, digits, '.', '_' or '-'.");
    case ErrorCode::WeakPassword:
        return QCoreApplication::translate("ErrorText", "A password needs at least 8 characters.");
    case ErrorCode::InvalidName:
        return QCoreApplication::translate(
            "ErrorText", "A room name has 1 to 64 characters; a topic at most 256.");
    case ErrorCode::TooLarge:
        return QCoreApplication::translate("ErrorText", "The message is too long.");
    case ErrorCode::NotMember:
        return QCoreApplication::translate("ErrorText", "You are not a member of this room.");
    case ErrorCode::Forbidden:
        return QCoreApplication::translate("ErrorText", "You are not allowed to do that.");
    case ErrorCode::RoomNotFound:
        return QCoreApplication::translate("ErrorText", "This room does not exist.");
    case ErrorCode::MessageNotFound:
        return QCoreApplication::translate("ErrorText", "This message no longer exists.");
    case ErrorCode::UserNotFound:
        return QCoreApplication::translate("ErrorText", "There is no user with that name.");
    case ErrorCode::AlreadyMember:
        return QCoreApplication::translate("ErrorText",
                                           "That user is already a member of this room.");
    case ErrorCode::InternalError:
        return QCoreApplication::translate("ErrorText",
                                           "The server could not do that. Please try again.");
    default:
        break;
    }
    return error.message.isEmpty()
        ? QCoreApplication::translate("ErrorText", "The server refused the request.")
        : error.message;
}

} // namespace confab::client
