#pragma once

#include <QLatin1StringView>

namespace confab::server {

// The one PostgreSQL notification channel all nodes of a cluster share: one database, one
// cluster.
inline constexpr QLatin1StringView kBusChannel { "confab_events" };

// The bus connection's application_name, so that an operator can find it in
// pg_stat_activity.
inline constexpr QLatin1StringView kBusApplicationName { "confabd-bus" };

} // namespace confab::server
