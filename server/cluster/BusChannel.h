#pragma once

#include <QLatin1StringView>

namespace confab::server {

// The one PostgreSQL notification channel all nodes of a cluster share: one database, one
// cluster.
inline constexpr QLatin1StringView kBusChannel { "confab_events" };

// Where nodes tell each other what is not committed to the database: presence, typing,
// pushes, Pusher channel traffic (see NodeMessage).
inline constexpr QLatin1StringView kNodeChannel { "confab_nodes" };

// The node message a stopping node sends last.
inline constexpr QLatin1StringView kNodeLeftTopic { "node_left" };

// The bus connection's application_name, so that an operator can find it in
// pg_stat_activity.
inline constexpr QLatin1StringView kBusApplicationName { "confabd-bus" };

} // namespace confab::server
