#pragma once

#include <QByteArray>
#include <QList>

#include <optional>

namespace confab::server {

// The request line and headers of an HTTP/1.x request, enough to route it: a WebSocket
// upgrade, or one of the plain HTTP endpoints on the same port.
struct HttpRequestHead
{
    QByteArray method;
    QByteArray path; // without the query
    QByteArray query;
    QList<std::pair<QByteArray, QByteArray>> headers; // names lower-cased
    qsizetype size = 0; // bytes up to and including the blank line
    bool http10 = false; // HTTP/1.0, whose connections close after one answer by default

    QByteArray header(QByteArrayView name) const;
    bool isWebSocketUpgrade() const;
    // Whether the client lets the connection carry another request after this one: HTTP/1.1
    // unless it says "Connection: close", HTTP/1.0 only when it says "Connection: keep-alive".
    bool allowsKeepAlive() const;

    enum class Status { Complete, Incomplete, Malformed };
    // Parses the head at the start of `data` without consuming anything.
    static std::pair<Status, HttpRequestHead> parse(QByteArrayView data);
};

} // namespace confab::server
