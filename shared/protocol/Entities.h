#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace confab::protocol {

struct User
{
    qint64 id = 0;
    QString name;

    QJsonObject toJson() const;
    static std::optional<User> fromJson(const QJsonObject &json);
    friend bool operator==(const User &, const User &) = default;
};

enum class Visibility { Public, Private };

QLatin1StringView visibilityName(Visibility visibility);
std::optional<Visibility> visibilityFromName(QStringView name);

enum class PresenceStatus { Offline, Online, Away };

QLatin1StringView presenceName(PresenceStatus status);
std::optional<PresenceStatus> presenceFromName(QStringView name);

struct Room
{
    qint64 id = 0;
    QString name;
    QString topic;
    Visibility visibility = Visibility::Public;
    qint64 createdAt = 0;
    qint64 lastSeq = 0;
    qint64 memberCount = 0;

    QJsonObject toJson() const;
    static std::optional<Room> fromJson(const QJsonObject &json);
    friend bool operator==(const Room &, const Room &) = default;
};

enum class EventKind { Message = 0, Edit = 1, Delete = 2 };

QLatin1StringView eventKindName(EventKind kind);
std::optional<EventKind> eventKindFromName(QStringView name);

// One entry of a room's timeline. Which fields are meaningful depends on the kind:
// a message has clientId, text, editedAt and deleted; an edit has targetSeq and text;
// a delete has targetSeq.
struct Event
{
    qint64 room = 0;
    qint64 seq = 0;
    EventKind kind = EventKind::Message;
    User sender;
    QString clientId;
    QString text;
    qint64 timestamp = 0;
    std::optional<qint64> editedAt;
    bool deleted = false;
    qint64 targetSeq = 0;

    QJsonObject toJson() const;
    static std::optional<Event> fromJson(const QJsonObject &json);
    // At least as many bytes as toJson() takes as compact JSON text, without making it: what a
    // reply of many events is cut by before it is built.
    qsizetype jsonSizeBound() const;
    friend bool operator==(const Event &, const Event &) = default;
};

} // namespace confab::protocol
