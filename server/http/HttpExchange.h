#pragma once

#include <QByteArray>
#include <QList>

#include <functional>
#include <utility>

namespace confab::server {

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

// An HTTP request as a route sees it: the gateway has read the head and the whole body
// (within the one size limit for every route) before handing it over.
struct HttpRequest
{
    QByteArray method;
    QByteArray path; // as sent, not decoded: request signatures cover it verbatim
    QByteArray query;
    HttpHeaders headers; // names lower-cased
    QByteArray body;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &[key, value] : headers) {
            if (key == name)
                return value;
        }
        return {};
    }
};

// What to answer; the gateway writes it as an HTTP/1.1 response, on a connection that stays
// open for the next request when the client allows it.
struct HttpAnswer
{
    int status = 200;
    QByteArray body; // JSON unless contentType says otherwise
    HttpHeaders headers;
    QByteArray contentType = "application/json";
};

// Completes a request, at once or later; runs on the request's socket thread.
using HttpRespond = std::function<void(const HttpAnswer &)>;

} // namespace confab::server
