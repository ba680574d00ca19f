#include "PusherHttpApi.h"

#include "ChannelName.h"
#include "Signatures.h"
#include "presence/PresenceRegistry.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QUrl>

namespace confab::server {

Q_DECLARE_LOGGING_CATEGORY(lcPusher)

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype kMaxEventNameLength = 200;

HttpAnswer json(int status, const QJsonObject &body)
{
    return { status, QJsonDocument(body).toJson(QJsonDocument::Compact), {} };
}

HttpAnswer refusal(int status, const QString &message)
{
    return json(status, { { "error"_L1, message } });
}

QString queryValue(const PusherSignature::QueryItems &query, QLatin1StringView key)
{
    for (const auto &[name, value] : query) {
        if (name == key)
            return value;
    }
    return {};
}

QStringList infoAttributes(const QString &info)
{
    QStringList attributes;
    for (const QString &part : info.split(u',', Qt::SkipEmptyParts))
        attributes << part.trimmed();
    return attributes;
}

// Checks one event of a trigger; returns a refusal or nothing.
std::optional<HttpAnswer> checkEvent(const PusherApp &app, const QJsonObject &event,
                                     const QStringList &channels)
{
    const QJsonValue name = event.value("name"_L1);
    const QJsonValue data = event.value("data"_L1);
    if (!name.isString() || name.toString().isEmpty()
        || name.toString().size() > kMaxEventNameLength)
        return refusal(400, u"name must be a string of 1 to 200 characters"_s);
    if (!data.isString())
        return refusal(400, u"data must be a string (JSON-encode objects first)"_s);
    if (data.toString().toUtf8().size() > app.limits.maxEventBytes)
        return refusal(413,
                       u"The data content of this event exceeds the allowed maximum (%1 "
                       u"bytes)"_s.arg(app.limits.maxEventBytes));
    const QJsonValue socketId = event.value("socket_id"_L1);
    if (!socketId.isUndefined() && !socketId.isNull()
        && !PusherSignature::isSocketId(socketId.toString()))
        return refusal(400, u"socket_id must be of the form 123.456"_s);
    for (const QString &channel : channels) {
        if (!ChannelName::isValid(channel))
            return refusal(400, u"Invalid channel name \"%1\""_s.arg(channel.left(200)));
    }
    return std::nullopt;
}

} // namespace

HttpAnswer PusherHttpApi::handle(const HttpRequest &request, qint64 nowS)
{
    // /apps/{id}/{rest…}
    const QList<QByteArray> segments = request.path.split('/');
    if (segments.size() < 4 || !segments.at(0).isEmpty() || segments.at(1) != "apps")
        return refusal(404, u"Not found"_s);
    const PusherApp *app = m_registry.appById(QString::fromUtf8(segments.at(2)));
    if (!app)
        return refusal(404, u"Unknown app"_s);

    const auto query = PusherSignature::parseQuery(request.query);
    const auto check = PusherSignature::checkRequest(request.method, request.path, query,
                                                     request.body, app->key, app->secret, nowS);
    if (check != PusherSignature::RequestCheck::Valid) {
        qCInfo(lcPusher).noquote() << "HTTP API request refused:" << request.method << request.path
                                   << "-" << PusherSignature::describe(check);
        return refusal(401, PusherSignature::describe(check));
    }

    const QList<QByteArray> rest = segments.mid(3);
    const auto decoded
        = [](const QByteArray &segment) { return QUrl::fromPercentEncoding(segment); };
    const bool post = request.method == "POST";
    const bool get = request.method == "GET";
    QJsonObject body;
    if (post) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(
            request.body.isEmpty() ? QByteArray("{}") : request.body, &error);
        if (!document.isObject())
            return refusal(400, u"The body must be a JSON object"_s);
        body = document.object();
    }

    if (rest.size() == 1 && rest.at(0) == "events")
        return post ? triggerEvents(*app, body) : refusal(405, u"Use POST"_s);
    if (rest.size() == 1 && rest.at(0) == "batch_events")
        return post ? triggerBatch(*app, body) : refusal(405, u"Use POST"_s);
    if (rest.size() == 1 && rest.at(0) == "channels")
        return get ? listChannels(*app, query) : refusal(405, u"Use GET"_s);
    if (rest.size() == 2 && rest.at(0) == "channels")
        return get ? describeChannel(*app, decoded(rest.at(1)), query) : refusal(405, u"Use GET"_s);
    if (rest.size() == 3 && rest.at(0) == "channels" && rest.at(2) == "users")
        return get ? listUsers(*app, decoded(rest.at(1))) : refusal(405, u"Use GET"_s);
    if (rest.size() == 3 && rest.at(0) == "users" && rest.at(2) == "terminate_connections")
        return post ? terminateConnections(*app, decoded(rest.at(1))) : refusal(405, u"Use POST"_s);
    return refusal(404, u"Not found"_s);
}

