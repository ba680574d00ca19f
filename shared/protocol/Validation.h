#pragma once

#include "protocol/ProtocolError.h"

#include <QString>

#include <optional>

// The rules for user-supplied names and texts, shared so that the client can refuse what the
// server would refuse before sending it.
namespace confab::protocol::validation {

std::optional<ProtocolError> username(const QString &name);
std::optional<ProtocolError> password(const QString &password);
std::optional<ProtocolError> roomName(const QString &name);
std::optional<ProtocolError> topic(const QString &topic);
std::optional<ProtocolError> messageText(const QString &text, qsizetype maxUtf8Bytes);
std::optional<ProtocolError> clientId(const QString &clientId);

// The form of a user name that uniqueness is decided on.
QString usernameKey(const QString &name);

} // namespace confab::protocol::validation
