#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <utility>

namespace confab::server::PusherSignature {

// Lower-case hex HMAC-SHA256 of message under secret: every Pusher signature.
QByteArray hmacHex(QByteArrayView secret, QByteArrayView message);
QByteArray md5Hex(QByteArrayView data);

// What a channel authorization signs: "socket_id:channel" or "socket_id:channel:channel_data".
QByteArray channelString(QStringView socketId, QStringView channel, QStringView channelData);
// What a user sign-in signs: "socket_id::user::user_data".
QByteArray userString(QStringView socketId, QStringView userData);

// Checks an auth string "<key>:<hex signature>" for message, in constant time.
bool verifyAuth(QStringView auth, const QString &key, const QString &secret,
                QByteArrayView message);
// The auth string an app's server would give for message.
QString makeAuth(const QString &key, const QString &secret, QByteArrayView message);

// Socket ids are "<digits>.<digits>"; Pusher's server libraries reject any other form.
bool isSocketId(QStringView text);

// The query of an HTTP API request, decoded: keys lower-cased, values percent- and
// '+'-decoded, in the order given.
using QueryItems = QList<std::pair<QString, QString>>;
QueryItems parseQuery(QByteArrayView query);

// "METHOD\nPATH\nk1=v1&k2=v2…": the parameters other than auth_signature, sorted by key and
// not escaped, as Pusher's HTTP API signs them.
QByteArray requestString(QByteArrayView method, QByteArrayView path, const QueryItems &query);

enum class RequestCheck {
    Valid,
    MissingParameter, // auth_key, auth_timestamp, auth_version or auth_signature is absent
    UnknownKey,
    UnsupportedVersion,
    StaleTimestamp, // more than 600 s from the server's clock
    BodyMismatch, // body_md5 absent for a body, or not the body's MD5
    BadSignature,
};
constexpr qint64 kTimestampWindowS = 600;

RequestCheck checkRequest(QByteArrayView method, QByteArrayView path, const QueryItems &query,
                          QByteArrayView body, const QString &key, const QString &secret,
                          qint64 nowS);
QString describe(RequestCheck check);

} // namespace confab::server::PusherSignature
