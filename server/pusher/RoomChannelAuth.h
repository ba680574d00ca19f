#pragma once

#include "http/HttpExchange.h"

namespace confab::server {

class PresenceRegistry;
class Store;
struct ReplyTarget;

// POST /pusher/auth: pusher-js's channel authorization endpoint for Confab's own rooms. A web
// page sends the user's Confab session token (Authorization: Bearer …) with the form fields
// socket_id and channel_name; a member of room N is authorized for presence-room.N (and
// private-room.N), with the user's id and name as presence data.
class RoomChannelAuth
{
public:
    RoomChannelAuth(PresenceRegistry &registry, Store &store)
        : m_registry(registry)
        , m_store(store)
    { }

    void handle(const HttpRequest &request, const ReplyTarget &target, HttpRespond respond);
    // CORS headers: the page calling this usually comes from another origin, and carries the
    // token in a header rather than a cookie, so any origin may call.
    static QList<std::pair<QByteArray, QByteArray>> corsHeaders();

private:
    PresenceRegistry &m_registry;
    Store &m_store;
};

} // namespace confab::server
