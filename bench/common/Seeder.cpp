#include "Seeder.h"

#include "auth/SessionToken.h"
#include "protocol/Validation.h"
#include "store/Database.h"

#include <QDateTime>
#include <QHash>

namespace confab::bench {

using namespace Qt::StringLiterals;
using server::Database;
using server::Row;
using server::Transaction;

namespace {

constexpr int kRowsPerStatement = 200;
// Far in the future, so that no measurement runs into an expired token.
constexpr qint64 kTokenLifetimeMs = qint64(3650) * 24 * 3600 * 1000;

QString multiRowInsert(const QString &head, const QString &row, qsizetype rows,
                       const QString &tail = {})
{
    QString sql = head + u" VALUES "_s;
    for (qsizetype i = 0; i < rows; ++i)
        sql += (i ? u", "_s : QString()) + row;
    return sql + tail;
}

bool failed(Database &db, const QString &what, QString *error)
{
    if (!db.lastFailed())
        return false;
    *error = u"%1: %2"_s.arg(what, db.lastError());
    return true;
}

} // namespace

bool seedPopulation(Database &db, const Population &population, const QString &prefix,
                    SeededPopulation *seeded, QString *error)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    Transaction transaction(db);
    if (!transaction.isOpen()) {
        *error = u"cannot begin a transaction: %1"_s.arg(db.lastError());
        return false;
    }

    QHash<QString, qint64> idByName;
    for (int first = 0; first < population.users; first += kRowsPerStatement) {
        const int count = std::min(kRowsPerStatement, population.users - first);
        QVariantList values;
        for (int i = first; i < first + count; ++i) {
            const QString name = prefix + QString::number(i);
            // No password verifies against "!": these accounts are used through tokens only.
            values << name << protocol::validation::usernameKey(name) << u"!"_s << now;
        }
        auto &query = db.exec(multiRowInsert(u"INSERT INTO users (name, name_key, password_hash, "
                                             "created_at)"_s,
                                             u"(?, ?, ?, ?)"_s, count, u" RETURNING id, name"_s),
                              values);
        if (failed(db, u"inserting users"_s, error))
            return false;
        while (query.next())
            idByName.insert(Row(query).text(1), Row(query).i64(0));
        query.finish();
    }
    seeded->userIds.clear();
    seeded->tokens.clear();
    for (int i = 0; i < population.users; ++i) {
        const qint64 id = idByName.value(prefix + QString::number(i));
        if (!id) {
            *error = u"user %1%2 was not created"_s.arg(prefix).arg(i);
            return false;
        }
        seeded->userIds.append(id);
        seeded->tokens.append(server::SessionToken::generate());
    }

    for (int first = 0; first < population.users; first += kRowsPerStatement) {
        const int count = std::min(kRowsPerStatement, population.users - first);
        QVariantList values;
        for (int i = first; i < first + count; ++i)
            values << server::SessionToken::hashOf(seeded->tokens.at(i)) << seeded->userIds.at(i)
                   << now << now + kTokenLifetimeMs;
        db.exec(multiRowInsert(u"INSERT INTO sessions (token_hash, user_id, created_at, "
                               "expires_at)"_s,
                               u"(?, ?, ?, ?)"_s, count),
                values)
            .finish();
        if (failed(db, u"inserting sessions"_s, error))
            return false;
    }

    seeded->roomIds.clear();
    for (qsizetype r = 0; r < population.rooms.size(); ++r) {
        const auto &members = population.rooms.at(r);
        if (members.isEmpty()) {
            *error = u"room %1 has no members"_s.arg(r);
            return false;
        }
        auto &insert = db.exec(u"INSERT INTO rooms (name, topic, visibility, creator_id, "
                               "created_at, last_activity, member_count) "
                               "VALUES (?, '', 0, ?, ?, ?, ?) RETURNING id"_s,
                               { u"bench %1"_s.arg(r), seeded->userIds.at(members.first()), now,
                                 now, qint64(members.size()) });
        if (failed(db, u"inserting rooms"_s, error) || !insert.next()) {
            *error = u"room %1 was not created"_s.arg(r);
            return false;
        }
        const qint64 roomId = Row(insert).i64(0);
        insert.finish();
        seeded->roomIds.append(roomId);
        for (qsizetype first = 0; first < members.size(); first += kRowsPerStatement) {
            const qsizetype count = std::min<qsizetype>(kRowsPerStatement, members.size() - first);
            QVariantList values;
            for (qsizetype i = first; i < first + count; ++i)
                values << roomId << seeded->userIds.at(members.at(i)) << now;
            db.exec(multiRowInsert(u"INSERT INTO memberships (room_id, user_id, joined_at)"_s,
                                   u"(?, ?, ?)"_s, count),
                    values)
                .finish();
            if (failed(db, u"inserting memberships"_s, error))
                return false;
        }
    }
    if (!transaction.commit()) {
        *error = u"cannot commit the seeded population: %1"_s.arg(db.lastError());
        return false;
    }
    return true;
}

bool seedArchive(Database &db, qint64 roomId, qint64 userId, qint64 count,
                 const std::function<void(qint64)> &progress, QString *error)
{
    constexpr int kEventsPerStatement = 100;
    constexpr int kStatementsPerTransaction = 100;
    qint64 seq = 0;
    while (seq < count) {
        Transaction transaction(db);
        for (int s = 0; s < kStatementsPerTransaction && seq < count; ++s) {
            const qint64 rows = std::min<qint64>(kEventsPerStatement, count - seq);
            QVariantList values;
            values.reserve(rows * 6);
            for (qint64 i = 0; i < rows; ++i) {
                ++seq;
                values
                    << roomId << seq << userId << u"seed-%1"_s.arg(seq)
                    << u"Message number %1, about a hundred bytes long like a typical line of chat."_s
                           .arg(seq)
                    << qint64(1'700'000'000'000) + seq;
            }
            db.exec(multiRowInsert(u"INSERT INTO events (room_id, seq, kind, sender_id, client_id, "
                                   "body, created_at)"_s,
                                   u"(?, ?, 0, ?, ?, ?, ?)"_s, rows),
                    values)
                .finish();
            if (failed(db, u"inserting events at seq %1"_s.arg(seq), error))
                return false;
        }
        if (!transaction.commit()) {
            *error = u"cannot commit events up to seq %1: %2"_s.arg(seq).arg(db.lastError());
            return false;
        }
        if (progress)
            progress(seq);
    }
    if (!db.execOk(u"UPDATE rooms SET last_seq = ?, last_activity = ? WHERE id = ?"_s,
                   { seq, qint64(1'700'000'000'000) + seq, roomId })) {
        *error = u"cannot move last_seq: %1"_s.arg(db.lastError());
        return false;
    }
    return true;
}

} // namespace confab::bench
