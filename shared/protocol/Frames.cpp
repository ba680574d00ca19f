#include "protocol/Frames.h"

#include "protocol/Limits.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace confab::protocol {

using namespace Qt::StringLiterals;

namespace {

QByteArray toUtf8Json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

bool isValidRequestId(const QJsonValue &id)
{
    if (id.isString())
        return id.toString().size() <= kRequestIdMaxChars;
    return id.isDouble() && id.toDouble() == double(id.toInteger());
}

} // namespace

std::variant<Request, DecodeFailure> RequestDecoder::decode(QByteArrayView utf8Frame)
{
    QJsonParseError parseError;
    const auto document = QJsonDocument::fromJson(utf8Frame.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return DecodeFailure { {},
                               makeError(ErrorCode::BadFrame,
                                         u"The frame is not valid JSON: %1."_s.arg(
                                             parseError.errorString())) };
    if (!document.isObject())
        return DecodeFailure {
            {}, makeError(ErrorCode::BadFrame, u"The frame is not a JSON object."_s)
        };

    const auto body = document.object();
    QJsonValue id = body.value("id"_L1);
    if (id.isUndefined())
        id = QJsonValue();
    else if (!isValidRequestId(id))
        return DecodeFailure {
            {},
            makeError(ErrorCode::BadRequest,
                      u"\"id\" must be an integer or a string of at most %1 characters."_s.arg(
                          kRequestIdMaxChars))
        };

    const auto version = body.value("v"_L1);
    if (!version.isDouble() || version.toDouble() != kProtocolVersion)
        return DecodeFailure { id,
                               makeError(
                                   ErrorCode::UnsupportedVersion,
                                   u"This server speaks protocol version %1 (\"v\": %1)."_s.arg(
                                       kProtocolVersion)) };

    const auto op = body.value("op"_L1);
    if (!op.isString())
        return DecodeFailure { id,
                               makeError(ErrorCode::BadRequest, u"\"op\" must be a string."_s) };

    return Request { id, op.toString(), body };
}

QByteArray encodeReply(const QJsonValue &id, const QJsonObject &result)
{
    QJsonObject frame { { "v"_L1, kProtocolVersion }, { "ok"_L1, true }, { "result"_L1, result } };
    if (!id.isNull())
        frame.insert("id"_L1, id);
    return toUtf8Json(frame);
}

QByteArray encodeError(const QJsonValue &id, const ProtocolError &error)
{
    QJsonObject details { { "code"_L1, errorCodeName(error.code) },
                          { "message"_L1, error.message } };
    if (error.retryAfterMs)
        details.insert("retry_after_ms"_L1, *error.retryAfterMs);
    QJsonObject frame { { "v"_L1, kProtocolVersion }, { "ok"_L1, false }, { "error"_L1, details } };
    if (!id.isNull())
        frame.insert("id"_L1, id);
    return toUtf8Json(frame);
}

QByteArray encodePush(QLatin1StringView push, const QJsonObject &data)
{
    return toUtf8Json({ { "v"_L1, kProtocolVersion }, { "push"_L1, push }, { "data"_L1, data } });
}

QString encodeRequest(const QJsonValue &id, QLatin1StringView op, QJsonObject args)
{
    args.insert("v"_L1, kProtocolVersion);
    args.insert("op"_L1, op);
    if (!id.isNull())
        args.insert("id"_L1, id);
    return QString::fromUtf8(toUtf8Json(args));
}

ServerFrame decodeServerFrame(QByteArrayView utf8Frame)
{
    const QJsonObject frame = QJsonDocument::fromJson(utf8Frame.toByteArray()).object();
    if (frame.contains("push"_L1))
        return ServerPush { frame.value("push"_L1).toString(), frame.value("data"_L1).toObject() };
    if (!frame.contains("ok"_L1))
        return {};
    ServerReply reply;
    reply.id = frame.value("id"_L1);
    reply.ok = frame.value("ok"_L1).toBool();
    if (reply.ok) {
        reply.result = frame.value("result"_L1).toObject();
        return reply;
    }
    const QJsonObject error = frame.value("error"_L1).toObject();
    reply.error.code
        = errorCodeFromName(error.value("code"_L1).toString()).value_or(ErrorCode::InternalError);
    reply.error.message = error.value("message"_L1).toString();
    if (error.contains("retry_after_ms"_L1))
        reply.error.retryAfterMs = error.value("retry_after_ms"_L1).toInteger();
    return reply;
}

} // namespace confab::protocol
