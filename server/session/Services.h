#pragma once

namespace confab::server {

class EventJsonCache;
class KdfPool;
class LoginThrottle;
class PresenceRegistry;
class Readiness;
class Store;
struct ServerConfig;

// The shared parts every client session works with.
struct Services
{
    Store &store;
    PresenceRegistry &presence;
    KdfPool &kdf;
    LoginThrottle &loginThrottle;
    const ServerConfig &config;
    const Readiness &readiness;
    EventJsonCache &eventJson;
};

} // namespace confab::server
