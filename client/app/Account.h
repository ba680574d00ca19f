#pragma once

#include "app/Settings.h"

#include <QObject>

#include <memory>

namespace confab::client {

class Cache;
class Outbox;
class RoomListModel;
class Session;
class SyncEngine;

// What belongs to the account signed in: its cache (with the outbox in it) and the sync that
// keeps both up to date. Made at sign-in, or at start for the account signed in last time.
class Account : public QObject
{
    Q_OBJECT

public:
    Account(Settings::Account identity, const QString &cacheFile, Session *session,
            RoomListModel *rooms, QObject *parent = nullptr);
    ~Account() override;

    const Settings::Account &identity() const { return m_identity; }
    Cache *cache() const { return m_cache.get(); }
    Outbox *outbox() const { return m_outbox; }
    SyncEngine *sync() const { return m_sync; }

private:
    Settings::Account m_identity;
    std::unique_ptr<Cache> m_cache;
    Outbox *m_outbox;
    SyncEngine *m_sync;
};

} // namespace confab::client
