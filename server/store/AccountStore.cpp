#include "AccountStore.h"

#include "Database.h"
#include "StoreErrors.h"
#include "protocol/Validation.h"

namespace confab::server {

using namespace Qt::StringLiterals;
using protocol::ErrorCode;
using protocol::makeError;
using protocol::User;

protocol::Outcome<User> AccountStore::createUser(const QString &name, const QString &passwordHash,
                                                 qint64 now)
{
    const QString key = protocol::validation::usernameKey(name);
    if (credentials(key))
        return makeError(ErrorCode::UsernameTaken, u"The user name \"%1\" is taken."_s.arg(name));
    if (m_db.lastFailed())
        return storeFailure();
    auto &query = m_db.exec(u"INSERT INTO users (name, name_key, password_hash, created_at) "
                            "VALUES (?, ?, ?, ?) RETURNING id"_s,
                            { name, key, passwordHash, now });
    if (m_db.lastFailed() || !query.next()) {
        // Another node may have taken the name between the check and the insert.
        if (credentials(key))
            return makeError(ErrorCode::UsernameTaken,
                             u"The user name \"%1\" is taken."_s.arg(name));
        return storeFailure();
    }
    const User user { Row(query).i64(0), name };
    query.finish();
    return user;
}

std::optional<Credentials> AccountStore::credentials(const QString &nameKey)
{
    auto &query
        = m_db.exec(u"SELECT id, name, password_hash FROM users WHERE name_key = ?"_s, { nameKey });
    if (m_db.lastFailed() || !query.next())
        return std::nullopt;
    const Row row(query);
    Credentials found { { row.i64(0), row.text(1) }, row.text(2) };
    query.finish();
    return found;
}

protocol::Outcome<User> AccountStore::userByName(const QString &name)
{
    const auto found = credentials(protocol::validation::usernameKey(name));
    if (m_db.lastFailed())
        return storeFailure();
    if (!found)
        return makeError(ErrorCode::UserNotFound, u"No user is called \"%1\"."_s.arg(name));
    return found->user;
}

protocol::Outcome<SignedInUser> AccountStore::createSession(const User &user,
                                                            const QString &tokenHash, qint64 now,
                                                            qint64 expiresAt)
{
    if (!m_db.execOk(u"INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
                     "VALUES (?, ?, ?, ?)"_s,
                     { tokenHash, user.id, now, expiresAt }))
        return storeFailure();
    return SignedInUser { user, expiresAt };
}

protocol::Outcome<SignIn> AccountStore::resumeSession(const QString &tokenHash, qint64 now)
{
    auto &query
        = m_db.exec(u"SELECT u.id, u.name, s.expires_at, m.room_id FROM sessions s "
                    "JOIN users u ON u.id = s.user_id "
                    "LEFT JOIN memberships m ON m.user_id = s.user_id "
                    "WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?"_s,
                    { tokenHash, now });
    if (m_db.lastFailed())
        return storeFailure();
    if (!query.next())
        return makeError(ErrorCode::InvalidToken,
                         u"This session token is unknown, expired or revoked; sign in again."_s);
    const Row row(query);
    SignIn signIn { { { row.i64(0), row.text(1) }, row.i64(2) }, {} };
    do {
        if (!row.isNull(3))
            signIn.roomIds.append(row.i64(3));
    } while (query.next());
    query.finish();
    return signIn;
}

protocol::Outcome<bool> AccountStore::revokeSession(const QString &tokenHash, qint64 now)
{
    if (!m_db.execOk(
            u"UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL"_s,
            { now, tokenHash }))
        return storeFailure();
    return true;
}

} // namespace confab::server
