#include "ClusterFanout.h"

#include "ClusterBus.h"
#include "NodeMessage.h"
#include "hub/Hub.h"

#include <QJsonArray>

namespace confab::server {

using namespace Qt::StringLiterals;

namespace {

namespace topic {
constexpr auto RoomPush = "room_push"_L1;
constexpr auto UserPush = "user_push"_L1;
constexpr auto Membership = "membership"_L1;
constexpr auto Presence = "presence"_L1;
// "Here is my state; send me yours."
constexpr auto Hello = "hello"_L1;
// The answer to a hello.
constexpr auto Snapshot = "snapshot"_L1;
} // namespace topic

QJsonObject presenceToJson(const UserPresence &presence)
{
    QJsonArray rooms;
    for (qint64 room : presence.rooms)
        rooms.append(room);
    return { { "user"_L1, presence.user.toJson() },
             { "status"_L1, presenceName(presence.status) },
             { "rooms"_L1, rooms } };
}

std::optional<UserPresence> presenceFromJson(const QJsonObject &json)
{
    auto user = protocol::User::fromJson(json.value("user"_L1).toObject());
    auto status = presenceFromName(json.value("status"_L1).toString());
    if (!user || !status)
        return std::nullopt;
    UserPresence presence { *user, *status, {} };
    for (const auto &room : json.value("rooms"_L1).toArray())
        presence.rooms.append(room.toInteger());
    return presence;
}

QList<UserPresence> usersFromJson(const QJsonArray &array)
{
    QList<UserPresence> users;
    for (const auto &item : array) {
        if (auto presence = presenceFromJson(item.toObject()))
            users.append(*presence);
    }
    return users;
}

} // namespace

ClusterFanout::ClusterFanout(ClusterBus &bus, Hub &hub, QObject *parent)
    : QObject(parent)
    , m_bus(bus)
    , m_hub(hub)
{
    // Every connection is direct: the hub's signals come from socket threads and the bus's
    // from its own thread; both ends are thread-safe.
    connect(
        &hub, &Hub::roomPushPublished, this,
        [this](qint64 room, const QString &frame, qint64 except) {
            m_bus.broadcast(
                topic::RoomPush,
                { { "room"_L1, room }, { "except"_L1, except }, { "frame"_L1, frame } });
        },
        Qt::DirectConnection);
    connect(
        &hub, &Hub::userPushPublished, this,
        [this](qint64 user, const QString &frame) {
            m_bus.broadcast(topic::UserPush, { { "user"_L1, user }, { "frame"_L1, frame } });
        },
        Qt::DirectConnection);
    connect(
        &hub, &Hub::membershipChanged, this,
        [this](qint64 room, qint64 user, bool member) {
            m_bus.broadcast(topic::Membership,
                            { { "room"_L1, room }, { "user"_L1, user }, { "member"_L1, member } });
        },
        Qt::DirectConnection);
    connect(&hub, &Hub::localPresenceChanged, this, &ClusterFanout::announcePresence,
            Qt::DirectConnection);

    connect(&bus, &ClusterBus::messageReceived, this, &ClusterFanout::onMessage,
            Qt::DirectConnection);
    connect(
        &bus, &ClusterBus::joined, this, [this] { sendSnapshot(topic::Hello, {}); },
        Qt::DirectConnection);
    connect(
        &bus, &ClusterBus::nodeAppeared, this,
        [this](const QString &node) { sendSnapshot(topic::Hello, node); }, Qt::DirectConnection);
    connect(
        &bus, &ClusterBus::nodeLost, this,
        [this](const QString &node) { m_hub.replaceRemotePresence(node, {}); },
        Qt::DirectConnection);
}

void ClusterFanout::announcePresence(const UserPresence &presence)
{
    m_bus.broadcast(topic::Presence, presenceToJson(presence));
}

void ClusterFanout::sendSnapshot(const QString &topicName, const QString &toNode)
{
    QJsonArray users;
    for (const auto &presence : m_hub.localPresence())
        users.append(presenceToJson(presence));
    QJsonObject body { { "users"_L1, users } };
    if (!toNode.isEmpty())
        body.insert("to"_L1, toNode);
    m_bus.broadcast(topicName, body);
}

void ClusterFanout::onMessage(const NodeMessage &message)
{
    const QJsonObject &body = message.body;
    if (message.topic == topic::RoomPush) {
        m_hub.deliverToRoom(body.value("room"_L1).toInteger(), body.value("frame"_L1).toString(),
                            body.value("except"_L1).toInteger());
    } else if (message.topic == topic::UserPush) {
        m_hub.deliverToUser(body.value("user"_L1).toInteger(), body.value("frame"_L1).toString());
    } else if (message.topic == topic::Membership) {
        m_hub.applyMembership(body.value("room"_L1).toInteger(), body.value("user"_L1).toInteger(),
                              body.value("member"_L1).toBool());
    } else if (message.topic == topic::Presence) {
        if (auto presence = presenceFromJson(body))
            m_hub.setRemotePresence(message.node, *presence);
    } else if (message.topic == topic::Hello || message.topic == topic::Snapshot) {
        const QString to = body.value("to"_L1).toString();
        if (!to.isEmpty() && to != m_bus.nodeId())
            return;
        m_hub.replaceRemotePresence(message.node, usersFromJson(body.value("users"_L1).toArray()));
        if (message.topic == topic::Hello)
            sendSnapshot(topic::Snapshot, message.node);
    }
}

} // namespace confab::server
