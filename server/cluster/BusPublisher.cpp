#include "BusPublisher.h"

#include "BusChannel.h"
#include "BusPayload.h"
#include "store/Database.h"

namespace confab::server {

using namespace Qt::StringLiterals;

bool BusPublisher::announce(Database &db, const QList<protocol::Event> &events)
{
    for (const QByteArray &payload : BusPayload::encode(m_nodeId, events)) {
        if (!db.execOk(u"SELECT pg_notify(?, ?)"_s,
                       { QString(kBusChannel), QString::fromUtf8(payload) }))
            return false;
    }
    return true;
}

} // namespace confab::server