QJsonObject PusherHttpApi::channelAttributes(const PusherApp &app, const QString &channel,
                                             const QStringList &info) const
{
    const ChannelInfo state = m_registry.channel(app.id, channel);
    QJsonObject attributes;
    if (info.contains("user_count"_L1)
        && ChannelName::kindOf(channel) == ChannelName::Kind::Presence)
        attributes.insert("user_count"_L1, qint64(state.userCount));
    if (info.contains("subscription_count"_L1))
        attributes.insert("subscription_count"_L1, qint64(state.subscriptionCount));
    return attributes;
}

HttpAnswer PusherHttpApi::triggerEvents(const PusherApp &app, const QJsonObject &body)
{
    QStringList channels;
    const QJsonValue list = body.value("channels"_L1);
    if (list.isArray()) {
        for (const QJsonValue &channel : list.toArray())
            channels << channel.toString();
    } else if (body.value("channel"_L1).isString()) {
        channels << body.value("channel"_L1).toString();
    }
    if (channels.isEmpty())
        return refusal(400, u"channels (or channel) must name at least one channel"_s);
    if (channels.size() > app.limits.maxChannelsPerEvent)
        return refusal(
            400, u"An event may go to at most %1 channels"_s.arg(app.limits.maxChannelsPerEvent));
    if (const auto refused = checkEvent(app, body, channels))
        return *refused;

    const QString name = body.value("name"_L1).toString();
    const QString data = body.value("data"_L1).toString();
    const QString socketId = body.value("socket_id"_L1).toString();
    channels.removeDuplicates();
    QList<ChannelEvent> events;
    for (const QString &channel : std::as_const(channels))
        events.append({ channel, name, data, socketId, {} });
    m_registry.trigger(app.id, events);

    const QStringList info = infoAttributes(body.value("info"_L1).toString());
    if (info.isEmpty())
        return json(200, {});
    QJsonObject attributes;
    for (const QString &channel : std::as_const(channels))
        attributes.insert(channel, channelAttributes(app, channel, info));
    return json(200, { { "channels"_L1, attributes } });
}

