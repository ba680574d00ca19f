#include "ClientSession.h"

#include "Operations.h"
#include "config/ServerConfig.h"
#include "hub/Hub.h"
#include "hub/PushSink.h"
#include "protocol/Frames.h"
#include "protocol/Limits.h"
#include "protocol/Operations.h"
#include "websocket/WebSocketConnection.h"

#include <QLoggingCategory>

namespace confab::server {

Q_LOGGING_CATEGORY(lcSession, "confab.session")

using namespace Qt::StringLiterals;
using protocol::ErrorCode;
using protocol::makeError;

ClientSession::ClientSession(WebSocketConnection *socket, quint64 id, PushSink *sink,
                             Services services, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_id(id)
    , m_sink(sink)
    , m_services(services)
    , m_peerAddress(socket->peerAddress())
    , m_budget(services.config.requestsPerSecond, services.config.requestBurst)
{
    m_socket->setParent(this);
    m_clock.start();
    m_lastPongMs = m_clock.elapsed();

    connect(m_socket, &WebSocketConnection::textMessageReceived, this,
            &ClientSession::onTextMessage);
    connect(m_socket, &WebSocketConnection::binaryMessageReceived, this,
            &ClientSession::onBinaryMessage);
    connect(m_socket, &WebSocketConnection::disconnected, this, &ClientSession::onDisconnected);
    connect(m_socket, &WebSocketConnection::pongReceived, this,
            [this] { m_lastPongMs = m_clock.elapsed(); });
    sendHello();
}

ClientSession::~ClientSession()
{
    leaveHub();
}

void ClientSession::sendHello()
{
    const auto &config = m_services.config;
    const QJsonObject limits { { "max_text_bytes"_L1, qint64(config.maxTextBytes) },
                               { "max_frame_bytes"_L1, qint64(config.maxFrameBytes) },
                               { "history_limit"_L1, protocol::kHistoryPageMax },
                               { "sync_limit"_L1, protocol::kSyncPageMax } };
    sendFrame(protocol::encodePush(protocol::push::Hello,
                                   { { "server"_L1, u"confabd " CONFAB_VERSION ""_s },
                                     { "protocol"_L1, protocol::kProtocolVersion },
                                     { "limits"_L1, limits } }));
}

void ClientSession::onTextMessage(const QByteArray &frame)
{
    if (auto wait = m_budget.take(m_clock.elapsed())) {
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

void ClientSession::onBinaryMessage()
{
    replyError(
        {},
        makeError(ErrorCode::BadFrame, u"Frames are JSON text; binary frames are not accepted."_s));
}

void ClientSession::reply(const QJsonValue &requestId, const QJsonObject &result)
{
    sendFrame(protocol::encodeReply(requestId, result));
}

void ClientSession::replyError(const QJsonValue &requestId, const protocol::ProtocolError &error)
{
    sendFrame(protocol::encodeError(requestId, error));
}

void ClientSession::sendFrame(QByteArrayView utf8)
{
    if (!m_finished)
        m_socket->sendText(utf8);
}

void ClientSession::sendPush(const PushFrame &frame)
{
    if (!m_finished)
        m_socket->sendFrame(frame.bytes());
}

void ClientSession::signIn(const protocol::User &user, const QString &tokenHash,
                           const QList<qint64> &roomIds)
{
    m_user = user;
    m_tokenHash = tokenHash;
    auto &hub = m_services.hub;
    if (hub.attach(user, { m_sink, m_id }, roomIds)) {
        hub.publishToUsers(
            hub.peersOf(user.id),
            protocol::encodePush(protocol::push::Presence,
                                 { { "user"_L1, user.toJson() },
                                   { "status"_L1, presenceName(PresenceStatus::Online) } }));
    }
}

void ClientSession::signOut()
{
    leaveHub();
    m_user.reset();
    m_tokenHash.clear();
}

void ClientSession::leaveHub()
{
    if (!m_user)
        return;
    auto &hub = m_services.hub;
    const auto peers = hub.peersOf(m_user->id);
    if (hub.detach(m_user->id, { m_sink, m_id })) {
        hub.publishToUsers(
            peers,
            protocol::encodePush(protocol::push::Presence,
                                 { { "user"_L1, m_user->toJson() },
                                   { "status"_L1, presenceName(PresenceStatus::Offline) } }));
    }
}

void ClientSession::checkAlive(qint64 pingIntervalMs)
{
    if (m_finished)
        return;
    if (m_clock.elapsed() - m_lastPongMs > 2 * pingIntervalMs) {
        qCInfo(lcSession) << "dropping connection" << m_id << "after missed pings";
        m_socket->abort();
        return;
    }
    m_socket->ping();
}

void ClientSession::closeGoingAway()
{
    if (!m_finished)
        m_socket->close(websocket::GoingAway, u"server shutting down");
}

void ClientSession::closeForPolicy(const QString &reason)
{
    if (!m_finished)
        m_socket->close(websocket::PolicyViolated, reason);
}

void ClientSession::abort()
{
    m_socket->abort();
}

void ClientSession::onDisconnected()
{
    if (m_finished)
        return;
    m_finished = true;
    leaveHub();
    m_user.reset();
    emit finished(m_id);
}

} // namespace confab::server
