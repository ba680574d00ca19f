#pragma once

#include "connection/ProtocolHandler.h"
#include "http/HttpExchange.h"
#include "store/ReplyTarget.h"

#include <QByteArray>
#include <QList>

#include <functional>
#include <memory>

namespace confab::server {

class PushSink;

// Every path the server's one port answers, and what answers it: a plain HTTP handler, or a
// protocol spoken over a WebSocket after the upgrade. Built once, before the socket threads
// start, and only read after that, from all of them.
class HttpRouter
{
public:
    // Answers a request whose whole body has arrived. `target` brings results computed on
    // another thread back to the request's socket thread; `respond` may be called later.
    using HttpHandler = std::function<void(const HttpRequest &request, const ReplyTarget &target,
                                           HttpRespond respond)>;
    // Makes the protocol for one upgraded connection; `sink` is the connection's thread, for
    // the pushes it will be sent.
    using ProtocolFactory
        = std::function<std::unique_ptr<ProtocolHandler>(Connection &connection, PushSink &sink)>;

    enum class Match { Exact, Prefix };

    struct Route
    {
        QByteArray path;
        Match match = Match::Exact;
        HttpHandler http; // one of the two is set
        ProtocolFactory webSocket;
    };

    void addHttp(QByteArray path, Match match, HttpHandler handler);
    void addWebSocket(QByteArray path, Match match, ProtocolFactory factory);

    // The route for `path`: an exact match first, then the longest prefix; null for none.
    const Route *find(QByteArrayView path) const;

private:
    QList<Route> m_routes;
};

} // namespace confab::server
