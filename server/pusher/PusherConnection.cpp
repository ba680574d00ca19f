#include "PusherConnection.h"

#include "ChannelName.h"
#include "PusherFrames.h"
#include "Signatures.h"
#include "connection/Connection.h"
#include "presence/PresenceRegistry.h"
#include "websocket/WebSocketFrame.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QUrlQuery>

namespace confab::server {

Q_LOGGING_CATEGORY(lcPusher, "confab.pusher")

using namespace Qt::StringLiterals;

namespace {

constexpr int kMinProtocol = 5;
constexpr int kMaxProtocol = 7;
constexpr qsizetype kMaxEventNameLength = 200;
constexpr qsizetype kMaxUserIdLength = 128;
constexpr qint64 kPongTimeoutMs = 30'000;

// Data of a client event as it goes on: a string stays as sent, anything else is sent as its
// JSON text, the way Pusher relays it.
QString dataText(const QJsonValue &data)
{
    if (data.isString())
        return data.toString();
    if (data.isObject())
        return PusherFrames::compact(data.toObject());
    if (data.isUndefined())
        return {};
    const QByteArray wrapped = QJsonDocument(QJsonArray { data }).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

QString idText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    return {};
}

} // namespace

PusherConnection::PusherConnection(Connection &connection, PushSink *sink,
                                   PresenceRegistry &registry)
    : ProtocolHandler(connection)
    , m_sink(sink)
    , m_registry(registry)
    , m_clientEvents(1, 1)
{ }

PusherConnection::~PusherConnection()
{
    leaveRegistry();
}

void PusherConnection::opened()
{
    const QString key
        = QUrl::fromPercentEncoding(connection().path().mid(qsizetype(strlen("/app/"))));
    m_app = m_registry.appByKey(key);
    if (!m_app) {
        closeWith(PusherFrames::UnknownApp, u"App key %1 does not exist"_s.arg(key.left(64)));
        return;
    }
    const QUrlQuery query(QString::fromUtf8(connection().query()));
    if (!query.hasQueryItem(u"protocol"_s)) {
        closeWith(PusherFrames::NoProtocolVersion, u"No protocol version supplied"_s);
        return;
    }
    bool ok = false;
    const int protocol = query.queryItemValue(u"protocol"_s).toInt(&ok);
    if (!ok || protocol < kMinProtocol || protocol > kMaxProtocol) {
        closeWith(PusherFrames::UnsupportedProtocol,
                  u"Unsupported protocol version; this server speaks 5 to 7"_s);
        return;
    }
    const auto socketId = m_registry.attach(*m_app, { m_sink, connection().id() }, this);
    if (!socketId) {
        closeWith(PusherFrames::OverConnectionQuota, u"Application is over connection quota"_s);
        return;
    }
    m_socketId = *socketId;
    const int perSecond = m_app->limits.clientEventsPerSecond;
    m_clientEvents = TokenBucket(perSecond, perSecond);
    sendFrame(PusherFrames::connectionEstablished(m_socketId, m_app->activityTimeoutS));
}

void PusherConnection::sendFrame(const QByteArray &frame)
{
    connection().sendText(frame);
}

void PusherConnection::closeWith(int code, const QString &reason)
{
    connection().closeWith(quint16(code), reason);
}

void PusherConnection::terminate()
{
    closeWith(PusherFrames::Unauthorized, u"Connection terminated by the app"_s);
}

void PusherConnection::binaryReceived()
{
    sendFrame(PusherFrames::error(QJsonValue(), u"Binary frames are not supported."_s));
}

void PusherConnection::closed()
{
    leaveRegistry();
}

KeepAlive PusherConnection::keepAlive() const
{
    // Before the app is known (a refused connection), the default app's timing will do.
    const qint64 activityMs = qint64(m_app ? m_app->activityTimeoutS : 120) * 1000;
    return { activityMs, std::min(kPongTimeoutMs, activityMs) };
}

QByteArray PusherConnection::pingFrame() const
{
    return websocket::serverFrame(websocket::Text, PusherFrames::ping());
}

std::optional<CloseFrame> PusherConnection::closeFrame(CloseReason reason) const
{
    // Pusher clients reconnect at once on 42xx, back off on 41xx and give up on 40xx.
    switch (reason) {
    case CloseReason::GoingAway:
        return CloseFrame { PusherFrames::ReconnectNow, u"Server shutting down; reconnect"_s };
    case CloseReason::TooManyConnections:
        return CloseFrame { PusherFrames::OverCapacity,
                            u"Over capacity: too many connections from this address"_s };
    case CloseReason::SlowConsumer:
        return CloseFrame { PusherFrames::OverCapacity,
                            u"Over capacity: the client reads too slowly"_s };
    case CloseReason::Unresponsive:
        return CloseFrame { PusherFrames::PongNotReceived, u"Pong reply not received"_s };
    }
    return std::nullopt;
}

void PusherConnection::textReceived(const QByteArray &text)
{
    if (!connection().isOpen() || !m_app || m_socketId.isEmpty())
        return;
    const QJsonDocument document = QJsonDocument::fromJson(text);
    const QJsonObject message = document.object();
    const QString event = message.value("event"_L1).toString();
    if (!document.isObject() || event.isEmpty()) {
        sendFrame(
            PusherFrames::error(QJsonValue(), u"Frames must be JSON objects with an event"_s));
        return;
    }
    // pusher-js sends the data of its own events as objects; other clients send strings.
    QJsonValue data = message.value("data"_L1);
    const auto dataObject = [&data] {
        if (data.isString())
            return QJsonDocument::fromJson(data.toString().toUtf8()).object();
        return data.toObject();
    };
    if (event == "pusher:ping"_L1)
        sendFrame(PusherFrames::pong());
    else if (event == "pusher:pong"_L1)
        return;
    else if (event == "pusher:subscribe"_L1)
        subscribe(dataObject());
    else if (event == "pusher:unsubscribe"_L1)
        unsubscribe(dataObject());
    else if (event == "pusher:signin"_L1)
        signIn(dataObject());
    else if (event.startsWith("client-"_L1))
        clientEvent(event, message.value("channel"_L1).toString(), data);
    else
        sendFrame(PusherFrames::error(QJsonValue(),
                                      u"Unknown event \"%1\"; clients send pusher: events and "
                                      u"client- events only"_s.arg(event.left(64))));
}

void PusherConnection::refuseSubscription(const QString &channel, const QString &type,
                                          const QString &message, int status)
{
    qCDebug(lcPusher) << "subscription refused:" << channel << message;
    sendFrame(PusherFrames::subscriptionError(channel, type, message, status));
}

void PusherConnection::subscribe(const QJsonObject &data)
{
    const QString channel = data.value("channel"_L1).toString();
    if (!ChannelName::isValid(channel)) {
        refuseSubscription(channel, u"InvalidChannel"_s,
                           u"Channel names are 1 to 164 of A-Z a-z 0-9 _ - = @ , . ;"_s, 400);
        return;
    }
    const auto kind = ChannelName::kindOf(channel);
    const QString auth = data.value("auth"_L1).toString();
    std::optional<PresenceMember> member;
    if (kind == ChannelName::Kind::ServerToUser) {
        if (m_userId.isEmpty() || ChannelName::serverToUserId(channel) != m_userId) {
            refuseSubscription(channel, u"AuthError"_s,
                               u"Only the signed-in user may subscribe to this channel"_s, 403);
            return;
        }
    } else if (kind == ChannelName::Kind::Presence) {
        const QJsonValue channelData = data.value("channel_data"_L1);
        // Without channel_data a signed-in user joins as themself (Pusher's user sign-in).
        const bool asSignedInUser = channelData.isUndefined() && !m_userId.isEmpty();
        const QString signedData = asSignedInUser ? QString() : channelData.toString();
        if (!asSignedInUser && (!channelData.isString() || signedData.isEmpty())) {
            refuseSubscription(channel, u"AuthError"_s,
                               u"A presence subscription needs channel_data"_s, 400);
            return;
        }
        if (!PusherSignature::verifyAuth(
                auth, m_app->key, m_app->secret,
                PusherSignature::channelString(m_socketId, channel, signedData))) {
            refuseSubscription(channel, u"AuthError"_s,
                               u"Invalid signature: expected the HMAC SHA256 hex digest of "
                               u"socket_id:channel_name:channel_data under the app secret"_s,
                               401);
            return;
        }
        if (asSignedInUser) {
            member = PresenceMember { m_userId, m_userInfo };
        } else {
            const QJsonObject parsed = QJsonDocument::fromJson(signedData.toUtf8()).object();
            const QString userId = idText(parsed.value("user_id"_L1));
            if (userId.isEmpty() || userId.size() > kMaxUserIdLength
                || signedData.toUtf8().size() > m_app->limits.maxEventBytes) {
                refuseSubscription(channel, u"AuthError"_s,
                                   u"channel_data must be a JSON object with a user_id of 1 to "
                                   u"128 characters, within the event size limit"_s,
                                   400);
                return;
            }
            member = PresenceMember { userId, parsed.value("user_info"_L1) };
        }
    } else if (ChannelName::needsSignature(kind)) {
        if (!PusherSignature::verifyAuth(
                auth, m_app->key, m_app->secret,
                PusherSignature::channelString(m_socketId, channel, QString()))) {
            refuseSubscription(channel, u"AuthError"_s,
                               u"Invalid signature: expected the HMAC SHA256 hex digest of "
                               u"socket_id:channel_name under the app secret"_s,
                               401);
            return;
        }
    }

    const SubscribeResult result = m_registry.subscribe(m_app->id, m_socketId, channel, member);
    if (result.status == SubscribeResult::Status::PresenceFull) {
        refuseSubscription(channel, u"LimitReached"_s,
                           u"The presence channel has its maximum of %1 members"_s.arg(
                               m_app->limits.maxPresenceMembers),
                           403);
        return;
    }
    if (result.status != SubscribeResult::Status::Subscribed)
        return;
    sendFrame(PusherFrames::subscriptionSucceeded(channel, result.succeededData));
    if (result.cachedEvent)
        sendFrame(PusherFrames::channelEvent(channel, result.cachedEvent->first,
                                             result.cachedEvent->second));
    else if (result.cacheMiss)
        sendFrame(PusherFrames::cacheMiss(channel));
}

void PusherConnection::unsubscribe(const QJsonObject &data)
{
    m_registry.unsubscribe(m_app->id, m_socketId, data.value("channel"_L1).toString());
}

void PusherConnection::signIn(const QJsonObject &data)
{
    const QString userData = data.value("user_data"_L1).toString();
    if (!PusherSignature::verifyAuth(data.value("auth"_L1).toString(), m_app->key, m_app->secret,
                                     PusherSignature::userString(m_socketId, userData))) {
        sendFrame(PusherFrames::error(PusherFrames::Unauthorized,
                                      u"Invalid signature: expected the HMAC SHA256 hex digest of "
                                      u"socket_id::user::user_data under the app secret"_s));
        return;
    }
    const QJsonObject user = QJsonDocument::fromJson(userData.toUtf8()).object();
    const QString userId = idText(user.value("id"_L1));
    if (userId.isEmpty() || userId.size() > kMaxUserIdLength) {
        sendFrame(PusherFrames::error(PusherFrames::Unauthorized,
                                      u"user_data must be a JSON object with an id"_s));
        return;
    }
    m_userId = userId;
    m_userInfo = user.value("user_info"_L1);
    m_registry.signIn(m_app->id, m_socketId, m_userId);
    sendFrame(PusherFrames::signinSuccess(userData));
}

void PusherConnection::clientEvent(const QString &event, const QString &channel,
                                   const QJsonValue &data)
{
    if (m_clientEvents.take(connection().elapsedMs())) {
        sendFrame(PusherFrames::error(
            PusherFrames::ClientEventRateLimited,
            u"Client event rejected due to rate limit: at most %1 a second per connection"_s.arg(
                m_app->limits.clientEventsPerSecond)));
        return;
    }
    if (!ChannelName::allowsClientEvents(ChannelName::kindOf(channel))) {
        sendFrame(PusherFrames::error(
            QJsonValue(),
            u"Client event rejected - only supported on private and presence channels"_s));
        return;
    }
    if (!m_registry.isSubscribed(m_app->id, m_socketId, channel)) {
        sendFrame(PusherFrames::error(
            QJsonValue(), u"Client event rejected - you must be subscribed to the channel"_s));
        return;
    }
    const QString text = dataText(data);
    if (event.size() > kMaxEventNameLength || text.toUtf8().size() > m_app->limits.maxEventBytes) {
        sendFrame(PusherFrames::error(
            QJsonValue(),
            u"Client event rejected - the name is longer than 200 characters or the data "
            u"larger than %1 bytes"_s.arg(m_app->limits.maxEventBytes)));
        return;
    }
    const QString userId = ChannelName::kindOf(channel) == ChannelName::Kind::Presence
        ? m_registry.presenceUserId(m_app->id, m_socketId, channel)
        : QString();
    m_registry.trigger(m_app->id, { { channel, event, text, m_socketId, userId } });
    m_registry.announceClientEvent(m_app->id, channel, event, text, m_socketId, userId);
}

void PusherConnection::leaveRegistry()
{
    if (m_app && !m_socketId.isEmpty()) {
        m_registry.detach(m_app->id, m_socketId);
        m_socketId.clear();
    }
}

} // namespace confab::server