HttpAnswer PusherHttpApi::triggerBatch(const PusherApp &app, const QJsonObject &body)
{
    const QJsonValue batch = body.value("batch"_L1);
    if (!batch.isArray() || batch.toArray().isEmpty())
        return refusal(400, u"batch must be a list of events"_s);
    const QJsonArray events = batch.toArray();
    if (events.size() > app.limits.maxBatchEvents)
        return refusal(400, u"A batch holds at most %1 events"_s.arg(app.limits.maxBatchEvents));
    // Every event is checked before any is sent, so a refused batch changes nothing.
    for (const QJsonValue &event : events) {
        const QJsonObject object = event.toObject();
        if (!object.value("channel"_L1).isString())
            return refusal(400, u"Every event of a batch needs a channel"_s);
        if (const auto refused = checkEvent(app, object, { object.value("channel"_L1).toString() }))
            return *refused;
    }
    QList<ChannelEvent> triggered;
    for (const QJsonValue &event : events) {
        const QJsonObject object = event.toObject();
        triggered.append({ object.value("channel"_L1).toString(),
                           object.value("name"_L1).toString(),
                           object.value("data"_L1).toString(),
                           object.value("socket_id"_L1).toString(),
                           {} });
    }
    // The whole batch at once, so that the other nodes hear of it in one node message.
    m_registry.trigger(app.id, triggered);
    QJsonArray attributes;
    bool anyInfo = false;
    for (const QJsonValue &event : events) {
        const QJsonObject object = event.toObject();
        const QStringList info = infoAttributes(object.value("info"_L1).toString());
        anyInfo = anyInfo || !info.isEmpty();
        attributes.append(channelAttributes(app, object.value("channel"_L1).toString(), info));
    }
    return anyInfo ? json(200, { { "batch"_L1, attributes } }) : json(200, {});
}

HttpAnswer PusherHttpApi::listChannels(const PusherApp &app,
                                       const QList<std::pair<QString, QString>> &query)
{
    const QString prefix = queryValue(query, "filter_by_prefix"_L1);
    const QStringList info = infoAttributes(queryValue(query, "info"_L1));
    if (info.contains("user_count"_L1) && !prefix.startsWith("presence-"_L1))
        return refusal(400,
                       u"user_count is only available for presence channels: add "
                       u"filter_by_prefix=presence-"_s);
    QJsonObject channels;
    for (const ChannelInfo &channel : m_registry.channels(app.id, prefix)) {
        QJsonObject attributes;
        if (info.contains("user_count"_L1))
            attributes.insert("user_count"_L1, qint64(channel.userCount));
        if (info.contains("subscription_count"_L1))
            attributes.insert("subscription_count"_L1, qint64(channel.subscriptionCount));
        channels.insert(channel.name, attributes);
    }
    return json(200, { { "channels"_L1, channels } });
}

HttpAnswer PusherHttpApi::describeChannel(const PusherApp &app, const QString &channel,
                                          const QList<std::pair<QString, QString>> &query)
{
    if (!ChannelName::isValid(channel))
        return refusal(400, u"Invalid channel name"_s);
    const QStringList info = infoAttributes(queryValue(query, "info"_L1));
    const bool presence = ChannelName::kindOf(channel) == ChannelName::Kind::Presence;
    if (info.contains("user_count"_L1) && !presence)
        return refusal(400, u"user_count is only available for presence channels"_s);
    const ChannelInfo state = m_registry.channel(app.id, channel);
    QJsonObject answer { { "occupied"_L1, state.occupied } };
    if (info.contains("user_count"_L1))
        answer.insert("user_count"_L1, qint64(state.userCount));
    if (info.contains("subscription_count"_L1))
        answer.insert("subscription_count"_L1, qint64(state.subscriptionCount));
    return json(200, answer);
}

HttpAnswer PusherHttpApi::listUsers(const PusherApp &app, const QString &channel)
{
    if (ChannelName::kindOf(channel) != ChannelName::Kind::Presence
        || !ChannelName::isValid(channel))
        return refusal(400, u"Users can only be listed for presence channels"_s);
    QJsonArray users;
    for (const QString &id : m_registry.users(app.id, channel))
        users.append(QJsonObject { { "id"_L1, id } });
    return json(200, { { "users"_L1, users } });
}

HttpAnswer PusherHttpApi::terminateConnections(const PusherApp &app, const QString &userId)
{
    if (userId.isEmpty())
        return refusal(400, u"A user id is required"_s);
    const int count = m_registry.terminateUserEverywhere(app.id, userId);
    qCInfo(lcPusher) << "terminating" << count << "connections of user" << userId
                     << "here, and those on the other nodes";
    return json(200, {});
}

} // namespace confab::server
