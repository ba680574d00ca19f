#pragma once

#include "protocol/ErrorCode.h"

#include <QString>

#include <optional>
#include <variant>

namespace confab::protocol {

struct ProtocolError
{
    ErrorCode code = ErrorCode::InternalError;
    QString message;
    std::optional<qint64> retryAfterMs;
};

// The outcome of an operation that either yields a value or a typed refusal.
template<typename T> class Outcome
{
public:
    Outcome(T value)
        : m_state(std::move(value))
    { }
    Outcome(ProtocolError error)
        : m_state(std::move(error))
    { }

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_state); }
    T &value() & { return std::get<T>(m_state); }
    T &&value() && { return std::get<T>(std::move(m_state)); }
    const T *operator->() const { return &value(); }
    const T &operator*() const { return value(); }

    const ProtocolError &error() const { return std::get<ProtocolError>(m_state); }

private:
    std::variant<T, ProtocolError> m_state;
};

inline ProtocolError makeError(ErrorCode code, QString message)
{
    return ProtocolError { code, std::move(message), std::nullopt };
}

} // namespace confab::protocol
