#pragma once

#include "protocol/ProtocolError.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace confab::protocol {

// Reads the typed arguments of a request. The first problem is kept and later reads become
// no-ops, so a handler reads everything it needs and then checks error() once.
class ArgumentReader
{
public:
    explicit ArgumentReader(const QJsonObject &body)
        : m_body(body)
    { }

    qint64 requiredId(QLatin1StringView name);
    qint64 requiredInt(QLatin1StringView name, qint64 min, qint64 max);
    std::optional<qint64> optionalInt(QLatin1StringView name, qint64 min, qint64 max);
    qint64 intOr(QLatin1StringView name, qint64 fallback, qint64 min, qint64 max);
    QString requiredString(QLatin1StringView name);
    std::optional<QString> optionalString(QLatin1StringView name);
    bool requiredBool(QLatin1StringView name);
    QJsonObject requiredObject(QLatin1StringView name);
    QJsonArray requiredArray(QLatin1StringView name);

    // For rules beyond the types above (a choice of names, a map of positions): records a
    // bad_request with this message unless a problem is already recorded.
    void fail(QString message);

    const QJsonObject &body() const { return m_body; }
    const std::optional<ProtocolError> &error() const { return m_error; }
    bool failed() const { return m_error.has_value(); }

private:
    const QJsonObject &m_body;
    std::optional<ProtocolError> m_error;
};

} // namespace confab::protocol
