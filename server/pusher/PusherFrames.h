#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

// The frames of the Pusher Channels protocol, version 7, as the UTF-8 JSON text that goes on
// the wire. Pusher sends the data of every event as a string (JSON for its own events), and so
// does confabd.
namespace confab::server::PusherFrames {

// Close codes; pusher-js acts on their range: 4000–4099 gives up, 4100–4199 backs off,
// 4200–4299 reconnects at once.
enum CloseCode : int {
    UnknownApp = 4001,
    OverConnectionQuota = 4004,
    UnsupportedProtocol = 4007,
    NoProtocolVersion = 4008,
    Unauthorized = 4009,
    OverCapacity = 4100,
    ReconnectNow = 4200,
    PongNotReceived = 4201,
};
// Error codes of pusher:error frames that leave the connection open.
enum ErrorCode : int {
    ClientEventRateLimited = 4301,
};

QByteArray encode(const QString &event, const QJsonValue &data, const QString &channel = {});

QByteArray connectionEstablished(const QString &socketId, int activityTimeoutS);
// code may be null: Pusher sends no code for refusals without one of their own.
QByteArray error(const QJsonValue &code, const QString &message);
QByteArray ping();
QByteArray pong();
QByteArray subscriptionSucceeded(const QString &channel, const QJsonObject &data = {});
// type is Pusher's error category (AuthError, InvalidChannel, LimitReached); status follows
// HTTP as pusher-js reports it.
QByteArray subscriptionError(const QString &channel, const QString &type, const QString &message,
                             int status);
QByteArray cacheMiss(const QString &channel);
QByteArray memberAdded(const QString &channel, const QString &userId, const QJsonValue &userInfo);
QByteArray memberRemoved(const QString &channel, const QString &userId);
QByteArray signinSuccess(const QString &userData);
// An event on a channel; userId names the sender of a client event on a presence channel.
QByteArray channelEvent(const QString &channel, const QString &event, const QString &data,
                        const QString &userId = {});

// An object as compact JSON text, for data that travels as a string.
QString compact(const QJsonObject &object);

} // namespace confab::server::PusherFrames
