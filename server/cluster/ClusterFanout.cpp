#include "ClusterFanout.h"

#include "ClusterBus.h"
#include "NodeMessage.h"
#include "hub/Hub.h"
#include "pusher/ChannelRegistry.h"

#include <QJsonArray>

#include <algorithm>

namespace confab::server {

using namespace Qt::StringLiterals;

namespace {

namespace topic {
constexpr auto RoomPush = "room_push"_L1;
constexpr auto UserPush = "user_push"_L1;
constexpr auto Membership = "membership"_L1;
constexpr auto Presence = "presence"_L1;
constexpr auto PusherEvents = "pusher_events"_L1;
constexpr auto PusherChannel = "pusher_channel"_L1;
constexpr auto PusherMember = "pusher_member"_L1;
constexpr auto PusherTerminate = "pusher_terminate"_L1;
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

QJsonObject memberToJson(const PresenceMember &member)
{
    QJsonObject json { { "id"_L1, member.userId } };
    // Undefined info (none in channel_data) stays absent rather than becoming null.
    if (!member.userInfo.isUndefined())
        json.insert("info"_L1, member.userInfo);
    return json;
}

PresenceMember memberFromJson(const QJsonObject &json)
{
    return { json.value("id"_L1).toString(), json.value("info"_L1) };
}

QJsonArray sharesToJson(const QList<ChannelShare> &shares)
{
    QJsonArray array;
    for (const ChannelShare &share : shares) {
        QJsonArray members;
        for (const PresenceMember &member : share.members)
            members.append(memberToJson(member));
        array.append(QJsonObject { { "app"_L1, share.appId },
                                   { "channel"_L1, share.channel },
                                   { "members"_L1, members } });
    }
    return array;
}

QList<ChannelShare> sharesFromJson(const QJsonArray &array)
{
    QList<ChannelShare> shares;
    for (const auto &item : array) {
        const QJsonObject json = item.toObject();
        ChannelShare share { json.value("app"_L1).toString(),
                             json.value("channel"_L1).toString(),
                             {} };
        for (const auto &member : json.value("members"_L1).toArray())
            share.members.append(memberFromJson(member.toObject()));
        shares.append(share);
    }
    return shares;
}

} // namespace

ClusterFanout::ClusterFanout(ClusterBus &bus, Hub &hub, ChannelRegistry *pusher, QObject *parent)
    : QObject(parent)
    , m_bus(bus)
    , m_hub(hub)
    , m_pusher(pusher)
{
    // Every connection is direct: the hub's signals come from socket threads and the bus's
    // from its own thread; both ends are thread-safe.
    connect(
        &hub, &Hub::roomPushPublished, this,
        [this](qint64 room, const QByteArray &frame, qint64 except) {
            m_bus.broadcast(topic::RoomPush,
                            { { "room"_L1, room },
                              { "except"_L1, except },
                              { "frame"_L1, QString::fromUtf8(frame) } });
        },
        Qt::DirectConnection);
    connect(
        &hub, &Hub::userPushPublished, this,
        [this](qint64 user, const QByteArray &frame) {
            m_bus.broadcast(topic::UserPush,
                            { { "user"_L1, user }, { "frame"_L1, QString::fromUtf8(frame) } });
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
    connect(&bus, &ClusterBus::nodeLost, this, &ClusterFanout::onNodeLost, Qt::DirectConnection);
    if (m_pusher)
        connectPusher();
}

void ClusterFanout::connectPusher()
{
    connect(
        m_pusher, &ChannelRegistry::triggered, this,
        [this](const QString &app, const QList<ChannelEvent> &events) {
            QJsonArray list;
            for (const ChannelEvent &event : events) {
                list.append(QJsonObject { { "channel"_L1, event.channel },
                                          { "event"_L1, event.event },
                                          { "data"_L1, event.data },
                                          { "except"_L1, event.exceptSocketId },
                                          { "user"_L1, event.userId } });
            }
            m_bus.broadcast(topic::PusherEvents, { { "app"_L1, app }, { "events"_L1, list } });
        },
        Qt::DirectConnection);
    connect(
        m_pusher, &ChannelRegistry::localOccupancyChanged, this,
        [this](const QString &app, const QString &channel, bool occupied) {
            m_bus.broadcast(
                topic::PusherChannel,
                { { "app"_L1, app }, { "channel"_L1, channel }, { "occupied"_L1, occupied } });
        },
        Qt::DirectConnection);
    connect(
        m_pusher, &ChannelRegistry::localMemberChanged, this,
        [this](const QString &app, const QString &channel, const PresenceMember &member,
               bool present) {
            m_bus.broadcast(topic::PusherMember,
                            { { "app"_L1, app },
                              { "channel"_L1, channel },
                              { "member"_L1, memberToJson(member) },
                              { "present"_L1, present } });
        },
        Qt::DirectConnection);
    connect(
        m_pusher, &ChannelRegistry::userTerminated, this,
        [this](const QString &app, const QString &user) {
            m_bus.broadcast(topic::PusherTerminate, { { "app"_L1, app }, { "user"_L1, user } });
        },
        Qt::DirectConnection);
}

void ClusterFanout::onNodeLost(const QString &node)
{
    m_hub.replaceRemotePresence(node, {});
    if (!m_pusher)
        return;
    // A node that died cannot send the webhooks for its members and channels; one survivor
    // does, the same one on every node's view: the smallest node id.
    QSet<QString> live = m_bus.liveNodes();
    live.insert(m_bus.nodeId());
    const bool reportsWebhooks = *std::min_element(live.cbegin(), live.cend()) == m_bus.nodeId();
    m_pusher->replaceRemote(node, {}, reportsWebhooks);
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
    if (m_pusher)
        body.insert("pusher"_L1, sharesToJson(m_pusher->localShares()));
    if (!toNode.isEmpty())
        body.insert("to"_L1, toNode);
    m_bus.broadcast(topicName, body);
}

void ClusterFanout::onMessage(const NodeMessage &message)
{
    const QJsonObject &body = message.body;
    if (message.topic == topic::RoomPush) {
        m_hub.deliverToRoom(body.value("room"_L1).toInteger(),
                            body.value("frame"_L1).toString().toUtf8(),
                            body.value("except"_L1).toInteger());
    } else if (message.topic == topic::UserPush) {
        m_hub.deliverToUser(body.value("user"_L1).toInteger(),
                            body.value("frame"_L1).toString().toUtf8());
    } else if (message.topic == topic::Membership) {
        m_hub.applyMembership(body.value("room"_L1).toInteger(), body.value("user"_L1).toInteger(),
                              body.value("member"_L1).toBool());
    } else if (message.topic == topic::Presence) {
        if (auto presence = presenceFromJson(body))
            m_hub.setRemotePresence(message.node, *presence);
    } else if (message.topic == topic::PusherEvents) {
        if (!m_pusher)
            return;
        const QString app = body.value("app"_L1).toString();
        for (const auto &item : body.value("events"_L1).toArray()) {
            const QJsonObject event = item.toObject();
            m_pusher->publish(app, event.value("channel"_L1).toString(),
                              event.value("event"_L1).toString(), event.value("data"_L1).toString(),
                              event.value("except"_L1).toString(),
                              event.value("user"_L1).toString());
        }
    } else if (message.topic == topic::PusherChannel) {
        if (m_pusher)
            m_pusher->setRemoteOccupied(message.node, body.value("app"_L1).toString(),
                                        body.value("channel"_L1).toString(),
                                        body.value("occupied"_L1).toBool());
    } else if (message.topic == topic::PusherMember) {
        if (m_pusher)
            m_pusher->setRemoteMember(message.node, body.value("app"_L1).toString(),
                                      body.value("channel"_L1).toString(),
                                      memberFromJson(body.value("member"_L1).toObject()),
                                      body.value("present"_L1).toBool());
    } else if (message.topic == topic::PusherTerminate) {
        if (m_pusher)
            m_pusher->terminateUser(body.value("app"_L1).toString(),
                                    body.value("user"_L1).toString());
    } else if (message.topic == topic::Hello || message.topic == topic::Snapshot) {
        const QString to = body.value("to"_L1).toString();
        if (!to.isEmpty() && to != m_bus.nodeId())
            return;
        m_hub.replaceRemotePresence(message.node, usersFromJson(body.value("users"_L1).toArray()));
        if (m_pusher)
            m_pusher->replaceRemote(message.node, sharesFromJson(body.value("pusher"_L1).toArray()),
                                    false);
        if (message.topic == topic::Hello)
            sendSnapshot(topic::Snapshot, message.node);
    }
}

} // namespace confab::server
