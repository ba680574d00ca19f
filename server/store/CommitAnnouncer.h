#pragma once

#include "protocol/Entities.h"

#include <QList>

namespace confab::server {

class Database;

// Hears of each batch of new timeline events inside the batch's own transaction, just
// before the commit: what it writes commits or rolls back together with the events, so
// nothing it announces can be rolled back afterwards.
class CommitAnnouncer
{
public:
    virtual ~CommitAnnouncer() = default;
    // Returns false when the announcement failed; the batch then does not commit.
    virtual bool announce(Database &db, const QList<protocol::Event> &events) = 0;
};

} // namespace confab::server
