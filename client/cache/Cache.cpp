#include "Cache.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {

constexpr int kSchemaVersion = 1;

const QString kMessageColumns
    = u"room_id, seq, sender_id, sender_name, client_id, text, ts, edited_ts, deleted"_s;

const QStringList kSchema {
    u"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"_s,
    u"CREATE TABLE rooms (id INTEGER PRIMARY KEY, name TEXT NOT NULL, topic TEXT NOT NULL, "
    "visibility INTEGER NOT NULL, created_at INTEGER NOT NULL, last_seq INTEGER NOT NULL, "
    "member_count INTEGER NOT NULL, unread INTEGER NOT NULL, last_read_seq INTEGER NOT NULL, "
    "last_message TEXT, last_activity INTEGER NOT NULL, synced_seq INTEGER NOT NULL DEFAULT 0, "
    "history_complete INTEGER NOT NULL DEFAULT 0)"_s,
    u"CREATE TABLE messages (room_id INTEGER NOT NULL, seq INTEGER NOT NULL, "
    "sender_id INTEGER NOT NULL, sender_name TEXT NOT NULL, client_id TEXT NOT NULL, "
    "text TEXT NOT NULL, ts INTEGER NOT NULL, edited_ts INTEGER, deleted INTEGER NOT NULL, "
    "PRIMARY KEY (room_id, seq)) WITHOUT ROWID"_s,
    u"CREATE TABLE outbox (position INTEGER PRIMARY KEY AUTOINCREMENT, "
    "client_id TEXT NOT NULL UNIQUE, room_id INTEGER NOT NULL, text TEXT NOT NULL, "
    "created_at INTEGER NOT NULL, failed INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '')"_s,
    u"CREATE TABLE invitations (room_id INTEGER PRIMARY KEY, room TEXT NOT NULL, "
    "by_id INTEGER NOT NULL, by_name TEXT NOT NULL, received_at INTEGER NOT NULL)"_s,
};

QVariant nullable(const std::optional<qint64> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<qint64>());
}

// A write transaction that rolls back unless committed.
class Transaction
{
public:
    explicit Transaction(QSqlDatabase db)
        : m_db(std::move(db))
        , m_open(m_db.transaction())
    { }
    ~Transaction()
    {
        if (m_open)
            m_db.rollback();
    }
    bool commit()
    {
        m_open = false;
        return m_db.commit();
    }

private:
    QSqlDatabase m_db;
    bool m_open;
};

} // namespace

