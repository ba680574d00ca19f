#include "PusherFrames.h"

#include <QJsonDocument>

namespace confab::server::PusherFrames {

using namespace Qt::StringLiterals;

namespace {

QByteArray toUtf8Json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(toUtf8Json(object));
}

QByteArray encode(const QString &event, const QJsonValue &data, const QString &channel)
{
    QJsonObject frame { { "event"_L1, event } };
    if (!channel.isEmpty())
        frame.insert("channel"_L1, channel);
    if (!data.isUndefined())
        frame.insert("data"_L1, data);
    return toUtf8Json(frame);
}

QByteArray connectionEstablished(const QString &socketId, int activityTimeoutS)
{
    return encode(
        u"pusher:connection_established"_s,
        compact({ { "socket_id"_L1, socketId }, { "activity_timeout"_L1, activityTimeoutS } }));
}

QByteArray error(const QJsonValue &code, const QString &message)
{
    // Unlike other pusher: events, the data of pusher:error is an object, not a string.
    return encode(u"pusher:error"_s,
                  QJsonObject { { "code"_L1, code }, { "message"_L1, message } });
}

QByteArray ping()
{
    return encode(u"pusher:ping"_s, u"{}"_s);
}

QByteArray pong()
{
    return encode(u"pusher:pong"_s, u"{}"_s);
}

QByteArray subscriptionSucceeded(const QString &channel, const QJsonObject &data)
{
    return encode(u"pusher_internal:subscription_succeeded"_s, compact(data), channel);
}

QByteArray subscriptionError(const QString &channel, const QString &type, const QString &message,
                             int status)
{
    return encode(
        u"pusher:subscription_error"_s,
        QJsonObject { { "type"_L1, type }, { "error"_L1, message }, { "status"_L1, status } },
        channel);
}

QByteArray cacheMiss(const QString &channel)
{
    return encode(u"pusher:cache_miss"_s, u"{}"_s, channel);
}

QByteArray memberAdded(const QString &channel, const QString &userId, const QJsonValue &userInfo)
{
    QJsonObject data { { "user_id"_L1, userId } };
    if (!userInfo.isUndefined() && !userInfo.isNull())
        data.insert("user_info"_L1, userInfo);
    return encode(u"pusher_internal:member_added"_s, compact(data), channel);
}

QByteArray memberRemoved(const QString &channel, const QString &userId)
{
    return encode(u"pusher_internal:member_removed"_s, compact({ { "user_id"_L1, userId } }),
                  channel);
}

QByteArray signinSuccess(const QString &userData)
{
    return encode(u"pusher:signin_success"_s, compact({ { "user_data"_L1, userData } }));
}

QByteArray channelEvent(const QString &channel, const QString &event, const QString &data,
                        const QString &userId)
{
    QJsonObject frame { { "event"_L1, event }, { "channel"_L1, channel }, { "data"_L1, data } };
    if (!userId.isEmpty())
        frame.insert("user_id"_L1, userId);
    return toUtf8Json(frame);
}

} // namespace confab::server::PusherFrames
