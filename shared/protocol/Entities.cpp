#include "protocol/Entities.h"

#include <QJsonValue>

namespace confab::protocol {

using namespace Qt::StringLiterals;

namespace {

bool isInteger(const QJsonValue &value)
{
    return value.isDouble() && value.toDouble() == double(value.toInteger());
}

} // namespace

QJsonObject User::toJson() const
{
    return { { "id"_L1, id }, { "name"_L1, name } };
}

std::optional<User> User::fromJson(const QJsonObject &json)
{
    if (!isInteger(json.value("id"_L1)) || !json.value("name"_L1).isString())
        return std::nullopt;
    return User { json.value("id"_L1).toInteger(), json.value("name"_L1).toString() };
}

QLatin1StringView visibilityName(Visibility visibility)
{
    return visibility == Visibility::Private ? "private"_L1 : "public"_L1;
}

std::optional<Visibility> visibilityFromName(QStringView name)
{
    if (name == "public"_L1)
        return Visibility::Public;
    if (name == "private"_L1)
        return Visibility::Private;
    return std::nullopt;
}

QLatin1StringView presenceName(PresenceStatus status)
{
    switch (status) {
    case PresenceStatus::Online:
        return "online"_L1;
    case PresenceStatus::Away:
        return "away"_L1;
    case PresenceStatus::Offline:
        return "offline"_L1;
    }
    Q_UNREACHABLE();
    return "offline"_L1;
}

std::optional<PresenceStatus> presenceFromName(QStringView name)
{
    for (auto status : { PresenceStatus::Online, PresenceStatus::Away, PresenceStatus::Offline }) {
        if (name == presenceName(status))
            return status;
    }
    return std::nullopt;
}

QJsonObject Room::toJson() const
{
    return { { "id"_L1, id },
             { "name"_L1, name },
             { "topic"_L1, topic },
             { "visibility"_L1, visibilityName(visibility) },
             { "created_at"_L1, createdAt },
             { "last_seq"_L1, lastSeq },
             { "member_count"_L1, memberCount } };
}

std::optional<Room> Room::fromJson(const QJsonObject &json)
{
    const auto visibility = visibilityFromName(json.value("visibility"_L1).toString());
    if (!isInteger(json.value("id"_L1)) || !json.value("name"_L1).isString() || !visibility)
        return std::nullopt;
    Room room;
    room.id = json.value("id"_L1).toInteger();
    room.name = json.value("name"_L1).toString();
    room.topic = json.value("topic"_L1).toString();
    room.visibility = *visibility;
    room.createdAt = json.value("created_at"_L1).toInteger();
    room.lastSeq = json.value("last_seq"_L1).toInteger();
    room.memberCount = json.value("member_count"_L1).toInteger();
    return room;
}

QLatin1StringView eventKindName(EventKind kind)
{
    switch (kind) {
    case EventKind::Message:
        return "message"_L1;
    case EventKind::Edit:
        return "edit"_L1;
    case EventKind::Delete:
        return "delete"_L1;
    }
    Q_UNREACHABLE();
    return "message"_L1;
}

std::optional<EventKind> eventKindFromName(QStringView name)
{
    for (auto kind : { EventKind::Message, EventKind::Edit, EventKind::Delete }) {
        if (name == eventKindName(kind))
            return kind;
    }
    return std::nullopt;
}

QJsonObject Event::toJson() const
{
    QJsonObject json { { "room"_L1, room },
                       { "seq"_L1, seq },
                       { "kind"_L1, eventKindName(kind) },
                       { "sender"_L1, sender.toJson() },
                       { "ts"_L1, timestamp } };
    switch (kind) {
    case EventKind::Message:
        json.insert("client_id"_L1, clientId);
        json.insert("text"_L1, deleted ? QString() : text);
        json.insert("edited_ts"_L1, editedAt ? QJsonValue(*editedAt) : QJsonValue());
        json.insert("deleted"_L1, deleted);
        break;
    case EventKind::Edit:
        json.insert("target_seq"_L1, targetSeq);
        json.insert("text"_L1, text);
        break;
    case EventKind::Delete:
        json.insert("target_seq"_L1, targetSeq);
        break;
    }
    return json;
}

namespace {

// At least the bytes of a string in JSON text: UTF-8, with quotes and backslashes escaped in
// two bytes and the other control characters in six (\u0001).
qsizetype jsonStringBytes(QStringView text)
{
    qsizetype bytes = 2;
    for (const QChar c : text) {
        const char16_t unit = c.unicode();
        if (unit == u'"' || unit == u'\\')
            bytes += 2;
        else if (unit < 0x20)
            bytes += 6;
        else if (unit < 0x80)
            bytes += 1;
        else if (unit < 0x800)
            bytes += 2;
        else // a surrogate pair takes 4 bytes, and a lone surrogate becomes U+FFFD's 3
            bytes += 3;
    }
    return bytes;
}

} // namespace

qsizetype Event::jsonSizeBound() const
{
    // Keys, punctuation and numbers of every kind of event fit in this many bytes.
    constexpr qsizetype kFixedBytes = 256;
    return kFixedBytes + jsonStringBytes(sender.name) + jsonStringBytes(clientId)
        + jsonStringBytes(text);
}

std::optional<Event> Event::fromJson(const QJsonObject &json)
{
    const auto kind = eventKindFromName(json.value("kind"_L1).toString());
    const auto sender = User::fromJson(json.value("sender"_L1).toObject());
    if (!kind || !sender || !isInteger(json.value("room"_L1)) || !isInteger(json.value("seq"_L1)))
        return std::nullopt;
    Event event;
    event.room = json.value("room"_L1).toInteger();
    event.seq = json.value("seq"_L1).toInteger();
    event.kind = *kind;
    event.sender = *sender;
    event.timestamp = json.value("ts"_L1).toInteger();
    event.clientId = json.value("client_id"_L1).toString();
    event.text = json.value("text"_L1).toString();
    if (isInteger(json.value("edited_ts"_L1)))
        event.editedAt = json.value("edited_ts"_L1).toInteger();
    event.deleted = json.value("deleted"_L1).toBool();
    event.targetSeq = json.value("target_seq"_L1).toInteger();
    return event;
}

} // namespace confab::protocol
