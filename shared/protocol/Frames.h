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

} // namespace confab::protocol
