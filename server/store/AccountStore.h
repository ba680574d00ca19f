#pragma once

#include "protocol/Entities.h"
#include "protocol/ProtocolError.h"

#include <QList>

namespace confab::server {

class Database;

struct Credentials
{
    protocol::User user;
    QString passwordHash;
};

struct SignedInUser
{
    protocol::User user;
    qint64 expiresAt = 0;
};

// A signed-in user and the rooms the connection joins.
struct SignIn
{
    SignedInUser signedIn;
    QList<qint64> roomIds;
};

// Accounts and session tokens. Tokens arrive here already hashed: the plain token never
// reaches the database.
class AccountStore
{
public:
    explicit AccountStore(Database &db)
        : m_db(db)
    { }

    protocol::Outcome<protocol::User> createUser(const QString &name, const QString &passwordHash,
                                                 qint64 now);
    std::optional<Credentials> credentials(const QString &nameKey);
    protocol::Outcome<protocol::User> userByName(const QString &name);

    protocol::Outcome<SignedInUser> createSession(const protocol::User &user,
                                                  const QString &tokenHash, qint64 now,
                                                  qint64 expiresAt);
    // The session's user with the rooms they are in, in one round trip: after a restart or a
    // network cut every client resumes at once, and this is the statement they wait on.
    protocol::Outcome<SignIn> resumeSession(const QString &tokenHash, qint64 now);
    protocol::Outcome<bool> revokeSession(const QString &tokenHash, qint64 now);

private:
    Database &m_db;
};

} // namespace confab::server
