#pragma once

#include "store/CommitAnnouncer.h"

#include <QString>

namespace confab::server {

// The sending half of the bus: one NOTIFY per committed batch, issued inside the batch's
// transaction so that other nodes hear of events only once they are committed. PostgreSQL
// serialises committing transactions that notified, so notifying per message instead would
// cap the write rate of the whole cluster.
class BusPublisher : public CommitAnnouncer
{
public:
    explicit BusPublisher(QString nodeId)
        : m_nodeId(std::move(nodeId))
    { }

    bool announce(Database &db, const QList<protocol::Event> &events) override;

private:
    QString m_nodeId;
};

} // namespace confab::server