Cache::Cache(const QString &filePath)
    : m_filePath(filePath)
    , m_connectionName(u"confab-cache-%1"_s.arg(quintptr(this), 0, 16))
{
    QDir().mkpath(QFileInfo(filePath).absolutePath());
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    db.setDatabaseName(filePath);
    if (!db.open()) {
        m_error = db.lastError().text();
        return;
    }
    QFile::setPermissions(filePath, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QSqlQuery pragma(db);
    // WAL keeps readers and the writer apart and makes small commits cheap; NORMAL
    // synchronisation survives a crash of the client, which is what the outbox has to survive.
    exec(pragma, u"PRAGMA journal_mode = WAL"_s, {});
    exec(pragma, u"PRAGMA synchronous = NORMAL"_s, {});
    exec(pragma, u"PRAGMA foreign_keys = ON"_s, {});
    m_open = migrate();
}

Cache::~Cache()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

QSqlDatabase Cache::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

bool Cache::exec(QSqlQuery &query, const QString &statement, const QVariantList &values) const
{
    if (!query.prepare(statement)) {
        m_error = query.lastError().text();
        return false;
    }
    for (const auto &value : values)
        query.addBindValue(value);
    if (!query.exec()) {
        m_error = query.lastError().text();
        qWarning("confab: cache statement failed: %s", qUtf8Printable(m_error));
        return false;
    }
    return true;
}

bool Cache::migrate()
{
    QSqlQuery query(database());
    if (!exec(query, u"PRAGMA user_version"_s, {}) || !query.next())
        return false;
    const int version = query.value(0).toInt();
    query.finish();
    if (version == kSchemaVersion)
        return true;
    if (version > kSchemaVersion) {
        m_error = u"The cache was written by a newer Confab (schema %1)."_s.arg(version);
        return false;
    }
    Transaction transaction(database());
    for (const auto &statement : kSchema) {
        if (!exec(query, statement, {}))
            return false;
    }
    if (!exec(query, u"PRAGMA user_version = %1"_s.arg(kSchemaVersion), {}))
        return false;
    return transaction.commit();
}

QString Cache::value(const QString &key) const
{
    QSqlQuery query(database());
    if (exec(query, u"SELECT value FROM meta WHERE key = ?"_s, { key }) && query.next())
        return query.value(0).toString();
    return {};
}

void Cache::setValue(const QString &key, const QString &value)
{
    QSqlQuery query(database());
    exec(query,
         u"INSERT INTO meta (key, value) VALUES (?, ?) "
         "ON CONFLICT (key) DO UPDATE SET value = excluded.value"_s,
         { key, value });
}

QList<RoomSummary> Cache::rooms() const
{
    QList<RoomSummary> rooms;
    QSqlQuery query(database());
    if (!exec(query,
              u"SELECT id, name, topic, visibility, created_at, last_seq, member_count, unread, "
              "last_read_seq, last_message FROM rooms ORDER BY last_activity DESC, id DESC"_s,
              {}))
        return rooms;
    while (query.next()) {
        RoomSummary summary;
        summary.room.id = query.value(0).toLongLong();
        summary.room.name = query.value(1).toString();
        summary.room.topic = query.value(2).toString();
        summary.room.visibility
            = query.value(3).toInt() ? protocol::Visibility::Private : protocol::Visibility::Public;
        summary.room.createdAt = query.value(4).toLongLong();
        summary.room.lastSeq = query.value(5).toLongLong();
        summary.room.memberCount = query.value(6).toLongLong();
        summary.unread = query.value(7).toLongLong();
        summary.lastReadSeq = query.value(8).toLongLong();
        if (!query.value(9).isNull())
            summary.lastMessage = protocol::Event::fromJson(
                QJsonDocument::fromJson(query.value(9).toString().toUtf8()).object());
        rooms.append(summary);
    }
    return rooms;
}

void Cache::saveRoom(const RoomSummary &summary)
{
    const auto &room = summary.room;
    QSqlQuery query(database());
    exec(query,
         u"INSERT INTO rooms (id, name, topic, visibility, created_at, last_seq, member_count, "
         "unread, last_read_seq, last_message, last_activity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
         "?, ?) "
         "ON CONFLICT (id) DO UPDATE SET name = excluded.name, topic = excluded.topic, "
         "visibility = excluded.visibility, created_at = excluded.created_at, "
         "last_seq = excluded.last_seq, member_count = excluded.member_count, "
         "unread = excluded.unread, last_read_seq = excluded.last_read_seq, "
         "last_message = excluded.last_message, last_activity = excluded.last_activity"_s,
         { room.id, room.name, room.topic, room.visibility == protocol::Visibility::Private ? 1 : 0,
           room.createdAt, room.lastSeq, room.memberCount, summary.unread, summary.lastReadSeq,
           summary.lastMessage ? QVariant(QString::fromUtf8(
               QJsonDocument(summary.lastMessage->toJson()).toJson(QJsonDocument::Compact)))
                               : QVariant(QMetaType::fromType<QString>()),
           summary.lastActivity() });
}

void Cache::replaceRooms(const QList<RoomSummary> &rooms)
{
    Transaction transaction(database());
    QSet<qint64> kept;
    for (const auto &summary : rooms) {
        saveRoom(summary);
        kept.insert(summary.room.id);
    }
    QSqlQuery query(database());
    QList<qint64> gone;
    if (exec(query, u"SELECT id FROM rooms"_s, {})) {
        while (query.next()) {
            if (!kept.contains(query.value(0).toLongLong()))
                gone.append(query.value(0).toLongLong());
        }
    }
    query.finish();
    for (const qint64 roomId : gone)
        removeRoom(roomId);
    transaction.commit();
}

void Cache::removeRoom(qint64 roomId)
{
    QSqlQuery query(database());
    exec(query, u"DELETE FROM messages WHERE room_id = ?"_s, { roomId });
    exec(query, u"DELETE FROM rooms WHERE id = ?"_s, { roomId });
}

qint64 Cache::syncedSeq(qint64 roomId) const
{
    QSqlQuery query(database());
    if (exec(query, u"SELECT synced_seq FROM rooms WHERE id = ?"_s, { roomId }) && query.next())
        return query.value(0).toLongLong();
    return 0;
}

void Cache::setSyncedSeq(qint64 roomId, qint64 seq)
{
    QSqlQuery query(database());
    exec(query, u"UPDATE rooms SET synced_seq = ? WHERE id = ?"_s, { seq, roomId });
}

bool Cache::historyComplete(qint64 roomId) const
{
    QSqlQuery query(database());
    if (exec(query, u"SELECT history_complete FROM rooms WHERE id = ?"_s, { roomId })
        && query.next())
        return query.value(0).toBool();
    return false;
}

void Cache::setHistoryComplete(qint64 roomId, bool complete)
{
    QSqlQuery query(database());
    exec(query, u"UPDATE rooms SET history_complete = ? WHERE id = ?"_s,
         { complete ? 1 : 0, roomId });
}

void Cache::saveMessages(const QList<protocol::Event> &messages)
{
    if (messages.isEmpty())
        return;
    Transaction transaction(database());
    QSqlQuery query(database());
    query.prepare(
        u"INSERT INTO messages (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (room_id, seq) DO UPDATE SET text = excluded.text, "
        "edited_ts = excluded.edited_ts, deleted = excluded.deleted"_s.arg(kMessageColumns));
    for (const auto &message : messages) {
        if (message.kind != protocol::EventKind::Message)
            continue;
        query.addBindValue(message.room);
        query.addBindValue(message.seq);
        query.addBindValue(message.sender.id);
        query.addBindValue(message.sender.name);
        query.addBindValue(message.clientId);
        query.addBindValue(message.deleted ? QString() : message.text);
        query.addBindValue(message.timestamp);
        query.addBindValue(nullable(message.editedAt));
        query.addBindValue(message.deleted ? 1 : 0);
        if (!query.exec()) {
            m_error = query.lastError().text();
            return;
        }
    }
    transaction.commit();
}

bool Cache::applyEdit(const protocol::Event &edit)
{
    QSqlQuery query(database());
    return exec(query,
                u"UPDATE messages SET text = ?, edited_ts = ? "
                "WHERE room_id = ? AND seq = ? AND deleted = 0"_s,
                { edit.text, edit.timestamp, edit.room, edit.targetSeq })
        && query.numRowsAffected() > 0;
}

bool Cache::applyDelete(const protocol::Event &deletion)
{
    QSqlQuery query(database());
    return exec(query,
                u"UPDATE messages SET text = '', deleted = 1 WHERE room_id = ? AND seq = ?"_s,
                { deletion.room, deletion.targetSeq })
        && query.numRowsAffected() > 0;
}

QList<protocol::Event> Cache::readMessages(QSqlQuery &query) const
{
    QList<protocol::Event> messages;
    while (query.next()) {
        protocol::Event event;
        event.room = query.value(0).toLongLong();
        event.seq = query.value(1).toLongLong();
        event.kind = protocol::EventKind::Message;
        event.sender = { query.value(2).toLongLong(), query.value(3).toString() };
        event.clientId = query.value(4).toString();
        event.text = query.value(5).toString();
        event.timestamp = query.value(6).toLongLong();
        if (!query.value(7).isNull())
            event.editedAt = query.value(7).toLongLong();
        event.deleted = query.value(8).toBool();
        messages.append(event);
    }
    return messages;
}

QList<protocol::Event> Cache::newestMessages(qint64 roomId, int limit) const
{
    QSqlQuery query(database());
    if (!exec(query,
              u"SELECT %1 FROM messages WHERE room_id = ? ORDER BY seq DESC LIMIT ?"_s.arg(
                  kMessageColumns),
              { roomId, limit }))
        return {};
    return readMessages(query);
}

QList<protocol::Event> Cache::messagesBefore(qint64 roomId, qint64 seq, int limit) const
{
    QSqlQuery query(database());
    if (!exec(query,
              u"SELECT %1 FROM messages WHERE room_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?"_s
                  .arg(kMessageColumns),
              { roomId, seq, limit }))
        return {};
    return readMessages(query);
}

QList<protocol::Event> Cache::messagesAfter(qint64 roomId, qint64 seq, int limit) const
{
    QSqlQuery query(database());
    if (!exec(query,
              u"SELECT %1 FROM messages WHERE room_id = ? AND seq > ? ORDER BY seq LIMIT ?"_s.arg(
                  kMessageColumns),
              { roomId, seq, limit }))
        return {};
    return readMessages(query);
}

std::optional<protocol::Event> Cache::message(qint64 roomId, qint64 seq) const
{
    QSqlQuery query(database());
    if (!exec(query,
              u"SELECT %1 FROM messages WHERE room_id = ? AND seq = ?"_s.arg(kMessageColumns),
              { roomId, seq }))
        return std::nullopt;
    const auto messages = readMessages(query);
    return messages.isEmpty() ? std::nullopt : std::optional(messages.first());
}

qint64 Cache::oldestSeq(qint64 roomId) const
{
    QSqlQuery query(database());
    if (exec(query, u"SELECT MIN(seq) FROM messages WHERE room_id = ?"_s, { roomId })
        && query.next())
        return query.value(0).toLongLong();
    return 0;
}

qint64 Cache::newestSeq(qint64 roomId) const
{
    QSqlQuery query(database());
    if (exec(query, u"SELECT MAX(seq) FROM messages WHERE room_id = ?"_s, { roomId })
        && query.next())
        return query.value(0).toLongLong();
    return 0;
}

int Cache::messageCount(qint64 roomId) const
{
    QSqlQuery query(database());
    if (exec(query, u"SELECT COUNT(*) FROM messages WHERE room_id = ?"_s, { roomId })
        && query.next())
        return query.value(0).toInt();
    return 0;
}

void Cache::dropMessages(qint64 roomId)
{
    QSqlQuery query(database());
    exec(query, u"DELETE FROM messages WHERE room_id = ?"_s, { roomId });
    exec(query, u"UPDATE rooms SET history_complete = 0 WHERE id = ?"_s, { roomId });
}

void Cache::prune(int keepPerRoom)
{
    QSqlQuery query(database());
    QList<qint64> roomIds;
    if (exec(query, u"SELECT id FROM rooms"_s, {})) {
        while (query.next())
            roomIds.append(query.value(0).toLongLong());
    }
    query.finish();
    Transaction transaction(database());
    for (const qint64 roomId : roomIds) {
        QSqlQuery prune(database());
        exec(prune,
             u"DELETE FROM messages WHERE room_id = ? AND seq < (SELECT MIN(seq) FROM "
             "(SELECT seq FROM messages WHERE room_id = ? ORDER BY seq DESC LIMIT ?))"_s,
             { roomId, roomId, keepPerRoom });
        if (prune.numRowsAffected() > 0)
            exec(prune, u"UPDATE rooms SET history_complete = 0 WHERE id = ?"_s, { roomId });
    }
    transaction.commit();
}

QList<Invitation> Cache::invitations() const
{
    QList<Invitation> invitations;
    QSqlQuery query(database());
    if (!exec(
            query,
            u"SELECT room, by_id, by_name, received_at FROM invitations ORDER BY received_at DESC"_s,
            {}))
        return invitations;
    while (query.next()) {
        const auto room = protocol::Room::fromJson(
            QJsonDocument::fromJson(query.value(0).toString().toUtf8()).object());
        if (room)
            invitations.append({ *room,
                                 { query.value(1).toLongLong(), query.value(2).toString() },
                                 query.value(3).toLongLong() });
    }
    return invitations;
}

void Cache::saveInvitation(const Invitation &invitation)
{
    QSqlQuery query(database());
    exec(
        query,
        u"INSERT INTO invitations (room_id, room, by_id, by_name, received_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (room_id) DO UPDATE SET room = excluded.room, "
        "by_id = excluded.by_id, by_name = excluded.by_name, received_at = excluded.received_at"_s,
        { invitation.room.id,
          QString::fromUtf8(QJsonDocument(invitation.room.toJson()).toJson(QJsonDocument::Compact)),
          invitation.by.id, invitation.by.name, invitation.receivedAt });
}

void Cache::removeInvitation(qint64 roomId)
{
    QSqlQuery query(database());
    exec(query, u"DELETE FROM invitations WHERE room_id = ?"_s, { roomId });
}

void Cache::clear()
{
    Transaction transaction(database());
    QSqlQuery query(database());
    for (const auto table : { "messages"_L1, "rooms"_L1, "outbox"_L1, "invitations"_L1, "meta"_L1 })
        exec(query, u"DELETE FROM "_s + table, {});
    transaction.commit();
}

} // namespace confab::client
