#include "ClientSession.h"

#include "Operations.h"
#include "config/ServerConfig.h"
#include "connection/Connection.h"
#include "presence/PresenceRegistry.h"
#include "protocol/AccountMessages.h"
#include "protocol/Frames.h"
#include "protocol/Limits.h"
#include "protocol/Operations.h"
#include "websocket/WebSocketFrame.h"

namespace confab::server {

using namespace Qt::StringLiterals;
using protocol::ErrorCode;
using protocol::makeError;

namespace {

// An application's code (RFC 6455 leaves 4000-4999 to them): 1013 would fit, but Qt's
// WebSocket client, like others, refuses close codes outside the ones it knows.
constexpr quint16 kSlowConsumerClose = 4008;

} // namespace

ClientSession::ClientSession(Connection &connection, PushSink *sink, Services services)
    : ProtocolHandler(connection)
    , m_sink(sink)
    , m_services(services)
{ }

ClientSession::~ClientSession()
{
    leavePresence();
}

quint64 ClientSession::id() const
{
    return connection().id();
}

QHostAddress ClientSession::peerAddress() const
{
    return connection().peerAddress();
}

void ClientSession::opened()
{
    const auto &config = m_services.config;
    const protocol::ServerLimits limits { qint64(config.maxTextBytes), qint64(config.maxFrameBytes),
                                          protocol::kHistoryPageMax, protocol::kSyncPageMax };
    connection().sendText(protocol::encodePush(protocol::HelloPush {
        u"confabd " CONFAB_VERSION ""_s, protocol::kProtocolVersion, limits }));
}

void ClientSession::textReceived(const QByteArray &frame)
{
    if (auto wait = connection().takeRequest()) {
        auto error = makeError(ErrorCode::RateLimited,
                               u"Too many requests on this connection; slow down."_s);
        error.retryAfterMs = *wait;
        // The id is still worth reading so the client can match the refusal.
        const auto decoded = protocol::RequestDecoder::decode(frame);
        const auto *request = std::get_if<protocol::Request>(&decoded);
        replyError(request ? request->id : QJsonValue(), error);
        return;
    }

    const auto decoded = protocol::RequestDecoder::decode(frame);
    if (const auto *failure = std::get_if<protocol::DecodeFailure>(&decoded)) {
        replyError(failure->id, failure->error);
        return;
    }
    const auto &request = std::get<protocol::Request>(decoded);
    const Operation *operation = findOperation(request.op);
    if (!operation) {
        replyError(request.id,
                   makeError(ErrorCode::UnknownOp,
                             u"There is no operation \"%1\"."_s.arg(request.op.left(64))));
        return;
    }
    if (operation->needsSignIn && !m_user) {
        replyError(
            request.id,
            makeError(ErrorCode::Unauthenticated, u"Sign in first (login, register or resume)."_s));
        return;
    }
    operation->handler(*this, request);
}

void ClientSession::binaryReceived()
{
    replyError(
        {},
        makeError(ErrorCode::BadFrame, u"Frames are JSON text; binary frames are not accepted."_s));
}

void ClientSession::closed()
{
    leavePresence();
    m_user.reset();
}

KeepAlive ClientSession::keepAlive() const
{
    const qint64 interval = m_services.config.pingIntervalMs;
    return { interval, interval };
}

QByteArray ClientSession::pingFrame() const
{
    return websocket::serverFrame(websocket::Ping, {});
}

std::optional<CloseFrame> ClientSession::closeFrame(CloseReason reason) const
{
    switch (reason) {
    case CloseReason::GoingAway:
        return CloseFrame { websocket::GoingAway, u"server shutting down"_s };
    case CloseReason::TooManyConnections:
        return CloseFrame { websocket::PolicyViolated, u"too_many_connections"_s };
    case CloseReason::SlowConsumer:
        return CloseFrame { kSlowConsumerClose, u"slow_consumer"_s };
    case CloseReason::Unresponsive:
        break;
    }
    // A peer that answers no ping would not answer a close frame either.
    return std::nullopt;
}

void ClientSession::reply(const QJsonValue &requestId, const QJsonObject &result)
{
    connection().sendText(protocol::encodeReply(requestId, result));
}

void ClientSession::replyError(const QJsonValue &requestId, const protocol::ProtocolError &error)
{
    connection().sendText(protocol::encodeError(requestId, error));
}

void ClientSession::signIn(const protocol::User &user, const QString &tokenHash,
                           const QList<qint64> &roomIds)
{
    m_user = user;
    m_tokenHash = tokenHash;
    auto &presence = m_services.presence;
    if (presence.attachUser(user, { m_sink, id() }, roomIds)) {
        presence.publishToUsers(
            presence.peersOf(user.id),
            protocol::encodePush(protocol::PresencePush { user, PresenceStatus::Online }));
    }
}

void ClientSession::signOut()
{
    leavePresence();
    m_user.reset();
    m_tokenHash.clear();
}

void ClientSession::leavePresence()
{
    if (!m_user)
        return;
    auto &presence = m_services.presence;
    const auto peers = presence.peersOf(m_user->id);
    if (presence.detachUser(m_user->id, { m_sink, id() })) {
        presence.publishToUsers(
            peers,
            protocol::encodePush(protocol::PresencePush { *m_user, PresenceStatus::Offline }));
    }
    m_user.reset();
}

} // namespace confab::server
