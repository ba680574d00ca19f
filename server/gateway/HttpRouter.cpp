#include "HttpRouter.h"

namespace confab::server {

void HttpRouter::addHttp(QByteArray path, Match match, HttpHandler handler)
{
    m_routes.append({ std::move(path), match, std::move(handler), {} });
}

void HttpRouter::addWebSocket(QByteArray path, Match match, ProtocolFactory factory)
{
    m_routes.append({ std::move(path), match, {}, std::move(factory) });
}

const HttpRouter::Route *HttpRouter::find(QByteArrayView path) const
{
    const Route *best = nullptr;
    for (const Route &route : m_routes) {
        if (route.match == Match::Exact) {
            if (route.path == path)
                return &route;
        } else if (path.startsWith(route.path)
                   && (!best || route.path.size() > best->path.size())) {
            best = &route;
        }
    }
    return best;
}

} // namespace confab::server
