#include "HttpEndpoints.h"

#include "health/Readiness.h"
#include "websocket/WebSocketFrame.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace confab::server {

using namespace Qt::StringLiterals;

QByteArray HttpEndpoints::response(int status, QByteArrayView reason, const QByteArray &jsonBody,
                                   const QList<std::pair<QByteArray, QByteArray>> &extraHeaders)
{
    QByteArray headers;
    for (const auto &[name, value] : extraHeaders)
        headers += name + ": " + value + "\r\n";
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason.toByteArray()
        + "\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(jsonBody.size())
        + "\r\nCache-Control: no-store\r\nConnection: close\r\n" + headers + "\r\n" + jsonBody;
}

QByteArrayView HttpEndpoints::reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Payload Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    }
    return status < 400 ? "OK" : status < 500 ? "Client Error" : "Server Error";
}

QByteArray
HttpEndpoints::errorResponse(int status, QByteArrayView reason, QByteArrayView code,
                             QByteArrayView message,
                             const QList<std::pair<QByteArray, QByteArray>> &extraHeaders)
{
    const QJsonObject error { { "code"_L1, QString::fromLatin1(code) },
                              { "message"_L1, QString::fromLatin1(message) } };
    return response(
        status, reason,
        QJsonDocument(QJsonObject { { "error"_L1, error } }).toJson(QJsonDocument::Compact),
        extraHeaders);
}

std::pair<QByteArray, bool> HttpEndpoints::upgradeAnswer(const HttpRequestHead &head)
{
    // RFC 6455, 4.2.1: a key of 16 random bytes, version 13, and "Upgrade" among the
    // Connection header's tokens.
    const QByteArray key = head.header("sec-websocket-key");
    bool connectionUpgrade = false;
    for (const QByteArray &token : head.header("connection").split(','))
        connectionUpgrade = connectionUpgrade || token.trimmed().toLower() == "upgrade";
    if (head.header("sec-websocket-version") != "13")
        return { errorResponse(426, "Upgrade Required", "unsupported_websocket_version",
                               "This server speaks WebSocket version 13.",
                               { { "Sec-WebSocket-Version", "13" } }),
                 false };
    const auto decodedKey
        = QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    if (!connectionUpgrade || !decodedKey || decodedKey.decoded.size() != 16)
        return { errorResponse(400, "Bad Request", "bad_websocket_upgrade",
                               "A WebSocket upgrade needs Connection: Upgrade and a "
                               "Sec-WebSocket-Key of 16 bytes in base64."),
                 false };
    return { "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: "
                 + websocket::acceptKey(key) + "\r\n\r\n",
             true };
}

namespace {

QByteArray readinessResponse(const Readiness &readiness)
{
    QJsonObject checks { { "database"_L1, readiness.databaseReachable() },
                         { "draining"_L1, readiness.draining() } };
    if (readiness.busRequired())
        checks.insert("bus"_L1, readiness.busListening());
    const bool ready = readiness.isReady();
    const QJsonObject body { { "status"_L1, ready ? u"ready"_s : u"not_ready"_s },
                             { "checks"_L1, checks } };
    const int status = ready ? 200 : 503;
    return HttpEndpoints::response(status, HttpEndpoints::reasonPhrase(status),
                                   QJsonDocument(body).toJson(QJsonDocument::Compact));
}

} // namespace

QByteArray HttpEndpoints::respond(const HttpRequestHead &head, const Readiness &readiness)
{
    if (head.path == "/readyz") {
        if (head.method != "GET" && head.method != "HEAD")
            return errorResponse(405, "Method Not Allowed", "method_not_allowed", "Use GET.");
        return readinessResponse(readiness);
    }
    if (head.path == "/healthz") {
        if (head.method != "GET" && head.method != "HEAD")
            return errorResponse(405, "Method Not Allowed", "method_not_allowed", "Use GET.");
        return response(200, "OK", R"({"status":"ok"})");
    }
    if (head.path == "/ws")
        return errorResponse(426, "Upgrade Required", "upgrade_required",
                             "This endpoint speaks WebSocket (Upgrade: websocket).");
    return errorResponse(404, "Not Found", "not_found", "No such endpoint.");
}

} // namespace confab::server
