#pragma once

namespace confab::server {

class EventJsonCache;
class Hub;
class KdfPool;
class LoginThrottle;
class Readiness;
class Store;
struct ServerConfig;

// The shared parts every client session works with.
struct Services
{
    Store &store;
    Hub &hub;
    KdfPool &kdf;
    LoginThrottle &loginThrottle;
    const ServerConfig &config;
    const Readiness &readiness;
    EventJsonCache &eventJson;
};

} // namespace confab::server
