#include "ClusterFanout.h"

#include "ClusterBus.h"
#include "NodeMessage.h"
#include "presence/PresenceRegistry.h"

#include <QJsonArray>

#include <algorithm>

namespace confab::server {

using namespace Qt::StringLiterals;

namespace {

namespace topic {
constexpr auto RoomPush = "room_push"_L1;
constexpr auto UserPush = "user_push"_L1;
constexpr auto Membership = "membership"_L1;
constexpr auto Status = "status"_L1;
constexpr auto Events = "pusher_events"_L1;
constexpr auto Occupancy = "occupancy"_L1;
constexpr auto Members = "members"_L1;
constexpr auto Terminate = "terminate"_L1;
// "Here is my state; send me yours."
constexpr auto Hello = "hello"_L1;
// The answer to a hello.
constexpr auto Snapshot = "snapshot"_L1;
} // namespace topic

QJsonObject statusToJson(const UserStatus &status)
{
    return { { "user"_L1, status.user.toJson() },
             { "status"_L1, protocol::presenceName(status.status) } };
}

std::optional<UserStatus> statusFromJson(const QJsonObject &json)
{
    auto user = protocol::User::fromJson(json.value("user"_L1).toObject());
    auto status = protocol::presenceFromName(json.value("status"_L1).toString());
    if (!user || !status)
        return std::nullopt;
    return UserStatus { *user, *status };
}

QList<UserStatus> statusesFromJson(const QJsonArray &array)
{
    QList<UserStatus> statuses;
    for (const auto &item : array) {
        if (auto status = statusFromJson(item.toObject()))
            statuses.append(*status);
    }
    return statuses;
}

QStringList stringsFromJson(const QJsonValue &value)
{
    QStringList strings;
    for (const auto &item : value.toArray())
        strings.append(item.toString());
    return strings;
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

ClusterFanout::ClusterFanout(ClusterBus &bus, PresenceRegistry &registry, QObject *parent)
    : QObject(parent)
    , m_bus(bus)
    , m_registry(registry)
{
    connect(&bus, &ClusterBus::messageReceived, this, &ClusterFanout::onMessage,
            Qt::DirectConnection);
    connect(
        &bus, &ClusterBus::joined, this, [this] { sendSnapshot(topic::Hello, {}); },
        Qt::DirectConnection);
    connect(
        &bus, &ClusterBus::nodeAppeared, this,
        [this](const QString &node) { sendSnapshot(topic::Hello, node); }, Qt::DirectConnection);
    connect(&bus, &ClusterBus::nodeLost, this, &ClusterFanout::onNodeLost, Qt::DirectConnection);
    connectRegistry();
}

void ClusterFanout::connectRegistry()
{
    // Every connection is direct: the registry's signals come from socket threads and the
    // bus's from its own thread; both ends are thread-safe.
    PresenceRegistry *registry = &m_registry;
    connect(
        registry, &PresenceRegistry::roomPushPublished, this,
        [this](qint64 room, const QByteArray &frame, qint64 except) {
            m_bus.broadcast(topic::RoomPush,
                            { { "room"_L1, room },
                              { "except"_L1, except },
                              { "frame"_L1, QString::fromUtf8(frame) } });
        },
        Qt::DirectConnection);
    connect(
        registry, &PresenceRegistry::userPushPublished, this,
        [this](qint64 user, const QByteArray &frame) {
            m_bus.broadcast(topic::UserPush,
                            { { "user"_L1, user }, { "frame"_L1, QString::fromUtf8(frame) } });
        },
        Qt::DirectConnection);
    connect(
        registry, &PresenceRegistry::membershipChanged, this,
        [this](qint64 room, qint64 user, bool member) {
            m_bus.broadcast(topic::Membership,
                            { { "room"_L1, room }, { "user"_L1, user }, { "member"_L1, member } });
        },
        Qt::DirectConnection);
    connect(
        registry, &PresenceRegistry::localStatusChanged, this,
        [this](const UserStatus &status) { m_bus.broadcast(topic::Status, statusToJson(status)); },
        Qt::DirectConnection);
    connect(
        registry, &PresenceRegistry::triggered, this,
        [this](const QString &app, const QList<ChannelEvent> &events) {
            QJsonArray list;
            for (const ChannelEvent &event : events) {
                list.append(QJsonObject { { "channel"_L1, event.channel },
                                          { "event"_L1, event.event },
                                          { "data"_L1, event.data },
                                          { "except"_L1, event.exceptSocketId },
                                          { "user"_L1, event.userId } });
            }
            m_bus.broadcast(topic::Events, { { "app"_L1, app }, { "events"_L1, list } });
        },
        Qt::DirectConnection);
    connect(
        registry, &PresenceRegistry::localOccupancyChanged, this,
        [this](const QString &app, const QStringList &channels, bool occupied) {
            m_bus.broadcast(topic::Occupancy,
                            { { "app"_L1, app },
                              { "channels"_L1, QJsonArray::fromStringList(channels) },
                              { "occupied"_L1, occupied } });
        },
        Qt::DirectConnection);
    connect(
        registry, &PresenceRegistry::localMemberChanged, this,
        [this](const QString &app, const QStringList &channels, const PresenceMember &member,
               bool present) {
            m_bus.broadcast(topic::Members,
                            { { "app"_L1, app },
                              { "channels"_L1, QJsonArray::fromStringList(channels) },
                              { "member"_L1, memberToJson(member) },
                              { "present"_L1, present } });
        },
        Qt::DirectConnection);
    connect(
        registry, &PresenceRegistry::userTerminated, this,
        [this](const QString &app, const QString &user) {
            m_bus.broadcast(topic::Terminate, { { "app"_L1, app }, { "user"_L1, user } });
        },
        Qt::DirectConnection);
}

void ClusterFanout::onNodeLost(const QString &node)
{
    // A node that died cannot send the webhooks for its members and channels; one survivor
    // does, the same one on every node's view: the smallest node id.
    QSet<QString> live = m_bus.liveNodes();
    live.insert(m_bus.nodeId());
    const bool reportsWebhooks = *std::min_element(live.cbegin(), live.cend()) == m_bus.nodeId();
    m_registry.replaceRemote(node, {}, {}, reportsWebhooks);
}

void ClusterFanout::sendSnapshot(const QString &topicName, const QString &toNode)
{
    QJsonArray statuses;
    for (const auto &status : m_registry.localStatuses())
        statuses.append(statusToJson(status));
    QJsonObject body { { "statuses"_L1, statuses },
                       { "shares"_L1, sharesToJson(m_registry.localShares()) } };
    if (!toNode.isEmpty())
        body.insert("to"_L1, toNode);
    m_bus.broadcast(topicName, body);
}

void ClusterFanout::onMessage(const NodeMessage &message)
{
    const QJsonObject &body = message.body;
    if (message.topic == topic::RoomPush) {
        m_registry.deliverToRoom(body.value("room"_L1).toInteger(),
                                 body.value("frame"_L1).toString().toUtf8(),
                                 body.value("except"_L1).toInteger());
    } else if (message.topic == topic::UserPush) {
        m_registry.deliverToUser(body.value("user"_L1).toInteger(),
                                 body.value("frame"_L1).toString().toUtf8());
    } else if (message.topic == topic::Membership) {
        m_registry.applyMembership(body.value("room"_L1).toInteger(),
                                   body.value("user"_L1).toInteger(),
                                   body.value("member"_L1).toBool());
    } else if (message.topic == topic::Status) {
        if (auto status = statusFromJson(body))
            m_registry.setRemoteStatus(message.node, *status);
    } else if (message.topic == topic::Events) {
        const QString app = body.value("app"_L1).toString();
        for (const auto &item : body.value("events"_L1).toArray()) {
            const QJsonObject event = item.toObject();
            m_registry.publish(
                app, event.value("channel"_L1).toString(), event.value("event"_L1).toString(),
                event.value("data"_L1).toString(), event.value("except"_L1).toString(),
                event.value("user"_L1).toString());
        }
    } else if (message.topic == topic::Occupancy) {
        m_registry.setRemoteOccupied(message.node, body.value("app"_L1).toString(),
                                     stringsFromJson(body.value("channels"_L1)),
                                     body.value("occupied"_L1).toBool());
    } else if (message.topic == topic::Members) {
        m_registry.setRemoteMember(message.node, body.value("app"_L1).toString(),
                                   stringsFromJson(body.value("channels"_L1)),
                                   memberFromJson(body.value("member"_L1).toObject()),
                                   body.value("present"_L1).toBool());
    } else if (message.topic == topic::Terminate) {
        m_registry.terminateUser(body.value("app"_L1).toString(), body.value("user"_L1).toString());
    } else if (message.topic == topic::Hello || message.topic == topic::Snapshot) {
        const QString to = body.value("to"_L1).toString();
        if (!to.isEmpty() && to != m_bus.nodeId())
            return;
        m_registry.replaceRemote(message.node, sharesFromJson(body.value("shares"_L1).toArray()),
                                 statusesFromJson(body.value("statuses"_L1).toArray()), false);
        if (message.topic == topic::Hello)
            sendSnapshot(topic::Snapshot, message.node);
    }
}

} // namespace confab::server
