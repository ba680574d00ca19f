#include "RoomChannelAuth.h"

#include "PusherFrames.h"
#include "Signatures.h"
#include "auth/SessionToken.h"
#include "presence/PresenceRegistry.h"
#include "store/Store.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRegularExpression>

namespace confab::server {

using namespace Qt::StringLiterals;

namespace {

HttpAnswer refusal(int status, const QString &message)
{
    return { status,
             QJsonDocument(QJsonObject { { "error"_L1, message } }).toJson(QJsonDocument::Compact),
             RoomChannelAuth::corsHeaders() };
}

} // namespace

QList<std::pair<QByteArray, QByteArray>> RoomChannelAuth::corsHeaders()
{
    return { { "Access-Control-Allow-Origin", "*" },
             { "Access-Control-Allow-Methods", "POST, OPTIONS" },
             { "Access-Control-Allow-Headers",
               "Authorization, Content-Type, X-CSRF-TOKEN, X-Socket-Id, X-Requested-With" },
             { "Access-Control-Max-Age", "600" } };
}

void RoomChannelAuth::handle(const HttpRequest &request, const ReplyTarget &target,
                             HttpRespond respond)
{
    if (request.method == "OPTIONS") {
        respond({ 204, {}, corsHeaders() });
        return;
    }
    if (request.method != "POST") {
        respond(refusal(405, u"Use POST"_s));
        return;
    }
    const QByteArray authorization = request.header("authorization");
    if (!authorization.startsWith("Bearer ") || authorization.size() <= 7) {
        respond(refusal(401, u"Send the Confab session token as Authorization: Bearer <token>"_s));
        return;
    }
    // pusher-js posts a form; a JSON body is read too.
    QString socketId;
    QString channel;
    if (request.header("content-type").startsWith("application/json")) {
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        socketId = body.value("socket_id"_L1).toString();
        channel = body.value("channel_name"_L1).toString();
    } else {
        for (const auto &[key, value] : PusherSignature::parseQuery(request.body)) {
            if (key == "socket_id"_L1)
                socketId = value;
            else if (key == "channel_name"_L1)
                channel = value;
        }
    }
    if (!PusherSignature::isSocketId(socketId)) {
        respond(refusal(400, u"socket_id must be of the form 123.456"_s));
        return;
    }
    static const QRegularExpression roomChannel(
        u"^(presence|private)-room\\.([1-9][0-9]{0,17})$"_s);
    const auto match = roomChannel.match(channel);
    if (!match.hasMatch()) {
        respond(
            refusal(403, u"Only presence-room.{id} and private-room.{id} are authorized here"_s));
        return;
    }
    const bool presence = match.captured(1) == "presence"_L1;
    const qint64 roomId = match.captured(2).toLongLong();
    const QString tokenHash
        = SessionToken::hashOf(QString::fromUtf8(authorization.mid(7).trimmed()));
    const PusherApp app = m_registry.defaultApp();

    m_store.call<protocol::Outcome<protocol::User>>(
        target,
        [tokenHash, roomId](StoreContext &store) -> protocol::Outcome<protocol::User> {
            const auto signIn
                = store.accounts.resumeSession(tokenHash, QDateTime::currentMSecsSinceEpoch());
            if (!signIn)
                return signIn.error();
            const protocol::User &user = signIn->signedIn.user;
            const auto room = store.rooms.requireMember(user.id, roomId);
            if (!room)
                return room.error();
            return user;
        },
        [respond, app, socketId, channel, presence](protocol::Outcome<protocol::User> outcome) {
            if (!outcome) {
                const auto code = outcome.error().code;
                if (code == protocol::ErrorCode::InvalidToken)
                    respond(refusal(401, outcome.error().message));
                else if (code == protocol::ErrorCode::InternalError)
                    respond(refusal(500, outcome.error().message));
                else
                    respond(refusal(403, u"You are not a member of this room"_s));
                return;
            }
            QJsonObject answer;
            QString channelData;
            if (presence) {
                // The member the user's native connections are too: one member per user.
                const PresenceMember member = PresenceRegistry::roomMember(*outcome);
                channelData = PusherFrames::compact(
                    { { "user_id"_L1, member.userId }, { "user_info"_L1, member.userInfo } });
                answer.insert("channel_data"_L1, channelData);
            }
            answer.insert("auth"_L1,
                          PusherSignature::makeAuth(
                              app.key, app.secret,
                              PusherSignature::channelString(socketId, channel, channelData)));
            respond({ 200, QJsonDocument(answer).toJson(QJsonDocument::Compact),
                      RoomChannelAuth::corsHeaders() });
        });
}

} // namespace confab::server
