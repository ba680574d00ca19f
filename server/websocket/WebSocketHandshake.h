#pragma once

#include "http/HttpExchange.h"

#include <QByteArray>

#include <utility>

namespace confab::server {

struct HttpRequestHead;

// The server's side of the opening handshake (RFC 6455, 4.2).
class WebSocketHandshake
{
public:
    // The answer to an upgrade request (head.isWebSocketUpgrade()): 101 with the key accepted,
    // or why RFC 6455 does not allow the request; the second is true for 101.
    static std::pair<QByteArray, bool> answer(const HttpRequestHead &head);
};

} // namespace confab::server
