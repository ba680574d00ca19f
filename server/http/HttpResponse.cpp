#include "HttpResponse.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace confab::server {

using namespace Qt::StringLiterals;

QByteArray HttpResponse::encode(const HttpAnswer &answer, bool keepAlive, bool withBody)
{
    QByteArray headers;
    for (const auto &[name, value] : answer.headers)
        headers += name + ": " + value + "\r\n";
    return "HTTP/1.1 " + QByteArray::number(answer.status) + ' '
        + reasonPhrase(answer.status).toByteArray() + "\r\nContent-Type: " + answer.contentType
        + "\r\nContent-Length: " + QByteArray::number(answer.body.size())
        + "\r\nCache-Control: no-store\r\nConnection: " + (keepAlive ? "keep-alive" : "close")
        + "\r\n" + headers + "\r\n" + (withBody ? answer.body : QByteArray());
}

QByteArrayView HttpResponse::reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
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
    case 411:
        return "Length Required";
    case 413:
        return "Payload Too Large";
    case 426:
        return "Upgrade Required";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    }
    return status < 400 ? "OK" : status < 500 ? "Client Error" : "Server Error";
}

HttpAnswer HttpResponse::error(int status, QByteArrayView code, QByteArrayView message,
                               const HttpHeaders &headers)
{
    const QJsonObject error { { "code"_L1, QString::fromLatin1(code) },
                              { "message"_L1, QString::fromLatin1(message) } };
    return { status,
             QJsonDocument(QJsonObject { { "error"_L1, error } }).toJson(QJsonDocument::Compact),
             headers };
}

} // namespace confab::server
