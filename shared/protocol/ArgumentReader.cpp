#include "protocol/ArgumentReader.h"

#include <QJsonValue>

#include <cmath>

namespace confab::protocol {

using namespace Qt::StringLiterals;

namespace {

// JSON numbers are doubles; an id or count is only accepted when it is an exact integer
// that a double can hold without rounding.
std::optional<qint64> exactInteger(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    constexpr double kMaxExact = 9007199254740991.0; // 2^53 - 1
    if (std::trunc(number) != number || std::fabs(number) > kMaxExact)
        return std::nullopt;
    return qint64(number);
}

} // namespace

void ArgumentReader::fail(QString message)
{
    if (!m_error)
        m_error = makeError(ErrorCode::BadRequest, std::move(message));
}

qint64 ArgumentReader::requiredId(QLatin1StringView name)
{
    if (m_error)
        return 0;
    const auto value = exactInteger(m_body.value(name));
    if (!value || *value <= 0) {
        fail(u"\"%1\" must be a positive integer id."_s.arg(name));
        return 0;
    }
    return *value;
}

std::optional<qint64> ArgumentReader::optionalInt(QLatin1StringView name, qint64 min, qint64 max)
{
    if (m_error)
        return std::nullopt;
    const auto raw = m_body.value(name);
    if (raw.isUndefined() || raw.isNull())
        return std::nullopt;
    const auto value = exactInteger(raw);
    if (!value || *value < min || *value > max) {
        fail(u"\"%1\" must be an integer from %2 to %3."_s.arg(name).arg(min).arg(max));
        return std::nullopt;
    }
    return value;
}

qint64 ArgumentReader::requiredInt(QLatin1StringView name, qint64 min, qint64 max)
{
    if (m_error)
        return 0;
    const auto raw = m_body.value(name);
    if (raw.isUndefined() || raw.isNull()) {
        fail(u"\"%1\" is required."_s.arg(name));
        return 0;
    }
    return optionalInt(name, min, max).value_or(0);
}

qint64 ArgumentReader::intOr(QLatin1StringView name, qint64 fallback, qint64 min, qint64 max)
{
    return optionalInt(name, min, max).value_or(fallback);
}

QString ArgumentReader::requiredString(QLatin1StringView name)
{
    if (m_error)
        return {};
    const auto value = m_body.value(name);
    if (!value.isString()) {
        fail(u"\"%1\" must be a string."_s.arg(name));
        return {};
    }
    return value.toString();
}

std::optional<QString> ArgumentReader::optionalString(QLatin1StringView name)
{
    if (m_error)
        return std::nullopt;
    const auto value = m_body.value(name);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isString()) {
        fail(u"\"%1\" must be a string."_s.arg(name));
        return std::nullopt;
    }
    return value.toString();
}

bool ArgumentReader::requiredBool(QLatin1StringView name)
{
    if (m_error)
        return false;
    const auto value = m_body.value(name);
    if (!value.isBool()) {
        fail(u"\"%1\" must be true or false."_s.arg(name));
        return false;
    }
    return value.toBool();
}

QJsonObject ArgumentReader::requiredObject(QLatin1StringView name)
{
    if (m_error)
        return {};
    const auto value = m_body.value(name);
    if (!value.isObject()) {
        fail(u"\"%1\" must be an object."_s.arg(name));
        return {};
    }
    return value.toObject();
}

QJsonArray ArgumentReader::requiredArray(QLatin1StringView name)
{
    if (m_error)
        return {};
    const auto value = m_body.value(name);
    if (!value.isArray()) {
        fail(u"\"%1\" must be an array."_s.arg(name));
        return {};
    }
    return value.toArray();
}

} // namespace confab::protocol
