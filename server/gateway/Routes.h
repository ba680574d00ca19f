#pragma once

#include "HttpRouter.h"

namespace confab::server {

class PusherService;
struct Services;

// Every path confabd answers on its one port, in one table: the native protocol on /ws, the
// Pusher protocol and HTTP API when a Pusher app is configured, and the health checks.
HttpRouter confabRoutes(Services &services, PusherService *pusher);

} // namespace confab::server
