#pragma once

#include "protocol/Limits.h"
#include "protocol/MessageFields.h"
#include "protocol/Operations.h"

// Signing in and out, presence, and the hello push (see protocol/Messages.h).
namespace confab::protocol {

struct SignInReply
{
    User user;
    std::optional<QString> token; // not for resume: the client has it already
    qint64 expiresAt = 0;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("user"_L1, &SignInReply::user, Object {}),
                            field("token"_L1, &SignInReply::token, OptionalText {}),
                            field("expires_at"_L1, &SignInReply::expiresAt,
                                  Integer { 0, kMaxId }) };
    }
    friend bool operator==(const SignInReply &, const SignInReply &) = default;
};

struct RegisterRequest
{
    static constexpr auto kOp = op::Register;
    using Reply = SignInReply;

    QString username;
    QString password;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("username"_L1, &RegisterRequest::username, Text {}),
                            field("password"_L1, &RegisterRequest::password, Text {}) };
    }
    friend bool operator==(const RegisterRequest &, const RegisterRequest &) = default;
};

struct LoginRequest
{
    static constexpr auto kOp = op::Login;
    using Reply = SignInReply;

    QString username;
    QString password;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("username"_L1, &LoginRequest::username, Text {}),
                            field("password"_L1, &LoginRequest::password, Text {}) };
    }
    friend bool operator==(const LoginRequest &, const LoginRequest &) = default;
};

struct ResumeRequest
{
    static constexpr auto kOp = op::Resume;
    using Reply = SignInReply;

    QString token;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("token"_L1, &ResumeRequest::token, Text {}) };
    }
    friend bool operator==(const ResumeRequest &, const ResumeRequest &) = default;
};

struct LogoutRequest
{
    static constexpr auto kOp = op::Logout;
    using Reply = EmptyReply;

    static auto fields() { return std::tuple {}; }
    friend bool operator==(const LogoutRequest &, const LogoutRequest &) = default;
};

struct PresenceRequest
{
    static constexpr auto kOp = op::Presence;
    using Reply = EmptyReply;

    // Offline is what a user is without connections, not something to set.
    PresenceStatus status = PresenceStatus::Online;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field(
            "status"_L1, &PresenceRequest::status,
            oneOf(presenceName, { PresenceStatus::Online, PresenceStatus::Away })) };
    }
    friend bool operator==(const PresenceRequest &, const PresenceRequest &) = default;
};

struct PresencePush
{
    static constexpr auto kPush = push::Presence;

    User user;
    PresenceStatus status = PresenceStatus::Online;

    static auto fields()
    {
        using namespace rule;
        return std::tuple {
            field("user"_L1, &PresencePush::user, Object {}),
            field("status"_L1, &PresencePush::status,
                  oneOf(presenceName,
                        { PresenceStatus::Online, PresenceStatus::Away, PresenceStatus::Offline }))
        };
    }
    friend bool operator==(const PresencePush &, const PresencePush &) = default;
};

// What this server accepts, as announced in the hello push.
struct ServerLimits
{
    qint64 maxTextBytes = kMaxTextBytes;
    qint64 maxFrameBytes = kMaxFrameBytes;
    qint64 historyLimit = kHistoryPageMax;
    qint64 syncLimit = kSyncPageMax;

    static auto fields()
    {
        using namespace rule;
        constexpr Integer count { 1, kMaxId };
        return std::tuple { field("max_text_bytes"_L1, &ServerLimits::maxTextBytes, count),
                            field("max_frame_bytes"_L1, &ServerLimits::maxFrameBytes, count),
                            field("history_limit"_L1, &ServerLimits::historyLimit, count),
                            field("sync_limit"_L1, &ServerLimits::syncLimit, count) };
    }
    friend bool operator==(const ServerLimits &, const ServerLimits &) = default;
};

struct HelloPush
{
    static constexpr auto kPush = push::Hello;

    QString server; // "confabd 0.1.0"
    qint64 protocolVersion = kProtocolVersion;
    ServerLimits limits;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("server"_L1, &HelloPush::server, Text {}),
                            field("protocol"_L1, &HelloPush::protocolVersion,
                                  Integer { 1, kMaxId }),
                            field("limits"_L1, &HelloPush::limits, Object {}) };
    }
    friend bool operator==(const HelloPush &, const HelloPush &) = default;
};

} // namespace confab::protocol
