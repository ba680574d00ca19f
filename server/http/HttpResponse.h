#pragma once

#include "HttpExchange.h"

#include <QByteArray>

namespace confab::server {

// HTTP/1.1 answers as bytes on the wire. Every answer says its length, so that the connection
// can carry the next request; `keepAlive` false adds "Connection: close". The answer to a HEAD
// request (withBody false) says the body's length but leaves the body out.
class HttpResponse
{
public:
    static QByteArray encode(const HttpAnswer &answer, bool keepAlive, bool withBody = true);
    static QByteArrayView reasonPhrase(int status);
    // {"error": {"code", "message"}}, the shape of every refusal on the HTTP side.
    static HttpAnswer error(int status, QByteArrayView code, QByteArrayView message,
                            const HttpHeaders &headers = {});
};

} // namespace confab::server
