#pragma once

#include <QString>
#include <QUrl>

namespace confab::client {

// What a user types as the server's address, made into the WebSocket URL of confabd:
// "chat.example.org" → wss://chat.example.org:8443/ws, "10.0.0.5:9000" → wss://10.0.0.5:9000/ws;
// a full wss:// or ws:// URL is taken as it is (ws:// only when typed explicitly).
namespace serverAddress {

inline constexpr quint16 kDefaultPort = 8443;

// An invalid QUrl when text cannot be a server address.
QUrl fromUserInput(const QString &text);
// The short form shown to the user: host, and the port unless it is the default.
QString display(const QUrl &url);

} // namespace serverAddress

} // namespace confab::client
