#pragma once

#include "HttpRequestHead.h"

#include <QByteArray>
#include <QList>

#include <utility>

namespace confab::server {

class Readiness;

// The plain HTTP side of the server's one port: health checks now, more endpoints as they
// come. Every answer closes the connection. /healthz says the process answers; /readyz says
// whether it should be given traffic (database reachable, bus listening, not shutting down).
class HttpEndpoints
{
public:
    static QByteArray respond(const HttpRequestHead &head, const Readiness &readiness);
    static QByteArray response(int status, QByteArrayView reason, const QByteArray &jsonBody,
                               const QList<std::pair<QByteArray, QByteArray>> &extraHeaders = {});
    static QByteArrayView reasonPhrase(int status);
    static QByteArray
    errorResponse(int status, QByteArrayView reason, QByteArrayView code, QByteArrayView message,
                  const QList<std::pair<QByteArray, QByteArray>> &extraHeaders = {});
    // The answer to a WebSocket upgrade request (head.isWebSocketUpgrade()): 101 with the key
    // accepted, or why RFC 6455 does not allow the request; the second is true for 101.
    static std::pair<QByteArray, bool> upgradeAnswer(const HttpRequestHead &head);
};

} // namespace confab::server
