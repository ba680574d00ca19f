#include "HttpEndpoints.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace confab::server {

using namespace Qt::StringLiterals;

QByteArray HttpEndpoints::response(int status, QByteArrayView reason, const QByteArray &jsonBody)
{
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason.toByteArray()
        + "\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(jsonBody.size())
        + "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n" + jsonBody;
}

QByteArray HttpEndpoints::errorResponse(int status, QByteArrayView reason, QByteArrayView code,
                                        QByteArrayView message)
{
    const QJsonObject error { { "code"_L1, QString::fromLatin1(code) },
                              { "message"_L1, QString::fromLatin1(message) } };
    return response(
        status, reason,
        QJsonDocument(QJsonObject { { "error"_L1, error } }).toJson(QJsonDocument::Compact));
}

QByteArray HttpEndpoints::respond(const HttpRequestHead &head)
{
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
