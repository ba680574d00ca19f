#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace confab::server {
class Database;
}

namespace confab::bench {

// Who is in which room before a measurement starts: member indices into the users.
struct Population
{
    int users = 0;
    QList<QList<int>> rooms;
};

// What seeding produced: a session token per user (for `resume`) and the id of each room.
struct SeededPopulation
{
    QList<qint64> userIds;
    QStringList tokens;
    QList<qint64> roomIds;
};

// Writes accounts, sessions, rooms and memberships straight into a migrated Confab database
// with multi-row inserts of bound values: the same rows the server writes, in a fraction of
// the time, and without spending the server's memory or scrypt time on set-up. User i is
// called "<prefix><i>" and cannot sign in with a password; its token resumes it.
bool seedPopulation(server::Database &db, const Population &population, const QString &prefix,
                    SeededPopulation *seeded, QString *error);

// Fills one room with `count` messages (seq 1..count), about a hundred bytes each, and
// moves the room's last_seq to match. `progress` is called now and then with the count done.
bool seedArchive(server::Database &db, qint64 roomId, qint64 userId, qint64 count,
                 const std::function<void(qint64)> &progress, QString *error);

} // namespace confab::bench
