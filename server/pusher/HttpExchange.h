#pragma once

#include <QByteArray>
#include <QList>

#include <functional>
#include <utility>

namespace confab::server {

// An HTTP request as the Pusher endpoints see it: the socket layer has read the head and the
// whole body (within the size limit) before handing it over.
struct HttpRequest
{
    QByteArray method;
    QByteArray path; // as sent, not decoded: request signatures cover it verbatim
    QByteArray query;
    QList<std::pair<QByteArray, QByteArray>> headers; // names lower-cased
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

// What to answer; the socket layer writes it as an HTTP/1.1 response and closes.
struct HttpAnswer
{
    int status = 200;
    QByteArray body; // JSON
    QList<std::pair<QByteArray, QByteArray>> headers;
};

// Completes a request, at once or later; runs on the request's socket thread.
using HttpRespond = std::function<void(const HttpAnswer &)>;

} // namespace confab::server
