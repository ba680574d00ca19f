#include "WebSocketHandshake.h"

#include "WebSocketFrame.h"
#include "http/HttpRequestHead.h"
#include "http/HttpResponse.h"

namespace confab::server {

std::pair<QByteArray, bool> WebSocketHandshake::answer(const HttpRequestHead &head)
{
    // A key of 16 random bytes, version 13, and "Upgrade" among the Connection header's tokens.
    const QByteArray key = head.header("sec-websocket-key");
    bool connectionUpgrade = false;
    for (const QByteArray &token : head.header("connection").split(','))
        connectionUpgrade = connectionUpgrade || token.trimmed().toLower() == "upgrade";
    if (head.header("sec-websocket-version") != "13")
        return { HttpResponse::encode(
                     HttpResponse::error(426, "unsupported_websocket_version",
                                         "This server speaks WebSocket version 13.",
                                         { { "Sec-WebSocket-Version", "13" } }),
                     false),
                 false };
    const auto decodedKey
        = QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    if (!connectionUpgrade || !decodedKey || decodedKey.decoded.size() != 16)
        return { HttpResponse::encode(
                     HttpResponse::error(400, "bad_websocket_upgrade",
                                         "A WebSocket upgrade needs Connection: Upgrade and a "
                                         "Sec-WebSocket-Key of 16 bytes in base64."),
                     false),
                 false };
    return { "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: "
                 + websocket::acceptKey(key) + "\r\n\r\n",
             true };
}

} // namespace confab::server
