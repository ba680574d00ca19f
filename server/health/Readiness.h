#pragma once

#include <atomic>

namespace confab::server {

// Whether this node should be given traffic, for /readyz: written by the stages that know
// (the store, the cluster bus, shutdown), read from every socket thread.
class Readiness
{
public:
    void setDatabaseReachable(bool reachable) { m_databaseReachable = reachable; }
    void setBusRequired(bool required) { m_busRequired = required; }
    void setBusListening(bool listening) { m_busListening = listening; }
    void setDraining() { m_draining = true; }

    bool databaseReachable() const { return m_databaseReachable; }
    bool busRequired() const { return m_busRequired; }
    bool busListening() const { return m_busListening; }
    bool draining() const { return m_draining; }
    bool isReady() const
    {
        return m_databaseReachable && (!m_busRequired || m_busListening) && !m_draining;
    }

private:
    std::atomic<bool> m_databaseReachable = false;
    std::atomic<bool> m_busRequired = false;
    std::atomic<bool> m_busListening = false;
    std::atomic<bool> m_draining = false;
};

} // namespace confab::server
