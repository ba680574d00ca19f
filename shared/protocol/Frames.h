#pragma once

#include "protocol/ProtocolError.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1StringView>
#include <QString>

namespace confab::protocol {

// A decoded client request: the envelope fields, and the whole object for its arguments.
struct Request
{
    QJsonValue id; // Null when the client sent none.
    QString op;
    QJsonObject body;
};

// A frame that failed decoding still yields the request id when one could be read, so the
// error reply can be matched by the client.
struct DecodeFailure
{
    QJsonValue id;
    ProtocolError error;
};

class RequestDecoder
{
public:
    static std::variant<Request, DecodeFailure> decode(QByteArrayView utf8Frame);
};

// The server's frames, as the UTF-8 JSON text that goes on the wire.
QByteArray encodeReply(const QJsonValue &id, const QJsonObject &result);
QByteArray encodeError(const QJsonValue &id, const ProtocolError &error);
QByteArray encodePush(QLatin1StringView push, const QJsonObject &data);

// A client's request, as text for QWebSocket::sendTextMessage().
QString encodeRequest(const QJsonValue &id, QLatin1StringView op, QJsonObject args);

// A server's frame, as a client reads it: a reply to one of its requests or a push.
struct ServerReply
{
    QJsonValue id;
    bool ok = false;
    QJsonObject result; // when ok
    ProtocolError error; // when not; a code this client does not know is internal_error
};

struct ServerPush
{
    QString name;
    QJsonObject data;
};

// Neither when the frame is not one of the server's.
using ServerFrame = std::variant<std::monostate, ServerReply, ServerPush>;
ServerFrame decodeServerFrame(QByteArrayView utf8Frame);

} // namespace confab::protocol
