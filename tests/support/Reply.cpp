#include "Reply.h"

#include <QJsonDocument>
#include <QJsonValue>

namespace confab::test {

using namespace Qt::StringLiterals;

Reply::Reply(QString request, QJsonObject frame)
    : m_request(std::move(request))
    , m_frame(std::move(frame))
    , m_received(true)
{ }

Reply Reply::missing(QString request, QString reason)
{
    Reply reply;
    reply.m_request = std::move(request);
    reply.m_missingReason = std::move(reason);
    return reply;
}

bool Reply::isOk() const
{
    return m_received && m_frame.value("ok"_L1) == QJsonValue(true)
        && m_frame.value("result"_L1).isObject();
}

bool Reply::isError(QLatin1StringView code) const
{
    return m_received && m_frame.value("ok"_L1) == QJsonValue(false) && errorCode() == code;
}

qint64 Reply::roomId() const
{
    return result().value("room"_L1).toObject().value("id"_L1).toInteger();
}

QJsonObject Reply::result() const
{
    return m_frame.value("result"_L1).toObject();
}

QString Reply::errorCode() const
{
    return m_frame.value("error"_L1).toObject().value("code"_L1).toString();
}

QString Reply::errorMessage() const
{
    return m_frame.value("error"_L1).toObject().value("message"_L1).toString();
}

std::optional<qint64> Reply::retryAfterMs() const
{
    const auto value = m_frame.value("error"_L1).toObject().value("retry_after_ms"_L1);
    if (!value.isDouble() || value.toDouble() != double(value.toInteger()))
        return std::nullopt;
    return value.toInteger();
}

QByteArray Reply::describe() const
{
    const QByteArray request = abbreviated(m_request.toUtf8());
    if (!m_received)
        return "no reply to " + request + ": " + m_missingReason.toUtf8();
    return "reply to " + request + ": "
        + abbreviated(QJsonDocument(m_frame).toJson(QJsonDocument::Compact));
}

QByteArray abbreviated(const QByteArray &text)
{
    constexpr qsizetype kMaxBytes = 600;
    if (text.size() <= kMaxBytes)
        return text;
    return text.left(kMaxBytes) + "… (" + QByteArray::number(text.size()) + " bytes)";
}

} // namespace confab::test
