#include "Account.h"

#include "cache/Cache.h"
#include "cache/Outbox.h"
#include "models/RoomListModel.h"
#include "sync/SyncEngine.h"

namespace confab::client {

Account::Account(Settings::Account identity, const QString &cacheFile, Session *session,
                 RoomListModel *rooms, QObject *parent)
    : QObject(parent)
    , m_identity(std::move(identity))
    , m_cache(std::make_unique<Cache>(cacheFile))
{
    if (!m_cache->isOpen())
        qWarning("confab: the cache %s cannot be used: %s", qUtf8Printable(cacheFile),
                 qUtf8Printable(m_cache->errorString()));
    m_cache->prune();
    rooms->setSelfId(m_identity.userId);
    rooms->setRooms(m_cache->rooms());
    m_outbox = new Outbox(m_cache.get(), session, this);
    m_sync = new SyncEngine(session, m_cache.get(), rooms, this);
}

Account::~Account()
{
    // The children use the cache: they go first.
    delete m_sync;
    delete m_outbox;
}

} // namespace confab::client
