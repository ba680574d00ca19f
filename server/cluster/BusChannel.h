#pragma once

#include <QLatin1StringView>

namespace confab::server {

// The one PostgreSQL notification channel all nodes of a cluster share: one database, one
// cluster.
inline constexpr QLatin1StringView kBusChannel { "confab_events" };

} // namespace confab::server
