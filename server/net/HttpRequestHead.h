#pragma once

#include <QByteArray>
#include <QList>

#include <optional>

namespace confab::server {

// The request line and headers of an HTTP/1.1 request, enough to route it: a WebSocket
// upgrade, or one of the plain HTTP endpoints on the same port.
struct HttpRequestHead
{
    QByteArray method;
    QByteArray path; // without the query
    QByteArray query;
    QList<std::pair<QByteArray, QByteArray>> headers; // names lower-cased
    qsizetype size = 0; // bytes up to and including the blank line

    QByteArray header(QByteArrayView name) const;
    bool isWebSocketUpgrade() const;

    enum class Status { Complete, Incomplete, Malformed };
    // Parses the head at the start of `data` without consuming anything.
    static std::pair<Status, HttpRequestHead> parse(QByteArrayView data);
};

} // namespace confab::server
